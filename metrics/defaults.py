"""The settings' defaults and the repository's folders, importable without pydantic (slow to import), so the
`charter` command starts quickly; metrics/config.py builds the Settings model on them."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "data" / "demo"
DB = Path("data/charter.duckdb")
LOCK_WAIT_SECONDS = 5.0
