"""The `charter` command: create the database, load a framework, ingest figures, hand out templates."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from metrics import (
    accounts,
    cli_board,
    cli_business,
    cli_data,
    cli_demo,
    cli_hosting,
    cli_remind,
    cli_table,
    cli_tickets,
    cli_users,
    defaults,
    store,
)
from metrics.access import Action, Actor, require
from metrics.periods import parse_period

# Each command imports what it alone needs (pandas, pyarrow, pydantic, xlsxwriter and the like) when it runs:
# together they take longer to import than most commands take to run, and `--help` needs none of them.
if TYPE_CHECKING:
    import duckdb

    from metrics.figures import CheckResult, StagedFigures

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The command was called wrongly (exit 2)."""


def acting(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> Actor:
    """The person the command acts as (`--as EMAIL`), or the database's administrator."""
    return accounts.acting(con, args.as_email, accounts.login_name(args.by))


def _today(args: argparse.Namespace) -> date:
    return args.as_of or date.today()


def cmd_init(args: argparse.Namespace) -> int:
    from metrics import demo, hosting

    with store.connect(args.db, wait=args.wait, as_of=args.as_of) as con:
        before = store.schema_version(con)
        applied = store.migrate(con)
        if applied:
            print(f"Database {args.db}: schema upgraded from version {before} to {store.LATEST_VERSION}.")
        else:
            print(f"Database {args.db}: schema is up to date (version {store.LATEST_VERSION}).")
        print(_privacy(args.db))
        for line in hosting.upgrade_hosted(con, args.db, wait=args.wait):  # each hosted file too (docs/hosting.md)
            print(line)
        if args.demo:
            for line in demo.install(con, today=_today(args), by="demo", history=True):
                print(line)
    if args.demo:  # the two further demo partnerships, each in a database of its own (docs/hosting.md)
        from metrics import demo_partnerships

        for code, install in (("MKIP", demo_partnerships.install_mkip), ("SELCP", demo_partnerships.install_selcp)):
            for line in _hosted_demo(args, code, install):
                print(line)
    return EXIT_OK


def _hosted_demo(args: argparse.Namespace, code: str, install: Callable[..., list[str]]) -> list[str]:
    """Build a demo partnership into a database of its own and list it in the install; a second run tops it up."""
    from metrics import hosting

    lines: list[str] = []
    today, admin = _today(args), Actor.administrator("demo")
    if any(h.code == code for h in hosting.partnerships(args.db, wait=args.wait)):
        with store.connect(hosting.path_for(args.db, code, wait=args.wait), wait=args.wait, as_of=args.as_of) as con:
            store.migrate(con)
            return install(con, today=today, by="demo")
    hosted = hosting.add(args.db, lambda con: lines.extend(install(con, today=today, by="demo")), by=admin)
    return [*lines, f"served from {hosted.path}"]


def _privacy(db: Path) -> str:
    """Whether the database file is kept to its owner, and how to make it so if not."""
    mode = store.mode_of(db)
    if mode & 0o077:
        return f"Database {db}: others on this computer can read it (mode {mode:o}); run `chmod 600 {db}` to stop that."
    return f"Database {db}: only its owner can read or write it (mode {mode:o})."


def cmd_load_framework(args: argparse.Namespace) -> int:
    from metrics import submissions
    from metrics.framework import read_framework
    from metrics.loader import load_framework

    path = Path(args.file)
    fw = read_framework(path)
    with store.connect(args.db, wait=args.wait, create=False) as con:
        store.require_current(con, args.db)
        report = load_framework(con, fw, by=acting(con, args), sha256=submissions.sha256(path.read_bytes()))
    print(f"{path}: loaded the framework of {fw.partnership.name}.")
    for line in report.lines():
        print(line)
    return EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from metrics import ingest, submissions

    paths = [Path(name) for name in args.files]
    for path in paths:
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
    with store.connect(args.db, wait=args.wait, read_only=True) as con:  # the partnership's own limit (docs/hosting.md)
        store.require_current(con, args.db)
        limit = submissions.max_upload_bytes(con)
    # Each file is measured before it is read: one past the largest taken is refused unread.
    files = [(path, ingest.refuse_size(str(path), path.stat().st_size, limit)) for path in paths]
    read = [(path, refused, b"" if refused else path.read_bytes()) for path, refused in files]
    plain = None if any(refused for _, refused in files) else _ingest_plain(args, [(p, d) for p, _, d in read])
    if plain is not None:
        return plain
    # Brief connections either side of the check: a large file takes seconds to check, and another
    # program (the app, another `charter ingest`) may write meanwhile; the write checks again what matters.
    with store.connect(args.db, wait=args.wait, read_only=True, as_of=args.as_of) as con:
        store.require_current(con, args.db)
        acting(con, args)  # an unknown or disabled --as account is refused before any work
        cat = submissions.catalogue(con, _today(args), set(args.partner) if args.partner else None)
    checked = [(refused or submissions.check_file(data, str(path), cat), data) for path, refused, data in read]
    if _rejected(checked):
        return EXIT_REJECTED
    if args.dry_run:
        return _dry_run(args, checked)
    with store.connect(args.db, wait=args.wait, as_of=args.as_of, create=False) as con:
        store.require_current(con, args.db)
        stored = submissions.store_files(con, checked, by=acting(con, args), source="command line", checked_against=cat)
    for item in stored:
        print(item.message())
    return EXIT_OK


def _rejected(checked: list[tuple[CheckResult, bytes]]) -> bool:
    """Print the notes, and every problem to standard error; whether any file has a problem."""
    for result, _ in checked:
        for note in result.notes:
            print(note)
    if not any(result.problems for result, _ in checked):
        return False
    for result, _ in checked:
        for line in [*map(str, result.problems), *filter(None, [result.rest()])]:
            print(line, file=sys.stderr)
    n = sum(result.problem_count for result, _ in checked)
    print(f"Rejected: {n} {'problem' if n == 1 else 'problems'} to fix; nothing was loaded.", file=sys.stderr)
    return True


def _ingest_plain(args: argparse.Namespace, files: list[tuple[Path, bytes]]) -> int | None:
    """Plain CSV files (metrics/setcheck.py) checked as sets and stored on ONE connection, if every one passes
    every check: the exit code; else None, and nothing stored (the files are then checked row by row)."""
    from metrics import setcheck, submissions

    if not files or not all(setcheck.may_stage(data, str(path)) for path, data in files):
        return None
    with store.connect(args.db, wait=args.wait, read_only=args.dry_run, as_of=args.as_of, create=False) as con:
        store.require_current(con, args.db)
        actor = acting(con, args)  # an unknown or disabled --as account is refused before any work
        cat = submissions.catalogue(con, _today(args), set(args.partner) if args.partner else None)
        ready: list[tuple[StagedFigures, bytes]] = []
        for i, (path, data) in enumerate(files):
            staged = setcheck.stage(con, data, str(path), cat, f"figure_stage_{i}")
            if staged is None:
                setcheck.drop(con, *(s for s, _ in ready))
                return None
            ready.append((staged, data))
        if args.dry_run:
            require(actor, Action.SUBMIT, {code for s, _ in ready for code in s.partners})
            for s, _ in ready:
                print(f"{s.file}: {s.rows} figures would be accepted (dry run: nothing loaded)")
            return EXIT_OK
        stored = submissions.store_files(con, ready, by=actor, source="command line", checked_against=cat)
    for item in stored:
        print(item.message())
    return EXIT_OK


def _dry_run(args: argparse.Namespace, checked: list[tuple[CheckResult, bytes]]) -> int:
    """Say what would be accepted, after asking whether the acting person may submit it."""
    with store.connect(args.db, wait=args.wait, read_only=True, as_of=args.as_of) as con:
        require(acting(con, args), Action.SUBMIT, {f.partner_code for result, _ in checked for f in result.figures})
    for result, _ in checked:
        print(f"{result.file}: {len(result.figures)} figures would be accepted (dry run: nothing loaded)")
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from metrics import template

    period = parse_period(args.period)
    with store.connect(args.db, wait=args.wait, read_only=True, as_of=args.as_of) as con:
        store.require_current(con, args.db)
        code, name = template.find_partner(con, args.partner, period)
        require(acting(con, args), Action.SUBMIT, [code])  # a template holds the figures sent, approved or not
        data = template.build(con, code, period)
    out = Path(args.out)
    out.write_bytes(data)
    print(f"Wrote {out}: the {period} template for {name} ({code}).")
    return EXIT_OK


SUBMISSION_COLUMNS = ("id", "status", "file_name", "partners", "periods", "row_count", "submitted_by", "submitted_at")


def cmd_submissions(args: argparse.Namespace) -> int:
    from metrics import queries

    with store.connect(args.db, wait=args.wait, read_only=True) as con:
        store.require_current(con, args.db)
        require(acting(con, args), Action.SEE_SUBMITTED)
        names, rows = queries.submission_rows(con, status=args.status)
    if not rows:
        print("No submissions.")
        return EXIT_OK
    wanted = [names.index(name) for name in SUBMISSION_COLUMNS]
    print(cli_table.table(SUBMISSION_COLUMNS, [[row[i] for i in wanted] for row in rows]))
    return EXIT_OK


def _review(args: argparse.Namespace, approve: bool) -> int:
    from metrics import submissions

    with store.connect(args.db, wait=args.wait, create=False) as con:
        store.require_current(con, args.db)
        submissions.review(con, args.id, approve=approve, by=acting(con, args), comment=getattr(args, "reason", ""))
    print(f"Submission {args.id} {'approved' if approve else 'returned'}.")
    return EXIT_OK


def _settings() -> tuple[Path, float]:
    """The database and how long to wait for it: CHARTER_DB alone needs no checking, and so no pydantic (slow to
    import); any other CHARTER_* variable goes through the Settings model, which checks it as the app does."""
    if any(value for name, value in os.environ.items() if name.startswith("CHARTER_") and name != "CHARTER_DB"):
        from metrics.config import Settings

        settings = Settings.from_env()
        return settings.db, settings.lock_wait_seconds
    return Path(os.environ.get("CHARTER_DB") or defaults.DB), defaults.LOCK_WAIT_SECONDS


def build_parser() -> argparse.ArgumentParser:
    db, wait = _settings()
    parser = argparse.ArgumentParser(prog="charter", description=__doc__)
    parser.add_argument("--db", type=Path, default=db, help="database file (default: $CHARTER_DB or %(default)s)")
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="treat this day as today (for reports on an earlier date)",
    )
    parser.add_argument("--by", default=None, help="the name recorded with every change (default: your login)")
    parser.add_argument(
        "--as",
        dest="as_email",
        default=None,
        metavar="EMAIL",
        help="act with the role and councils of this Charter account",
    )
    parser.add_argument(
        "--partnership",
        default=None,
        metavar="CODE",
        help="act on this partnership of the install (default: the install's own; see `charter partnership list`)",
    )
    parser.set_defaults(wait=wait)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="create or upgrade the database")
    p.add_argument("--demo", action="store_true", help=f"load the demo partnership from {defaults.DEMO_DIR}")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("load-framework", help="load or update a partnership's framework file (YAML)")
    p.add_argument("file")
    p.set_defaults(func=cmd_load_framework)

    p = sub.add_parser("ingest", help="check and load quarterly metric files (CSV, XLSX, ODS)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="check only; load nothing")
    p.add_argument(
        "--partner", action="append", metavar="CODE", help="only accept figures for this partner (repeat for more)"
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("template", help="write the spreadsheet an officer fills in")
    p.add_argument("--partner", required=True, metavar="CODE")
    p.add_argument("--period", required=True, metavar="PERIOD", help="e.g. 2025/26 Q1")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("submissions", help="list submissions")
    p.add_argument("--status", choices=["submitted", "approved", "returned"])
    p.set_defaults(func=cmd_submissions)

    p = sub.add_parser("approve", help="approve a submission so members see its figures")
    p.add_argument("id", type=int)
    p.set_defaults(func=lambda a: _review(a, True))

    p = sub.add_parser("return", help="return a submission to the officer with a reason")
    p.add_argument("id", type=int)
    p.add_argument("--reason", required=True)
    p.set_defaults(func=lambda a: _review(a, False))
    cli_tickets.register(sub)
    cli_board.register(sub)
    cli_users.register(sub)
    cli_demo.register(sub)
    cli_data.register(sub)
    cli_business.register(sub)
    cli_remind.register(sub)
    cli_hosting.register(sub)
    return parser


# The errors said plainly, by the module that defines each: (module, class, exit code).
_KNOWN: tuple[tuple[str, str, int], ...] = (
    (__name__, "UsageError", EXIT_USAGE),
    ("metrics.periods", "PeriodError", EXIT_USAGE),
    ("metrics.template", "TemplateError", EXIT_USAGE),
    ("metrics.framework", "FrameworkError", EXIT_REJECTED),  # its message names the file and line itself
    ("metrics.submissions", "SubmissionError", EXIT_REJECTED),
    ("metrics.store", "StoreError", EXIT_REJECTED),
    ("metrics.demo", "DemoRefused", EXIT_REJECTED),
    ("metrics.access", "AccessDenied", EXIT_REJECTED),
    ("metrics.accounts", "AccountError", EXIT_REJECTED),
    ("metrics.notices", "SettingsError", EXIT_REJECTED),
    ("metrics.mail", "MailError", EXIT_REJECTED),
    ("metrics.remind", "RemindError", EXIT_REJECTED),
    ("metrics.cli_remind", "MeetingError", EXIT_REJECTED),
    ("builtins", "OSError", EXIT_REJECTED),  # a file that cannot be read or written, said rather than a traceback
)


def _known() -> list[tuple[type[Exception], int]]:
    """The classes of `_KNOWN` whose modules are loaded: a module never imported cannot have raised its error,
    and importing them all to find out would cost the command most of its time."""
    return [(getattr(sys.modules[mod], name), code) for mod, name, code in _KNOWN if mod in sys.modules]


def _describe(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    return str(exc)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    try:
        if args.partnership and args.command not in ("partnership", "init"):
            from metrics import hosting

            host, args.db = args.db, hosting.path_for(args.db, args.partnership, wait=args.wait)
            done = func(args)
            if args.command == "load-framework" and args.db != host:  # the install's list shows the new name
                hosting.refresh(host, args.db, wait=args.wait)
            return done
        return func(args)
    except tuple(kind for kind, _ in _known()) as exc:
        kind, code = next((kind, code) for kind, code in _known() if isinstance(exc, kind))
        bare = kind.__module__ == "metrics.framework"
        print(str(exc) if bare else f"charter {args.command}: {_describe(exc)}", file=sys.stderr)
        return code
