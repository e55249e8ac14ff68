"""Status has one home (metrics/status.py): nothing else spells a status word, symbol or colour or the
direction rule; the SQL definitions equal the Python ones; the colours pass contrast and are told apart."""

from __future__ import annotations

import ast
import re
import unicodedata
from itertools import combinations, product
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from metrics import status, store
from metrics.config import ROOT
from metrics.status import FIGURE_LOOKS, INK, WHITE, Status, direction
from tests.colours import APART, BLINDNESS, contrast, distance, seen

HOME = ROOT / "metrics" / "status.py"
SCANNED = [ROOT / "metrics", ROOT / "dashboard"]

WORDS = sorted({s.word for s in Status} | {s.said for s in Status})
DIRECTIONS = [status.IMPROVING, status.WORSENING, status.NO_CHANGE]


def _chromatic(colour: str) -> bool:
    """A colour with a hue: greys (No data's #505a5f is also the house's line and border grey) are not
    status colours, for they mean nothing alone."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return max(channels) - min(channels) > 32


# A status's symbol that is ordinary punctuation (!, –, …) is everywhere in prose; the others are status alone.
SYMBOLS = sorted(
    ({s.symbol for s in Status} | {v.symbol for v in FIGURE_LOOKS.values()})
    - {c for c in "!–…" if unicodedata.category(c).startswith("P")}
)
COLOURS = sorted({s.fill.lower() for s in Status if _chromatic(s.fill)})


def offences(text: str) -> list[str]:
    """What a string literal spells that only metrics/status.py may: a status word (a word of two or more
    anywhere, a word of one when it is the whole literal), a direction word, a status symbol or colour."""
    bare = text.strip(" :.;,*")
    found = [w for w in WORDS if (" " in w and re.search(rf"\b{re.escape(w)}\b", text)) or bare == w]
    found += [d for d in DIRECTIONS if bare == d]
    found += [s for s in SYMBOLS if s in text]
    found += [c for c in COLOURS if c in text.lower()]
    return found


def python_literals(source: str) -> list[tuple[int, str]]:
    """Every string literal in Python source (f-strings' fixed parts too), with its line; docstrings are left
    out, for they describe rather than define."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def sql_literals(source: str) -> list[tuple[int, str]]:
    """Every '...' literal in SQL source, with its line; comments are left out."""
    found = []
    for number, line in enumerate(source.splitlines(), 1):
        code = re.sub(r"--.*$", "", re.sub(r"'(?:[^']|'')*'", lambda m: "'" + "x" * (len(m[0]) - 2) + "'", line))
        for match in re.finditer(r"'((?:[^']|'')*)'", line[: len(code)]):
            found.append((number, match.group(1).replace("''", "'")))
    return found


def scan(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    literals = python_literals(text) if path.suffix == ".py" else sql_literals(text)
    where = path.relative_to(ROOT)
    return [f"{where}:{line}: {literal!r} spells {found}" for line, literal in literals if (found := offences(literal))]


def test_no_status_word_symbol_colour_or_direction_is_spelt_outside_its_home() -> None:
    files = [p for top in SCANNED for p in sorted(top.rglob("*")) if p.suffix in (".py", ".sql") and p != HOME]
    assert len(files) > 60, files  # the whole of metrics/ (its SQL too) and dashboard/
    problems = [problem for path in files for problem in scan(path)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('LABEL = "On track"\n', ["On track"]),
        ('f"{n} partners At risk: {names}"\n', ["At risk"]),
        ('x = {"Overdue": 1}\n', ["Overdue"]),
        ('x = "Met"\n', ["Met"]),
        ('x = "improving"\n', ["improving"]),
        ('x = "✓ done"\n', ["✓"]),
        ('FILL = "#D4351C"\n', ["#d4351c"]),
        ('x = "No figure yet"\n', ["No figure yet"]),
        ('"""On track: a docstring describes."""\nx = "Overdue actions are shaded"  # on track\n', []),
    ],
)
def test_the_scan_finds_a_status_spelt_in_python(source: str, found: list[str]) -> None:
    assert [f for _, literal in python_literals(source) for f in offences(literal)] == found


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("SELECT CASE WHEN x THEN 'Off track' END\n", ["Off track"]),
        ("WHERE status IN ('At risk', 'Overdue')\n", ["At risk", "Overdue"]),
        ("THEN 'no change' -- improving\n", ["no change"]),
        ("SELECT 'it''s On track'\n", ["On track"]),
        ("-- 'On track' in a comment\nSELECT core.status_word('on_track')\n", []),
    ],
)
def test_the_scan_finds_a_status_spelt_in_sql(source: str, found: list[str]) -> None:
    assert [f for _, literal in sql_literals(source) for f in offences(literal)] == found


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    store.migrate(con)
    return con


def test_sql_status_style_equals_the_registry(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT status, key, said, worst_rank, grade, symbol, fill, ink, shape, ended FROM core.status_style "
        "ORDER BY legend_order"
    ).fetchall()
    assert rows == [(s.word, s.key, s.said, s.rank, s.grade, s.symbol, s.fill, s.ink, s.shape, s.ended) for s in Status]


def test_sql_status_words_are_the_registry_words(con: duckdb.DuckDBPyConnection) -> None:
    for s in Status:
        assert con.execute("SELECT core.status_word($k)", {"k": s.key}).fetchall() == [(s.word,)]
    with pytest.raises(duckdb.InvalidInputException) as refused:
        con.execute("SELECT core.status_word('on track')").fetchall()
    assert str(refused.value) == "Invalid Input Error: core.status_word: no status is called on track"


def test_the_progress_view_says_only_registry_words(con: duckdb.DuckDBPyConnection) -> None:
    # The rule's CASEs name the five running words and the three results, each through core.status_word.
    sql = store.read_sql("views")
    assert set(re.findall(r"core\.status_word\('(\w+)'\)", sql)) == {s.key for s in Status}


VALUES = [None, -1.5, 0.0, 2.0, 2.0000001, 70.25]
CASES = [(p, now, before) for p, now, before in product(["higher", "lower"], VALUES, VALUES)]


def test_the_sql_direction_rule_is_the_python_one(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TEMP TABLE cases (polarity VARCHAR, now DOUBLE, before DOUBLE)")
    con.executemany("INSERT INTO cases VALUES (?, ?, ?)", CASES)
    sql = con.execute(
        "SELECT polarity, now, before, core.direction(polarity, now, before) FROM cases ORDER BY ALL"
    ).fetchall()
    python = sorted(
        ((p, n, b, direction(p, n, b)) for p, n, b in CASES),
        key=lambda r: tuple((v is None, v) for v in r[:3]),
    )
    assert sql == python
    said = {d for *_, d in sql}
    assert said == {None, *DIRECTIONS}  # every answer of the rule is among the cases


@pytest.mark.parametrize(
    ("polarity", "now", "before", "said"),
    [
        ("higher", 5, 4, "improving"),
        ("higher", 4, 5, "worsening"),
        ("lower", 4, 5, "improving"),
        ("lower", 5, 4, "worsening"),
        ("lower", 4, 4, "no change"),
        ("higher", None, 4, None),
        ("higher", 4, float("nan"), None),
    ],
)
def test_direction_by_hand(polarity: str, now: float | None, before: float | None, said: str | None) -> None:
    assert direction(polarity, now, before) == said


def test_contrast_is_measured_as_wcag_says() -> None:
    assert round(contrast("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54  # the palest grey that passes for text
    assert round(contrast(Status.ON_TRACK.fill, WHITE), 1) == 6.2  # the house's measured figure


@pytest.mark.parametrize("state", [*Status, *FIGURE_LOOKS], ids=str)
def test_each_word_passes_contrast_on_its_fill(state: Status | str) -> None:
    look = state.look if isinstance(state, Status) else FIGURE_LOOKS[state]
    assert look.ink in (WHITE, INK)
    assert contrast(look.fill, look.ink) >= 4.5, f"{state} {contrast(look.fill, look.ink):.2f} : 1"


@pytest.mark.parametrize("state", list(Status), ids=str)
def test_each_chart_mark_stands_out_3_to_1_from_white(state: Status) -> None:
    seen = max(contrast(state.fill, WHITE), contrast(state.outline, WHITE) if state.outline else 0.0)
    assert seen >= 3, f"{state.word}: {seen:.2f} : 1"


def test_the_dashboards_status_points_are_drawn_from_the_registry_and_outlined() -> None:
    from dashboard import charts

    frame = pd.DataFrame(
        {"period": ["2025/26 Q1", "2025/26 Q2"], "period_index": [8101, 8102], "actual": [1.0, 2.0],
         "target": [1.5, 1.5], "status": [Status.AT_RISK.word, Status.ON_TRACK.word], "final_target": [2.0, 2.0]}
    )  # fmt: skip
    spec = charts.objective_partner(frame, "%", "A council").to_dict()
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    assert points["mark"]["stroke"] == INK and points["mark"]["strokeWidth"] >= 1  # every outline(): INK
    shown = [Status.ON_TRACK, Status.AT_RISK]  # the statuses on the chart, in the legends' order and members' words
    assert points["encoding"]["color"]["scale"] == {"domain": [s.said for s in shown], "range": [s.fill for s in shown]}
    assert points["encoding"]["shape"]["scale"]["range"] == [s.shape for s in shown]
    later = frame.assign(status=[Status.MET.word, Status.OVERDUE.word])  # an ended result, and a figure not sent
    spec = charts.objective_partner(later, "%", "A council").to_dict()
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    assert points["encoding"]["color"]["scale"]["domain"] == [Status.OVERDUE.said, Status.MET.said]


@pytest.mark.parametrize("kind", list(BLINDNESS))
def test_every_two_statuses_are_told_apart_with_colour_blindness(kind: str) -> None:
    # All eight: an objective's chart runs from its running statuses into its ended result.
    looks = {s: seen(s.fill, kind) for s in Status}
    close = [
        f"{a.word} and {b.word} (ΔE {d:.1f})"
        for a, b in combinations(Status, 2)
        if (d := distance(looks[a], looks[b])) < APART
    ]
    assert not close, f"with {kind}, these look alike: {close}"


def test_every_status_has_its_own_word_symbol_colour_and_shape() -> None:
    for field in ("word", "said", "symbol", "fill", "shape"):
        values = [getattr(s, field) for s in Status]
        assert len(set(values)) == len(values), (field, values)
    assert [s.word for s in status.ENDED] == ["Met", "Missed", "Not assessed"]  # ended objectives
    assert (Status.OVERDUE.said, Status.NO_DATA.said) == ("Figure overdue", "No figure yet")  # the words members read
    assert sorted(s.rank for s in Status) == list(range(len(Status)))
    shapes = {"circle", "square", "cross", "diamond", "triangle-up", "triangle-down", "triangle-right",
              "triangle-left", "stroke", "arrow", "wedge", "triangle"}  # fmt: skip
    for s in Status:
        assert s.shape in shapes or re.fullmatch(r"M[-\d.,LZ]+Z", s.shape), s.shape


def test_every_symbol_is_in_the_board_packs_font() -> None:
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font.exists():
        pytest.skip("DejaVu Sans is not installed (the board pack falls back to words alone)")
    from reportlab.pdfbase.ttfonts import TTFont

    glyphs = TTFont("status-check", str(font)).face.charToGlyph
    missing = [s.word for s in Status if any(ord(c) not in glyphs for c in s.symbol)]
    assert not missing, missing
