"""No page script hands a widget a function written in the script itself.

Streamlit keeps a widget's `format_func` and callbacks for the rest of the session, and a function written in a page
script holds that run's globals: every table the page read. At fifty councils the KPIs page's
`lambda c: f"{c} · {kpi_names[c]}"` kept its 24 MB `series` alive in every session that had opened the page, found
with tracemalloc and gc.get_referrers (format_func -> the page's globals -> `series`). Pages pass
`components.labels(options, ...)` instead (a dict's `__getitem__`, holding the labels alone), or a function from a
module, whose globals are the module's and shared.
"""

from __future__ import annotations

import ast
from pathlib import Path

from metrics.config import ROOT

SCRIPTS = [ROOT / "dashboard" / "app.py", *sorted((ROOT / "dashboard" / "app_pages").glob("*.py"))]
KEPT = {"format_func", "on_change", "on_click"}  # what Streamlit holds on to between runs


def _handed_over(script: Path) -> list[str]:
    """`line keyword` for each widget argument in KEPT given a lambda or a function defined in `script`."""
    tree = ast.parse(script.read_text(), filename=str(script))
    own = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    return [
        f"{k.value.lineno} {k.arg}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for k in node.keywords
        if k.arg in KEPT and (isinstance(k.value, ast.Lambda) or (isinstance(k.value, ast.Name) and k.value.id in own))
    ]


def test_no_page_script_gives_a_widget_a_function_of_its_own() -> None:
    found = [f"{script.relative_to(ROOT)}:{place}" for script in SCRIPTS for place in _handed_over(script)]
    assert not found, f"use components.labels(...) or a module's function: {found}"


def test_the_check_finds_a_lambda_and_a_script_function(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        "import streamlit as st\n"
        "def pick(c):\n    return c\n"
        "st.selectbox('A', [1], format_func=lambda c: str(c))\n"
        "st.button('B', on_click=pick)\n"
        "st.selectbox('C', [1], format_func=str)\n"
    )
    assert _handed_over(page) == ["4 format_func", "5 on_click"]
