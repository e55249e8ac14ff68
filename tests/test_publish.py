"""`charter publish` (metrics/publish.py): approved figures as a Frictionless Data Package, checked by frictionless."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from frictionless import validate

from metrics import store
from tests.conftest import AS_OF, charter, table_contents

NEW = 'partner,period,kpi,value,note\nHBBC,2025/26 Q2,DS01,71.25,=HYPERLINK("x") kept as written\n'


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_package_is_valid_and_holds_the_approved_figures_exactly(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "open-data"
    done = charter(demo_db, "publish", "--partnership", "LICTP", "--out", str(out))
    assert (done.returncode, done.stderr) == (0, "")
    report = validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "OGL-UK-3.0"
    assert "ILLUSTRATIVE" in package["description"]  # the demo's figures say they are not real
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["datapackage.json", *(f"{r['name']}.csv" for r in package["resources"])]
    )
    with store.connect(demo_db, read_only=True, as_of=AS_OF) as con:
        approved = con.execute(
            "SELECT partner_code, period, kpi_code, value FROM measurement WHERE approved ORDER BY ALL NULLS FIRST"
        ).fetchall()
        progress = con.execute("SELECT count(*) FROM objective_progress").fetchall()[0][0]
    published = sorted(
        (r["partner_code"], r["period"], r["kpi_code"], float(r["value"]) if r["value"] else None)
        for r in rows(out / "measurements.csv")
    )
    assert published == approved
    assert len(rows(out / "progress.csv")) == progress
    assert f"measurements {len(approved)}," in done.stdout
    for resource in package["resources"]:  # every row says whose it is, as the public views do
        assert resource["schema"]["primaryKey"][0] == "partnership_code"
        table = rows(out / resource["path"])
        assert next(iter(table[0])) == "partnership_code"
        assert {r["partnership_code"] for r in table} == {"LICTP"}


def test_only_approved_figures_are_published_and_values_are_not_neutralised(demo_db: Path, tmp_path: Path) -> None:
    new = tmp_path / "new.csv"
    new.write_text(NEW, encoding="utf-8")
    stored = charter(demo_db, "ingest", str(new))
    assert stored.returncode == 0, stored.stderr
    first = tmp_path / "before"
    assert charter(demo_db, "publish", "--partnership", "LICTP", "--out", str(first)).returncode == 0
    assert "71.25" not in (first / "measurements.csv").read_text(encoding="utf-8")  # waiting for approval

    with store.connect(demo_db, read_only=True) as con:
        sid = con.execute("SELECT max(id) FROM core.submission").fetchall()[0][0]
    assert charter(demo_db, "approve", str(sid)).returncode == 0
    second = tmp_path / "after"
    assert charter(demo_db, "publish", "--partnership", "LICTP", "--out", str(second)).returncode == 0
    mine = [r for r in rows(second / "measurements.csv") if r["submission_id"] == str(sid)]
    assert mine == [
        {
            "partnership_code": "LICTP",
            "partner_code": "HBBC",
            "period": "2025/26 Q2",
            "kpi_code": "DS01",
            "value": "71.25",
            "note": '=HYPERLINK("x") kept as written',
            "submission_id": str(sid),
            "illustrative": "false",
        }
    ]
    assert validate(second / "datapackage.json").valid


def test_an_unknown_partnership_or_a_used_folder_is_refused(demo_db: Path, tmp_path: Path) -> None:
    before = table_contents(demo_db)
    done = charter(demo_db, "publish", "--partnership", "MKIP", "--out", str(tmp_path / "x"))
    assert (done.returncode, done.stderr) == (
        1,
        "charter publish: there is no partnership 'MKIP' in this install; it serves: LICTP\n",
    )
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine")
    done = charter(demo_db, "publish", "--partnership", "LICTP", "--out", str(used))
    assert (done.returncode, done.stderr) == (
        1,
        f"charter publish: {used} already exists and is not an empty folder; choose a new folder\n",
    )
    assert [p.name for p in used.iterdir()] == ["notes.txt"]
    assert not (tmp_path / "x").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".charter-publish-")]
    assert table_contents(demo_db) == before
