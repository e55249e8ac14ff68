"""A table as text for the `charter` command, laid out as pandas' `DataFrame.to_string(index=False)` lays it out
(tests/test_cli_imports.py holds the two equal), without importing pandas, which takes longer than the command."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

# pandas shows these characters escaped, so that one row stays one line.
_ESCAPES = str.maketrans({"\t": r"\t", "\n": r"\n", "\r": r"\r"})


def table(names: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Each column right-aligned under its name, one space apart; a column holds only ints, texts or timestamps."""
    columns = [_column(name, [row[i] for row in rows]) for i, name in enumerate(names)]
    return "\n".join(" ".join(line) for line in zip(*columns, strict=True))


def _column(name: str, values: list[object]) -> list[str]:
    if all(type(v) is int for v in values):
        header, cells = f" {name}", [str(v) for v in values]  # pandas sets a number's heading off by a space
    elif all(isinstance(v, datetime) and v.tzinfo is None for v in values):
        header, cells = name, _timestamps([v for v in values if isinstance(v, datetime)])
    elif all(isinstance(v, str) for v in values):
        header, cells = name, [str(v).translate(_ESCAPES) for v in values]
    else:
        raise TypeError(f"column {name}: a table here holds ints, texts or timestamps, with none missing")
    width = max([len(header), *map(len, cells)])
    return [header.rjust(width), *(cell.rjust(width) for cell in cells)]


def _timestamps(values: list[datetime]) -> list[str]:
    """As pandas shows a column of them: dates alone if all are midnight, else to the finest fraction any needs."""
    if all(v.time() == time() for v in values):
        return [f"{v:%Y-%m-%d}" for v in values]
    if any(v.microsecond % 1000 for v in values):
        return [f"{v:%Y-%m-%d %H:%M:%S.%f}" for v in values]
    if any(v.microsecond for v in values):
        return [f"{v:%Y-%m-%d %H:%M:%S}.{v.microsecond // 1000:03d}" for v in values]
    return [f"{v:%Y-%m-%d %H:%M:%S}" for v in values]
