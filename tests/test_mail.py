"""The settings of `charter remind` ([reminders] and [smtp]) and the e-mail it writes: each bad setting named with
its file and key, never a password; the example file valid; text from the data escaped in the HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from metrics import mail, notices
from tests.test_remind import BASE, MO, PARTNERSHIP, PASSWORD, _html

SETTINGS = "/srv/charter/secrets.toml"
SMTP_OK = {"host": "smtp.example", "from_address": "charter@lictp.example"}


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (None, f"{SETTINGS}: no [smtp] section: add host, port, security, username, password and from_address "
               "(docs/reminders.md), or use --dry-run to see what would be sent"),
        ({"from_address": "charter@lictp.example"},
         f"{SETTINGS}: [smtp] host is missing: the mail server's name, e.g. smtp.office365.com"),
        (SMTP_OK | {"security": "ssl"}, f"{SETTINGS}: [smtp] security must be starttls, tls or none, not 'ssl'"),
        (SMTP_OK | {"port": "587"}, f"{SETTINGS}: [smtp] port must be a whole number from 1 to 65535"),
        (SMTP_OK | {"port": 70000}, f"{SETTINGS}: [smtp] port must be a whole number from 1 to 65535"),
        ({"host": "smtp.example", "from_address": "charter"},
         f"{SETTINGS}: [smtp] from_address must be an e-mail address, e.g. charter@council.gov.uk"),
        (SMTP_OK | {"password": PASSWORD},
         f"{SETTINGS}: [smtp] username and password go together: give both, or neither"),
        (SMTP_OK | {"pasword": PASSWORD}, f"{SETTINGS}: [smtp] has no setting pasword"),
    ],
)  # fmt: skip
def test_a_bad_smtp_section_is_named_without_its_secret(section: dict[str, object] | None, message: str) -> None:
    with pytest.raises(notices.SettingsError) as caught:
        mail.smtp_settings({} if section is None else {"smtp": section}, Path(SETTINGS))
    assert str(caught.value) == message and PASSWORD not in str(caught.value)


def test_smtp_settings_take_defaults_and_keep_the_password_out_of_sight() -> None:
    given = SMTP_OK | {"username": "charter", "password": PASSWORD}
    settings = mail.smtp_settings({"smtp": given}, Path(SETTINGS))
    assert (settings.port, settings.security, settings.where) == (587, "starttls", "smtp.example:587")
    assert PASSWORD not in repr(settings) and PASSWORD not in str(settings)
    assert mail.smtp_settings({"smtp": SMTP_OK | {"security": "tls"}}, Path(SETTINGS)).port == 465


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"due_in_days": -1}, "[reminders] due_in_days must be a whole number of days from 0 to 366"),
        ({"escalate_after_days": "14"}, "[reminders] escalate_after_days must be a whole number of days from 0 to 366"),
        ({"base_url": "charter.example.gov.uk"},
         "[reminders] base_url (or CHARTER_BASE_URL) must be the app's address, e.g. https://charter.example.gov.uk"),
        ({"remind_days": 3}, "[reminders] has no setting remind_days; use base_url, due_in_days, escalate_after_days, "
                             "digest_days_before, review_days"),
    ],
)  # fmt: skip
def test_bad_reminder_settings_are_named(section: dict[str, object], message: str) -> None:
    with pytest.raises(notices.SettingsError) as caught:
        notices.remind_settings({"reminders": section}, Path(SETTINGS))
    assert str(caught.value) == f"{SETTINGS}: {message}"


def test_the_base_url_comes_from_the_environment_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARTER_BASE_URL", "https://perf.council.gov.uk/charter/")
    settings = notices.remind_settings({"reminders": {"base_url": BASE, "due_in_days": 3}}, Path(SETTINGS))
    assert (settings.base_url, settings.due_in_days, settings.escalate_after_days) == (
        "https://perf.council.gov.uk/charter", 3, 14,
    )  # fmt: skip
    assert (
        settings.url("board", quarter="2025/26 Q2")
        == "https://perf.council.gov.uk/charter/board?quarter=2025%2F26%20Q2"
    )


def test_user_text_in_an_email_is_text_not_markup() -> None:
    reason = 'See <a href="https://evil.example">this</a> &\nfix <b>row 2</b>'
    notice = notices.Notice(
        "submission_reviewed", "submission-returned:9", f"Submission 9 returned: {reason}", (notices.Part(reason),),
        (("Upload figures", f"{BASE}/upload?quarter=2025%2F26%20Q2&partner=MBC"),), (MO,),
    )  # fmt: skip
    settings = mail.SmtpSettings("smtp.example", 587, "starttls", "charter@lictp.example")
    message = mail.compose(settings, MO, "Mo <Officer>", PARTNERSHIP, [notice], f"{BASE}/notices")
    page = _html(message)
    assert "evil.example" not in re.sub(r"&lt;a href=&quot;https://evil\.example&quot;&gt;", "", page)
    assert "&lt;b&gt;row 2&lt;/b&gt;" in page and "Hello Mo &lt;Officer&gt;," in page
    assert (
        message["Subject"] == f'{PARTNERSHIP}: Submission 9 returned: See <a href="https://evil.example">this</a> & '
        "fix <b>row 2</b>"
    )
    assert re.findall(r'<a href="([^"]+)"', page) == [
        f"{BASE}/upload?quarter=2025%2F26%20Q2&amp;partner=MBC", f"{BASE}/notices",
    ]  # fmt: skip


def test_the_example_secrets_file_holds_valid_reminder_and_smtp_sections() -> None:
    from metrics.config import ROOT

    example = ROOT / ".streamlit" / "secrets.toml.example"
    values = notices.read_secrets(example)
    assert notices.remind_settings(values, example) == notices.RemindSettings(base_url="https://charter.example.gov.uk")
    assert mail.smtp_settings(values, example).where == "smtp.office365.com:587"
