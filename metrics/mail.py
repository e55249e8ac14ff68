"""E-mail: the `[smtp]` settings, one message per person (plain text and HTML that Outlook reads well), and
sending through the partnership's mail server with plain words for every failure (docs/reminders.md).

The password is read from the secrets file and handed to the server only: it is in no message, no repr and no log.
"""

from __future__ import annotations

import html
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path
from typing import Any, Literal

from metrics.notices import Notice, Part, SettingsError

Security = Literal["starttls", "tls", "none"]
PORTS: dict[str, int] = {"starttls": 587, "tls": 465, "none": 25}
TIMEOUT = 30  # seconds to wait on the mail server before saying it does not answer
_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
BLUE, INK, GREY = "#1d70b8", "#0b0c0c", "#505a5f"  # GOV.UK link blue, text and secondary text


class MailError(Exception):
    """The mail server could not be reached or would not take the messages; nothing more was sent."""


class Refused(MailError):
    """The mail server refused one recipient's address; the others can still be sent."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send; `password` never appears in a repr."""

    host: str
    port: int
    security: Security
    from_address: str
    username: str = ""
    password: str = field(default="", repr=False)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def _text(section: dict[str, Any], name: str, path: Path, default: str = "") -> str:
    value = section.get(name, default)
    if not isinstance(value, str):
        raise SettingsError(f"{path}: [smtp] {name} must be text in quotes")
    return value.strip()


def smtp_settings(secrets: dict[str, Any], path: Path) -> SmtpSettings:
    """The `[smtp]` section checked; each problem names the file and the setting, never a value of a secret."""
    section = secrets.get("smtp")
    if not isinstance(section, dict):
        raise SettingsError(
            f"{path}: no [smtp] section: add host, port, security, username, password and from_address "
            "(docs/reminders.md), or use --dry-run to see what would be sent"
        )
    unknown = sorted(set(section) - {"host", "port", "security", "username", "password", "from_address"})
    if unknown:
        raise SettingsError(f"{path}: [smtp] has no setting {', '.join(unknown)}")
    host, security = _text(section, "host", path), _text(section, "security", path, "starttls").lower()
    if not host:
        raise SettingsError(f"{path}: [smtp] host is missing: the mail server's name, e.g. smtp.office365.com")
    if security not in PORTS:
        raise SettingsError(f"{path}: [smtp] security must be starttls, tls or none, not '{security}'")
    port = section.get("port", PORTS[security])
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise SettingsError(f"{path}: [smtp] port must be a whole number from 1 to 65535")
    sender = _text(section, "from_address", path)
    if not _ADDRESS.match(sender):
        raise SettingsError(f"{path}: [smtp] from_address must be an e-mail address, e.g. charter@council.gov.uk")
    username, password = _text(section, "username", path), section.get("password", "")
    if not isinstance(password, str) or bool(username) != bool(password):
        raise SettingsError(f"{path}: [smtp] username and password go together: give both, or neither")
    return SmtpSettings(host, port, security, sender, username, password)  # type: ignore[arg-type]


# --- the message ----------------------------------------------------------------------------------------------


def _one_line(text: str, longest: int = 140) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= longest else flat[: longest - 1].rstrip() + "…"


def subject(partnership: str, notices: list[Notice]) -> str:
    if len(notices) == 1:
        return _one_line(f"{partnership}: {notices[0].title}")
    return _one_line(f"{partnership}: {len(notices)} notices for you")


def plain_body(partnership: str, name: str, notices: list[Notice], preferences_url: str) -> str:
    parts = [f"Hello {name},", "", f"Charter has {len(notices)} notice{'s' * (len(notices) != 1)} for you."]
    for n in notices:
        parts += ["", n.title, "-" * min(len(n.title), 72)]
        for part in n.parts:
            parts += [part.text, *(f"  - {item}" for item in part.items)]
        parts += [f"{label}: {url}" for label, url in n.links]
    parts += ["", "--", f"{partnership} · Charter", f"Choose which notices you get: {preferences_url}"]
    return "\n".join(parts) + "\n"


def _p(text: str, style: str = "") -> str:
    return f'<p style="margin:0 0 8px 0;{style}">{text}</p>'


def _part_html(part: Part) -> str:
    items = "".join(f'<li style="margin:0 0 4px 0;">{html.escape(item)}</li>' for item in part.items)
    return _p(html.escape(part.text)) + (
        f'<ul style="margin:0 0 8px 0;padding-left:24px;">{items}</ul>' if items else ""
    )


def _notice_html(n: Notice) -> str:
    lines = "".join(_part_html(part) for part in n.parts)
    links = "".join(
        _p(f'<a href="{html.escape(url, quote=True)}" style="color:{BLUE};text-decoration:underline;">'
           f"{html.escape(label)}</a>")
        for label, url in n.links
    )  # fmt: skip
    return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        f'style="border-collapse:collapse;margin:0 0 16px 0;border-left:4px solid {BLUE};">'
        f'<tr><td style="padding:8px 12px;font-family:Arial,sans-serif;font-size:16px;color:{INK};">'
        f'<h2 style="margin:0 0 8px 0;font-size:18px;font-family:Arial,sans-serif;">{html.escape(n.title)}</h2>'
        f"{lines}{links}</td></tr></table>"
    )


def html_body(partnership: str, name: str, notices: list[Notice], preferences_url: str) -> str:
    """Simple tables with inline styles: what Outlook's Word-based renderer draws as intended."""
    title = html.escape(subject(partnership, notices))
    intro = _p(f"Hello {html.escape(name)},") + _p(
        f"Charter has {len(notices)} notice{'s' * (len(notices) != 1)} for you."
    )
    footer = _p(
        f'{html.escape(partnership)} · Charter · <a href="{html.escape(preferences_url, quote=True)}" '
        f'style="color:{BLUE};">Choose which notices you get</a>',
        f"font-size:14px;color:{GREY};",
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        '<body style="margin:0;padding:0;background:#ffffff;">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="border-collapse:collapse;max-width:640px;">'
        f'<tr><td style="padding:16px;font-family:Arial,sans-serif;font-size:16px;color:{INK};">'
        f"{intro}{''.join(_notice_html(n) for n in notices)}{footer}</td></tr></table></body></html>"
    )


def compose(
    settings: SmtpSettings, to: str, name: str, partnership: str, notices: list[Notice], prefs: str
) -> EmailMessage:
    """One e-mail to one person with every notice for them."""
    message = EmailMessage()
    message["Subject"] = subject(partnership, notices)
    message["From"] = formataddr((f"{_one_line(partnership, 60)} (Charter)", settings.from_address))
    message["To"] = formataddr((_one_line(name, 60), to)) if name != to else to
    message["Message-ID"] = make_msgid(domain=settings.from_address.rsplit("@", 1)[1])
    message.set_content(plain_body(partnership, name, notices, prefs))
    message.add_alternative(html_body(partnership, name, notices, prefs), subtype="html")
    return message


# --- sending --------------------------------------------------------------------------------------------------


class Mailer:
    """A connection to the mail server for one run, opened and signed in on entering; plain errors."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        s = self.settings
        try:
            if s.security == "tls":
                self.smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT, context=ssl.create_default_context())
            else:
                self.smtp = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT)
                if s.security == "starttls":
                    self.smtp.starttls(context=ssl.create_default_context())
            if s.username:
                self.smtp.login(s.username, s.password)
        except Exception as exc:
            self.close()
            raise _plain(exc, s) from None
        return self

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server; a refused recipient or a dropped connection is a MailError."""
        assert self.smtp is not None  # noqa: S101
        try:
            self.smtp.send_message(message)
        except Exception as exc:
            raise _plain(exc, self.settings) from None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None

    def __exit__(self, *exc: object) -> None:
        self.close()


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {_one_line(text, 200)}"


def _plain(exc: Exception, s: SmtpSettings) -> MailError:
    """What went wrong, in words, naming the server but never the password."""
    where = f"the mail server at {s.where}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return MailError(f"{where} refused the user name and password of [smtp] ({_reply(exc)}): check them")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return MailError(f"{where} does not offer STARTTLS: set [smtp] security to tls or none as the server expects")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return Refused(f"{where} refused the address {', '.join(exc.recipients)}")
    if isinstance(exc, smtplib.SMTPResponseException):
        return MailError(f"{where} answered {_reply(exc)}")
    if isinstance(exc, ConnectionRefusedError):
        return MailError(f"{where} refused the connection: check [smtp] host and port, and that the server is running")
    if isinstance(exc, socket.gaierror):
        return MailError(f"there is no mail server called {s.host}: check [smtp] host")
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return MailError(f"{where} did not complete a secure (TLS) connection ({exc.__class__.__name__}): "
                         "check [smtp] security and port")  # fmt: skip
    if isinstance(exc, TimeoutError | socket.timeout):
        return MailError(f"{where} did not answer within {TIMEOUT} seconds")
    if isinstance(exc, smtplib.SMTPException):
        return MailError(f"{where} could not be used: {_one_line(str(exc), 200) or exc.__class__.__name__}")
    if isinstance(exc, OSError):
        return MailError(f"{where} could not be reached: {exc.strerror or exc.__class__.__name__}")
    raise exc
