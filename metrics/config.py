"""Settings: one model with defaults, overridden by environment variables (CHARTER_*)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

from metrics.defaults import DB, LOCK_WAIT_SECONDS
from metrics.defaults import DEMO_DIR as DEMO_DIR
from metrics.defaults import ROOT as ROOT


class Settings(BaseModel):
    """Where the database is and how the app behaves."""

    db: Path = Field(DB, description="the DuckDB file (CHARTER_DB)")
    lock_wait_seconds: float = Field(LOCK_WAIT_SECONDS, ge=0, description="how long a writer waits for a busy database")
    max_upload_mb: int = Field(20, ge=1, le=200, description="largest file officers may upload")
    public: bool = Field(True, description="members' pages readable without signing in (CHARTER_PUBLIC)")
    session_minutes: int = Field(30, ge=1, le=24 * 60, description="a signed-in session ends after this idle time")

    @classmethod
    def from_env(cls) -> Settings:
        values: dict[str, str] = {}
        for name in cls.model_fields:
            env = os.environ.get(f"CHARTER_{name.upper()}")
            if env:
                values[name] = env
        return cls.model_validate(values)
