"""Exceptions first (issue 13): the Overview opens with what is off track and at risk, by council, each a link to its
objective; the Partner scorecard lists the worst first and filters to what needs attention."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import attention
from metrics import queries, store
from metrics.periods import parse_period
from metrics.status import Status
from tests.conftest import AS_OF
from tests.test_app import APP

QUARTER = "2025/26 Q2"  # the default quarter on AS_OF
# A scorecard row: its objective's code, and the word in its status chip.
# The Overview's "Needs attention" block (dashboard/attention.py): each council's name, and each objective's link.
COUNCIL = re.compile(r"<h3>(.*?)</h3>")
LINK = re.compile(r'<a href="objective\?([^"]*)" target="_self">(.*?)</a>')
ROW = re.compile(r'<tr><th scope="row">(OBJ\d+) [^<]*</th><td><span class="charter-chip"[^>]*>.*?</span> ([^<]+)<')


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    return AppTest.from_file(APP, default_timeout=60)


def _running(demo_db: Path) -> list[tuple[str, str, str]]:
    """(partner, objective, status) of each running objective in QUARTER, from the database: partners in their
    order, objectives in the framework's."""
    with store.connect(demo_db, read_only=True, as_of=AS_OF) as con:
        rows = queries.running(queries.progress_for_period(con, parse_period(QUARTER)))
    rows = rows.sort_values(["partner_order", "objective_order"])
    return list(zip(rows["partner_name"], rows["objective_code"], rows["status"], strict=True))


def test_the_overview_opens_with_every_objective_off_track_or_at_risk_by_council(app: AppTest, demo_db: Path) -> None:
    running = _running(demo_db)
    councils = list(dict.fromkeys(p for p, _, s in running if s in {Status.OFF_TRACK.word, Status.AT_RISK.word}))
    expected = [(p, o) for c in councils for w in (Status.OFF_TRACK, Status.AT_RISK) for p, o, s in running
                if p == c and s == w.word]  # fmt: skip
    assert sum(s == Status.OFF_TRACK.word for _, _, s in running) >= 5  # the demo has some to show
    app.run()
    assert not app.exception
    assert app.header[0].value == "Needs attention"
    assert councils == ["Hinckley & Bosworth Borough Council", "Blaby District Council", "Melton Borough Council"]
    assert _councils(app) == councils
    assert [(label.split(" ")[0], query) for query, label in _links(app)] == [
        (o, f"objective={o}&quarter=2025%2F26+Q2") for _, o in expected
    ]
    assert not app.main.get("page_link")  # one block of links, not an element per objective
    off, risk = (sum(s == w.word for _, _, s in running) for w in (Status.OFF_TRACK, Status.AT_RISK))
    objectives = len({o for _, o, s in running if s in {Status.OFF_TRACK.word, Status.AT_RISK.word}})
    assert (
        f"{off} targets off track and {risk} at risk, in {objectives} objectives across 3 councils "
        "(an objective sets a target for each council)."
    ) in _text(app)


def test_the_overview_names_only_the_chosen_councils_exceptions(app: AppTest, demo_db: Path) -> None:
    mine = [o for p, o, s in _running(demo_db) if p == "Melton Borough Council" and s == Status.OFF_TRACK.word]
    app.run()
    app.sidebar.selectbox[1].select("MBC").run()
    assert not app.exception
    assert _councils(app) == ["Melton Borough Council"]
    links = _links(app)
    assert [label.split(" ")[0] for _, label in links][: len(mine)] == mine
    assert links[0][0] == f"objective={mine[0]}&quarter=2025%2F26+Q2&partner=MBC"  # the chosen partner is kept


def _attention(at: AppTest) -> str:
    return "".join(m.value for m in at.main.markdown if 'class="charter-attention"' in m.value)


def _councils(at: AppTest) -> list[str]:
    return [unescape(name) for name in COUNCIL.findall(_attention(at))]


def _links(at: AppTest) -> list[tuple[str, str]]:
    """(query, label) of each objective's link in the Overview's "Needs attention" block, as the reader sees them."""
    return [(unescape(query), unescape(label)) for query, label in LINK.findall(_attention(at))]


def _text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _scorecard_rows(at: AppTest) -> list[tuple[str, str]]:
    table = next(m.value for m in at.markdown if "Other partners" in m.value)
    return ROW.findall(table)


def test_the_scorecard_lists_the_worst_first_and_filters_to_what_needs_attention(app: AppTest, demo_db: Path) -> None:
    # The page says members' words (Figure overdue, No figure yet) for the view's Overdue and No data.
    hbbc = {o: Status.find(s).said for p, o, s in _running(demo_db) if p == "Hinckley & Bosworth Borough Council"}  # type: ignore[union-attr]
    app.run()
    app.switch_page("app_pages/scorecard.py").run()
    assert not app.exception
    assert app.radio(key="scorecard_show").value == "All objectives"
    rows = _scorecard_rows(app)
    assert dict(rows) == hbbc
    by_said = {status.said: status for status in Status}
    ranks = [by_said[s].rank for _, s in rows]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]
    assert rows[-1][1] == Status.ON_TRACK.said
    app.radio(key="scorecard_show").set_value("Needs attention").run()
    assert not app.exception
    attention = _scorecard_rows(app)
    assert [o for o, _ in attention] == [o for o, s in rows if s != Status.ON_TRACK.said]
    assert attention and len(attention) < len(rows)
    assert "Hinckley & Bosworth Borough Council's objectives needing attention in 2025/26 Q2" in _text(app)


def test_an_objective_link_shows_its_title_as_text_and_keeps_the_selection_in_its_query() -> None:
    title = '[see](http://example.org) <img src=x onerror="alert(1)"> *now* & "then"'
    html = attention.link("OBJ1", title, {"quarter": "2025/26 Q2", "partner": "HBBC"})
    assert html == (
        '<a href="objective?objective=OBJ1&amp;quarter=2025%2F26+Q2&amp;partner=HBBC" target="_self">'
        'OBJ1 &#91;see&#93;(http&#58;//example.org) &#60;img src=x onerror="alert(1)"&#62; &#42;now&#42; & '
        '"then"</a>'
    )
