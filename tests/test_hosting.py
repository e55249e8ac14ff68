"""Several partnerships in one install (docs/hosting.md): isolation in every public view, and the commands."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from metrics import hosting, store
from metrics.access import Actor
from metrics.framework import parse_framework, read_framework
from metrics.loader import load_framework
from metrics.models import Framework
from metrics.submissions import sha256
from tests.conftest import FRAMEWORK, charter, table_contents

# Two hosted partnerships beside the demo's LICTP. XDC belongs to both, with its own figures in each; HBBC is
# in LICTP (the demo) and in AAP. Invented figures for the test.
HOSTED = {
    "AAP": {"XDC": 41.5, "HBBC": 12.25},
    "BBP": {"XDC": 77.75, "YDC": 30.0},
}
NAMES = {"XDC": "Exdale District Council", "YDC": "Whydale District Council", "HBBC": "Hinckley (in AAP)"}


def framework(code: str, partners: list[str]) -> str:
    """A framework file for a partnership `code` with `partners`, one KPI K1 and one objective on it."""
    return yaml.safe_dump(
        {
            "partnership": {"name": f"{code} ICT Partnership", "short_name": code, "lead_authority": partners[0]},
            "partners": [{"code": p, "name": NAMES[p], "joined_on": date(2015, 4, 1)} for p in partners],
            "commitments": [{"code": "C1", "title": "Digital Services", "commitment": "We will do better."}],
            "outcomes": [{"code": "C1.1", "parent": "C1", "text": "Things get better."}],
            "kpis": [
                {
                    "code": "K1",
                    "name": "The measure",
                    "definition": "What is counted.",
                    "unit": "%",
                    "polarity": "higher",
                    "category": "digital",
                    "frequency": "quarterly",
                }
            ],
            "objectives": [
                {
                    "code": "OBJ1",
                    "title": "Move the measure",
                    "outcomes": ["C1.1"],
                    "kpi": "K1",
                    "owner": "Head of ICT",
                    "status": "active",
                    "baseline": {"period": "2024/25 Q4", "value": 10},
                    "target": {"period": "2026/27 Q4", "value": 90},
                }
            ],
        },
        sort_keys=False,
    )


def ok(db: Path, *args: str) -> str:
    done = charter(db, *args)
    assert (done.returncode, done.stderr) == (0, ""), args
    return done.stdout


@pytest.fixture(scope="module")
def install(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's LICTP as the install's own partnership, AAP and BBP hosted, each with approved K1 figures."""
    folder = tmp_path_factory.mktemp("install")
    db = folder / "charter.duckdb"
    shutil.copy(_demo_template, db)
    for code, values in HOSTED.items():
        (folder / f"{code}.yaml").write_text(framework(code, list(values)), encoding="utf-8")
        assert ok(db, "partnership", "add", str(folder / f"{code}.yaml")) == (
            f"Added {code} ({code} ICT Partnership) in {folder / 'charter.partnerships' / f'{code}.duckdb'}.\n"
            f"Its administrators: `charter --partnership {code} user add EMAIL --role admin`.\n"
        )
        rows = "".join(f"{p},2025/26 Q1,K1,{v},\n" for p, v in values.items())
        (folder / f"{code}.csv").write_text("partner,period,kpi,value,note\n" + rows, encoding="utf-8")
        ok(db, "--partnership", code, "ingest", str(folder / f"{code}.csv"))
        ok(db, "--partnership", code, "approve", "1")
    return db


@pytest.fixture
def copied(install: Path, tmp_path: Path) -> Path:
    """A copy of the whole install (its database and its partnerships' folder) for a test that changes it."""
    shutil.copytree(install.parent, tmp_path / "install")
    return tmp_path / "install" / install.name


def views(con: object) -> list[str]:
    return [v for (v,) in con.execute(  # type: ignore[attr-defined]
        "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal ORDER BY 1"
    ).fetchall()]  # fmt: skip


def test_each_partnership_file_holds_only_its_own_rows_in_every_public_view(install: Path) -> None:
    served = hosting.partnerships(install)
    assert [(h.code, h.home) for h in served] == [("LICTP", True), ("AAP", False), ("BBP", False)]
    for hosted in served:
        with store.connect(hosted.path, read_only=True) as con:
            names = views(con)
            assert len(names) > 20 and "measurement" in names
            for view in names:
                if view == "partnership":
                    continue
                codes = con.execute(f"SELECT DISTINCT partnership_code FROM {view}").fetchall()  # noqa: S608
                assert codes in ([(hosted.code,)], []), (hosted.code, view, codes)
            listed = con.execute("SELECT code, home FROM partnership").fetchall()
            mine = [(hosted.code, True)]
            assert listed == ([*mine, ("AAP", False), ("BBP", False)] if hosted.home else mine)
            partners = {c for (c,) in con.execute("SELECT code FROM partner").fetchall()}
            assert partners == ({"HBBC", "BDC", "MBC", "OWBC"} if hosted.home else set(HOSTED[hosted.code]))


def test_a_council_in_two_partnerships_has_each_ones_own_figures(install: Path) -> None:
    for code, values in HOSTED.items():
        path = hosting.path_for(install, code)
        with store.connect(path, read_only=True, as_of=date(2025, 11, 20)) as con:
            held = con.execute("SELECT partner_code, value FROM measurement WHERE kpi_code = 'K1'").fetchall()
            assert dict(held) == values
            progress = con.execute(
                "SELECT partner_code, actual FROM objective_progress WHERE period = '2025/26 Q1'"
            ).fetchall()
            assert dict(progress) == values
    with store.connect(install, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM measurement WHERE partner_code = 'XDC'").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM kpi WHERE code = 'K1'").fetchall() == [(0,)]


def test_list_names_every_partnership_and_its_file(install: Path) -> None:
    folder = install.parent / "charter.partnerships"
    assert ok(install, "partnership", "list") == (
        "LICTP\tLeicestershire ICT Partnership\tlead HBBC\tthe install's own database\n"
        f"AAP\tAAP ICT Partnership\tlead XDC\t{folder / 'AAP.duckdb'}\n"
        f"BBP\tBBP ICT Partnership\tlead XDC\t{folder / 'BBP.duckdb'}\n"
    )


def test_accounts_and_submissions_are_each_partnerships_own(copied: Path) -> None:
    out = ok(copied, "--partnership", "aap", "user", "add", "lead@aap.example", "--role", "admin", "--no-password")
    assert "lead@aap.example" in out
    assert "lead@aap.example" in ok(copied, "--partnership", "AAP", "user", "list")
    assert "lead@aap.example" not in ok(copied, "--partnership", "BBP", "user", "list")
    assert "lead@aap.example" not in ok(copied, "user", "list")
    before = table_contents(hosting.path_for(copied, "BBP"))
    refused = charter(copied, "--partnership", "BBP", "--as", "lead@aap.example", "settings", "--public", "no")
    assert (refused.returncode, refused.stderr) == (
        1,
        "charter settings: there is no active account for lead@aap.example\n",
    )
    ok(copied, "--partnership", "BBP", "user", "add", "lead@aap.example", "--role", "viewer", "--no-password")
    refused = charter(copied, "--partnership", "BBP", "--as", "lead@aap.example", "settings", "--public", "no")
    assert (refused.returncode, refused.stderr) == (
        1,
        "charter settings: lead@aap.example (viewer) may not change the partnership's settings; "
        "that needs the role admin\n",
    )
    after = table_contents(hosting.path_for(copied, "BBP"))
    assert after["core.partnership"] == before["core.partnership"]
    assert ok(copied, "--partnership", "AAP", "--as", "lead@aap.example", "settings", "--public", "no").startswith(
        "Changed public: no.\n"
    )
    subs = ok(copied, "--partnership", "BBP", "submissions")
    assert "BBP.csv" in subs and "AAP.csv" not in subs


def test_settings_are_each_partnerships_own_and_ingest_takes_its_upload_limit(copied: Path) -> None:
    assert ok(copied, "--partnership", "AAP", "settings", "--max-upload-mb", "1") == (
        "Changed max upload: 1 MB.\n"
        "Settings of AAP:\n"
        "  public: yes (from the install's CHARTER_PUBLIC)\n"
        "  max upload: 1 MB (from this partnership)\n"
        "  data due: 30 days after each period ends (from the framework file's partnership.data_due_days)\n"
    )
    assert "max upload: 20 MB (from the install's CHARTER_MAX_UPLOAD_MB)" in ok(
        copied, "--partnership", "BBP", "settings"
    )
    big = copied.parent / "big.csv"
    big.write_bytes(b"partner,period,kpi,value,note\n" + b"XDC,2025/26 Q2,K1,50,x\n" * 60_000)
    before = table_contents(hosting.path_for(copied, "AAP"))
    done = charter(copied, "--partnership", "AAP", "ingest", str(big))
    assert done.returncode == 1 and "1 MB" in done.stderr, done.stderr
    assert table_contents(hosting.path_for(copied, "AAP")) == before
    bad = charter(copied, "--partnership", "AAP", "settings", "--max-upload-mb", "500")
    assert (bad.returncode, bad.stderr) == (
        1,
        "charter settings: --max-upload-mb '500': give a whole number of MB from 1 to 200, "
        "or default (the install's CHARTER_MAX_UPLOAD_MB)\n",
    )
    due = charter(copied, "settings", "--data-due-days", "10")
    assert (due.returncode, due.stderr) == (
        1,
        "charter settings: the days data are due come from the framework file (partnership.data_due_days), which "
        "`charter load-framework` writes on every load: change it there and load the file again\n",
    )


def test_export_delete_import_gives_back_the_same_rows_and_the_host_audits_each(copied: Path) -> None:
    path = hosting.path_for(copied, "AAP")
    rows = table_contents(path)
    export = copied.parent / "aap-export.duckdb"
    assert ok(copied, "partnership", "export", "AAP", "--out", str(export)).startswith(
        f"Exported AAP whole to {export}"
    )
    assert ok(copied, "partnership", "delete", "AAP", "--confirm", "AAP") == (
        f"Deleted AAP: the install no longer serves it and {path} is removed.\n"
    )
    assert not path.exists()
    assert [h.code for h in hosting.partnerships(copied)] == ["LICTP", "BBP"]
    assert (
        ok(copied, "partnership", "import", str(export))
        == f"Added AAP (AAP ICT Partnership) from {export} in {path}.\n"
    )
    assert table_contents(path) == rows
    with store.connect(copied, read_only=True) as con:
        trail = con.execute(
            "SELECT action, entity, entity_key FROM audit WHERE entity = 'partnership' ORDER BY id"
        ).fetchall()
    assert trail == [
        ("add partnership", "partnership", "AAP"),
        ("add partnership", "partnership", "BBP"),
        ("delete partnership", "partnership", "AAP"),
        ("add partnership", "partnership", "AAP"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("partnership", "delete", "LICTP", "--confirm", "LICTP"),
            "charter partnership: LICTP is the install's own partnership: it lives in the install's database "
            "({db}), which `charter backup` copies whole; only hosted partnerships can be deleted\n",
        ),
        (
            ("partnership", "delete", "AAP", "--confirm", "BBP"),
            "charter partnership: to delete AAP and all its data, repeat its code: --confirm AAP\n",
        ),
        (
            ("--partnership", "NOPE", "submissions"),
            "charter submissions: there is no partnership 'NOPE' in this install; it serves: LICTP, AAP, BBP\n",
        ),
        (
            ("partnership", "delete", "NOPE", "--confirm", "NOPE"),
            "charter partnership: there is no partnership 'NOPE' in this install; it serves: LICTP, AAP, BBP\n",
        ),
        (
            ("partnership", "export", "NOPE", "--out", "{folder}/x.duckdb"),
            "charter partnership: there is no partnership 'NOPE' in this install; it serves: LICTP, AAP, BBP\n",
        ),
    ],
    ids=["own", "confirm", "unknown-option", "unknown-delete", "unknown-export"],
)
def test_refusals_say_why_and_change_nothing(copied: Path, args: tuple[str, ...], message: str) -> None:
    files = sorted(p.name for p in copied.parent.rglob("*"))
    before = {h.code: table_contents(h.path) for h in hosting.partnerships(copied)}
    done = charter(copied, *(a.format(folder=copied.parent) for a in args))
    assert (done.returncode, done.stderr, done.stdout) == (1, message.format(db=copied), "")
    assert {h.code: table_contents(h.path) for h in hosting.partnerships(copied)} == before
    assert sorted(p.name for p in copied.parent.rglob("*")) == files


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "a",
            "charter partnership: 'a' cannot be a partnership's code: use 2 to 16 capital letters, digits, '-' or "
            "'_', starting with a letter (the framework's `short_name`, e.g. MKIP)\n",
        ),
        ("BBP", "charter partnership: this install already serves a partnership BBP; choose another short_name\n"),
    ],
)
def test_a_framework_whose_code_cannot_be_served_is_refused(copied: Path, code: str, message: str) -> None:
    fw = copied.parent / "other.yaml"
    fw.write_text(framework(code, ["XDC"]), encoding="utf-8")
    files = sorted(p.name for p in copied.parent.rglob("*"))
    before = table_contents(copied)
    done = charter(copied, "partnership", "add", str(fw))
    assert (done.returncode, done.stderr) == (1, message)
    assert table_contents(copied) == before
    assert sorted(p.name for p in copied.parent.rglob("*")) == files


def version_15(con: duckdb.DuckDBPyConnection, fw: Framework) -> None:
    """A database as Charter wrote it at schema version 15, before hosting: `fw` loaded."""
    assert store.migrate(con, upto=15)[-1] == 15
    load_framework(con, fw, by=Actor.administrator("tests"), sha256=sha256(b"v15"))


def test_a_schema_15_database_upgrades_in_place_as_the_install_s_own_partnership(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with store.connect(db) as con:
        version_15(con, read_framework(FRAMEWORK))
        con.execute(
            "INSERT INTO core.submission (file_name, sha256, submitted_by, submitted_at, status, row_count, partners, "
            "periods, source) VALUES ('q1.csv', 'abc', 'officer', TIMESTAMP '2025-07-20 09:30', 'approved', 1, "
            "['HBBC'], ['2025/26 Q1'], 'command line')"
        )
        con.execute(
            "INSERT INTO core.measurement (submission_id, row_number, partner_code, kpi_code, period, period_index, "
            "is_annual, value, note) SELECT id, 2, 'HBBC', 'DS01', '2025/26 Q1', 8100, false, 62.5, 'Up' "
            "FROM core.submission"
        )
    before = table_contents(db)
    assert "core.hosted_partnership" not in before
    done = charter(db, "init")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"Database {db}: schema upgraded from version 15 to {store.LATEST_VERSION}.\n")
    after = table_contents(db)
    for table, rows in before.items():
        if table == "core.partnership":  # version 16 adds its own public and upload settings, empty
            assert after[table] == [(*row, None, None) for row in rows]
        elif table != "core.schema_version":
            assert after[table] == rows, table
    assert after["core.hosted_partnership"] == []
    with store.connect(db, read_only=True) as con:
        assert con.execute("SELECT * FROM partnership").fetchall() == [
            ("LICTP", "Leicestershire ICT Partnership", "HBBC", True)
        ]
        for view in views(con):
            if view != "partnership":
                codes = con.execute(f"SELECT DISTINCT partnership_code FROM {view}").fetchall()  # noqa: S608
                assert codes in ([("LICTP",)], []), view
        assert con.execute("SELECT count(*) FROM partner WHERE partnership_code = 'LICTP'").fetchall() == [(4,)]
        assert con.execute("SELECT partnership_code, partner_code, value FROM measurement").fetchall() == [
            ("LICTP", "HBBC", 62.5)
        ]
        assert con.execute("SELECT count(*) FROM objective").fetchall() == [(len(before["core.objective"]),)]
    assert [h.code for h in hosting.partnerships(db)] == ["LICTP"]


def test_backup_copies_the_install_s_database_and_says_how_to_export_each_hosted_one(copied: Path) -> None:
    out = copied.parent / "install-backup.duckdb"
    said = ok(copied, "backup", "--out", str(out)).splitlines()
    assert said[2:] == [
        "Hosted partnerships are not in this backup: each is a database of its own; export each with",
        "  charter partnership export AAP --out AAP-backup.duckdb",
        "  charter partnership export BBP --out BBP-backup.duckdb",
    ]
    export = copied.parent / "aap.duckdb"
    ok(copied, "partnership", "export", "AAP", "--out", str(export))
    aap = hosting.path_for(copied, "AAP")
    rows, home = table_contents(aap), table_contents(copied)
    aap.unlink()  # the host and one partnership are lost
    copied.unlink()
    said = ok(copied, "restore", str(out)).splitlines()
    assert said[-3:] == [
        "The restored database lists hosted partnerships, each a database of its own that a restore leaves alone:",
        f"  AAP: {aap} is missing; run `charter partnership delete AAP --confirm AAP`, "
        "then `charter partnership import` its export",
        f"  BBP: {hosting.path_for(copied, 'BBP')}",
    ]
    assert table_contents(copied) == home
    ok(copied, "partnership", "delete", "AAP", "--confirm", "AAP")
    ok(copied, "partnership", "import", str(export))
    assert table_contents(aap) == rows
    assert [h.code for h in hosting.partnerships(copied)] == ["LICTP", "AAP", "BBP"]
    # A hosted partnership's own backup is its file alone, with nothing of the others.
    own = copied.parent / "bbp-backup.duckdb"
    assert len(ok(copied, "--partnership", "BBP", "backup", "--out", str(own)).splitlines()) == 2
    with store.connect(own, read_only=True) as con:
        assert con.execute("SELECT code, home FROM partnership").fetchall() == [("BBP", True)]


def test_init_brings_each_hosted_partnership_s_file_up_to_date_too(copied: Path) -> None:
    # A partnership file left at an older schema (as after upgrading Charter), listed by the install.
    old = copied.parent / "charter.partnerships" / "OLD.duckdb"
    with store.connect(old) as con:
        version_15(con, parse_framework(framework("OLD", ["XDC"]), "old.yaml"))
    with store.connect(copied) as con:
        con.execute(
            "INSERT INTO core.hosted_partnership VALUES ('OLD', 'OLD ICT Partnership', 'XDC', "
            "'charter.partnerships/OLD.duckdb', current_timestamp, 'tests')"
        )
    stale = charter(copied, "--partnership", "OLD", "submissions")
    assert (stale.returncode, stale.stderr) == (
        1,
        f"charter submissions: the database at {old} has schema version 15, not {store.LATEST_VERSION}; "
        "run `charter init` to bring it up to date (no data is lost)\n",
    )
    folder = copied.parent / "charter.partnerships"
    assert ok(copied, "init").splitlines()[1:] == [
        f"Database {copied}: only its owner can read or write it (mode 600).",
        f"Partnership AAP ({folder / 'AAP.duckdb'}): schema up to date.",
        f"Partnership BBP ({folder / 'BBP.duckdb'}): schema up to date.",
        f"Partnership OLD ({old}): schema upgraded from version 15 to {store.LATEST_VERSION}.",
    ]
    ok(copied, "--partnership", "OLD", "submissions")  # served again: exit 0, nothing on standard error
    with store.connect(old, read_only=True) as con:
        assert con.execute("SELECT code, home FROM partnership").fetchall() == [("OLD", True)]
        assert con.execute("SELECT DISTINCT partnership_code FROM partner").fetchall() == [("OLD",)]


def test_a_framework_cannot_change_the_code_of_the_partnership_a_database_holds(demo_db: Path, tmp_path: Path) -> None:
    text = FRAMEWORK.read_text(encoding="utf-8").replace("  short_name: LICTP\n", "  short_name: OTHER\n", 1)
    assert "short_name: OTHER" in text
    (tmp_path / "other.yaml").write_text(text, encoding="utf-8")
    before = table_contents(demo_db)
    done = charter(demo_db, "load-framework", str(tmp_path / "other.yaml"))
    assert (done.returncode, done.stderr) == (
        1,
        "charter load-framework: this database holds the partnership LICTP; the framework's short_name is OTHER: "
        "a partnership's code cannot change, so keep short_name: LICTP (another partnership goes in a database of "
        "its own: `charter partnership add FRAMEWORK.yaml`)\n",
    )
    assert table_contents(demo_db) == before


def test_a_hosted_partnership_renamed_by_its_framework_is_listed_by_its_new_name(copied: Path) -> None:
    text = framework("AAP", list(HOSTED["AAP"])).replace("AAP ICT Partnership", "Aardvark Partnership")
    (copied.parent / "renamed.yaml").write_text(text, encoding="utf-8")
    ok(copied, "--partnership", "AAP", "load-framework", str(copied.parent / "renamed.yaml"))
    with store.connect(copied, read_only=True) as con:
        assert con.execute("SELECT code, name FROM partnership").fetchall() == [
            ("LICTP", "Leicestershire ICT Partnership"),
            ("AAP", "Aardvark Partnership"),
            ("BBP", "BBP ICT Partnership"),
        ]
