"""dashboard/serve.py: the modules the pages import are found from their import statements and loaded first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import serve
from metrics.config import ROOT


def test_the_pages_modules_are_read_from_their_imports() -> None:
    names = serve.page_imports()
    for needed in ("pandas", "altair", "duckdb", "streamlit", "metrics.queries", "metrics.access.Action"):
        assert needed in names
    assert not [n for n in names if n.split(".")[0] in ("dashboard", "__future__")]


def test_a_new_import_in_a_page_is_found(tmp_path: Path) -> None:
    (tmp_path / "app_pages").mkdir()
    (tmp_path / "app.py").write_text("from __future__ import annotations\nimport json\nfrom dashboard import auth\n")
    (tmp_path / "app_pages" / "new.py").write_text("from metrics import money\n\ndef f():\n    import zipfile\n")
    assert serve.page_imports(tmp_path) == ["json", "metrics", "metrics.money"]  # a function's own import waits


def test_names_that_are_not_modules_are_passed_over_and_a_broken_module_is_not(tmp_path: Path) -> None:
    serve.warm(["metrics.access.Action", "collections.abc.Callable"])
    (tmp_path / "charter_broken_module.py").write_text("import charter_no_such_module\n")
    sys.path.insert(0, str(tmp_path))
    try:
        with pytest.raises(ModuleNotFoundError, match="charter_no_such_module"):
            serve.warm(["charter_broken_module"])
    finally:
        sys.path.remove(str(tmp_path))


def test_the_launcher_passes_streamlit_its_options() -> None:
    """`python -m dashboard.serve --help`-style options go to `streamlit run dashboard/app.py` (its own --help)."""
    out = subprocess.run(
        [sys.executable, "-m", "dashboard.serve", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "Usage: streamlit run [OPTIONS] [TARGET]" in out.stdout
