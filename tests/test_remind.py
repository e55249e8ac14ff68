"""`charter remind` through a real SMTP server (aiosmtpd) on 127.0.0.1: who gets what, the links, each notice sent
once, nothing to a disabled account, no password anywhere, a broken server said plainly, and people's choices."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from metrics import accounts, board, notices, store, submissions
from metrics.access import AccessDenied, Actor
from metrics.board import ActionInput
from metrics.notice_sources import KINDS
from tests.browser import free_port
from tests.conftest import AS_OF, charter, table_contents

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
ADMIN = Actor.administrator("tests")
PASSWORD = "s3cret-Pa55word-for-smtp"  # noqa: S105 - the test mail server's password, looked for in every output
ACCOUNT_PASSWORD = "a long enough secret 42"  # noqa: S105 - a test account's password
BASE = "https://charter.example.gov.uk"
MO, HINA, LEAD, CHAIR, GONE = (
    "mo@melton.example", "hina@hinckley-bosworth.example", "lead@lictp.example", "chair@lictp.example",
    "gone@melton.example",
)  # fmt: skip
PARTNERSHIP = "Leicestershire ICT Partnership"
Q2 = "quarter=2025%2F26%20Q2"
RETURNED = "DS01 for Q1 looks doubled: check the source and send it again"


@dataclass
class Server:
    """A running SMTP server and what it received: (envelope recipients, the parsed message)."""

    port: int
    received: list[tuple[list[str], EmailMessage]]

    def by_recipient(self) -> dict[str, EmailMessage]:
        out: dict[str, EmailMessage] = {}
        for rcpts, message in self.received:
            for rcpt in rcpts:
                assert rcpt not in out, f"{rcpt} got two e-mails in one run"
                out[rcpt] = message
        return out


class _Handler:
    def __init__(self, received: list[tuple[list[str], EmailMessage]]) -> None:
        self.received = received

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's name
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"charter",
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def server() -> Iterator[Server]:
    """aiosmtpd on 127.0.0.1, requiring a user name and password (over a plain connection, for the test)."""
    found = Server(free_port(), [])
    controller = Controller(
        _Handler(found.received), hostname="127.0.0.1", port=found.port, authenticator=_authenticator,
        auth_required=True, auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    yield found
    controller.stop()


def secrets(folder: Path, port: int, password: str = PASSWORD, **extra: str) -> Path:
    path = folder / "secrets.toml"
    smtp = {"host": "127.0.0.1", "port": port, "security": "none", "username": "charter", "password": password,
            "from_address": "charter@lictp.example"} | extra  # fmt: skip
    body = "\n".join(f"{k} = {v if isinstance(v, int) else repr(v)}" for k, v in smtp.items())
    path.write_text(f'[reminders]\nbase_url = "{BASE}/"\n\n[smtp]\n{body}\n', encoding="utf-8")
    return path


@pytest.fixture
def people(demo_db: Path) -> dict[str, int]:
    """Accounts for MBC and HBBC officers, the lead, the chair and a disabled MBC officer; a returned submission of
    Mo's, two board actions (the chair's overdue, Mo's due in five days) and a board meeting in five days."""
    with store.connect(demo_db, as_of=AS_OF) as con:
        for email, role, partners, name in (
            (MO, "officer", ["MBC"], "Mo Officer"), (HINA, "officer", ["HBBC"], "Hina Officer"),
            (LEAD, "admin", [], "Pat Lead"), (CHAIR, "board", [], "Chris Chair"), (GONE, "officer", ["MBC"], ""),
        ):  # fmt: skip
            accounts.add_user(con, ADMIN, email=email, role=role, partners=partners, name=name)
        accounts.set_disabled(con, ADMIN, GONE)
        mo = accounts.get_account(con, MO)
        assert mo is not None
        data = b"partner,period,kpi,value,note\nMBC,2025/26 Q1,DS01,94%,\n"
        checked = submissions.check_file(data, "mbc-q1.csv", submissions.catalogue(con, AS_OF, {"MBC"}))
        assert checked.ok, checked.problems
        [stored] = submissions.store_files(con, [(checked, data)], by=mo.actor(), source="upload")
        submissions.review(con, stored.submission_id, approve=False, by=ADMIN, comment=RETURNED)
        overdue = board.record_action(
            con, objective="OBJ05", action=ActionInput("Publish a guide", "Chris Chair", date(2025, 11, 1)), by=ADMIN
        )
        soon = board.record_action(
            con, objective="OBJ01", action=ActionInput("Check the forms", MO, date(2025, 11, 25)), by=ADMIN
        )
        # These tests are about figures and the board: the business's notices (risks, contracts) have their own.
        con.execute("DELETE FROM core.risk_objective; DELETE FROM core.risk_score; DELETE FROM core.risk")
        con.execute("DELETE FROM core.contract")
    assert charter(demo_db, "meeting", "plan", "2025-11-25").returncode == 0
    return {"submission": stored.submission_id, "overdue": overdue, "soon": soon}


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _html(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def _links(message: EmailMessage) -> list[tuple[str, str]]:
    """The HTML's links (text, address) in order, but the footer's; the plain text gives each address too."""
    found = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', _html(message))
    links = [(text, href.replace("&amp;", "&")) for href, text in found]
    assert links[-1] == ("Choose which notices you get", f"{BASE}/notices")
    assert all(f"{text}: {href}" in _text(message) for text, href in links[:-1])
    return links[:-1]


def _sent(db: Path) -> list[tuple[str, str]]:
    with store.connect(db, read_only=True) as con:
        return con.execute("SELECT email, notice_key FROM core.notice_sent ORDER BY 1, 2").fetchall()


MBC_OVERDUE = "Melton Borough Council: 4 figures for 2025/26 Q2 past the due date (30 October 2025)"
HBBC_OVERDUE = "Hinckley & Bosworth Borough Council: 2 figures for 2025/26 Q2 past the due date (30 October 2025)"
DIGEST = "Board meeting on 25 November 2025: the 2025/26 Q2 digest"


def _expected(ids: dict[str, int]) -> dict[str, list[str]]:
    """The notices each person gets on 20 November 2025, in the order the e-mail gives them."""
    return {
        CHAIR: [f"Action {ids['overdue']} past its due date (1 November 2025): Publish a guide", DIGEST],
        HINA: [HBBC_OVERDUE],
        LEAD: [
            "Hinckley & Bosworth Borough Council: 2 figures for 2025/26 Q2 still missing, 21 days after the due date",
            "Melton Borough Council: 4 figures for 2025/26 Q2 still missing, 21 days after the due date",
            DIGEST,
        ],
        MO: [
            MBC_OVERDUE,
            f"Submission {ids['submission']} returned: {RETURNED}",
            f"Action {ids['soon']} due by 25 November 2025: Check the forms",
        ],
    }


def _titles(message: EmailMessage, expected: list[str]) -> list[str]:
    """The expected titles in the order the plain text gives them (each also in the HTML)."""
    text, page = _text(message), _html(message)
    found = sorted((t for t in expected if t in text), key=text.index)
    assert all(title.replace("&", "&amp;") in page for title in found)
    return found


def test_each_person_gets_one_email_with_their_notices_and_a_second_run_sends_nothing(
    server: Server, demo_db: Path, people: dict[str, int], tmp_path: Path
) -> None:
    path = secrets(tmp_path, server.port)
    run = charter(demo_db, "remind", "--secrets", str(path))
    assert (run.returncode, run.stderr) == (0, "")
    got = server.by_recipient()
    expected = _expected(people)
    assert sorted(got) == sorted(expected)  # the disabled MBC officer gets nothing
    for email, titles in expected.items():
        assert _titles(got[email], titles) == titles, email
        assert got[email]["From"] == f'"{PARTNERSHIP} (Charter)" <charter@lictp.example>'
    assert got[HINA]["Subject"].endswith(HBBC_OVERDUE)
    assert got[MO]["Subject"].endswith(": 3 notices for you")
    assert RETURNED in _text(got[MO])
    assert _links(got[MO]) == [
        ("Upload figures", f"{BASE}/upload?{Q2}&partner=MBC"),
        ("Data collection", f"{BASE}/collection?{Q2}&partner=MBC"),
        ("Upload figures", f"{BASE}/upload?quarter=2025%2F26%20Q1&partner=MBC"),
        ("Objective", f"{BASE}/objective?objective=OBJ01"),
    ]
    assert _links(got[CHAIR]) == [("Actions", f"{BASE}/actions"), ("Board review", f"{BASE}/board?{Q2}")]
    assert _links(got[LEAD]) == [
        ("Data collection", f"{BASE}/collection?{Q2}&partner=HBBC"),
        ("Data collection", f"{BASE}/collection?{Q2}&partner=MBC"),
        ("Board review", f"{BASE}/board?{Q2}"),
    ]
    assert f"Choose which notices you get: {BASE}/notices" in _text(got[LEAD])
    assert f"Sent 4 e-mails with {sum(map(len, expected.values()))} notices." in run.stdout
    recorded = _sent(demo_db)
    assert {email for email, _ in recorded} == set(expected)

    again = charter(demo_db, "remind", "--secrets", str(path))
    assert (again.returncode, again.stderr) == (0, "")
    assert again.stdout.startswith("Nothing new to send on 20 November 2025.\n")
    assert len(server.received) == 4 and _sent(demo_db) == recorded
    every = [run.stdout, run.stderr, again.stdout, again.stderr, *(m.as_string() for _, m in server.received)]
    every += [repr(table_contents(demo_db))]
    assert not [text for text in every if PASSWORD in text]


def _stopped_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connecting is refused."""
    return free_port()


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ("refused", "the mail server at 127.0.0.1:{port} refused the connection: check [smtp] host and port, and that "
                    "the server is running"),
        ("password", "the mail server at 127.0.0.1:{port} refused the user name and password of [smtp] "
                     "(535 5.7.8 Authentication credentials invalid): check them"),
        ("starttls", "the mail server at 127.0.0.1:{port} does not offer STARTTLS: set [smtp] security to tls or none "
                     "as the server expects"),
    ],
)  # fmt: skip
def test_a_broken_mail_server_is_said_plainly_and_the_next_good_run_sends_everything(
    server: Server, demo_db: Path, people: dict[str, int], tmp_path: Path, broken: str, message: str
) -> None:
    port = _stopped_port() if broken == "refused" else server.port
    bad = secrets(
        tmp_path, port, password="not-the-password-at-all" if broken == "password" else PASSWORD,
        **({"security": "starttls"} if broken == "starttls" else {}),
    )  # fmt: skip
    before = table_contents(demo_db)
    run = charter(demo_db, "remind", "--secrets", str(bad))
    waiting = sum(map(len, _expected(people).values()))
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == (
        f"charter remind: {message.format(port=port)}; nothing was sent, and 4 e-mails ({waiting} notices) "
        "will be sent on the next run\n"
    )
    assert "Traceback" not in run.stderr and PASSWORD not in run.stderr + run.stdout
    assert "not-the-password-at-all" not in run.stderr
    assert server.received == [] and table_contents(demo_db) == before  # nothing recorded as sent

    good = charter(demo_db, "remind", "--secrets", str(secrets(tmp_path, server.port)))
    assert (good.returncode, good.stderr) == (0, "")
    assert sorted(server.by_recipient()) == sorted(_expected(people))


def test_people_get_only_the_notices_they_chose(server: Server, demo_db: Path, people: dict[str, int], tmp_path: Path):
    with store.connect(demo_db, as_of=AS_OF) as con:
        mo, chair = (accounts.get_account(con, e) for e in (MO, CHAIR))
        assert mo is not None and chair is not None
        notices.set_preferences(con, mo.actor(), {"figures_overdue": False, "board_actions": True}, KINDS)
        notices.set_preferences(con, chair.actor(), {"board_digest": False}, KINDS)
        trail = con.execute(
            "SELECT actor, action, entity, entity_key, before, after FROM core.audit WHERE action = 'choose notices' "
            "ORDER BY id"
        ).fetchall()
    assert trail == [
        (MO, "choose notices", "notice preference", MO, None, '{"board_actions": true, "figures_overdue": false}'),
        (CHAIR, "choose notices", "notice preference", CHAIR, None, '{"board_digest": false}'),
    ]
    run = charter(demo_db, "remind", "--secrets", str(secrets(tmp_path, server.port)))
    assert (run.returncode, run.stderr) == (0, "")
    got = server.by_recipient()
    expected = _expected(people)
    assert _titles(got[MO], expected[MO]) == expected[MO][1:]  # no figures overdue
    assert _titles(got[CHAIR], expected[CHAIR]) == expected[CHAIR][:1]  # no digest
    assert _titles(got[LEAD], expected[LEAD]) == expected[LEAD]
    assert (MO, "figures-overdue:MBC:2025/26 Q2") not in _sent(demo_db)

    with store.connect(demo_db, as_of=AS_OF) as con:  # turned on again: the next run sends it, and only it
        notices.set_preferences(con, mo.actor(), {"figures_overdue": True}, KINDS)
    server.received.clear()
    again = charter(demo_db, "remind", "--secrets", str(secrets(tmp_path, server.port)))
    assert (again.returncode, again.stderr) == (0, "")
    assert list(server.by_recipient()) == [MO]
    assert _titles(server.by_recipient()[MO], expected[MO]) == [MBC_OVERDUE]


def _exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


def test_choosing_notices_is_for_oneself_and_only_the_kinds_offered(demo_db: Path) -> None:
    with store.connect(demo_db, as_of=AS_OF) as con:
        accounts.add_user(con, ADMIN, email=MO, role="officer", partners=["MBC"])
        mo = accounts.get_account(con, MO)
        assert mo is not None
        with pytest.raises(AccessDenied, match=_exactly(f"{MO} (officer) is not offered the notices board_digest")):
            notices.set_preferences(con, mo.actor(), {"board_digest": False}, KINDS)
        with pytest.raises(
            AccessDenied, match=_exactly("notices are chosen by each person with a Charter account, for themselves")
        ):
            notices.set_preferences(con, ADMIN, {"figures_escalated": False}, KINDS)
        accounts.set_disabled(con, ADMIN, MO)
        with pytest.raises(
            AccessDenied,
            match=_exactly(
                f"{MO} may no longer use Charter: the account has been disabled; ask the partnership's performance "
                "lead if this is a mistake"
            ),
        ):
            notices.set_preferences(con, mo.actor(), {"figures_due": False}, KINDS)
        assert con.execute("SELECT count(*) FROM core.notice_preference").fetchall() == [(0,)]


def _owed(partner: str, code: str, n: int, when: str) -> list[str]:
    query = f"{Q2}&partner={code}"
    return [
        f"  - {partner}: {n} figures for 2025/26 Q2 {when}",
        f"      Upload figures: http://localhost:8501/upload?{query}",
        f"      Data collection: http://localhost:8501/collection?{query}",
    ]


HB, MELTON = "Hinckley & Bosworth Borough Council", "Melton Borough Council"
# The demo's board history (metrics/demo_board.py) gives an action to a job title no account has.
UNREACHED = [
    "", "No one to send to (1):",
    "  - Action 3 past its due date (7 August 2025): Agree extra capacity with the heads of service concerned: no "
    "active account has the e-mail or name of its owner, 'ICT Infrastructure Manager'",
]  # fmt: skip
# Melton owes 3 figures, not 4: the demo's service desk tickets give its ticket KPIs (metrics/demo_tickets.py).
DUE_SOON = [
    "Dry run for 25 October 2025: 2 e-mails with 2 notices would be sent (nothing is sent or recorded).", "",
    f"To {HINA}, 1 notice:", *_owed(HB, "HBBC", 2, "due in 5 days (30 October 2025)"), "",
    f"To {MO}, 1 notice:", *_owed(MELTON, "MBC", 3, "due in 5 days (30 October 2025)"), *UNREACHED,
]  # fmt: skip
ESCALATED = [
    "Dry run for 20 November 2025: 4 e-mails with 6 notices would be sent (nothing is sent or recorded).", "",
    f"To {CHAIR}, 1 notice:", f"  - {DIGEST}", f"      Board review: http://localhost:8501/board?{Q2}", "",
    f"To {HINA}, 1 notice:", *_owed(HB, "HBBC", 2, "past the due date (30 October 2025)"), "",
    f"To {LEAD}, 3 notices:",
    f"  - {HB}: 2 figures for 2025/26 Q2 still missing, 21 days after the due date",
    f"      Data collection: http://localhost:8501/collection?{Q2}&partner=HBBC",
    f"  - {MELTON}: 3 figures for 2025/26 Q2 still missing, 21 days after the due date",
    f"      Data collection: http://localhost:8501/collection?{Q2}&partner=MBC",
    f"  - {DIGEST}", f"      Board review: http://localhost:8501/board?{Q2}", "",
    f"To {MO}, 1 notice:", *_owed(MELTON, "MBC", 3, "past the due date (30 October 2025)"), *UNREACHED,
]  # fmt: skip


def test_a_dry_run_on_the_demo_lists_each_reminder_for_the_demos_dates(tmp_path: Path) -> None:
    db = tmp_path / "charter.duckdb"
    assert charter(db, "init", "--demo", cwd=tmp_path).returncode == 0
    with store.connect(db, as_of=AS_OF) as con:
        for email, role, partners in ((MO, "officer", ["MBC"]), (HINA, "officer", ["HBBC"]), (LEAD, "admin", []),
                                      (CHAIR, "board", [])):  # fmt: skip
            accounts.add_user(con, ADMIN, email=email, role=role, partners=partners)
        for email in (LEAD, CHAIR):  # the risks and contracts notices have their own test: these two turn them off
            person = accounts.get_account(con, email)
            assert person is not None
            notices.set_preferences(con, person.actor(), {"contract_notices": False, "risk_reviews": False}, KINDS)
    planned = charter(db, "meeting", "plan", "25/11/2025")
    assert (planned.returncode, planned.stdout) == (0, "Board meeting planned for 25 November 2025.\n")
    before = table_contents(db)
    env = {"CHARTER_SECRETS": str(tmp_path / "none.toml")}  # no [smtp]: a dry run needs none
    runs = {day: charter(db, "--as-of", day, "remind", "--dry-run", cwd=tmp_path, env=env)
            for day in ("2025-10-25", "2025-11-05", "2025-11-20")}  # fmt: skip
    assert [(r.returncode, r.stderr) for r in runs.values()] == [(0, "")] * 3
    assert runs["2025-10-25"].stdout.splitlines() == DUE_SOON
    assert runs["2025-11-20"].stdout.splitlines() == ESCALATED
    assert runs["2025-11-05"].stdout.splitlines() == [
        "Dry run for 5 November 2025: 2 e-mails with 2 notices would be sent (nothing is sent or recorded).",
        "", f"To {HINA}, 1 notice:", *_owed(HB, "HBBC", 2, "past the due date (30 October 2025)"),
        "", f"To {MO}, 1 notice:", *_owed(MELTON, "MBC", 3, "past the due date (30 October 2025)"), *UNREACHED,
    ]  # fmt: skip
    assert table_contents(db) == before  # a dry run records nothing


def test_the_command_says_a_missing_smtp_section_and_a_meeting_in_the_past_plainly(demo_db: Path, tmp_path: Path):
    path = tmp_path / "secrets.toml"
    path.write_text('[reminders]\nbase_url = "https://charter.example.gov.uk"\n', encoding="utf-8")
    before = table_contents(demo_db)
    run = charter(demo_db, "remind", "--secrets", str(path))
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == (
        f"charter remind: {path}: no [smtp] section: add host, port, security, username, password and from_address "
        "(docs/reminders.md), or use --dry-run to see what would be sent\n"
    )
    past = charter(demo_db, "meeting", "plan", "2025-11-19")
    assert (past.returncode, past.stderr) == (
        1, "charter meeting: 19 November 2025 has passed: plan a meeting to come (record one held on Board review)\n",
    )  # fmt: skip
    odd = charter(demo_db, "meeting", "plan", "next Tuesday")
    assert (odd.returncode, odd.stderr) == (
        1, "charter meeting: 'next Tuesday' is not a date we can read: write it as day/month/year, e.g. 18/11/2025\n",
    )  # fmt: skip
    assert table_contents(demo_db) == before


class _RefusingHandler(_Handler):
    """Refuses one address at RCPT, as a server does for a mailbox it does not know."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address == HINA:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_address_skips_that_person_only_and_tls_against_a_plain_server_is_said(demo_db: Path) -> None:
    from metrics import mail, remind

    received: list[tuple[list[str], EmailMessage]] = []
    port = free_port()
    controller = Controller(_RefusingHandler(received), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with store.connect(demo_db, as_of=AS_OF) as con:
            for email, partners in ((MO, ["MBC"]), (HINA, ["HBBC"])):
                accounts.add_user(con, ADMIN, email=email, role="officer", partners=partners)
            plan = remind.gather(con, AS_OF, notices.RemindSettings(base_url=BASE))
        settings = mail.SmtpSettings("127.0.0.1", port, "none", "charter@lictp.example")
        recorded: list[str] = []
        said: list[str] = []
        refused = remind.deliver(plan, settings, lambda letter: recorded.append(letter.email), said.append)
        assert refused == [f"the mail server at 127.0.0.1:{port} refused the address {HINA}"]
        assert recorded == [MO] and [r for r, _ in received] == [[MO]]
        assert said == [f"Sent to {MO}: 1 notice.", "Sent 1 e-mail with 1 notice."]
        tls = mail.SmtpSettings("127.0.0.1", port, "tls", "charter@lictp.example")
        with pytest.raises(remind.RemindError) as caught:
            remind.deliver(plan, tls, recorded.append, said.append)
        assert str(caught.value) == (
            f"the mail server at 127.0.0.1:{port} did not complete a secure (TLS) connection (SSLError): check "
            "[smtp] security and port; nothing was sent, and 2 e-mails (2 notices) will be sent on the next run"
        )
    finally:
        controller.stop()


def test_the_board_is_told_of_risk_reviews_past_due_and_contract_notices_once(
    server: Server, demo_db: Path, tmp_path: Path
) -> None:
    with store.connect(demo_db, as_of=AS_OF) as con:
        accounts.add_user(con, ADMIN, email=CHAIR, role="board", partners=[], name="Chris Chair")
        accounts.add_user(con, ADMIN, email=HINA, role="officer", partners=["HBBC"], name="Hina Officer")
        risks = con.execute("SELECT code, review_due_on FROM risk WHERE review_due_on < $d ORDER BY ALL", {"d": AS_OF})
        risks = risks.fetchall()
        contracts = con.execute(
            "SELECT system, partner_code, notice_on FROM contract "
            "WHERE notice_on BETWEEN $d AND $d + INTERVAL 12 MONTH ORDER BY notice_on, code",
            {"d": AS_OF},
        ).fetchall()
    assert len(risks) == 8 and contracts  # the demo's eight risks are past review; some notices fall due
    run = charter(demo_db, "remind", "--secrets", str(secrets(tmp_path, server.port)))
    assert (run.returncode, run.stderr) == (0, "")
    got = server.by_recipient()
    titles = [f"Risk {code} was due for review on {due:%-d %B %Y}" for code, due in risks] + [
        f"Notice on {system} ({partner}) must be given by {due:%-d %B %Y}" for system, partner, due in contracts
    ]
    assert sorted(_titles(got[CHAIR], titles)) == sorted(titles)
    assert not _titles(got.get(HINA, got[CHAIR]), titles) or HINA not in got  # an officer is not told
    assert ("Risks", f"{BASE}/risks") in _links(got[CHAIR]) and ("Contracts", f"{BASE}/contracts") in _links(got[CHAIR])
    sent = _sent(demo_db)
    assert {key for email, key in sent if email == CHAIR} >= {f"risk-review:{code}:{due}" for code, due in risks}
    server.received.clear()
    again = charter(demo_db, "remind", "--secrets", str(secrets(tmp_path, server.port)))
    assert (again.returncode, again.stderr) == (0, "")
    assert CHAIR not in server.by_recipient()  # each notice once


def test_a_hosted_partnerships_links_open_that_partnership(_demo_template: Path, tmp_path: Path) -> None:
    """docs/hosting.md: `charter --partnership CODE remind` writes to that partnership's people, whose links must
    open it (`?partnership=CODE`), not the install's own partnership; the install's own run's links are unchanged;
    `--every-partnership` does each partnership's run in one."""
    from metrics import hosting
    from tests import partnership_fixture as two

    db = two.install(_demo_template, tmp_path, AS_OF)
    for where in (db, hosting.path_for(db, two.OTHER)):
        with store.connect(where, as_of=AS_OF) as con:
            accounts.add_user(con, ADMIN, email=HINA, role="officer", partners=["HBBC"])
    env = {"CHARTER_SECRETS": str(tmp_path / "none.toml")}  # no [smtp]: a dry run needs none
    hosted = charter(db, "--partnership", two.OTHER, "--as-of", "2025-11-05", "remind", "--dry-run", cwd=tmp_path,
                     env=env)  # fmt: skip
    home = charter(db, "--as-of", "2025-11-05", "remind", "--dry-run", cwd=tmp_path, env=env)
    assert [(r.returncode, r.stderr) for r in (hosted, home)] == [(0, "")] * 2
    links = [re.findall(r"https?://\S+", run.stdout) for run in (hosted, home)]
    assert links[0] and links[1], (hosted.stdout, home.stdout)
    assert all("?partnership=KTIP&" in link or link.endswith("?partnership=KTIP") for link in links[0]), links[0]
    assert not any("partnership=" in link for link in links[1]), links[1]
    assert f"To {HINA}, 1 notice:" in hosted.stdout.splitlines()

    # One run for them all: each partnership's own run under its name, the install's own first.
    every = charter(db, "--as-of", "2025-11-05", "remind", "--dry-run", "--every-partnership", cwd=tmp_path, env=env)
    assert (every.returncode, every.stderr) == (0, "")
    lines = every.stdout.splitlines()
    start = lines.index(f"{two.OTHER} ({two.OTHER_NAME}):")
    assert lines[0] == f"LICTP ({PARTNERSHIP}):"
    assert lines[1:start] == home.stdout.splitlines()
    assert lines[start + 1 :] == hosted.stdout.splitlines()
    hosting.path_for(db, two.OTHER).unlink()  # a partnership that cannot be reminded now: the others go on
    gone = charter(db, "--as-of", "2025-11-05", "remind", "--dry-run", "--every-partnership", cwd=tmp_path, env=env)
    assert (gone.returncode, gone.stdout.splitlines()) == (1, lines[: start + 1])
    assert gone.stderr.startswith(f"charter remind: {two.OTHER}: "), gone.stderr
    assert len(gone.stderr.splitlines()) == 1, gone.stderr
    both = charter(db, "--partnership", two.OTHER, "remind", "--dry-run", "--every-partnership", cwd=tmp_path,
                   env=env)  # fmt: skip
    assert (both.returncode, both.stdout, both.stderr) == (
        2, "", "charter remind: --every-partnership covers every partnership the install serves: leave out "
        "--partnership\n",
    )  # fmt: skip
