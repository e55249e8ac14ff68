"""Two partnerships in one install for tests (docs/architecture.md): the demo (LICTP) in the install's own database, and
KTIP, a partnership made from the demo framework with three other councils and Hinckley & Bosworth (HBBC) in both,
its figures for HBBC different from LICTP's."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from metrics import accounts, demo, hosting, store
from metrics.access import Actor
from metrics.framework import read_framework
from metrics.loader import load_framework
from metrics.submissions import catalogue, check_file, sha256, store_files
from tests.conftest import FRAMEWORK

OTHER = "KTIP"
OTHER_NAME = "Kent Test ICT Partnership"
# The demo's councils and their stand-ins in KTIP; HBBC is in both.
RENAMED = {
    "BDC": ("SBC", "Blaby District Council", "Swale Borough Council"),
    "MBC": ("TWBC", "Melton Borough Council", "Tunbridge Wells Borough Council"),
    "OWBC": ("MAID", "Oadby & Wigston Borough Council", "Maidstone Borough Council"),
}
WORDS = {"Leicestershire": "Kent", "Blaby": "Swale", "Melton": "Tunbridge Wells", "Oadby & Wigston": "Maidstone",
         "Oadby": "Maidstone", "Wigston": "Maidstone", "LICTP": OTHER}  # fmt: skip
HOME_ONLY = ["Blaby", "Melton", "Oadby", "Leicestershire", "LICTP"]  # words that name the demo's own councils or area
OTHER_ONLY = ["Swale", "Tunbridge Wells", "Maidstone", OTHER_NAME]
HOME_CODES, OTHER_CODES = ["BDC", "MBC", "OWBC"], ["SBC", "TWBC", "MAID"]
OTHER_COUNCILS = [new_name for _, _, new_name in RENAMED.values()]


def other_framework(folder: Path) -> Path:
    """The demo framework, made into KTIP's: its name, code and three of its four councils changed."""
    text = FRAMEWORK.read_text(encoding="utf-8")
    text = text.replace("Leicestershire ICT Partnership", OTHER_NAME)
    for old, (new, old_name, new_name) in RENAMED.items():
        text = re.sub(rf"\b{old}\b", new, text.replace(old_name, new_name))
    for old, new in WORDS.items():
        text = text.replace(old, new)
    path = folder / "ktip.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _shifted(data: bytes) -> bytes:
    """KTIP's figures: HBBC's scaled by 0.9, so a council in both partnerships has figures of its own in each."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    for row in rows[1:]:
        number = re.fullmatch(r"(£?)([0-9.]+)(%?)", row[3].replace(",", "")) if row[0] == "HBBC" else None
        if number:
            before, value, after = number[1], float(number[2]), number[3]
            shifted = str(round(value * 0.9)) if value.is_integer() else f"{value * 0.9:.2f}"
            row[3] = before + shifted + after
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def build_other(folder: Path, today: date) -> Callable[[duckdb.DuckDBPyConnection], None]:
    """Load KTIP's framework and its figures (all approved) into the new partnership's database."""
    path = other_framework(folder)
    fw = read_framework(path)

    def build(con: duckdb.DuckDBPyConnection) -> None:
        load_framework(con, fw, by=Actor.administrator("tests"), sha256=sha256(path.read_bytes()))
        made = demo.demo_files(fw, today)  # but the demo's correction, written for BDC
        files = [(name, _shifted(data), when) for name, data, when, _ in made if "correction" not in name]
        cat = catalogue(con, today)
        checked = [(check_file(data, name, cat), data) for name, data, _ in files]
        assert all(result.ok for result, _ in checked), [r.problems[:3] for r, _ in checked if not r.ok]
        store_files(con, checked, by=Actor.administrator("Demo data (illustrative)"), source="demo",
                    illustrative=True, times=[when for *_, when in files], approved=[True] * len(files))  # fmt: skip

    return build


def install(template: Path, folder: Path, today: date) -> Path:
    """An install holding the demo (its own) and KTIP; returns its database."""
    db = folder / "charter.duckdb"
    shutil.copy(template, db)
    hosting.add(db, build_other(folder, today), by=Actor.administrator("tests"))
    return db


def add_account(db: Path, code: str | None, email: str, password: str, role: str = "viewer") -> None:
    """An account in one partnership's own database (the install's own for None)."""
    with store.connect(hosting.path_for(db, code)) as con:
        accounts.add_user(con, Actor.administrator("tests"), email=email, role=role, password=password)
