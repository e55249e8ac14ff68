"""Each partnership's own settings, over the install's (docs/hosting.md, "Settings per partnership").

A partnership's database holds `core.partnership.public` and `.max_upload_mb`; empty means the install's
setting (CHARTER_PUBLIC, CHARTER_MAX_UPLOAD_MB). `effective` is the one reading of what is in force, for the
app and the command line alike; `change` is the one audited write.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb

from metrics import audit, store
from metrics.access import Action, Actor, require
from metrics.figures import MAX_BYTES

if TYPE_CHECKING:
    from metrics.config import Settings

MB = 1_048_576
UPLOAD_RANGE = (1, 200)  # the same bounds as the install's setting (metrics/config.py)
OWN = "this partnership"
DEFAULT = object()  # `change(..., public=DEFAULT)`: back to the install's setting


class SettingsRefused(store.StoreError):
    """A setting that cannot be changed as asked, said plainly."""


@dataclass(frozen=True)
class Effective:
    """The settings in force for one partnership, and where each comes from."""

    public: bool
    max_upload_mb: int
    data_due_days: int
    public_from: str
    max_upload_from: str
    data_due_days_from: str = "the framework file's partnership.data_due_days"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * MB

    def lines(self) -> list[str]:
        """The settings as `charter settings` prints them."""
        return [
            f"public: {'yes' if self.public else 'no'} (from {self.public_from})",
            f"max upload: {self.max_upload_mb} MB (from {self.max_upload_from})",
            f"data due: {self.data_due_days} days after each period ends (from {self.data_due_days_from})",
        ]


def _install(settings: Settings | None) -> tuple[bool, int]:
    """The install's public setting and upload limit; pydantic (slow to import) only when one is set."""
    if settings is not None:
        return settings.public, settings.max_upload_mb
    if not (os.environ.get("CHARTER_PUBLIC") or os.environ.get("CHARTER_MAX_UPLOAD_MB")):
        return True, MAX_BYTES // MB  # metrics/config.py's defaults
    from metrics.config import Settings

    install = Settings.from_env()
    return install.public, install.max_upload_mb


def effective(con: duckdb.DuckDBPyConnection, settings: Settings | None = None) -> Effective:
    """The settings in force in the partnership this connection's database holds (`settings`: the install's)."""
    public, upload = _install(settings)
    rows = con.execute("SELECT public, max_upload_mb, data_due_days FROM core.partnership").fetchall()
    own_public, own_upload, due = rows[0] if rows else (None, None, 30)
    return Effective(
        public=public if own_public is None else bool(own_public),
        max_upload_mb=upload if own_upload is None else int(own_upload),
        data_due_days=int(due if due is not None else 30),
        public_from="the install's CHARTER_PUBLIC" if own_public is None else OWN,
        max_upload_from="the install's CHARTER_MAX_UPLOAD_MB" if own_upload is None else OWN,
    )


def parse_public(text: str) -> object:
    """`yes`, `no` or `default` (the install's), any case; anything else is refused plainly."""
    word = text.strip().lower()
    if word in ("yes", "no"):
        return word == "yes"
    if word == "default":
        return DEFAULT
    raise SettingsRefused(f"--public {text!r}: say yes, no or default (the install's CHARTER_PUBLIC)")


def parse_upload(text: str) -> object:
    """A whole number of MB within UPLOAD_RANGE, or `default` (the install's)."""
    if text.strip().lower() == "default":
        return DEFAULT
    low, high = UPLOAD_RANGE
    if not text.strip().isdigit() or not low <= int(text) <= high:
        raise SettingsRefused(
            f"--max-upload-mb {text!r}: give a whole number of MB from {low} to {high}, "
            "or default (the install's CHARTER_MAX_UPLOAD_MB)"
        )
    return int(text)


def change(
    con: duckdb.DuckDBPyConnection, by: Actor, *, public: object = None, max_upload_mb: object = None
) -> list[str]:
    """Set the partnership's own settings (None: leave; DEFAULT: the install's), audited; what changed, in words."""
    wanted = {
        column: (None if value is DEFAULT else value)
        for column, value in (("public", public), ("max_upload_mb", max_upload_mb))
        if value is not None
    }
    with store.transaction(con):
        require(by, Action.SETTINGS, con=con)
        rows = con.execute("SELECT short_name, public, max_upload_mb FROM core.partnership").fetchall()
        if not rows:
            raise SettingsRefused("this database holds no partnership yet; load its framework first")
        code, *held = rows[0]
        before = dict(zip(("public", "max_upload_mb"), held, strict=True))
        changed = {k: v for k, v in wanted.items() if before[k] != v}
        for column, value in changed.items():  # the column names are this function's own constants
            con.execute(f"UPDATE core.partnership SET {column} = $v", {"v": value})  # noqa: S608
        if changed:
            audit.record(con, by, "change settings", "partnership", str(code),
                         {k: before[k] for k in changed}, changed)  # fmt: skip
    return [_said(k, v) for k, v in changed.items()]


def _said(column: str, value: object) -> str:
    """One changed setting in words, as `charter settings` prints it."""
    if column == "public":
        return "public: " + ("the install's CHARTER_PUBLIC" if value is None else "yes" if value else "no")
    return "max upload: " + ("the install's CHARTER_MAX_UPLOAD_MB" if value is None else f"{value} MB")
