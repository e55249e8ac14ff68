"""The ended line says what it counts (issue 13): objectives, and their targets (one per council) by result."""

from __future__ import annotations

import pandas as pd

from dashboard import ended
from metrics.status import ENDED, Status


def _table(*counts: tuple[int, int, int]) -> pd.DataFrame:
    """One row per ended objective: how many of its councils met, missed and were not assessed."""
    keys = [s.key for s in ENDED]
    assert list(ENDED) == [Status.MET, Status.MISSED, Status.NOT_ASSESSED]
    return pd.DataFrame([dict(zip(keys, c, strict=True)) for c in counts])


def test_the_partnership_line_counts_objectives_and_their_targets() -> None:
    table = _table((3, 0, 0), (1, 2, 0), (2, 0, 1))
    assert ended.summary(table) == (
        "Ended: 3 objectives, with 9 targets (one per council): 6 met, 2 missed, 1 not assessed"
    )


def test_one_councils_line_counts_objectives_alone() -> None:
    assert ended.summary(_table((1, 0, 0), (0, 1, 0))) == "Ended: 2 objectives: 1 met, 1 missed"
    assert ended.summary(_table((0, 0, 1))) == "Ended: 1 objective: 1 not assessed"
