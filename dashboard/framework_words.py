"""The charter's shape in words, counted from the framework loaded (never written into a page)."""

from __future__ import annotations

import pandas as pd

_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def number(n: int) -> str:
    """A count as members read it: words up to twelve, figures beyond."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"


def _plural(n: int, word: str) -> str:
    return f"{number(n)} {word}{'' if n == 1 else 's'}"


def charter_shape(tree: pd.DataFrame) -> str:
    """E.g. "five commitments (three themes and two cross-cutting themes) and seven principles", from the
    charter tree (metrics/sql/charter_tree.sql): one row per commitment or principle and outcome."""
    parents = tree.drop_duplicates("parent_code")
    commitments = parents[parents["kind"] == "commitment"]
    principles = int((parents["kind"] == "principle").sum())
    crossing = int(commitments["cross_cutting"].fillna(False).astype(bool).sum())
    said = _plural(len(commitments), "commitment")
    if crossing:
        said += f" ({_plural(len(commitments) - crossing, 'theme')} and {_plural(crossing, 'cross-cutting theme')})"
    return said + (f" and {_plural(principles, 'principle')}" if principles else "")
