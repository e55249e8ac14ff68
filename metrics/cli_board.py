"""`charter boardpack`: the strategy board's pack for a quarter, as PDF (and its tables as XLSX and CSV)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from metrics import accounts, store
from metrics.access import Action, require
from metrics.periods import PeriodError, last_complete_quarter, parse_period


def cmd_boardpack(args: argparse.Namespace) -> int:
    from metrics import boardpack  # reportlab, altair and pandas take seconds: only load them for a pack

    period = parse_period(args.period)
    today = args.as_of or date.today()
    if period.is_annual:
        raise PeriodError(f"a board pack covers one quarter: write e.g. {period} Q4")
    latest = last_complete_quarter(today)
    if period > latest:
        raise PeriodError(
            f"{period} has not ended yet (it ends on {period.end:%-d %B %Y}); the latest quarter is {latest}"
        )
    try:
        with store.connect(args.db, wait=args.wait, read_only=True, as_of=args.as_of) as con:
            store.require_current(con, args.db)
            # The pack holds the board's own record (reviews, decisions, actions): for the board, as its page is.
            require(accounts.acting(con, args.as_email, accounts.login_name(args.by)), Action.REVIEW)
            pack = boardpack.gather(con, period, today)
    except boardpack.PackError as exc:
        print(f"charter boardpack: {exc}", file=sys.stderr)
        return 1
    written = [_write(Path(args.out), boardpack.pdf_bytes(pack))]
    if args.xlsx:
        written.append(_write(Path(args.xlsx), boardpack.xlsx_bytes(pack)))
    if args.csv:
        folder = Path(args.csv)
        folder.mkdir(parents=True, exist_ok=True)
        written += [_write(folder / name, data) for name, data in boardpack.csv_files(pack).items()]
    objectives, actions = len(pack.under_review), len(pack.actions)
    print(
        f"Wrote the {period} board pack: {objectives} objective{'s' * (objectives != 1)} under review, "
        f"{actions} open action{'s' * (actions != 1)}."
    )
    for path in written:
        print(f"  {path}")
    return 0


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def register(subparsers: Any) -> None:
    """Add the board's commands to the `charter` command's subparsers."""
    p = subparsers.add_parser("boardpack", help="write the strategy board's pack for a quarter (PDF)")
    p.add_argument("--period", required=True, metavar="PERIOD", help="the quarter reviewed, e.g. 2025/26 Q2")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.add_argument("--xlsx", metavar="FILE.xlsx", help="also write the pack's tables as a spreadsheet")
    p.add_argument("--csv", metavar="FOLDER", help="also write each of the pack's tables as a CSV file in FOLDER")
    p.set_defaults(func=cmd_boardpack)
