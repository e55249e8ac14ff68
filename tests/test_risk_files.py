"""Risk, risk-score, risk-objective and contract files through `charter business load`: refused whole with the
rows named (exit 1, nothing stored), or loaded whole."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from metrics import accounts, store
from metrics.access import Actor
from tests.conftest import AS_OF, charter, table_contents

LIKELIHOODS = "1 Almost impossible, 2 Very Low, 3 Low, 4 Significant, 5 High, 6 Very High"
RISK_HEAD = "code,title,owner,likelihood,impact,target_likelihood,target_impact,reviewed_on,review_due_on"
SCORE_HEAD = "code,likelihood,impact,target_likelihood,target_impact,reviewed_on"
CONTRACT_HEAD = "code,system,supplier,partner_code,category,starts_on,ends_on,notice_months,annual_cost"
BAD = [
    ("risks", [RISK_HEAD, "9,Cyber attack,Head of ICT,4,4,2,4,2025-11-01,",
               "10,Supplier fails,Head of ICT,7,2,,,2025-11-01,"],
     f"3:likelihood: the likelihood '7' is not one of {LIKELIHOODS}; give the number or the word"),
    ("risks", [RISK_HEAD, "9,,Head of ICT,Low,Critical,,,2025-11-01,"], "2:title: the title is blank; fill it in"),
    ("risks", [RISK_HEAD, "9,Cyber attack,Head of ICT,Low,Critical,,,2025-11-01,2025-10-01"],
     "2:review_due_on: the next review (1 October 2025) must come after this one (1 November 2025)"),
    ("risk-scores", [SCORE_HEAD, "99,3,3,,,2025-11-01"],
     "2:code: '99' is not known here; use one of 1, 2, 3, 4, 5, 6, 7, 8"),
    ("risk-scores", [SCORE_HEAD, "4,3,3,2,,2025-11-01"],
     "2:target_impact: give both the target likelihood and the target impact, or neither"),
    ("risk-scores", [SCORE_HEAD, "4,3,Severe,,,2025-11-01"],
     "2:impact: the impact 'Severe' is not one of 1 Negligible, 2 Marginal, 3 Critical, 4 Catastrophic; give the "
     "number or the word"),
    ("risk-objectives", ["risk_code,objective_code", "4,OBJ99"],
     "2:objective_code: 'OBJ99' is not known here; use one of " + ", ".join(f"OBJ{n:02d}" for n in range(1, 23))),
    ("contracts", [CONTRACT_HEAD, "X1,CRM,Acme,ZZZ,CRM,,2027-01-01,3,"],
     "2:partner_code: 'ZZZ' is not known here; use one of BDC, HBBC, MBC, OWBC"),
    ("contracts", [CONTRACT_HEAD, "X1,CRM,Acme,MBC,CRM,2024-01-01,2023-01-01,3,"],
     "2:ends_on: the contract ends on 1 January 2023, before it starts on 1 January 2024"),
    ("contracts", [CONTRACT_HEAD, "X1,CRM,Acme,MBC,CRM,,2027-01-01,61,"],
     "2:notice_months: '61' is out of range; it must be at most 60"),
    ("contracts", [CONTRACT_HEAD, "X1,CRM,Acme,MBC,CRM,,31/02/2027,3,"],
     "2:ends_on: '31/02/2027' is not a date; write it as year-month-day, e.g. 2021-12-31"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "lines", "problem"), BAD, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(BAD)])
def test_a_bad_file_is_refused_whole_with_its_row_named(
    demo_db: Path, tmp_path: Path, kind: str, lines: list[str], problem: str
) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = table_contents(demo_db)
    done = charter(demo_db, "business", "load", kind, str(path))
    assert done.returncode == 1, done.stderr
    assert done.stderr == f"{path}:{problem}\nRejected: 1 problem to fix; nothing was loaded.\n"
    assert table_contents(demo_db) == before


def test_a_risks_file_and_a_scores_file_load_whole_and_every_scoring_is_kept(demo_db: Path, tmp_path: Path) -> None:
    risks_csv = tmp_path / "risks.csv"
    risks_csv.write_text(f"{RISK_HEAD}\n9,Cyber attack,Head of ICT,Significant,catastrophic,2,4,01/11/2025,\n")
    assert charter(demo_db, "business", "load", "risks", str(risks_csv)).stdout == f"{risks_csv}: loaded 1 risks.\n"
    scores = tmp_path / "scores.csv"
    scores.write_text(f"{SCORE_HEAD}\n9,3,4,2,4,2025-11-15\n4,High,Critical,,,2025-11-15\n")
    assert charter(demo_db, "business", "load", "risk-scores", str(scores)).returncode == 0
    with duckdb.connect(str(demo_db), read_only=True) as con:
        con.execute("SET VARIABLE charter_as_of = DATE '2025-11-20'")
        assert con.execute(
            "SELECT code, score, rating, review_due_on FROM risk WHERE code IN ('4', '9')"
        ).fetchall() == [
            ("4", 15, "High Risk", date(2026, 2, 15)),
            ("9", 12, "Medium Risk", date(2026, 2, 15)),
        ]
        assert con.execute("SELECT score FROM risk_history WHERE code = '9' ORDER BY scoring").fetchall() == [
            (16,),
            (12,),
        ]
        audit = con.execute("SELECT action, entity, entity_key FROM audit ORDER BY id DESC LIMIT 2").fetchall()
    assert audit == [("load risk-scores", "risk_score", str(scores)), ("load risks", "risk", str(risks_csv))]


def test_a_contracts_spreadsheet_loads_whole(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "contracts.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, CONTRACT_HEAD.split(","))
        sheet.write_row(1, 0, ["MBC-CRM", "CRM", "Acme", "mbc", "CRM", "2024-04-01", "2027-03-31", 6, "£12,500"])
    done = charter(demo_db, "business", "load", "contracts", str(path))
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(demo_db), read_only=True) as con:
        row = con.execute("SELECT partner_code, ends_on, notice_on, annual_cost FROM contract WHERE code = 'MBC-CRM'")
        assert row.fetchall() == [("MBC", date(2027, 3, 31), date(2026, 9, 30), 12500)]


def test_a_viewer_may_not_load_a_contracts_file(demo_db: Path, tmp_path: Path) -> None:
    with store.connect(demo_db, as_of=AS_OF) as con:
        accounts.add_user(
            con, Actor.administrator("tests"), email="viewer@example.org", role="viewer", password="x" * 12
        )
    path = tmp_path / "contracts.csv"
    path.write_text(f"{CONTRACT_HEAD}\nX1,CRM,Acme,MBC,CRM,,2027-01-01,3,\n")
    before = table_contents(demo_db)
    done = charter(demo_db, "--as", "viewer@example.org", "business", "load", "contracts", str(path))
    assert done.returncode == 1
    assert done.stderr == (
        "charter business: viewer@example.org (viewer) may not change the partnership's money, risks, contracts and "
        "options; that needs the role admin, board\n"
    )
    assert table_contents(demo_db) == before
