"""The risk register and contracts roadmap: the seed's figures through plain SQL on the public views, the heat map,
review dates, notice days, alignment, rating bands, and who may write."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from metrics import contracts, risks, store
from metrics.access import AccessDenied, Actor, Role
from metrics.contracts import ContractInput
from tests.conftest import AS_OF, table_contents

ADMIN = Actor.administrator("tests")
# The LICTP Cabinet report, 16 December 2020, section 15: risk number, likelihood, impact (words and numbers).
SEED = [
    ("1", "Very High", 6, "Marginal", 2),
    ("2", "Significant", 4, "Critical", 3),
    ("3", "Very Low", 2, "Critical", 3),
    ("4", "Low", 3, "Critical", 3),
    ("5", "High", 5, "Marginal", 2),
    ("6", "High", 5, "Marginal", 2),
    ("7", "Low", 3, "Critical", 3),
    ("8", "Significant", 4, "Critical", 3),
]
# The report's risk matrix: (likelihood, impact) -> the risk numbers in that cell.
MATRIX = {(6, 2): ["1"], (5, 2): ["5", "6"], (4, 3): ["2", "8"], (3, 3): ["4", "7"], (2, 3): ["3"]}


@pytest.mark.parametrize(("code", "l_word", "likelihood", "i_word", "impact"), SEED)
def test_each_seed_risk_reads_back_from_the_risk_view(
    con: duckdb.DuckDBPyConnection, code: str, l_word: str, likelihood: int, i_word: str, impact: int
) -> None:
    row = con.execute(
        "SELECT partnership_code, likelihood, likelihood_word, impact, impact_word, score, rating, reviewed_on "
        "FROM risk WHERE code = $c",
        {"c": code},
    ).fetchall()
    # The report rates every one of its eight risks "Medium Risk"; the default bands agree.
    assert row == [
        ("LICTP", likelihood, l_word, impact, i_word, likelihood * impact, "Medium Risk", date(2020, 12, 16))
    ]


def test_the_seed_risks_titles_and_mitigations_are_the_reports_words(con: duckdb.DuckDBPyConnection) -> None:
    rows = dict(con.execute("SELECT code, title FROM risk").fetchall())
    assert rows["6"] == (
        "Potential TUPE costs and pension strain unidentified until TUPE negotiations begin at the end of the "
        "contract period"
    )
    mitigation = con.execute("SELECT mitigation FROM risk WHERE code = '8'").fetchall()[0][0]
    assert mitigation == (
        "Communications. Strategy Board to demonstrate leadership. Staff and Member Training. Build confidence "
        "and momentum with early successes."
    )
    assert con.execute("SELECT count(*) FROM risk WHERE illustrative = ''").fetchall() == [(0,)]  # owners are made up


def test_the_heat_map_places_the_eight_risks_in_the_reports_cells(con: duckdb.DuckDBPyConnection) -> None:
    grid = risks.heat_map(con)
    assert len(grid) == 24
    placed = {
        (int(r.likelihood), int(r.impact)): list(r.current_codes) for r in grid.itertuples() if len(r.current_codes)
    }
    assert placed == MATRIX
    assert grid.iloc[0][["likelihood", "likelihood_word", "impact", "impact_word"]].tolist() == [
        6, "Very High", 1, "Negligible"
    ]  # fmt: skip


def test_the_sopra_steria_contract_ends_on_31_december_2021(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT code, supplier, partner_code, ends_on, illustrative FROM contract WHERE supplier = 'Sopra Steria Ltd' "
        "ORDER BY code"
    ).fetchall()
    assert [(c, s, p, e) for c, s, p, e, _ in rows] == [
        ("SOPRA-ICT", "Sopra Steria Ltd", "HBBC", date(2021, 12, 31)),
        ("SOPRA-SAM", "Sopra Steria Ltd", "HBBC", date(2021, 12, 31)),
        ("SOPRA-SDM", "Sopra Steria Ltd", "HBBC", date(2021, 12, 31)),
    ]
    assert {i for *_, i in rows} == {""}  # from the report, not made up
    made_up = con.execute("SELECT count(*) FROM contract WHERE illustrative <> ''").fetchall()[0][0]
    assert made_up == 8


def test_the_python_and_sql_scales_say_the_same_words(con: duckdb.DuckDBPyConnection) -> None:
    sql = con.execute("SELECT axis, level, word FROM core.risk_scale").fetchall()
    python = [("likelihood", n, w) for n, w in risks.LIKELIHOOD.items()] + [
        ("impact", n, w) for n, w in risks.IMPACT.items()
    ]
    assert sorted(sql) == sorted(python)
    assert [(r.rating, r.min_score, r.max_score) for r in risks.bands(con).itertuples()] == [
        ("Low Risk", 1, 5), ("Medium Risk", 6, 12), ("High Risk", 13, 24)
    ]  # fmt: skip


def test_reviews_past_due_are_flagged_and_a_review_clears_the_flag(con: duckdb.DuckDBPyConnection) -> None:
    late = risks.past_due(risks.register(con))
    assert late["code"].tolist() == [str(n) for n in range(1, 9)]  # due 16 March 2021, never reviewed since
    scoring = risks.Scoring(6, 2, AS_OF, date(2026, 2, 20), 3, 2, "Reviewed: unchanged.")
    risks.rescore(con, "1", scoring, by=ADMIN)
    row = con.execute("SELECT score, review_past_due, previous_score, scorings FROM risk WHERE code = '1'").fetchall()
    assert row == [(12, False, 12, 3)]
    assert risks.past_due(risks.register(con))["code"].tolist() == [str(n) for n in range(2, 9)]
    trend = con.execute("SELECT score FROM risk_history WHERE code = '1' ORDER BY scoring").fetchall()
    assert trend == [(10,), (12,), (12,)]  # the illustrative earlier scoring, the report's, today's review


@pytest.mark.parametrize(
    ("scoring", "message"),
    [
        (risks.Scoring(7, 2, AS_OF, date(2026, 2, 1)),
         "the likelihood '7' is not one of 1 Almost impossible, 2 Very Low, 3 Low, 4 Significant, 5 High, "
         "6 Very High; give the number or the word"),
        (risks.Scoring(3, 2, AS_OF, date(2026, 2, 1), 2, None),
         "Give both the target likelihood and the target impact, or neither."),
        (risks.Scoring(3, 2, AS_OF, AS_OF), "The next review (20 November 2025) must come after this one "
                                             "(20 November 2025)."),
        (risks.Scoring(3, 2, date(2020, 1, 1), date(2020, 4, 1)),
         "Risk 4 was last reviewed on 16 December 2020; a new scoring cannot be dated before that."),
    ],
)  # fmt: skip
def test_a_bad_rescoring_is_refused_and_changes_nothing(
    con: duckdb.DuckDBPyConnection, demo_db: Path, scoring: risks.Scoring, message: str
) -> None:
    before = con.execute("SELECT * FROM core.risk_score ORDER BY id").fetchall()
    with pytest.raises(risks.RiskError) as caught:
        risks.rescore(con, "4", scoring, by=ADMIN)
    assert str(caught.value) == message
    assert con.execute("SELECT * FROM core.risk_score ORDER BY id").fetchall() == before


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OFFICER])
def test_only_the_board_and_admins_write_risks_and_contracts(demo_db: Path, role: Role) -> None:
    before = table_contents(demo_db)
    who = Actor(f"{role.value}@example.org", role, frozenset({"MBC"}))
    expected = (
        f"{who.email} ({role.value}) may not change the partnership's money, risks, contracts and options; "
        "that needs the role admin, board"
    )
    with store.connect(demo_db, as_of=AS_OF) as con:
        with pytest.raises(AccessDenied) as caught:
            risks.rescore(con, "1", risks.Scoring(1, 1, AS_OF, date(2026, 1, 1)), by=who)
        assert str(caught.value) == expected
        with pytest.raises(AccessDenied) as caught:
            contracts.store(con, [ContractInput("X", "CRM", "Acme", "MBC", "CRM", date(2027, 1, 1))], by=who)
        assert str(caught.value) == expected
    assert table_contents(demo_db) == before


def _contract(code: str, partner: str, category: str, ends: date, notice: int = 0) -> ContractInput:
    return ContractInput(code, f"{category} system", "Acme", partner, category, ends, None, notice, Decimal(1000))


@pytest.mark.parametrize(
    ("second", "aligned"),
    [
        (_contract("B", "BDC", "CRM", date(2027, 12, 30)), True),  # 18 months after A, to the day
        (_contract("B", "BDC", "CRM", date(2027, 12, 31)), False),  # a day more
        (_contract("B", "BDC", "CRM", date(2025, 10, 31)), False),  # ended before today: nothing to align
        (_contract("B", "BDC", "CRM", date(2026, 7, 1)), True),  # ends first, not yet ended
        (_contract("B", "HBBC", "CRM", date(2026, 12, 31)), False),  # the same council
        (_contract("B", "BDC", "Finance", date(2026, 12, 31)), False),  # another category
    ],
)
def test_two_partners_contracts_in_one_category_ending_within_18_months_are_a_chance_to_align(
    empty_db: Path, second: ContractInput, aligned: bool
) -> None:
    from metrics import demo

    with store.connect(empty_db, as_of=AS_OF) as con:
        demo.load_framework(con, demo.read_framework(demo.FRAMEWORK), by=ADMIN, sha256="x")
        contracts.store(con, [_contract("A", "HBBC", "CRM", date(2026, 6, 30)), second], by=ADMIN)
        found = contracts.alignment(con)
    pairs = [tuple(sorted(pair)) for pair in zip(found["first_code"], found["second_code"], strict=True)]
    assert pairs == ([("A", "B")] if aligned else [])


def test_the_demo_shows_its_chances_to_align_and_its_notices_due(con: duckdb.DuckDBPyConnection) -> None:
    found = contracts.alignment(con)
    assert list(zip(found["category"], found["first_code"], found["second_code"], strict=True)) == [
        ("Finance", "HBBC-FIN", "BDC-FIN"),
        ("Revenues and benefits", "HBBC-REV", "BDC-REV"),
    ]
    due = contracts.notices(con, AS_OF)
    assert list(zip(due["code"], due["notice_on"].dt.date, strict=True)) == [
        ("MBC-WEB", date(2025, 12, 31)),  # ends 31 March 2026, three months' notice
        ("HBBC-FIN", date(2026, 3, 31)),  # ends 31 March 2027, twelve months' notice
    ]


@pytest.mark.parametrize(
    ("ends", "notice", "notice_on", "listed"),
    [
        (date(2026, 11, 20), 0, date(2026, 11, 20), True),  # notice on the last day of the window
        (date(2026, 11, 21), 0, date(2026, 11, 21), False),
        (date(2027, 2, 28), 3, date(2026, 11, 28), False),
        (date(2026, 5, 31), 6, date(2025, 11, 30), True),
        (date(2026, 5, 31), 7, date(2025, 10, 31), False),  # already passed
        (date(2026, 8, 31), 6, date(2026, 2, 28), True),  # the month's last day when it has fewer
    ],
)
def test_a_notice_day_is_the_end_less_the_notice_period_and_is_listed_within_12_months(
    con: duckdb.DuckDBPyConnection, ends: date, notice: int, notice_on: date, listed: bool
) -> None:
    con.execute("DELETE FROM core.contract")
    contracts.store(con, [_contract("N", "MBC", "CRM", ends, notice)], by=ADMIN)
    assert con.execute("SELECT notice_on FROM contract").fetchall() == [(notice_on,)]
    assert contracts.notices(con, AS_OF)["code"].tolist() == (["N"] if listed else [])


def test_the_rating_bands_decide_a_risks_rating(con: duckdb.DuckDBPyConnection) -> None:
    with store.transaction(con):
        risks.set_bands(con, [("Green", 1), ("Amber", 8), ("Red", 12)])
    ratings = dict(con.execute("SELECT code, rating FROM risk").fetchall())
    assert ratings == {"1": "Red", "2": "Red", "3": "Green", "4": "Amber", "5": "Amber", "6": "Amber", "7": "Amber",
                       "8": "Red"}  # fmt: skip
    with pytest.raises(risks.RiskError) as caught:
        risks.set_bands(con, [("Amber", 8)])
    assert str(caught.value) == "The risk bands need distinct lowest scores from 1 to 24, the first band starting at 1."


def test_a_framework_file_sets_the_rating_bands_and_one_without_them_keeps_them(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    from metrics.framework import FrameworkError, read_framework
    from metrics.loader import load_framework
    from tests.conftest import FRAMEWORK

    path = tmp_path / "framework.yaml"
    path.write_text(
        FRAMEWORK.read_text() + "risk_bands:\n  - {rating: Low, min_score: 1}\n  - {rating: High, min_score: 10}\n"
    )
    load_framework(con, read_framework(path), by=ADMIN, sha256="with bands")
    assert dict(con.execute("SELECT code, rating FROM risk WHERE code IN ('3', '5')").fetchall()) == {
        "3": "Low",
        "5": "High",
    }
    load_framework(con, read_framework(FRAMEWORK), by=ADMIN, sha256="without bands")
    assert risks.bands(con)["rating"].tolist() == ["Low", "High"]
    path.write_text(FRAMEWORK.read_text() + "risk_bands:\n  - {rating: Low, min_score: 2}\n")
    with pytest.raises(FrameworkError) as caught:
        read_framework(path)
    line = len(FRAMEWORK.read_text().splitlines()) + 1
    assert str(caught.value) == (
        f"{path}:{line}: risk_bands: the risk bands need distinct min_score values, the lowest band starting at 1"
    )


@pytest.mark.parametrize(
    ("view", "columns"),
    [
        ("risk", ["partnership_code", "code", "title", "owner", "likelihood", "impact", "score", "rating", "mitigation",
                  "reviewed_on"]),
        ("contract", ["partnership_code", "code", "system", "supplier", "partner_code", "category", "starts_on",
                      "ends_on", "notice_months", "annual_cost"]),
        ("risk_history", ["partnership_code", "code", "scoring_id", "reviewed_on", "likelihood"]),
    ],
)  # fmt: skip
def test_the_views_start_with_the_columns_their_users_rely_on(
    con: duckdb.DuckDBPyConnection, view: str, columns: list[str]
) -> None:
    found = [str(r[0]) for r in con.execute(f"DESCRIBE {view}").fetchall()]  # the view's name is this test's own
    assert found[: len(columns)] == columns
