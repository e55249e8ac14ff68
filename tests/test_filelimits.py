"""A ticket export in UTF-8 is measured on its bytes (`filelimits.check_utf8_csv`): the rows counted, and every file
refused or let through, exactly as when it is decoded first (`check_csv`), whatever the chunks' boundaries."""

from __future__ import annotations

import dataclasses
import io
import random

import pytest

from metrics import filelimits

SMALL = dataclasses.replace(filelimits.TICKETS, max_rows=50, max_columns=6, max_cell_chars=20, max_csv_cells=200)
PIECES = ["a", ",", "\n", "\r", "\r\n", "é", "日", " ", "x" * 25, ",,,,,,", "\ufeff", "\udcff"]


def _outcome(data: bytes, as_bytes: bool) -> tuple[str, object]:
    """The rows measured, or the refusal, of `data` measured on its bytes or decoded first."""
    try:
        if as_bytes:
            return "measured", filelimits.check_utf8_csv(io.BytesIO(data), SMALL, ",")
        return "measured", filelimits.check_csv(filelimits.text_chunks(io.BytesIO(data), "utf-8"), SMALL, ",")
    except filelimits.FileRefused as exc:
        return "refused", str(exc)


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1 << 20])
def test_bytes_and_text_measure_a_file_alike(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(filelimits, "_CHUNK", chunk)
    rng = random.Random(chunk)
    outcomes = set()
    for _ in range(600):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 120)))
        data = text.encode("utf-8", "surrogateescape")  # \udcff: a byte that is not UTF-8
        decoded = _outcome(data, as_bytes=False)
        assert _outcome(data, as_bytes=True) == decoded, repr(text)
        outcomes.add(decoded[0] if decoded[0] == "measured" else str(decoded[1]).split(",")[0])
    assert len(outcomes) >= 3  # files let through and refused for more than one reason
