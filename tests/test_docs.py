"""The design notes in docs/: the code cites them and nothing outside the repository; they name every view."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from metrics import store
from metrics.config import ROOT

DOCS = ROOT / "docs"
SOURCES = sorted(
    path
    for folder in ("metrics", "dashboard", "tests")
    for path in (ROOT / folder).rglob("*")
    if path.suffix in (".py", ".sql") and path != Path(__file__).resolve()
)
# Notes kept beside the repository (the product contract, house style, stack notes, seed documents): code that
# cites them points a reader at files they do not have. "SPEC" alone is a variable name in tests/perf/tickets.py,
# so only SPEC followed by a section or a number counts.
OUTSIDE = re.compile(
    r"\b(?:SPEC|STYLE|STACK|DEVELOPERS)\.md\b|\bSPEC (?:sections?|\d)|\.\./shared\b|/work/shared\b|\bseeds/",
    re.IGNORECASE,
)
CITED_DOC = re.compile(r"\bdocs/[A-Za-z0-9_.-]+\.md\b")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _where(path: Path, text: str, start: int) -> str:
    return f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, start) + 1}"


def test_the_sources_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in SOURCES}
    assert {"metrics/store.py", "metrics/sql/views.sql", "dashboard/app.py", "tests/conftest.py"} <= names


def test_no_source_cites_a_file_outside_the_repository() -> None:
    found = [
        f"{_where(path, text, m.start())}: {m.group(0)!r}"
        for path in SOURCES
        for text in [_text(path)]
        for m in OUTSIDE.finditer(text)
    ]
    assert found == [], "cite the notes in docs/ instead (docs/README.md lists them):\n" + "\n".join(found)


def test_the_pattern_catches_what_it_is_for() -> None:
    cited = ["see SPEC section 10", "SPEC 5.5", "(STYLE.md)", "stack.md", "../shared/x", "seeds/lictp.pdf"]
    assert [bool(OUTSIDE.search(text)) for text in cited] == [True] * len(cited)
    fine = ["SPEC = synthetic.TicketSpec(", "STATUS_STYLE", "the shared desk", "docs/views.md", "chart_spec(b)"]
    assert [bool(OUTSIDE.search(text)) for text in fine] == [False] * len(fine)


def test_every_design_note_the_code_cites_exists() -> None:
    cited = {
        m.group(0): _where(path, text, m.start())
        for path in SOURCES
        for text in [_text(path)]
        for m in CITED_DOC.finditer(text)
    }
    assert cited, "no source cites docs/ at all"
    missing = sorted(f"{where}: {name}" for name, where in cited.items() if not (ROOT / name).is_file())
    assert missing == []


@pytest.mark.parametrize("note", sorted(p.name for p in DOCS.glob("*.md")))
def test_every_link_in_the_notes_leads_to_a_file_in_the_repository(note: str) -> None:
    text = _text(DOCS / note)
    broken = [target for target in LINK.findall(text) if "://" not in target and not (DOCS / target).resolve().exists()]
    assert broken == []
    outside = [t for t in LINK.findall(text) if "://" not in t and ROOT not in (DOCS / t).resolve().parents]
    assert outside == []


def test_the_index_lists_every_note() -> None:
    index = _text(DOCS / "README.md")
    notes = sorted(p.name for p in DOCS.glob("*.md") if p.name != "README.md")
    required = {"architecture.md", "file-contract.md", "progress-rules.md", "security.md", "views.md"}
    assert required <= set(notes)
    assert [n for n in notes if f"]({n})" not in index] == []


def test_the_architecture_has_its_picture() -> None:
    text = _text(DOCS / "architecture.md")
    assert "```mermaid\nflowchart TB\n" in text
    assert "![The parts of Charter and which way they call](architecture.svg)" in text
    svg = _text(DOCS / "architecture.svg")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "digraph charter {" in _text(DOCS / "architecture.dot")


def _views() -> list[str]:
    files = sorted((ROOT / "metrics" / "sql").glob("views*.sql"))  # views.sql, then views_money.sql, ...
    return [v for f in files for v in re.findall(r"^CREATE OR REPLACE VIEW (\w+) AS", _text(f), re.M)]


def _sections(text: str) -> dict[str, str]:
    """Each `## `name`` section of docs/views.md by its view's name."""
    parts = re.split(r"^## `(\w+)`\n", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_view_in_views_sql_has_its_section_in_views_md() -> None:
    views = _views()
    assert len(views) >= 11
    documented = _sections(_text(DOCS / "views.md"))
    assert [v for v in views if v not in documented] == []
    assert [v for v in documented if v not in views] == []  # no section for a view that is gone


def test_each_view_section_names_every_column_of_the_view(empty_db: Path) -> None:
    documented = _sections(_text(DOCS / "views.md"))
    with store.connect(empty_db, read_only=True) as con:
        columns = {v: [str(r[0]) for r in con.execute(f"DESCRIBE {v}").fetchall()] for v in _views()}
    missing = {
        view: [c for c in names if f"`{c}`" not in documented[view].split("```sql")[0]]
        for view, names in columns.items()
    }
    assert {v: c for v, c in missing.items() if c} == {}
    assert all("```sql\nSELECT" in documented[v] for v in columns), "each view needs an example query"


def test_metrics_never_imports_the_app_or_streamlit() -> None:
    found = []
    for path in sorted((ROOT / "metrics").rglob("*.py")):
        for node in ast.walk(ast.parse(_text(path))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            found += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in ("dashboard", "streamlit")]
    assert found == []
