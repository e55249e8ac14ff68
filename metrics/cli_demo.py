"""`charter demo --partners N --years Y --seed S`: a synthetic partnership of any size (issue 8); `--partnerships P`:
many small ones in one install (docs/hosting.md)."""

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
    size = p.add_mutually_exclusive_group(required=True)
    size.add_argument("--partners", type=int, metavar="N", help="number of councils (with --years)")
    size.add_argument(
        "--partnerships",
        type=int,
        metavar="P",
        help="instead, P small partnerships of 3 to 8 councils each (20 KPIs, 3 years), the first in the database "
        "itself and the others hosted beside it (docs/hosting.md)",
    )
    p.add_argument("--years", type=int, metavar="Y", help="years of quarterly figures (with --partners)")
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
    if args.partnerships is not None:
        return _many(args, today)
    if args.years is None:
        raise DemoRefused("give --years Y with --partners N: how many years of quarterly figures to make")
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


def _many(args: argparse.Namespace, today: date) -> int:
    """`charter demo --partnerships P`: P synthetic partnerships of 3 to 8 councils, P01 in the database itself."""
    import random

    from metrics import hosting, synthetic
    from metrics.access import Actor
    from metrics.demo import DemoRefused

    if not 1 <= args.partnerships <= 99:
        raise DemoRefused(f"--partnerships is 1 to 99, not {args.partnerships}")
    rng = random.Random(f"partnerships-{args.seed}")  # noqa: S311 (made-up figures, not secrets)
    start, by = time.perf_counter(), args.by or "demo"
    for n in range(1, args.partnerships + 1):
        code, councils = f"P{n:02d}", rng.randint(3, 8)

        def build(con: Any, code: str = code, councils: int = councils, seed: int = args.seed + n) -> list[str]:
            return synthetic.install_many_member(con, code, councils, seed, today=today, by=by)

        if n == 1:
            with store.connect(args.db, wait=args.wait, as_of=args.as_of) as con:
                store.migrate(con)
                build(con)
        elif not any(h.code == code for h in hosting.partnerships(args.db, wait=args.wait)):
            hosting.add(args.db, build, by=Actor.administrator(by), wait=args.wait)
        print(f"{code}: {councils} councils")
    print(f"Built {args.partnerships} partnerships in {args.db} in {time.perf_counter() - start:.1f} s.")
    return EXIT_OK
