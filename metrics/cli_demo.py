"""`charter demo --partners N --years Y --seed S`: build a synthetic partnership of any size (issue 8)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from typing import Any

from metrics import store

EXIT_OK, EXIT_REJECTED = 0, 1


def register(subparsers: Any) -> None:
    """Add the `demo` command to the `charter` command's subparsers."""
    p = subparsers.add_parser(
        "demo",
        help="build a synthetic, illustrative partnership of any size (for trying Charter at scale)",
        description="Create (or upgrade) the database and load a synthetic partnership: N councils, K KPIs, one "
        "objective per KPI and Y years of quarterly figures, and a year of service desk tickets for each council "
        "(imported as any export is, giving the five service desk KPIs' figures), all made up and the same for "
        "the same seed.",
    )
    p.add_argument("--partners", type=int, required=True, metavar="N", help="number of councils")
    p.add_argument("--years", type=int, required=True, metavar="Y", help="years of quarterly figures")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="the same seed gives the same figures")
    p.add_argument(
        "--kpis",
        type=int,
        default=60,
        metavar="K",
        help="number of KPIs besides the service desk's (default %(default)s)",
    )
    p.add_argument(
        "--no-tickets", action="store_true", help="leave out the service desk tickets and the KPIs they give"
    )
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from metrics import synthetic  # pyarrow, pandas and pydantic: only for this command
    from metrics.demo import DemoRefused

    today: date = args.as_of or date.today()
    size = synthetic.Size(args.partners, args.years, args.seed, args.kpis, tickets=not args.no_tickets)
    start = time.perf_counter()
    try:
        with store.connect(args.db, wait=args.wait, as_of=args.as_of) as con:
            store.migrate(con)
            lines = synthetic.install(con, size, today=today, by=args.by or "demo")
    except DemoRefused as exc:
        print(f"charter demo: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    for line in lines:
        print(line)
    print(f"Built {args.db} in {time.perf_counter() - start:.1f} s.")
    return EXIT_OK
