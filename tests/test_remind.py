"""`charter remind` through a real SMTP server (aiosmtpd) on 127.0.0.1: who gets what, the links, each notice sent
once, nothing to a disabled account, no password anywhere, a broken server said plainly, and people's choices."""

from __future__ import annotations

import re
import shutil
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

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
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
        MO: [MBC_OVERDUE, f"Submission {ids['submission']} returned: {RETURNED}",
             f"Action {ids['soon']} due by 25 November 2025: Check the forms"],  # fmt: skip
    }


def _titles(message: EmailMessage, expected: list[str]) -> list[str]:
    """The expected titles in the order the plain text gives them (each also in the HTML)."""
    text, page = _text(message), _html(message)
    assert all(title.replace("&", "&amp;") in page for title in expected)
    return sorted((t for t in expected if t in text), key=text.index)


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
