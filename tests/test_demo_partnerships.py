"""The two further demo partnerships (MKIP ICT and SELCP), each built into a database file of its own, read by
plain SQL on the public views; and the benchmark's small synthetic partnerships (metrics/synthetic.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest

from metrics import demo_partnerships, store, synthetic
from metrics.demo import DemoRefused
from metrics.framework import read_framework
from tests.conftest import AS_OF, FRAMEWORK, table_contents

Install = Callable[..., list[str]]


def build(path: Path, install: Install) -> list[str]:
    with store.connect(path, as_of=AS_OF) as con:
        store.migrate(con)
        return install(con, today=AS_OF, by="tests")


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with store.connect(path, read_only=True, as_of=AS_OF) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def mkip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mkip") / "mkip.duckdb"
    build(path, demo_partnerships.install_mkip)
    return path


@pytest.fixture(scope="module")
def selcp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("selcp") / "selcp.duckdb"
    build(path, demo_partnerships.install_selcp)
    return path


def test_mkip_holds_its_three_councils_all_joined_on_1_april_2013(mkip: Path) -> None:
    assert rows(mkip, "SELECT code, name, joined_on, left_on FROM partner") == [
        ("SBC", "Swale Borough Council", date(2013, 4, 1), None),
        ("TWBC", "Tunbridge Wells Borough Council", date(2013, 4, 1), None),
        ("MBC", "Maidstone Borough Council", date(2013, 4, 1), None),
    ]
    assert rows(mkip, "SELECT name, short_name, lead_authority, illustrative FROM core.partnership") == [
        ("Mid Kent Improvement Partnership ICT", "MKIP", "MBC", True)
    ]


def test_mkip_agreement_runs_ten_years_with_reviews_after_3_and_5_years(mkip: Path) -> None:
    assert rows(mkip, "SELECT code, starts_on, ends_on, review_on, illustrative FROM agreement") == [
        ("MKIP-2013", date(2013, 4, 1), date(2023, 3, 31), date(2016, 4, 1), False),
        ("MKIP-2013", date(2013, 4, 1), date(2023, 3, 31), date(2018, 4, 1), False),
    ]
    assert rows(mkip, "SELECT count(*), bool_and(after_agreement) FROM objective_after_agreement") == [(7, True)]


def test_mkip_capital_fund_is_100k_from_each_council_and_savings_are_3_71m_over_ten_years(mkip: Path) -> None:
    assert rows(mkip, "SELECT partner_code, kind, financial_year, amount, illustrative FROM one_off_cost") == [
        ("MBC", "capital", "2013/14", 100_000, False),
        ("SBC", "capital", "2013/14", 100_000, False),
        ("TWBC", "capital", "2013/14", 100_000, False),
    ]
    assert rows(
        mkip,
        "SELECT count(DISTINCT financial_year), min(financial_year), max(financial_year), sum(planned), "
        "bool_or(illustrative) FROM saving WHERE code = 'MKIP-SAV'",
    ) == [(10, "2013/14", "2022/23", 3_710_000, False)]


def test_selcp_boston_pays_23_percent_of_the_46k_review(selcp: Path) -> None:
    assert rows(selcp, "SELECT partner_code, basis, share, illustrative FROM cost_share") == [
        ("BBC", "agreed", 0.23, False),
        ("ELDC", "agreed", 0.45, True),
        ("SHDC", "agreed", 0.32, True),
    ]
    assert rows(selcp, "SELECT partner_code, amount FROM one_off_cost WHERE item LIKE 'SOCITM%'") == [
        ("BBC", 10_580),
        ("ELDC", 20_700),
        ("SHDC", 14_720),
    ]
    assert rows(selcp, "SELECT sum(amount) FROM one_off_cost WHERE item LIKE 'SOCITM%'") == [(46_000,)]


def test_selcp_holds_the_175k_cyber_grant_as_received(selcp: Path) -> None:
    assert rows(
        selcp, "SELECT title, commitment_code, financial_year, planned, realised, illustrative FROM saving"
    ) == [("Government grant for cyber resilience (income, not a saving)", "X1", "2022/23", 175_000, 175_000, False)]


def test_selcp_roadmap_gives_every_council_systems_with_expiry_dates_and_online_forms(selcp: Path) -> None:
    per_council = rows(
        selcp,
        "SELECT partner_code, count(*), bool_and(ends_on IS NOT NULL), bool_and(illustrative <> '') "
        "FROM contract GROUP BY ALL ORDER BY 1",
    )
    assert [(code, ended, flagged) for code, _, ended, flagged in per_council] == [
        ("BBC", True, True),
        ("ELDC", True, True),
        ("SHDC", True, True),
    ]
    assert rows(selcp, "SELECT code, name, category FROM kpi WHERE code = 'SE01'") == [
        ("SE01", "Online forms available", "digital")
    ]
    forms = rows(selcp, "SELECT DISTINCT partner_code FROM measurement WHERE kpi_code = 'SE01' ORDER BY 1")
    assert forms == [("BBC",), ("ELDC",), ("SHDC",)]


def counts(path: Path) -> tuple[int, int, int]:
    return rows(
        path,
        "SELECT (SELECT count(*) FROM commitment), (SELECT count(*) FILTER (cross_cutting) FROM commitment), "
        "(SELECT count(*) FROM principle)",
    )[0]  # type: ignore[return-value]


def test_each_charter_has_counts_of_its_own_different_from_lictps(mkip: Path, selcp: Path) -> None:
    lictp = read_framework(FRAMEWORK)
    lictp_counts = (len(lictp.commitments), len(lictp.principles))
    assert lictp_counts == (5, 7)
    assert counts(mkip) == (4, 1, 5)
    assert counts(selcp) == (3, 1, 6)


@pytest.mark.parametrize("which", ["mkip", "selcp"])
def test_every_objective_has_a_target_for_every_partner(which: str, request: pytest.FixtureRequest) -> None:
    path = request.getfixturevalue(which)
    targeted = rows(
        path,
        "SELECT o.code, count(DISTINCT p.partner_code) FROM objective o LEFT JOIN objective_progress p "
        "ON p.objective_code = o.code AND p.target IS NOT NULL GROUP BY ALL ORDER BY 1",
    )
    (partners,) = rows(path, "SELECT count(*) FROM partner")[0]
    assert len(targeted) == {"mkip": 7, "selcp": 6}[which]
    assert all(n == partners == 3 for _, n in targeted), targeted


@pytest.mark.parametrize("which", ["mkip", "selcp"])
def test_figures_are_approved_illustrative_and_the_invented_wording_is_flagged(
    which: str, request: pytest.FixtureRequest
) -> None:
    path = request.getfixturevalue(which)
    assert rows(path, "SELECT count(*) > 100, bool_and(approved) FROM measurement") == [(True, True)]
    assert rows(path, "SELECT bool_and(illustrative), min(source), max(source) FROM core.submission") == [
        (True, "demo", "demo")
    ]
    assert rows(path, "SELECT bool_and(illustrative) FROM core.principle") == [(True,)]
    assert rows(path, "SELECT bool_and(illustrative <> '') FROM risk") == [(True,)]


@pytest.mark.parametrize(
    ("install", "code"), [(demo_partnerships.install_mkip, "MKIP"), (demo_partnerships.install_selcp, "SELCP")]
)
def test_building_twice_into_the_same_file_changes_nothing(install: Install, code: str, tmp_path: Path) -> None:
    path = tmp_path / f"{code}.duckdb"
    first = build(path, install)
    (files,) = rows(path, "SELECT count(*) FROM submission")[0]
    assert f"{code} demo figures: {files} new submissions" in first[-4]
    before = table_contents(path)
    second = build(path, install)
    assert second == [
        f"{code} demo framework: The framework is already up to date: nothing changed.",
        f"{code} demo figures: 0 new submissions with 0 figures ({files} already present), up to 2025/26 Q2.",
        f"{code} demo business: already present: nothing changed.",
    ]
    assert table_contents(path) == before


def test_a_partnership_is_not_loaded_into_another_partnerships_file(mkip: Path, tmp_path: Path) -> None:
    path = tmp_path / "mkip.duckdb"
    path.write_bytes(mkip.read_bytes())
    before = table_contents(path)
    with pytest.raises(DemoRefused) as refused:
        build(path, demo_partnerships.install_selcp)
    assert str(refused.value) == (
        "this database holds Mid Kent Improvement Partnership ICT; the SELCP demo goes into a database of its own"
    )
    assert table_contents(path) == before


# --- the many-partnership benchmark's small synthetic partnerships ----------------------------------------------


def many(path: Path, code: str, councils: int, seed: int) -> list[str]:
    with store.connect(path, as_of=AS_OF) as con:
        store.migrate(con)
        return synthetic.install_many_member(con, code, councils, seed, today=AS_OF, by="bench")


def test_many_member_partnerships_have_their_own_code_and_council_codes(tmp_path: Path) -> None:
    many(tmp_path / "p01.duckdb", "P01", 3, 1)
    many(tmp_path / "p02.duckdb", "P02", 8, 2)
    first = rows(tmp_path / "p01.duckdb", "SELECT code, name FROM partner")
    second = rows(tmp_path / "p02.duckdb", "SELECT code FROM partner")
    assert first == [("P01-C001", "P01 Council 1"), ("P01-C002", "P01 Council 2"), ("P01-C003", "P01 Council 3")]
    assert [c for (c,) in second] == [f"P02-C{i:03d}" for i in range(1, 9)]
    assert rows(tmp_path / "p02.duckdb", "SELECT name, short_name, illustrative FROM core.partnership") == [
        ("Synthetic Partnership P02 (8 councils)", "P02", True)
    ]
    assert rows(tmp_path / "p02.duckdb", "SELECT count(*) FROM kpi") == [(20,)]
    assert rows(tmp_path / "p02.duckdb", "SELECT count(DISTINCT period) FROM measurement") == [(12,)]
    assert rows(tmp_path / "p02.duckdb", "SELECT bool_and(approved) FROM measurement") == [(True,)]


@pytest.mark.parametrize(
    ("code", "councils", "message"),
    [
        ("P01", 2, "a partnership here has 3 to 8 councils, not 2"),
        ("P01", 9, "a partnership here has 3 to 8 councils, not 9"),
        ("P 1", 3, "a partnership code is 1 to 12 letters, digits, '-' or '_'; 'P 1' is not"),
    ],
)
def test_many_member_refuses_a_size_or_code_it_cannot_build(
    code: str, councils: int, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "bad.duckdb"
    with store.connect(path) as con:
        store.migrate(con)
    before = table_contents(path)
    with pytest.raises(DemoRefused) as refused:
        many(path, code, councils, 1)
    assert str(refused.value) == message
    assert table_contents(path) == before


def test_many_member_is_not_loaded_into_another_partnerships_file(tmp_path: Path) -> None:
    path = tmp_path / "p01.duckdb"
    many(path, "P01", 3, 1)
    before = table_contents(path)
    with pytest.raises(DemoRefused) as refused:
        many(path, "P02", 3, 1)
    assert str(refused.value) == (
        "this database holds Synthetic Partnership P01 (3 councils); partnership P02 goes into a database of its own"
    )
    assert table_contents(path) == before
    assert many(path, "P01", 3, 1)[-1] == (
        "Synthetic figures: 0 new submissions with 0 figures (12 already present), up to 2025/26 Q2."
    )


def test_the_demo_builders_need_nothing_but_a_connection() -> None:
    with duckdb.connect() as con:
        store.migrate(con)
        lines = demo_partnerships.install_selcp(con, today=AS_OF, by="tests")
    assert lines[0] == "SELCP demo framework: Added 3 partners."
