"""Serve the app: `python -m dashboard.serve [any option of streamlit run]`, as `make run` does.

`streamlit run dashboard/app.py` serves the same app, but its first visitor waits while the process imports what
the pages use (DuckDB, pandas, pyarrow, Altair, Authlib, Charter's own `metrics` modules): about 1.1 s of the
server's CPU, measured with `python -X importtime` across the first page load after the server answered its health
check. Here they are imported before Streamlit starts, so the server answers `/_stcore/health` once it can serve a
page without that wait (a load balancer waits for the health check anyway). The Microsoft 365 tenant check
(dashboard/tenants.py) is installed here too, so a sign-in that reaches the server before any page has run is served.

The modules are the ones `dashboard/` imports, read from its files' import statements (so the list cannot go stale),
except `dashboard`'s own: their `st.cache_data` functions are better made once Streamlit's runtime exists.
"""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

from dashboard import tenants

HERE = Path(__file__).resolve().parent
APP = HERE / "app.py"


def page_imports(folder: Path = HERE) -> list[str]:
    """Every module outside `dashboard` that the app's modules and pages import at their top level, in first-seen
    order; `from metrics import a` gives `metrics.a`, which may be a module or a name in `metrics`."""
    found: dict[str, None] = {}
    for path in sorted([*folder.glob("*.py"), *folder.glob("app_pages/*.py")]):
        for node in ast.parse(path.read_text(), filename=str(path)).body:
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            else:
                continue
            for name in names:
                if name.split(".")[0] not in ("dashboard", "__future__"):
                    found.setdefault(name)
    return list(found)


def warm(names: list[str]) -> None:
    """Import each module in `names`; a name that is not a module (`from typing import Any`) is passed over."""
    for name in names:
        if name in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a module that exists but fails to import is a real fault
                raise


def main() -> None:
    warm(page_imports())
    tenants.install()  # Microsoft 365 across tenants from the first request, not from the first page's run
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main(args=sys.argv[1:], prog_name="streamlit"))


if __name__ == "__main__":
    main()
