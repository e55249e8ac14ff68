"""Small pieces of the pages that carry a rule of their own."""

from __future__ import annotations

import pandas as pd

from dashboard import components as ui


def test_changed_rows_are_shaded_in_a_short_table_and_listed_first_in_a_long_one() -> None:
    short = pd.DataFrame({"figure": [1, 2, 3], "change": ["unchanged", "changed", "new"]})
    styled = ui.highlight(short, "change", lambda v: v != "unchanged")
    shades = styled._compute().ctx  # (row, column) -> CSS of the cells that have any
    assert sorted({row for row, _ in shades}) == [1, 2]
    assert styled.data["change"].tolist() == ["unchanged", "changed", "new"]  # the file's order is kept

    n = ui.SHADED_ROWS + 1
    long = pd.DataFrame({"figure": range(n), "change": ["unchanged"] * (n - 2) + ["changed", "new"]})
    listed = ui.highlight(long, "change", lambda v: v != "unchanged")
    assert isinstance(listed, pd.DataFrame)
    assert listed["change"].tolist()[:3] == ["changed", "new", "unchanged"]
    assert listed["figure"].tolist()[:3] == [n - 2, n - 1, 0]  # otherwise in the file's order
