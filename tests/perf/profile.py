"""`make profile PAGE=objective DB=...`: where one page's server-side script spends its time, by pyinstrument.

The page runs through AppTest as `make bench` times it: once to fill the caches, then profiled cold (caches
cleared) and warm. The reports go to bench/profile-<page>-<cold|warm>.html and a text summary is printed.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import streamlit as st
from pyinstrument import Profiler
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from metrics.config import ROOT
from tests.perf.pages import ROLES, signed_in


def _profiled(profiler: Profiler) -> Any:
    """Streamlit runs the script in its own thread; profile inside that thread, around the script's call."""
    run = script_runner.exec_func_with_error_handling

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with profiler:
            return run(*args, **kwargs)

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("page", help="a page's file name under dashboard/app_pages, e.g. objective")
    parser.add_argument("--db", type=Path, required=True, help="the database to run against")
    parser.add_argument("--role", default="admin", choices=sorted(ROLES), help="who is signed in")
    args = parser.parse_args()
    os.environ["CHARTER_DB"] = str(args.db)
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300)
    signed_in(at, args.role)
    at.run()
    at.switch_page(f"app_pages/{args.page}.py")
    at.run()
    out = ROOT / "bench"
    out.mkdir(exist_ok=True)
    for kind in ("cold", "warm"):
        if kind == "cold":
            st.cache_data.clear()
            st.cache_resource.clear()
        profiler = Profiler(interval=0.0005)
        original = script_runner.exec_func_with_error_handling
        script_runner.exec_func_with_error_handling = _profiled(profiler)
        try:
            at.run()
        finally:
            script_runner.exec_func_with_error_handling = original
        assert not at.exception, [e.value for e in at.exception]
        report = out / f"profile-{args.page}-{kind}.html"
        report.write_text(profiler.output_html())
        print(f"--- {args.page}, {kind} ({report.relative_to(ROOT)}) ---")
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
