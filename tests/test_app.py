"""The app through Streamlit's AppTest: the Overview renders from the database and follows the sidebar."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics.access import Actor, Role
from metrics.config import ROOT
from tests.conftest import AS_OF

APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    return AppTest.from_file(APP, default_timeout=60)


def _text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _glance(at: AppTest) -> str:
    """The Overview's sentence under "At a glance" (the "Needs attention" section comes before it)."""
    return next(m.value for m in at.markdown if m.value.startswith("Across "))


def test_overview_shows_the_partnership_from_the_database(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert [t.value for t in app.title] == ["Overview"]
    assert "Illustrative demonstration data" in app.warning[0].value
    # AS_OF is 20 Nov 2025, so the last complete quarter is 2025/26 Q2, chosen by default.
    assert app.sidebar.selectbox[0].value == "2025/26 Q2"
    assert "Leicestershire ICT Partnership · 2025/26 Q2" in app.caption[0].value
    text = _text(app)
    for theme in ("Digital Councils", "Digital Services", "Digital Localities", "Collaboration", "Data and Governance"):
        assert theme in text
    assert "Hinckley & Bosworth Borough Council" in text
    assert app.query_params["quarter"] == "2025/26 Q2"


def test_choosing_a_partner_narrows_the_page_and_the_url(app: AppTest) -> None:
    app.run()
    everyone = _glance(app)
    app.sidebar.selectbox[1].select("MBC").run()
    assert not app.exception
    assert "Melton Borough Council" in app.caption[0].value
    assert app.query_params["partner"] == "MBC"
    one = _glance(app)
    assert "3 councils" in everyone and "1 council," in one
    table = next(m.value for m in app.markdown if "status by commitment" in m.value)
    assert "Blaby District Council" not in table


def test_choosing_a_quarter_changes_the_figures(app: AppTest) -> None:
    app.run()
    latest = _text(app)
    app.sidebar.selectbox[0].select("2022/23 Q1").run()
    assert not app.exception
    assert "2022/23 Q1" in app.caption[0].value
    assert _text(app) != latest
    assert app.query_params["quarter"] == "2022/23 Q1"


def test_a_link_reproduces_the_view(app: AppTest) -> None:
    app.query_params["quarter"] = "2023/24 Q3"
    app.query_params["partner"] = "bdc"
    app.run()
    assert not app.exception
    assert app.sidebar.selectbox[0].value == "2023/24 Q3"
    assert app.sidebar.selectbox[1].value == "BDC"
    assert "Blaby District Council" in app.caption[0].value


def test_without_a_database_the_page_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARTER_DB", str(tmp_path / "missing.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert "charter init --demo" in at.error[0].value


def _open(app: AppTest, page: str) -> AppTest:
    app.run()
    app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_overview_headline_kpis_put_digital_beside_ict(app: AppTest) -> None:
    _open(app, "overview")
    tables = [d.value for d in app.dataframe]
    digital, ict = tables[0], tables[1]
    assert "Transactions completed online ↑" in digital["name"].tolist()
    assert "Core system availability ↑" in ict["name"].tolist()
    assert all(len(trend) <= 8 for trend in digital["trend"])


def test_charter_lists_outcomes_and_objectives_and_searches(app: AppTest) -> None:
    _open(app, "charter")
    assert [h.value for h in app.header] == ["Commitments", "Principles"]
    assert len(app.expander) == 12  # five commitments and seven principles
    text = _text(app)
    assert "What does this mean?" in text and "Blaby District Council: " in text
    app.text_input(key="charter_search").input("cloud").run()
    assert not app.exception
    assert "mention “cloud”" in _text(app)
    assert len(app.expander) < 12


def test_objective_page_shows_the_smart_card_and_follows_the_partner(app: AppTest) -> None:
    app.query_params["objective"] = "OBJ05"
    _open(app, "objective")
    assert app.title[0].value.startswith("OBJ05 ")
    card = _text(app)
    assert "**Baseline:**" in card and "agreed by Strategy board" in card
    assert len(app.get("vega_lite_chart")) == 4  # one chart per partner, Oadby & Wigston included
    app.sidebar.selectbox[1].select("MBC").run()
    assert not app.exception
    assert len(app.get("vega_lite_chart")) == 1
    assert app.query_params["objective"] == "OBJ05"


def test_choosing_another_objective_changes_the_page(app: AppTest) -> None:
    _open(app, "objective")
    first = app.title[0].value
    app.selectbox(key="objective").select("OBJ10").run()
    assert not app.exception
    assert app.title[0].value.startswith("OBJ10 ") and app.title[0].value != first
    assert app.query_params["objective"] == "OBJ10"


def test_scorecard_shows_one_council_and_the_others_beside_it(app: AppTest) -> None:
    _open(app, "scorecard")
    assert app.title[0].value == "Hinckley & Bosworth Borough Council: scorecard"
    app.sidebar.selectbox[1].select("BDC").run()
    assert not app.exception
    assert app.title[0].value == "Blaby District Council: scorecard"
    table = next(m.value for m in app.markdown if "Other partners" in m.value)
    assert "Hinckley & Bosworth Borough Council:" in table and "Blaby District Council:" not in table


def test_kpis_page_shows_both_categories_and_one_kpi_by_partner(app: AppTest) -> None:
    _open(app, "kpis")
    assert len(app.get("vega_lite_chart")) == 3
    app.selectbox(key="kpi").select("ICT05").run()
    assert not app.exception
    assert "Core system availability" in _text(app)
    assert app.query_params["kpi"] == "ICT05"


def test_about_page_explains_the_rules_and_accessibility(app: AppTest) -> None:
    _open(app, "about")
    assert [h.value for h in app.header] == [
        "How a status is worked out",
        "Where the figures come from",
        "Accessibility statement",
    ]
    assert "5% of the target" in _text(app)


def test_a_note_edited_on_the_page_is_kept_in_history(app: AppTest, demo_db: Path) -> None:
    app.session_state["actor"] = Actor("lead@example.org", Role.ADMIN)  # editing notes needs someone signed in
    _open(app, "collection")
    app.selectbox(key="note_partner").select("BDC").run()
    app.selectbox(key="note_kpi").select("DS05").run()
    app.text_area[0].input("Training figures now include councillors.").run()
    app.button(key="note_save").click().run()
    assert not app.exception
    assert "Note saved as submission" in app.success[0].value
    import duckdb

    with duckdb.connect(str(demo_db), read_only=True) as con:
        by = con.execute("SELECT submitted_by FROM core.submission ORDER BY id DESC LIMIT 1").fetchall()
        notes = con.execute(
            "SELECT note, superseded, submission_status FROM measurement_history "
            "WHERE partner_code = 'BDC' AND kpi_code = 'DS05' AND period = '2025/26 Q2' ORDER BY submission_id"
        ).fetchall()
    assert notes[-1] == ("Training figures now include councillors.", False, "submitted")
    assert len(notes) == 2 and notes[0][1] is True  # the earlier figure and note are kept
    assert by == [("lead@example.org",)]  # the signed-in person is recorded with the change


def test_charter_statuses_follow_the_quarter_and_partner(app: AppTest) -> None:
    _open(app, "charter")
    before = _text(app)
    app.sidebar.selectbox[1].select("MBC").run()
    assert not app.exception
    after = _text(app)
    blaby, melton, oadby = (
        "Blaby District Council: ",
        "Melton Borough Council: ",
        "Oadby & Wigston Borough Council: ",
    )
    assert blaby in before and blaby not in after and melton in after
    app.sidebar.selectbox[0].select("2021/22 Q1").run()
    assert oadby not in _text(app)  # a partner filter of MBC hides Oadby & Wigston too
    app.sidebar.selectbox[1].select("All partners").run()
    assert oadby in _text(app)  # Oadby & Wigston was a partner in 2021/22


def test_kpis_page_follows_the_partner_and_quarter(app: AppTest) -> None:
    _open(app, "kpis")
    everyone = app.dataframe[0].value
    app.sidebar.selectbox[1].select("HBBC").run()
    assert not app.exception
    one = app.dataframe[0].value
    assert set(one["Council"]) == {"Hinckley & Bosworth Borough Council"} and len(set(everyone["Council"])) == 3
    app.sidebar.selectbox[0].select("2023/24 Q1").run()
    assert "the eight quarters to 2023/24 Q1" in app.caption[0].value
    assert app.dataframe[0].value["Quarter"].max() == "2023/24 Q1"


def test_about_page_gives_the_chosen_quarters_due_date(app: AppTest) -> None:
    _open(app, "about")
    assert "were due by **30 October 2025**" in _text(app)
    app.sidebar.selectbox[0].select("2024/25 Q4").run()
    assert "Figures for **2024/25 Q4**" in _text(app) and "due by **30 April 2025**" in _text(app)


def test_overview_changes_with_the_quarter(app: AppTest) -> None:
    _open(app, "overview")
    app.sidebar.selectbox[0].select("2021/22 Q3").run()
    assert "4 councils" in _glance(app)  # Oadby & Wigston was still a partner
