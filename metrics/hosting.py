"""Several partnerships in one install (docs/hosting.md): the install's database and the files it hosts.

The install's database (CHARTER_DB) holds its own partnership, as a single-partnership install always has, and a
list of further partnerships (`core.hosted_partnership`), each a complete Charter database in a file of its own
under `<database>.partnerships/`. Nothing is shared between the files: each partnership has its own charter,
figures, accounts, roles, audit trail and settings, so nothing of one can show in another, and one partnership
is exported, restored or deleted whole as its file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from metrics import audit, store
from metrics.access import Actor

CODE = re.compile(r"^[A-Z][A-Z0-9_-]{1,15}$")


class HostingError(store.StoreError):
    """A partnership that cannot be added, found or removed as asked."""


class UnknownPartnership(HostingError):
    """No partnership of that code in this install."""


@dataclass(frozen=True)
class Hosted:
    """One partnership the install serves, and the database file that holds it."""

    code: str
    name: str
    lead_partner_code: str
    path: Path
    home: bool


def folder(host: Path) -> Path:
    """Where the install keeps its further partnerships' files: beside its own database."""
    return host.parent / f"{host.stem}.partnerships"


def partnerships(host: Path, *, wait: float = 5.0) -> list[Hosted]:
    """Every partnership the install serves, its own first, then the hosted ones by code."""
    with store.connect(host, read_only=True, wait=wait) as con:
        store.require_current(con, host)
        return listed(con, host)


def listed(con: duckdb.DuckDBPyConnection, host: Path) -> list[Hosted]:
    """`partnerships` on an open connection to the install's database."""
    rows = con.execute(
        "SELECT p.code, p.name, p.lead_partner_code, p.home, h.file "
        "FROM partnership p LEFT JOIN core.hosted_partnership h ON NOT p.home AND h.code = p.code"
    ).fetchall()
    return [
        Hosted(str(code), str(name), str(lead), host if home else host.parent / str(file), bool(home))
        for code, name, lead, home, file in rows
    ]


def find(host: Path, code: str | None, *, wait: float = 5.0) -> Hosted | None:
    """The partnership of `code` (any case); None for no code (the install's own, whatever it holds)."""
    if not code:
        return None
    everyone = partnerships(host, wait=wait)
    for hosted in everyone:
        if hosted.code == code.strip().upper():
            return hosted
    served = ", ".join(h.code for h in everyone) or "none yet"
    raise UnknownPartnership(f"there is no partnership {code!r} in this install; it serves: {served}")


def path_for(host: Path, code: str | None, *, wait: float = 5.0) -> Path:
    """The database file of the partnership `code`; the install's own database for no code."""
    hosted = find(host, code, wait=wait)
    return host if hosted is None else hosted.path


def _own(con: duckdb.DuckDBPyConnection) -> tuple[str, str, str]:
    """The code, name and lead partner of the partnership a database holds."""
    rows = con.execute("SELECT short_name, name, lead_authority FROM core.partnership").fetchall()
    if not rows:
        raise HostingError("the new partnership's database holds no partnership: its framework was not loaded")
    code, name, lead = rows[0]
    return str(code), str(name), str(lead)


def _check_code(code: str, host_con: duckdb.DuckDBPyConnection, host: Path) -> None:
    if not CODE.match(code):
        raise HostingError(
            f"{code!r} cannot be a partnership's code: use 2 to 16 capital letters, digits, '-' or '_', "
            "starting with a letter (the framework's `short_name`, e.g. MKIP)"
        )
    if any(h.code == code for h in listed(host_con, host)):
        raise HostingError(f"this install already serves a partnership {code}; choose another short_name")


def add(host: Path, build: Callable[[duckdb.DuckDBPyConnection], object], *, by: Actor, wait: float = 5.0) -> Hosted:
    """Make a new partnership's database with `build` (which loads its framework) and list it in the install.

    The code is the framework's `short_name`. The new file is built whole before the install lists it; if
    anything fails, the file is removed and the install is unchanged."""
    home = folder(host)
    home.mkdir(mode=0o700, exist_ok=True)
    pending = home / f".new-{datetime.now():%Y%m%d%H%M%S%f}.duckdb"
    try:
        with store.connect(pending, wait=wait) as con:
            store.migrate(con)
            build(con)
            code, name, lead = _own(con)
        return _register(host, pending, code, name, lead, by=by, wait=wait)
    finally:
        _remove_file(pending)


def adopt(host: Path, source: Path, *, by: Actor, wait: float = 5.0) -> Hosted:
    """List in the install a partnership exported whole from another (a checked copy of `source` is made)."""
    from metrics import backup  # the copy and its checks

    home = folder(host)
    home.mkdir(mode=0o700, exist_ok=True)
    pending = home / f".new-{datetime.now():%Y%m%d%H%M%S%f}.duckdb"
    try:
        backup.restore(source, pending, wait=wait)
        with store.connect(pending, read_only=True, wait=wait) as con:
            code, name, lead = _own(con)
        return _register(host, pending, code, name, lead, by=by, wait=wait)
    finally:
        _remove_file(pending)


def _register(host: Path, pending: Path, code: str, name: str, lead: str, *, by: Actor, wait: float) -> Hosted:
    """Move the built file to its place and list it, in one transaction of the install's database."""
    target = folder(host) / f"{code}.duckdb"
    with store.connect(host, wait=wait, create=False) as con:
        store.require_current(con, host)
        _check_code(code, con, host)
        if target.exists():
            raise HostingError(f"{target} already exists; move it away, or list it with `charter partnership import`")
        file = str(target.relative_to(host.parent))
        pending.rename(target)
        try:
            with store.transaction(con):
                con.execute(
                    "INSERT INTO core.hosted_partnership VALUES ($code, $name, $lead, $file, current_timestamp, $by)",
                    {"code": code, "name": name, "lead": lead, "file": file, "by": by.email},
                )
                audit.record(con, by, "add partnership", "partnership", code, None, name)
        except BaseException:
            target.rename(pending)  # not listed: the caller removes it
            raise
    return Hosted(code, name, lead, target, False)


def remove(host: Path, code: str, *, by: Actor, wait: float = 5.0) -> Path:
    """Stop serving a hosted partnership and delete its file; the install's own partnership cannot be removed."""
    hosted = find(host, code, wait=wait)
    if hosted is None or hosted.home:
        raise HostingError(
            f"{code} is the install's own partnership: it lives in the install's database ({host}), "
            "which `charter backup` copies whole; only hosted partnerships can be deleted"
        )
    with store.connect(host, wait=wait, create=False) as con, store.transaction(con):
        con.execute("DELETE FROM core.hosted_partnership WHERE code = $c", {"c": hosted.code})
        audit.record(con, by, "delete partnership", "partnership", hosted.code, hosted.name, None)
    _remove_file(hosted.path)
    return hosted.path


def _remove_file(path: Path) -> None:
    for each in (path, Path(f"{path}.wal")):
        with suppress(FileNotFoundError):
            each.unlink()


def refresh(host: Path, path: Path, *, wait: float = 5.0) -> None:
    """Copy a hosted partnership's name and lead partner, after its framework is loaded, into the install's list."""
    with store.connect(path, read_only=True, wait=wait) as con:
        code, name, lead = _own(con)
    with store.connect(host, wait=wait, create=False) as con, store.transaction(con):
        con.execute(
            "UPDATE core.hosted_partnership SET name = $name, lead_partner_code = $lead "
            "WHERE code = $code AND (name <> $name OR lead_partner_code <> $lead)",
            {"code": code, "name": name, "lead": lead},
        )


def upgrade_hosted(con: duckdb.DuckDBPyConnection, host: Path, *, wait: float = 5.0) -> list[str]:
    """Bring every hosted partnership's file up to this Charter's schema, as `charter init` does the install's."""
    lines = []
    for hosted in listed(con, host):
        if hosted.home:
            continue
        if not hosted.path.exists():
            lines.append(
                f"Partnership {hosted.code}: its file {hosted.path} is missing; run `charter partnership delete "
                f"{hosted.code} --confirm {hosted.code}`, then `charter partnership import` its export"
            )
            continue
        with store.connect(hosted.path, wait=wait, create=False) as each:
            before = store.schema_version(each)
            applied = store.migrate(each)
        said = f"upgraded from version {before} to {store.LATEST_VERSION}" if applied else "up to date"
        lines.append(f"Partnership {hosted.code} ({hosted.path}): schema {said}.")
    return lines


def backup_notes(host: Path, *, restored: bool = False, wait: float = 5.0) -> list[str]:
    """What `charter backup` and `restore` say of hosted partnerships: their files are not in the install's."""
    try:
        hosted = [h for h in partnerships(host, wait=wait) if not h.home]
    except store.StoreError:  # a database not yet brought up to date lists none
        return []
    if not hosted:
        return []
    if not restored:
        return [
            "Hosted partnerships are not in this backup: each is a database of its own; export each with",
            *(f"  charter partnership export {h.code} --out {h.code}-backup.duckdb" for h in hosted),
        ]
    lines = ["The restored database lists hosted partnerships, each a database of its own that a restore leaves alone:"]
    for h in hosted:
        lines.append(
            f"  {h.code}: {h.path}"
            if h.path.exists()
            else f"  {h.code}: {h.path} is missing; run `charter partnership delete {h.code} --confirm {h.code}`, "
            "then `charter partnership import` its export"
        )
    return lines
