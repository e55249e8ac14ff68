"""`charter business load KIND FILE`: load a business file (money, options, agreement, risks, contracts) whole.

The kinds, by the name the command takes: each names the module and `Kind` that reads it, so that `--help`
imports none of them (pydantic is slow to import). Adding a kind is one line here.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metrics import accounts, store

if TYPE_CHECKING:
    from metrics.business_files import Kind

KINDS: dict[str, str] = {
    "cost-shares": "metrics.money_files:COST_SHARES",
    "charges": "metrics.money_files:CHARGES",
    "one-off-costs": "metrics.money_files:ONE_OFF_COSTS",
    "savings": "metrics.money_files:SAVINGS",
    "options": "metrics.money_files:OPTIONS",
    "agreement": "metrics.money_files:AGREEMENT",
    "risks": "metrics.risk_files:RISKS",
    "risk-scores": "metrics.risk_files:RISK_SCORES",
    "risk-objectives": "metrics.risk_files:RISK_OBJECTIVES",
    "contracts": "metrics.risk_files:CONTRACTS",
    "benchmarks": "metrics.benchmarks:BENCHMARKS",
}


def kind(name: str) -> Kind:
    """The `Kind` the command line calls `name` (a key of KINDS)."""
    module, attribute = KINDS[name].split(":")
    found: Kind = getattr(importlib.import_module(module), attribute)
    return found


def cmd_load(args: argparse.Namespace) -> int:
    from metrics.business_files import BusinessFileRefused, load

    path = Path(args.file)
    data = path.read_bytes()
    with store.connect(args.db, wait=args.wait, create=False, as_of=args.as_of) as con:
        store.require_current(con, args.db)
        by = accounts.acting(con, args.as_email, accounts.login_name(args.by))
        try:
            print(load(con, data, str(path), kind(args.kind), by))
        except BusinessFileRefused as exc:
            print(str(exc), file=sys.stderr)
            return 1
    return 0


def register(subparsers: Any) -> None:
    """Add `charter business` to the `charter` command's subparsers."""
    p = subparsers.add_parser("business", help="load the partnership's money, options and agreement files")
    sub = p.add_subparsers(dest="business_command", required=True, metavar="ACTION")
    load = sub.add_parser("load", help="check a file and load it whole, or refuse it whole (CSV, XLSX, ODS)")
    load.add_argument("kind", choices=list(KINDS), metavar="KIND", help=f"one of {', '.join(KINDS)}")
    load.add_argument("file", metavar="FILE")
    load.set_defaults(func=cmd_load)
    bench = subparsers.add_parser(
        "benchmarks", help="load quartiles per KPI and period (as `business load benchmarks`)"
    )
    bench.add_argument("file", metavar="FILE")
    bench.set_defaults(func=cmd_load, kind="benchmarks")
