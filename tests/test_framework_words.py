"""The charter's shape in words (dashboard/framework_words.py): counted from the framework, never hard-coded."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard import framework_words
from metrics import queries, store


def tree(kinds: list[tuple[str, str, bool]]) -> pd.DataFrame:
    return pd.DataFrame(kinds, columns=["parent_code", "kind", "cross_cutting"])


def test_the_demo_charter_says_five_commitments_and_seven_principles(demo_db: Path) -> None:
    with store.connect(demo_db, read_only=True) as con:
        found = framework_words.charter_shape(queries.charter_tree(con))
    assert found == "five commitments (three themes and two cross-cutting themes) and seven principles"


def test_another_charter_says_its_own_counts() -> None:
    three = tree([("A", "commitment", False), ("A", "commitment", False), ("B", "commitment", False),
                  ("C", "commitment", False)])  # fmt: skip
    assert framework_words.charter_shape(three) == "three commitments"
    mixed = tree([("A", "commitment", False), ("B", "commitment", True), ("P1", "principle", False)])
    assert framework_words.charter_shape(mixed) == (
        "two commitments (one theme and one cross-cutting theme) and one principle"
    )
    assert framework_words.number(14) == "14"
