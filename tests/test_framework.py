"""Framework files: every mistake named by file, line and place; reloading keeps target history."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from metrics import store
from metrics.access import Actor
from metrics.framework import FrameworkError, read_framework
from metrics.loader import load_framework
from tests.conftest import FRAMEWORK, charter, table_contents

SOURCE = FRAMEWORK.read_text(encoding="utf-8")
KPI_CODES = "DS01, DS02, DS03, DS04, DS05, DS06, DS07, DS08, DS09, DS10, FIN01, FIN02, ..."
OUTCOME_CODES = "C1.1, C1.2, C2.1, C2.2, C3.1, C3.2, P1.1, P1.2, P2.1, P2.2, P3.1, P3.2, ..."
PARTNER_CODES = "BDC, HBBC, MBC, OWBC"


def edited(old: str, new: str) -> str:
    assert SOURCE.count(old) >= 1, old
    return SOURCE.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    """The line (from 1) of the first line of `text` holding `fragment`."""
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


def problems(tmp_path: Path, text: str) -> tuple[Path, list[str]]:
    path = tmp_path / "framework.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkError) as caught:
        read_framework(path)
    assert str(caught.value).splitlines() == [str(p) for p in caught.value.problems]
    return path, str(caught.value).splitlines()


# (old text, new text, the fragment on the line to be named, the message after "FILE:LINE: ")
MISTAKES = [
    (
        "  short_name: LICTP\n",
        "  short_name: LICTP: ICT\n",
        "short_name: LICTP: ICT",
        "is not valid YAML: mapping values are not allowed here",
    ),
    (
        "  short_name: LICTP\n",
        "\tshort_name: LICTP\n",
        "\tshort_name",
        "is not valid YAML: found character '\\t' that cannot start any token",
    ),
    (
        "    name: Blaby District Council",
        "    nmae: Blaby District Council",
        "nmae:",
        "partners[2].nmae: `nmae` is not a known key here; did you mean `name`?",
    ),
    (
        "    cross_cutting: true\n",
        "    cross_cuting: true\n",
        "cross_cuting",
        "commitments[4].cross_cuting: `cross_cuting` is not a known key here; did you mean `cross_cutting`?",
    ),
    (
        "  data_due_days: 30\n",
        "  data_due_days: 30\n  colour: red\n",
        "colour: red",
        "partnership.colour: `colour` is not a known key here; check its spelling or remove it",
    ),
    (
        "  - code: BDC\n    name: Blaby District Council\n",
        "  - code: BDC\n",
        "- code: BDC",
        "partners[2].name: `name` is required here; add it",
    ),
    (
        "    joined_on: 2013-01-31",
        "    joined_on: 2013-13-31",
        "2013-13-31",
        "partners[3].joined_on: Input should be a valid date or datetime, month value is outside expected range "
        "of 1-12",
    ),
    (
        '    unit: "%"\n',
        "    unit: percent\n",
        "unit: percent",
        "kpis[1].unit: Input should be '%', 'count', 'GBP', 'hours', 'days' or 'score' (found 'percent')",
    ),
    (
        "  lead_authority: HBBC",
        "  lead_authority: HDC",
        "lead_authority: HDC",
        f"partnership.lead_authority: there is no partner with code HDC; use one of: {PARTNER_CODES}",
    ),
    (
        "  - code: C3.1\n    parent: C3\n",
        "  - code: C3.1\n    parent: C9\n",
        "parent: C9",
        "outcomes[5].parent: there is no commitment or principle with code C9; use one of: "
        "C1, C2, C3, P1, P2, P3, P4, P5, P6, P7, X1, X2",
    ),
    (
        "    kpi: DS05\n",
        "    kpi: DS99\n",
        "kpi: DS99",
        f"objectives[1].kpi: there is no KPI with code DS99; use one of: {KPI_CODES}",
    ),
    (
        "    outcomes: [C1.1]\n",
        "    outcomes: [C1.9]\n",
        "outcomes: [C1.9]",
        f"objectives[1].outcomes[1]: there is no outcome with code C1.9; use one of: {OUTCOME_CODES}",
    ),
    (
        "    kpi: DS05\n",
        "    kpi: DS05\n    partners: [HBBC, HDC]\n",
        "partners: [HBBC, HDC]",
        f"objectives[1].partners[2]: there is no partner with code HDC; use one of: {PARTNER_CODES}",
    ),
    (
        "values: { HBBC: 42, BDC: 38, MBC: 35, OWBC: 40 }",
        "values: { HBBC: 42, BDC: 38, MBC: 35, OWBC: 40, HDC: 41 }",
        "HDC: 41",
        f"objectives[1].baseline.values.HDC: there is no partner with code HDC; use one of: {PARTNER_CODES}",
    ),
    (
        "values: { HBBC: 42, BDC: 38, MBC: 35, OWBC: 40 }",
        "values: { HBBC: 42, BDC: 38, MBC: 35 }",
        "values: { HBBC: 42, BDC: 38, MBC: 35 }",
        "objectives[1].baseline.values: no value for OWBC; give one for every partner",
    ),
    (
        "target: { period: 2025/26 Q4, value: 90 }",
        "target: { period: 2025/26 Q5, value: 90 }",
        "2025/26 Q5",
        "objectives[1].target.period: '2025/26 Q5' names quarter 5; quarters run Q1 to Q4, e.g. 2025/26 Q1",
    ),
    (
        "baseline: { period: 2020/21 Q4, values: { HBBC: 42",
        "baseline: { period: 2020 Q4, values: { HBBC: 42",
        "2020 Q4",
        "objectives[1].baseline.period: '2020 Q4' is ambiguous: a single year does not say which financial year; "
        "write 2020/21 Q1 or 2019/20 Q1 (financial years run April to March)",
    ),
    (
        "target: { period: 2025/26 Q4, value: 90 }",
        "target: { period: 2025/26, value: 90 }",
        "target: { period: 2025/26, value: 90 }",
        "objectives[1].target.period: KPI DS05 is quarterly, so the period must be a quarter such as 2025/26 Q4",
    ),
]


@pytest.mark.parametrize(("old", "new", "where", "message"), MISTAKES, ids=[m[3][:60] for m in MISTAKES])
def test_a_mistake_is_named_by_file_line_and_place(
    tmp_path: Path, old: str, new: str, where: str, message: str
) -> None:
    text = edited(old, new)
    path, found = problems(tmp_path, text)
    assert found == [f"{path}:{line_of(text, where)}: {message}"]


def test_a_duplicate_code_names_every_item_using_it(tmp_path: Path) -> None:
    text = edited("  - code: C1.2\n", "  - code: C1.1\n    parent: C1\n    text: Said twice.\n  - code: C1.2\n")
    path, found = problems(tmp_path, text)
    first = line_of(text, "- code: C1.1")
    second = line_of(text, "text: Said twice.") - 2
    assert found == [
        f"{path}:{first}: outcomes[1]: code C1.1 is used more than once in outcomes; codes must be unique",
        f"{path}:{second}: outcomes[2]: code C1.1 is used more than once in outcomes; codes must be unique",
    ]


def test_every_mistake_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    text = edited("    kpi: DS05\n", "    kpi: DS99\n")
    text = text.replace("  - code: C3.1\n    parent: C3\n", "  - code: C3.1\n    parent: C9\n", 1)
    path, found = problems(tmp_path, text)
    assert found == [
        f"{path}:{line_of(text, 'parent: C9')}: outcomes[5].parent: there is no commitment or principle with code C9; "
        "use one of: C1, C2, C3, P1, P2, P3, P4, P5, P6, P7, X1, X2",
        f"{path}:{line_of(text, 'kpi: DS99')}: objectives[1].kpi: there is no KPI with code DS99; use one of: "
        + KPI_CODES,
    ]


def test_a_missing_or_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError) as caught:
        read_framework(tmp_path / "nowhere.yaml")
    assert str(caught.value) == f"{tmp_path / 'nowhere.yaml'}: no such file"
    (tmp_path / "latin.yaml").write_bytes("partnership:\n  name: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(FrameworkError) as caught:
        read_framework(tmp_path / "latin.yaml")
    assert str(caught.value) == f"{tmp_path / 'latin.yaml'}: is not UTF-8 text; save it as UTF-8"


# --- loading and reloading ---------------------------------------------------------------------------


@pytest.fixture
def loaded(empty_db: Path) -> duckdb.DuckDBPyConnection:
    """An empty database with the demo framework loaded (no figures)."""
    with store.connect(empty_db) as con:
        report = load_framework(con, read_framework(FRAMEWORK), by=Actor.administrator("admin"), sha256="first")
        assert report.lines() == [
            "Added 4 partners.",
            "Added 5 commitments.",
            "Added 7 principles.",
            "Added 24 outcomes.",
            "Added 22 KPIs.",
            "Added 22 objectives.",
        ]
        yield con


def test_loading_the_same_file_twice_is_a_no_op(loaded: duckdb.DuckDBPyConnection) -> None:
    before = loaded.execute("SELECT count(*), count(superseded_at) FROM core.target").fetchall()
    report = load_framework(loaded, read_framework(FRAMEWORK), by=Actor.administrator("admin"), sha256="first")
    assert report.unchanged
    assert report.lines() == ["The framework is already up to date: nothing changed."]
    assert loaded.execute("SELECT count(*), count(superseded_at) FROM core.target").fetchall() == before
    assert loaded.execute("SELECT count(*) FROM core.objective_change").fetchall() == [(0,)]


def test_loading_the_same_file_twice_leaves_every_row_alone(empty_db: Path) -> None:
    with store.connect(empty_db) as con:
        load_framework(con, read_framework(FRAMEWORK), by=Actor.administrator("admin"), sha256="first")
    before = table_contents(empty_db)
    with store.connect(empty_db) as con:
        load_framework(con, read_framework(FRAMEWORK), by=Actor.administrator("admin"), sha256="first")
    assert table_contents(empty_db) == before


def test_a_changed_target_keeps_the_original_in_history(loaded: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "framework.yaml"
    path.write_text(edited("target: { period: 2025/26 Q4, value: 90 }", "target: { period: 2025/26 Q4, value: 92 }"))
    report = load_framework(loaded, read_framework(path), by=Actor.administrator("board secretary"), sha256="second")
    assert report.lines() == ["Changed 4 baselines or targets; the earlier values are kept in history."]
    history = loaded.execute(
        "SELECT partner_code, value, recorded_by, superseded_at IS NOT NULL FROM core.target "
        "WHERE objective_code = 'OBJ01' AND kind = 'final' ORDER BY id"
    ).fetchall()
    partners = ["HBBC", "BDC", "MBC", "OWBC"]
    assert history == [(p, 90.0, "admin", True) for p in partners] + [
        (p, 92.0, "board secretary", False) for p in partners
    ]
    # Baselines and interim targets that did not change are not touched.
    assert loaded.execute(
        "SELECT count(*) FROM core.target WHERE objective_code = 'OBJ01' AND kind <> 'final' "
        "AND superseded_at IS NOT NULL"
    ).fetchall() == [(0,)]
    # Loading the changed file again changes nothing more.
    assert load_framework(
        loaded, read_framework(path), by=Actor.administrator("board secretary"), sha256="second"
    ).unchanged


def test_a_changed_objective_is_reported_and_recorded(loaded: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "framework.yaml"
    path.write_text(edited("    owner: Organisational Development Manager (BDC)", "    owner: Head of People (BDC)"))
    report = load_framework(loaded, read_framework(path), by=Actor.administrator("admin"), sha256="second")
    assert report.lines() == ["Changed 1 objective."]
    assert loaded.execute(
        "SELECT objective_code, field, old_value, new_value, changed_by FROM core.objective_change"
    ).fetchall() == [("OBJ01", "owner", "Organisational Development Manager (BDC)", "Head of People (BDC)", "admin")]


# --- hostile files: small inputs that ask for huge work --------------------------------------------------


def test_a_key_given_twice_names_both_lines(tmp_path: Path) -> None:
    text = edited("  - code: DS01\n    name: Transactions completed online\n", "  - code: DS01\n    code: DS99\n")
    path, found = problems(tmp_path, text)
    first, second = line_of(text, "- code: DS01"), line_of(text, "code: DS99")
    assert found == [f"{path}:{second}: the key 'code' is given twice (lines {first} and {second}); keep one"]


def test_every_key_given_twice_is_reported(tmp_path: Path) -> None:
    text = edited("  short_name: LICTP\n", "  short_name: LICTP\n  short_name: LICT\n")
    text = text.replace('    unit: "%"\n', '    unit: "%"\n    unit: count\n', 1)
    path, found = problems(tmp_path, text)
    one = line_of(text, "short_name: LICTP")
    two = one + 1
    three = line_of(text, "unit: count")
    assert found == [
        f"{path}:{two}: the key 'short_name' is given twice (lines {one} and {two}); keep one",
        f"{path}:{three}: the key 'unit' is given twice (lines {three - 1} and {three}); keep one",
    ]


ALIAS_MESSAGE = "uses an anchor or alias (& or *); a framework file does not need them: write each value out in full"


def test_an_alias_is_refused_before_it_is_expanded(tmp_path: Path) -> None:
    # Nine levels of nine aliases each would expand to 387 million strings under safe_load.
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    path, found = problems(tmp_path, "\n".join(lines) + "\n")
    assert found == [f"{path}:1: {ALIAS_MESSAGE}"]


def test_an_anchor_in_the_framework_is_refused_by_its_line(tmp_path: Path) -> None:
    text = edited("    polarity: higher\n", "    polarity: &up higher\n")
    path, found = problems(tmp_path, text)
    assert found == [f"{path}:{line_of(text, '&up')}: {ALIAS_MESSAGE}"]


def test_deep_nesting_is_refused_with_a_message(tmp_path: Path) -> None:
    path, found = problems(tmp_path, "partnership: " + "[" * 5000 + "]" * 5000 + "\n")
    assert found == [f"{path}:1: is nested more than 12 levels deep; a framework file needs fewer"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    text = SOURCE + "# padding\n" * 100_000
    path, found = problems(tmp_path, text)
    assert found == [
        f"{path}: is {len(text) / 1_000_000:.1f} MB; a framework file may be at most 1 MB; "
        "check that this is the framework file"
    ]


def test_too_many_partners_is_refused(tmp_path: Path) -> None:
    many = "".join(f"  - {{code: P{i}, name: Council {i}, joined_on: 2013-04-01}}\n" for i in range(101))
    text = edited("partners:\n", "partners:\n" + many)
    path, found = problems(tmp_path, text)
    line = text.splitlines().index("partners:") + 1
    assert found == [f"{path}:{line}: partners: lists 105; a framework may list at most 100"]


def test_load_framework_refuses_a_hostile_file_without_a_traceback(demo_db: Path, tmp_path: Path) -> None:
    text = edited("  short_name: LICTP\n", "  short_name: LICTP\n  short_name: LICT\n")
    path = tmp_path / "framework.yaml"
    path.write_text(text, encoding="utf-8")
    before = table_contents(demo_db)
    done = charter(demo_db, "load-framework", str(path))
    one = line_of(text, "short_name: LICTP")
    assert (done.returncode, done.stdout) == (1, "")
    assert (
        done.stderr == f"{path}:{one + 1}: the key 'short_name' is given twice (lines {one} and {one + 1}); keep one\n"
    )
    assert table_contents(demo_db) == before
