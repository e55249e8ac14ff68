"""`charter tickets FILE`: import a service desk export and submit the ICT figures it gives (issue 7)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metrics import accounts, store
from metrics.access import Action, require

if TYPE_CHECKING:  # tickets brings pyarrow, slow to import: only `charter tickets` loads it
    from metrics import tickets

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def register(subparsers: Any) -> None:
    """Add the `tickets` command to the `charter` command's subparsers."""
    p = subparsers.add_parser(
        "tickets",
        help="import a service desk export (CSV or XLSX) and submit the ICT figures it gives",
        description="Import a service desk ticket export (the canonical format, ServiceNow's incident list, or "
        "another tool's through a saved column mapping); the KPI figures it gives are submitted for approval.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--partner", metavar="CODE", help="the partner council of every ticket in the file")
    p.add_argument(
        "--skip-bad-rows", action="store_true", help="leave out rows that cannot be used (they are recorded)"
    )
    p.add_argument("--dry-run", action="store_true", help="check only; store nothing")
    p.add_argument("--source", metavar="NAME", help="the tool the export comes from: use (and save) its column mapping")
    p.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=HEADER",
        help="read the file's column HEADER as the ticket field FIELD (saved under --source); repeat for more",
    )
    p.add_argument(
        "--map-partner",
        action="append",
        default=[],
        metavar="VALUE=CODE",
        help="read VALUE in the partner column as partner CODE (saved for later imports); repeat for more",
    )
    p.add_argument(
        "--missing",
        metavar="TEXT",
        help='the text the export writes in a blank cell, read as blank (ServiceNow\'s event log: --missing "?")',
    )
    p.set_defaults(func=cmd_tickets)


def _pairs(items: list[str], flag: str) -> dict[str, str]:
    from metrics import tickets

    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.rpartition("=")
        if not sep or not key.strip() or not value.strip():
            raise tickets.TicketUsageError(f"{flag} needs the form A=B, not '{item}'")
        out[key.strip()] = value.strip()
    return out


def _missing(text: str | None) -> str | None:
    from metrics import tickets

    if text is not None and not text.strip():
        raise tickets.TicketUsageError('--missing needs the text that marks a blank cell, e.g. --missing "?"')
    return None if text is None else text.strip()


def cmd_tickets(args: argparse.Namespace) -> int:
    """Exit 0 when imported (or nothing changed), 1 when refused, 2 when called wrongly."""
    from metrics import tickets

    path = Path(args.file)
    try:
        if not path.is_file():
            raise tickets.TicketUsageError(f"{args.file}: no such file")
        if args.column and not args.source:
            raise tickets.TicketUsageError("--column needs --source NAME, the name the mapping is saved under")
        options = tickets.Options(
            partner=args.partner.upper() if args.partner else None,
            source=args.source,
            columns=_pairs(args.column, "--column"),
            partner_map={k: v.upper() for k, v in _pairs(args.map_partner, "--map-partner").items()},
            missing=_missing(args.missing),
        )
        return _run(args, path, options)
    except tickets.BadRowsRefused as exc:
        print(f"{exc}.", file=sys.stderr)
        for line in exc.check.lines():
            print(line, file=sys.stderr)
        print(
            "Correct those rows and import the file again, or use --skip-bad-rows to leave them out "
            "(what is left out is recorded).",
            file=sys.stderr,
        )
        return EXIT_REJECTED
    except tickets.TicketUsageError as exc:
        print(f"charter tickets: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except tickets.TicketError as exc:
        print(f"charter tickets: {exc}", file=sys.stderr)
        return EXIT_REJECTED


def _run(args: argparse.Namespace, path: Path, options: tickets.Options) -> int:
    from metrics import tickets

    today: date = args.as_of or date.today()
    with store.connect(args.db, wait=args.wait, as_of=args.as_of, create=False) as con:
        store.require_current(con, args.db)
        actor = accounts.acting(con, args.as_email, accounts.login_name(args.by))
        if args.dry_run:
            found = tickets.check(con, path, path.name, options)
            require(actor, Action.SUBMIT, found.partners)
            print(
                f"{path.name}: {found.layout.format} export, {found.rows_read:,} rows, {found.good:,} good, "
                f"{found.bad_total:,} bad (dry run: nothing stored)"
            )
            for line in filter(None, [found.fold_line(), *found.lines()]):
                print(line)
            return EXIT_OK
        done = tickets.import_export(
            con,
            path,
            path.name,
            by=actor,
            today=today,
            options=options,
            skip_bad_rows=args.skip_bad_rows,
        )
    print(done.message())
    return EXIT_OK
