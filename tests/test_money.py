"""The partnership's money, options appraisal and agreement (issue 15): the seed figures read back by plain SQL on
the public views after `charter init --demo`, the what-if, the option sensitivity, the agreement-end flag, and
business files refused whole with every bad row named."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from metrics import business_files, cli, money, money_files, store
from metrics.access import AccessDenied, Actor, Role
from tests.conftest import AS_OF, table_contents

ADMIN = Actor.administrator("tests")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database made by `charter init --demo`, as a partnership would make it."""
    path = tmp_path_factory.mktemp("demo") / "charter.duckdb"
    assert cli.main(["--db", str(path), "--as-of", AS_OF.isoformat(), "init", "--demo"]) == 0
    return path


def one(db: Path, sql: str) -> object:
    """The single value of a plain SQL query on the database, read as anyone's own tool would."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(sql).fetchall()
    assert len(rows) == 1, rows
    return rows[0][0]


SPEC_COLUMNS = {  # docs/views.md: these names are kept; a view may add columns
    "cost_share": ["partnership_code", "partner_code", "as_of", "basis", "active_users", "share"],
    "charge": ["partnership_code", "partner_code", "financial_year", "pool", "share", "charge", "budget"],
    "one_off_cost": ["partnership_code", "partner_code", "item", "kind", "financial_year", "amount"],
    "saving": ["partnership_code", "code", "title", "commitment_code", "financial_year", "planned", "realised"],
    "option_score": ["partnership_code", "appraisal", "option", "factor", "weight", "score"],
    "agreement": ["partnership_code", "starts_on", "ends_on", "review_on"],
}


@pytest.mark.parametrize("view", sorted(SPEC_COLUMNS))
def test_each_business_view_has_the_columns_of_the_spec(demo: Path, view: str) -> None:
    with duckdb.connect(str(demo), read_only=True) as con:
        found = [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()]
    assert [c for c in found if c in SPEC_COLUMNS[view]] == SPEC_COLUMNS[view]
    assert one(demo, f"SELECT DISTINCT partnership_code FROM {view}") == "LICTP"  # noqa: S608 (the test's own names)


# --- the seed's figures, one test each (Melton BC Cabinet report, 16 December 2020) -----------------------------


@pytest.mark.parametrize(("partner", "users", "percent"), [("HBBC", 499, 46.7), ("BDC", 341, 31.9), ("MBC", 229, 21.4)])
def test_shares_at_31_july_2020_by_active_users(demo: Path, partner: str, users: int, percent: float) -> None:
    where = f"partner_code = '{partner}' AND as_of = DATE '2020-07-31'"
    assert one(demo, f"SELECT active_users FROM cost_share WHERE {where}") == users  # noqa: S608 (the test's own constants)
    assert one(demo, f"SELECT round(share * 100, 1) FROM cost_share WHERE {where}") == percent  # noqa: S608 (the test's own constants)
    assert one(demo, f"SELECT basis FROM cost_share WHERE {where}") == "active users"  # noqa: S608 (the test's own constants)


def test_the_2020_shares_add_up_to_100_percent(demo: Path) -> None:
    assert one(demo, "SELECT round(sum(share), 9) FROM cost_share WHERE as_of = DATE '2020-07-31'") == 1


def test_melton_budget_is_277k_service_plus_34k_web(demo: Path) -> None:
    row = "FROM charge WHERE partner_code = 'MBC' AND financial_year = '2021/22'"
    assert one(demo, f"SELECT budget {row}") == 311_000
    assert one(demo, f"SELECT budget_note {row}") == "£277k service + £34k web budget"


def test_melton_estimated_new_charge_is_315k(demo: Path) -> None:
    row = "FROM charge WHERE partner_code = 'MBC' AND financial_year = '2021/22'"
    assert one(demo, f"SELECT estimated_charge {row}") == 315_000
    assert one(demo, f"SELECT round(charge, -3) {row}") == 315_000  # the pool split by the 21.4% share


def test_melton_one_off_costs_are_52k(demo: Path) -> None:
    assert one(demo, "SELECT sum(amount) FROM one_off_cost WHERE partner_code = 'MBC'") == 52_000


@pytest.mark.parametrize(("kind", "amount"), [("revenue", 35_000), ("capital", 17_000)])
def test_melton_one_off_costs_by_kind(demo: Path, kind: str, amount: int) -> None:
    assert one(demo, f"SELECT sum(amount) FROM one_off_cost WHERE partner_code = 'MBC' AND kind = '{kind}'") == amount  # noqa: S608 (the test's own constants)


@pytest.mark.parametrize(("year", "amount"), [("2020/21", 10_000), ("2021/22", 7_000)])
def test_melton_capital_by_year(demo: Path, year: str, amount: int) -> None:
    sql = f"SELECT sum(amount) FROM one_off_cost WHERE kind = 'capital' AND financial_year = '{year}'"  # noqa: S608 (the test's own constants)
    assert one(demo, sql) == amount


def test_the_four_items_of_paragraph_9_4(demo: Path) -> None:
    items = one(demo, "SELECT list(DISTINCT left(item, 2) ORDER BY left(item, 2)) FROM one_off_cost")
    assert items == ["a)", "b)", "c)", "d)"]


def test_five_options_and_six_factors(demo: Path) -> None:
    assert one(demo, "SELECT count(DISTINCT option) FROM option_score") == 5
    factors = one(demo, "SELECT list(DISTINCT factor ORDER BY factor) FROM option_score")
    assert factors == ["Complexity", "Control", "Cost", "Deliverability", "Innovation", "Resilience"]


def test_the_lead_authority_insourced_model_wins(demo: Path) -> None:
    assert one(demo, "SELECT option FROM option_ranking WHERE rank = 1") == "b) Lead authority, insourced"
    assert one(demo, "SELECT chosen FROM option_ranking WHERE rank = 1") is True
    assert one(demo, "SELECT bool_and(illustrative) FROM option_score") is True  # the scores are invented


def test_the_agreement_runs_january_2022_to_31_december_2026(demo: Path) -> None:
    row = "FROM agreement WHERE code = 'LICTP-2022' AND review_on IS NULL"
    assert one(demo, f"SELECT starts_on {row}") == date(2022, 1, 1)
    assert one(demo, f"SELECT ends_on {row}") == date(2026, 12, 31)


def test_the_delegation_agreement_dated_31_january_2013(demo: Path) -> None:
    assert one(demo, "SELECT starts_on FROM agreement WHERE code = 'LICTP-2013'") == date(2013, 1, 31)
    assert one(demo, "SELECT joined_on FROM partner WHERE code = 'MBC'") == date(2013, 1, 31)


@pytest.mark.parametrize(("partner", "joined"), [("HBBC", date(2007, 4, 1)), ("OWBC", date(2007, 4, 1)),
                                                 ("BDC", date(2011, 2, 1))])  # fmt: skip
def test_joining_dates(demo: Path, partner: str, joined: date) -> None:
    assert one(demo, f"SELECT joined_on FROM partner WHERE code = '{partner}'") == joined  # noqa: S608 (the test's own constants)


def test_invented_figures_are_flagged(demo: Path) -> None:
    assert one(demo, "SELECT bool_and(illustrative) FROM cost_share WHERE as_of > DATE '2020-07-31'") is True
    assert one(demo, "SELECT bool_or(illustrative) FROM cost_share WHERE as_of = DATE '2020-07-31'") is False
    assert one(demo, "SELECT count(*) FROM cost_share WHERE partner_code = 'OWBC'") == 0  # 260 users: invented


# --- the agreement's end ---------------------------------------------------------------------------------------


def test_objectives_due_after_the_agreement_ends_are_flagged(demo: Path) -> None:
    flagged = "SELECT list(objective_code ORDER BY objective_code) FROM objective_after_agreement WHERE after_agreement"
    assert one(demo, flagged) == ["OBJ02", "OBJ06", "OBJ10", "OBJ11", "OBJ13", "OBJ17", "OBJ18"]
    # 2026/27 Q3 ends on 31 December 2026, the agreement's last day: not after it
    sql = "SELECT after_agreement FROM objective_after_agreement WHERE deadline_on = DATE '2026-12-31' LIMIT 1"
    with duckdb.connect(str(demo), read_only=True) as con:
        assert all(not r[0] for r in con.execute(sql).fetchall())


# --- the what-if ---------------------------------------------------------------------------------------------


def test_what_if_one_council_gains_users_every_charge_moves() -> None:
    before = {c.partner_code: c for c in money.what_if({"HBBC": 499, "BDC": 341, "MBC": 229}, 1_470_000)}
    after = {c.partner_code: c for c in money.what_if({"HBBC": 499, "BDC": 341, "MBC": 300}, 1_470_000)}
    assert all(after[p].charge != before[p].charge for p in before)
    assert after["MBC"].charge > before["MBC"].charge
    assert after["HBBC"].charge < before["HBBC"].charge and after["BDC"].charge < before["BDC"].charge
    assert sum(c.share for c in after.values()) == pytest.approx(1)
    assert sum(c.charge for c in after.values()) == pytest.approx(1_470_000)


def test_what_if_the_pool_grows_every_charge_moves_in_proportion() -> None:
    users = {"HBBC": 499, "BDC": 341, "MBC": 229}
    base = money.what_if(users, 1_000_000)
    more = money.what_if(users, 1_100_000)
    assert [round(m.charge / b.charge, 9) for m, b in zip(more, base, strict=True)] == [1.1, 1.1, 1.1]
    assert round(base[2].share * 100, 1) == 21.4


def test_what_if_with_no_users_is_refused_plainly() -> None:
    with pytest.raises(money.MoneyError, match=r"^the councils' active users add up to none"):
        money.what_if({"HBBC": 0}, 1_000)


def test_a_new_count_starts_a_new_apportionment_and_the_old_stays(demo: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    db.write_bytes(demo.read_bytes())
    with store.connect(db) as con:
        assert money.record_users(con, "MBC", date(2025, 4, 1), 300, by=ADMIN) == 3
    assert one(db, "SELECT round(sum(share), 9) FROM cost_share WHERE as_of = DATE '2025-04-01'") == 1
    assert (
        one(db, "SELECT active_users FROM cost_share WHERE partner_code = 'MBC' AND as_of = DATE '2025-04-01'") == 300
    )
    assert one(db, "SELECT source FROM cost_share WHERE partner_code = 'BDC' AND as_of = DATE '2025-04-01'") == (
        "carried forward from 1 April 2024"
    )
    assert (
        one(db, "SELECT round(share * 100, 1) FROM cost_share WHERE partner_code = 'MBC' AND as_of = '2020-07-31'")
        == 21.4
    )
    assert one(db, "SELECT count(DISTINCT as_of) FROM cost_share") == 4


# --- options sensitivity -------------------------------------------------------------------------------------

SCORES: dict[str, dict[str, float]] = {"A": {"cost": 5, "control": 1}, "B": {"cost": 2, "control": 4}}


def test_sensitivity_says_where_the_winner_changes() -> None:
    weights = {"cost": 2.0, "control": 1.0}  # A 11, B 8
    assert money.winner(SCORES, weights) == "A"
    found = {s.factor: s for s in money.sensitivity(SCORES, weights)}
    # control: A = 10 + w, B = 4 + 4w: equal at w = 2, so B wins once control weighs more than 2
    assert (found["control"].up, found["control"].up_winner) == (2.0, "B")
    assert found["control"].down is None  # lowering control only helps A
    # cost: A = 5w + 1, B = 2w + 4: equal at w = 1, so B wins once cost weighs less than 1
    assert (found["cost"].down, found["cost"].down_winner) == (1.0, "B")
    assert found["cost"].up is None
    assert money.winner(SCORES, {"cost": 2.0, "control": 2.01}) == "B"
    assert money.winner(SCORES, {"cost": 0.99, "control": 1.0}) == "B"


def test_sensitivity_of_the_demo_appraisal(demo: Path) -> None:
    with store.connect(demo, read_only=True) as con:
        scores, weights = money.appraisal(con, "LICTP future delivery model (2020)")
    assert money.winner(scores, weights) == "b) Lead authority, insourced"
    found = {s.factor: s for s in money.sensitivity(scores, weights)}
    assert (found["Control"].up, found["Control"].up_winner) == (20.0, "d) Go it alone")  # b 41 + 4w, d 21 + 5w
    assert found["Innovation"].down is None  # no other option overtakes at any weight of 0 or more


# --- bad files refused whole, every bad row named --------------------------------------------------------------

BAD = [
    ("cost-shares", "partner_code,as_of,active_users\nHBBC,2020-07-31,499\nXX,2020-07-31,12\n",
     ["shares.csv:3:partner_code: 'XX' is not known here; use one of BDC, HBBC, MBC, OWBC"]),
    ("cost-shares", "partner_code,as_of,active_users\nHBBC,31/02/2020,many\nBDC,2020-07-31,-1\n",
     ["shares.csv:2:active_users: 'many' is not a whole number; write a number, e.g. 229",
      "shares.csv:2:as_of: '31/02/2020' is not a date; write it as year-month-day, e.g. 2021-12-31",
      "shares.csv:3:active_users: '-1' is out of range; it must be at least 0"]),
    ("cost-shares", "partner_code,as_of,basis,agreed_share\nHBBC,2020-07-31,agreed,60%\nBDC,2020-07-31,Agreed,30%\n",
     ["shares.csv:3:agreed_share: the agreed shares from 31 July 2020 add up to 90.0%, not 100%; correct them so "
      "that they do"]),
    ("cost-shares", "partner_code,as_of,users\nHBBC,2020-07-31,499\n",
     ["shares.csv:1:users: 'users' is not a column of a file of cost shares; use only partner_code, as_of, basis, "
      "active_users, agreed_share, source, illustrative"]),
    ("charges", "partner_code,financial_year,pool,budget\nMBC,2021/22,1470000,£311k\nBDC,2021/23,1400000,470000\n",
     ["shares.csv:2:budget: '£311k' is not a number; write a number, e.g. 277000",
      "shares.csv:3:financial_year: '2021/23' is not a financial year; write it as 2020/21 "
      "(April 2020 to March 2021)"]),
    ("charges", "partner_code,financial_year,pool\nMBC,2021/22,1470000\nBDC,2021/22,1400000\n",
     ["shares.csv:3:pool: the pool for 2021/22 is 1,400,000 here but 1,470,000 on row 2; a year has one pool, so "
      "give the same on every row"]),
    ("one-off-costs",
     "partner_code,item,kind,financial_year,amount\nMBC,SDM,equipment,2020/21,10000\nMBC,SAM,,2021/22,7000\n",
     ["shares.csv:2:kind: 'equipment' is not allowed; write 'revenue' or 'capital'",
      "shares.csv:3:kind: the kind is blank; fill it in"]),
    ("savings",
     "code,title,financial_year,planned,commitment_code\nS1,Licences,2022/23,1000,C9\nS1,Licences,2022/23,900,C1\n",
     ["shares.csv:2:commitment_code: 'C9' is not known here; use one of C1, C2, C3, X1, X2",
      "shares.csv:3:financial_year: code S1, financial_year 2022/23 is already given on row 2; keep one row "
      "for it"]),
    ("options", "appraisal,option,factor,weight,score\nA,One,Cost,3,4\nA,Two,Cost,2,5\n",
     ["shares.csv:3:weight: Cost weighs 2 here but 3 on row 2; a factor has one weight, so give the same on "
      "every row"]),
    ("agreement",
     "code,title,starts_on,ends_on,review_on\nT,Term,2022-01-01,2021-12-31,\nT,Term,2022-01-01,2026-12-31,2027-06-30\n",
     ["shares.csv:2:ends_on: the agreement ends on 31 December 2021, before it starts on 1 January 2022",
      "shares.csv:3:review_on: the review on 30 June 2027 is outside the agreement's term (1 January 2022 to "
      "31 December 2026)"]),
    ("agreement", "title\n", ["shares.csv:1:code: the header row has no code, starts_on, ends_on column; a file of "
     "agreement terms and reviews names the columns code, title, starts_on, ends_on, review_on, source, illustrative "
     "(docs/file-contract.md)"]),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "text", "expected"), BAD, ids=[f"{k}-{i}" for i, (k, *_) in enumerate(BAD)])
def test_a_bad_file_is_refused_whole_with_its_rows_named(
    demo: Path, tmp_path: Path, kind: str, text: str, expected: list[str]
) -> None:
    db = tmp_path / "c.duckdb"
    db.write_bytes(demo.read_bytes())
    path = tmp_path / "shares.csv"
    path.write_text(text, encoding="utf-8")
    before = table_contents(db)
    with store.connect(db) as con, pytest.raises(business_files.BusinessFileRefused) as refused:
        business_files.load(con, path.read_bytes(), "shares.csv", _kind(kind), ADMIN)
    assert [str(p) for p in refused.value.problems] == expected
    assert table_contents(db) == before


def test_the_command_refuses_a_bad_file_with_exit_1(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "c.duckdb"
    db.write_bytes(demo.read_bytes())
    path = tmp_path / "users.csv"
    path.write_text("partner_code,as_of,active_users\nMBC,2025-04-01,lots\n", encoding="utf-8")
    before = table_contents(db)
    assert cli.main(["--db", str(db), "business", "load", "cost-shares", str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:2:active_users: 'lots' is not a whole number; write a number, e.g. 229",
        "Rejected: 1 problem to fix; nothing was loaded.",
    ]
    assert table_contents(db) == before


def test_the_command_loads_a_good_spreadsheet_and_audits_it(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import xlsxwriter

    db = tmp_path / "c.duckdb"
    db.write_bytes(demo.read_bytes())
    path = tmp_path / "users.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["Active users, April 2025"])
        sheet.write_row(2, 0, ["Partner code", "As of", "Active users"])
        for i, (code, n) in enumerate({"HBBC": 520, "BDC": 350, "MBC": 240}.items(), start=3):
            sheet.write_row(i, 0, [code, "01/04/2025", n])
    assert cli.main(["--db", str(db), "business", "load", "cost-shares", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: loaded 3 cost shares.\n"
    assert (
        one(db, "SELECT round(share * 100, 1) FROM cost_share WHERE partner_code = 'MBC' AND as_of = '2025-04-01'")
        == 21.6
    )  # 240 / 1,110
    assert one(db, "SELECT action FROM audit ORDER BY id DESC LIMIT 1") == "load cost-shares"


# --- roles: members read, the board and admins write --------------------------------------------------------


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OFFICER])
def test_viewers_and_officers_cannot_write(demo: Path, tmp_path: Path, role: Role) -> None:
    db = tmp_path / "c.duckdb"
    db.write_bytes(demo.read_bytes())
    actor = Actor("someone@melton.example", role)
    before = table_contents(db)
    with store.connect(db) as con:
        with pytest.raises(AccessDenied, match="may not change the partnership's money"):
            money.record_realised(con, "SV1", "2023/24", 1, by=actor)
        with pytest.raises(AccessDenied, match="may not change the partnership's money"):
            business_files.load(con, b"x", "x.csv", money_files.SAVINGS, actor)
    assert table_contents(db) == before


def test_a_board_member_records_a_realised_saving(demo: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    db.write_bytes(demo.read_bytes())
    with store.connect(db) as con:
        money.record_realised(con, "SV1", "2023/24", 45_000, by=Actor("chair@board.example", Role.BOARD))
        with pytest.raises(money.MoneyError, match=r"^there is no saving SV9 in 2023/24"):
            money.record_realised(con, "SV9", "2023/24", 1, by=ADMIN)
    assert one(db, "SELECT realised FROM saving WHERE code = 'SV1' AND financial_year = '2023/24'") == 45_000


def _kind(name: str) -> business_files.Kind:
    from metrics import cli_business

    return cli_business.kind(name)


def test_the_board_pack_gains_charges_against_budgets_and_one_off_costs(demo: Path, tmp_path: Path) -> None:
    import subprocess

    from metrics import boardpack
    from metrics.periods import parse_period

    with store.connect(demo, read_only=True, as_of=AS_OF) as con:
        pack = boardpack.gather(con, parse_period("2025/26 Q2"), AS_OF)
    (tmp_path / "pack.pdf").write_bytes(boardpack.pdf_bytes(pack))
    text = subprocess.run(["pdftotext", str(tmp_path / "pack.pdf"), "-"], capture_output=True, text=True, check=True)
    money_part = " ".join(text.stdout.split("6. Money", 1)[1].split())
    assert "2021/22 MBC 21.4% £314,902 £311,000 £3,902 source" in money_part
    assert "MBC, 2021/22: budget £277k service + £34k web budget; estimated charge £315,000." in money_part
    assert "MBC: £52,000 in all (£17,000 capital, £35,000 revenue)." in money_part
    assert set(boardpack.tables(pack)) >= {"charges against budgets", "one-off costs"}


def test_fin01_cost_per_user_follows_the_apportionment(demo: Path) -> None:
    """Each council's charge is its users' share of the pool, so its cost per user is a quarter of the pool over all
    the users counted: the same for every council."""
    per_quarter = one(
        demo, "SELECT list(DISTINCT value) FROM measurement WHERE kpi_code = 'FIN01' AND period = '2022/23 Q2'"
    )
    expected = one(
        demo,
        "SELECT round(max(c.pool) / 4 / max(s.total_users), 2) FROM charge c JOIN cost_share s "
        "ON s.as_of = c.share_as_of AND s.partner_code = c.partner_code WHERE c.financial_year = '2022/23'",
    )
    assert per_quarter == [expected] == [336.18]
