"""`charter remind` (one run of notices by e-mail) and `charter meeting plan|list` (the board's meetings to come,
each preceded by a digest). docs/reminders.md says how to run it daily."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from metrics import accounts, audit, store
from metrics.access import Action, require
from metrics.periods import parse_period


class MeetingError(Exception):
    """A board meeting that cannot be planned as asked; nothing was written."""


def _today(args: argparse.Namespace) -> date:
    return args.as_of or date.today()


def cmd_remind(args: argparse.Namespace) -> int:
    if args.every_partnership:
        return _remind_every(args)
    return _remind(args)


def _remind_every(args: argparse.Namespace) -> int:
    """One run for each partnership the install serves, its own first (docs/reminders.md): the settings and the
    mail server are checked once for all; a partnership that cannot be reminded now is said, and the others go on."""
    from metrics import hosting, mail, notices, remind
    from metrics.access import AccessDenied
    from metrics.cli import UsageError

    if args.partnership:
        raise UsageError("--every-partnership covers every partnership the install serves: leave out --partnership")
    path = notices.secrets_path(args.secrets)
    secrets = notices.read_secrets(path)
    notices.remind_settings(secrets, path)
    if not args.dry_run:
        mail.smtp_settings(secrets, path)
    worst = 0
    for where in hosting.partnerships(args.db, wait=args.wait):
        print(f"{where.code} ({where.name}):")
        one = argparse.Namespace(**{**vars(args), "db": where.path, "partnership": None if where.home else where.code})
        try:
            worst = max(worst, _remind(one))
        except (store.StoreError, AccessDenied, accounts.AccountError, remind.RemindError) as exc:
            print(f"charter remind: {where.code}: {exc}", file=sys.stderr)
            worst = max(worst, 1)
    return worst


def _remind(args: argparse.Namespace) -> int:
    from metrics import mail, notices, remind

    path = notices.secrets_path(args.secrets)
    secrets = notices.read_secrets(path)
    settings = notices.remind_settings(secrets, path)
    smtp = None if args.dry_run else mail.smtp_settings(secrets, path)  # a bad [smtp] is said before any work
    today = _today(args)
    with store.connect(args.db, wait=args.wait, read_only=True, as_of=args.as_of) as con:
        store.require_current(con, args.db)
        # A run reads every council's figures and writes to people about them: the performance lead's job.
        require(accounts.acting(con, args.as_email, accounts.login_name(args.by)), Action.USERS, con=con)
        if args.partnership:  # a hosted partnership: its people's links must open it, not the install's own
            settings = dataclasses.replace(settings, partnership=str(args.partnership).strip().upper())
        plan = remind.gather(con, today, settings)
    if smtp is None:
        print("\n".join(remind.describe(plan)))
        return 0

    def record(letter: remind.Letter) -> None:
        with store.connect(args.db, wait=args.wait, create=False) as con:
            notices.record_sent(con, letter.email, list(letter.notices), today)

    refused = remind.deliver(plan, smtp, record, print)
    for line in remind.unreached(plan):
        print(line)
    for problem in refused:
        print(f"charter remind: {problem}; that person's notices will be tried again on the next run", file=sys.stderr)
    return 1 if refused else 0


def cmd_plan(args: argparse.Namespace) -> int:
    from metrics.board import BoardError, parse_day

    try:
        day = parse_day(args.date)
    except BoardError as exc:
        raise MeetingError(str(exc).rstrip(".")) from None
    period = str(parse_period(args.quarter)) if args.quarter else None
    if day < _today(args):
        raise MeetingError(f"{day:%-d %B %Y} has passed: plan a meeting to come (record one held on Board review)")
    with store.connect(args.db, wait=args.wait, create=False) as con:
        store.require_current(con, args.db)
        actor = accounts.acting(con, args.as_email, accounts.login_name(args.by))
        require(actor, Action.REVIEW, con=con)
        with store.transaction(con):
            before = con.execute("SELECT period FROM core.board_meeting_plan WHERE held_on = $d", {"d": day}).fetchall()
            con.execute(
                "INSERT OR REPLACE INTO core.board_meeting_plan VALUES ($d, $p, $by, $at)",
                {"d": day, "p": period, "by": actor.email, "at": datetime.now()},
            )
            audit.record(con, actor, "plan meeting", "board meeting plan", day,
                         {"period": before[0][0]} if before else None, {"period": period})  # fmt: skip
    print(f"Board meeting planned for {day:%-d %B %Y}" + (f", reviewing {period}." if period else "."))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with store.connect(args.db, wait=args.wait, read_only=True) as con:
        store.require_current(con, args.db)
        rows = con.execute(
            "SELECT held_on, period FROM core.board_meeting_plan WHERE held_on >= $d ORDER BY held_on",
            {"d": _today(args)},
        ).fetchall()
    if not rows:
        print("No board meetings planned: add one with `charter meeting plan YYYY-MM-DD`.")
    for held_on, period in rows:
        print(f"{held_on:%Y-%m-%d}\t{period or 'the latest quarter whose figures are due by then'}")
    return 0


def register(sub: Any) -> None:
    """Add `remind` and `meeting` to the `charter` command's subparsers."""
    p = sub.add_parser("remind", help="e-mail the notices due today (figures, submissions, actions, board digest)")
    p.add_argument("--dry-run", action="store_true", help="print, per person, what would be sent; send nothing")
    p.add_argument(
        "--every-partnership", action="store_true",
        help="one run for each partnership the install serves, its own first (see `charter partnership list`)",
    )  # fmt: skip
    p.add_argument(
        "--secrets", type=Path, metavar="FILE",
        help="the file with [smtp] and [reminders] (default: $CHARTER_SECRETS or .streamlit/secrets.toml)",
    )  # fmt: skip
    p.set_defaults(func=cmd_remind)
    meeting = sub.add_parser("meeting", help="plan the board's meetings (a digest is e-mailed before each)")
    verbs = meeting.add_subparsers(dest="verb", required=True, metavar="VERB")
    p = verbs.add_parser("plan", help="plan a board meeting on a day to come")
    p.add_argument("date", metavar="DATE", help="e.g. 2026-01-20 or 20/01/2026")
    p.add_argument("--quarter", metavar="PERIOD", help="the quarter it reviews (default: the latest due by then)")
    p.set_defaults(func=cmd_plan)
    p = verbs.add_parser("list", help="list the board meetings planned")
    p.set_defaults(func=cmd_list)
