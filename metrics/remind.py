"""One run of reminders (`charter remind`, docs/reminders.md): gather every source's notices, keep for each active
account the ones it has not had and wants, and send each person one e-mail holding them all.

The database is open only to gather (read-only) and, after each e-mail the server accepted, to record it: never
while the mail server is being talked to, so the app and other commands can write meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb

from metrics import accounts, mail, queries
from metrics.notice_sources import SOURCES, Context
from metrics.notices import Notice, RemindSettings, already_sent, unwanted


class RemindError(Exception):
    """A run could not gather or send its notices; what was not sent waits for the next run."""


@dataclass(frozen=True)
class Letter:
    """One e-mail: to one person, every notice for them."""

    email: str
    name: str
    notices: tuple[Notice, ...]


@dataclass(frozen=True)
class Plan:
    """What a run sends: the letters, and the notices that reach no one (with why)."""

    partnership: str
    today: date
    settings: RemindSettings
    letters: tuple[Letter, ...]
    unreached: tuple[Notice, ...]


def gather(con: duckdb.DuckDBPyConnection, today: date, settings: RemindSettings) -> Plan:
    """Every notice due on `today`, sorted into letters; nothing sent before, nothing a person turned off,
    nothing to a disabled account."""
    info = queries.partnership(con)
    if info is None:
        raise RemindError("no partnership is loaded yet, so there is nothing to remind anyone of")
    people = tuple(a for a in accounts.list_accounts(con) if not a.disabled)
    ctx = Context(today, settings, info.data_due_days, people)
    found = [notice for source in SOURCES for notice in source.gather(con, ctx)]
    sent, off = already_sent(con), unwanted(con)
    names = {a.email: a.name or a.email for a in people}
    mine: dict[str, list[Notice]] = {}
    for notice in found:
        for email in notice.to:
            if email in names and (notice.key, email) not in sent and (email, notice.kind) not in off:
                mine.setdefault(email, []).append(notice)
    letters = tuple(Letter(e, names[e], tuple(mine[e])) for e in sorted(mine))
    unreached = tuple(n for n in found if not n.to)
    return Plan(info.name, today, settings, letters, unreached)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def describe(plan: Plan) -> list[str]:
    """What a dry run prints: per person, each notice and its links; then the notices that reach no one."""
    total = sum(len(letter.notices) for letter in plan.letters)
    lines = [
        f"Dry run for {plan.today:%-d %B %Y}: {_count(len(plan.letters), 'e-mail')} with {_count(total, 'notice')} "
        "would be sent (nothing is sent or recorded)."
    ]
    for letter in plan.letters:
        who = letter.email if letter.name == letter.email else f"{letter.email} ({letter.name})"
        lines += ["", f"To {who}, {_count(len(letter.notices), 'notice')}:"]
        for notice in letter.notices:
            lines.append(f"  - {notice.title}")
            lines += [f"      {label}: {url}" for label, url in notice.links]
    return lines + unreached(plan)


def unreached(plan: Plan) -> list[str]:
    if not plan.unreached:
        return []
    return ["", f"No one to send to ({len(plan.unreached)}):"] + [
        f"  - {notice.title}: {notice.unreached}" for notice in plan.unreached
    ]


def deliver(
    plan: Plan,
    smtp: mail.SmtpSettings,
    record: Callable[[Letter], None],
    say: Callable[[str], None],
) -> list[str]:
    """Send every letter over one connection, recording each as soon as the server has it. A refused address is
    skipped (and returned); a lost server stops the run, and what was not sent waits for the next run."""
    if not plan.letters:
        say(f"Nothing new to send on {plan.today:%-d %B %Y}.")
        return []
    prefs, refused = plan.settings.url("notices"), []
    sent: list[Letter] = []
    tried = 0
    try:
        with mail.Mailer(smtp) as mailer:
            for tried, letter in enumerate(plan.letters):  # noqa: B007 - `tried` says where a lost server stopped
                message = mail.compose(smtp, letter.email, letter.name, plan.partnership, list(letter.notices), prefs)
                try:
                    mailer.send(message)
                except mail.Refused as exc:
                    refused.append(str(exc))
                    continue
                record(letter)
                sent.append(letter)
                say(f"Sent to {letter.email}: {_count(len(letter.notices), 'notice')}.")
    except mail.MailError as exc:
        left = plan.letters[tried:]
        waiting = sum(len(letter.notices) for letter in left)
        done = "nothing was sent" if not sent else f"{_count(len(sent), 'e-mail')} went out"
        raise RemindError(
            f"{exc}; {done}, and {_count(len(left), 'e-mail')} ({_count(waiting, 'notice')}) "
            "will be sent on the next run"
        ) from None
    say(f"Sent {_count(len(sent), 'e-mail')} with {_count(sum(len(x.notices) for x in sent), 'notice')}.")
    return refused
