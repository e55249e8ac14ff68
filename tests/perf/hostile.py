"""Hostile files (issue 12), built by hand, and `make bench` timing each as a whole `charter` command.

Each file asks a reader for huge work from a few bytes: one cell at XFD1048576, a stray cell at CV200000, a
sheet that inflates to gigabytes, an ODS row repeated 100,000 times, a CSV too wide, too long or with one
huge cell, an XML billion laughs. tests/test_hostile_files.py and tests/test_hostile_browser.py send the same
files through the command line and the app. Here each is timed as a `charter ingest` / `charter tickets`
child process, median of three, with the child's own peak resident memory (its VmHWM, written as it ends:
ru_maxrss would count the memory of the process it was started from), against the target: refused
within 2 s and 400 MB.

    python -m tests.perf.hostile            # the benchmark on its own
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

from metrics import demo, store

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    'PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
    f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
    '<sheet name="Figures" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
    f'Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    f'Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET = "xl/worksheets/sheet1.xml"


def sheet_xml(cells: list[tuple[str, str]], doctype: str = "") -> str:
    """A worksheet of inline-text cells, given as (reference, text), one row element per row."""
    rows: dict[int, list[str]] = {}
    for ref, text in cells:
        number = int("".join(c for c in ref if c.isdigit()))
        rows.setdefault(number, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    body = "".join(f'<row r="{n}">{"".join(c)}</row>' for n, c in sorted(rows.items()))
    head = f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="{_MAIN}">'
    return f"{head}<sheetData>{body}</sheetData></worksheet>"


def xlsx(cells: list[tuple[str, str]], shared: str | None = None, doctype: str = "", sheet: str = "") -> bytes:
    """A one-sheet XLSX written by hand, as small as it can be (`sheet`: the sheet's XML as it is)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", PACKAGE_RELS),
                           ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                           (SHEET, sheet or sheet_xml(cells, doctype))):  # fmt: skip
            book.writestr(name, text)
        if shared is not None:
            book.writestr("xl/sharedStrings.xml", shared)
    return out.getvalue()


def many_parts(parts: int = 1_001) -> bytes:
    """An XLSX of `parts` tiny parts (zipfile builds an object for each before anything can be read)."""
    out = io.BytesIO(xlsx(HEADER_CELLS))
    with zipfile.ZipFile(out, "a") as book:
        for i in range(parts - 5):
            book.writestr(f"xl/media/{i}.bin", b"")
    return out.getvalue()


HEADER_CELLS = [("A1", "partner"), ("B1", "period"), ("C1", "kpi"), ("D1", "value"), ("E1", "note")]


def last_cell() -> bytes:
    """1.5 KB: a header and one cell at XFD1048576, the last cell a sheet can have (calamine: 512 GB)."""
    return xlsx([*HEADER_CELLS, ("XFD1048576", "x")])


def stray_cell() -> bytes:
    """A header and one stray cell at CV200000 (calamine: about 900 MB)."""
    return xlsx([*HEADER_CELLS, ("CV200000", "x")])


def many_texts() -> bytes:
    """A shared-strings part that says it holds 4,000,000,000 texts (calamine reserves room for them all)."""
    shared = f'<sst xmlns="{_MAIN}" count="4000000000" uniqueCount="4000000000"><si><t>partner</t></si></sst>'
    return xlsx(HEADER_CELLS, shared)


def billion_laughs() -> bytes:
    """A sheet whose XML entities expand ten to the ninth times."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    return xlsx([*HEADER_CELLS, ("A2", "&lol9;")], doctype=f"<!DOCTYPE worksheet [{entities}]>")


def _repeated_block(megabytes: int) -> tuple[bytes, int]:
    """A raw deflate stream of `megabytes` MB of empty rows, made by repeating one self-contained block."""
    chunk = b"<row/>" * (1_048_576 // 6) + b"<row/>"[: 1_048_576 % 6]
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)  # byte-aligned, no back-reference
    return block * megabytes + b"\x03\x00", len(chunk) * megabytes  # an empty final block ends it


def raw_zip(parts: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written byte by byte: (name, packed data, the size its headers declare, method)."""
    local, directory = b"", b""
    for name, data, size, method in parts:
        encoded = name.encode()
        fields = struct.pack("<HHHHHIII", 20, 0, method, 0, 0x21, 0, len(data), size)
        directory += (b"PK\x01\x02" + struct.pack("<H", 20) + fields
                      + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, len(local)) + encoded)  # fmt: skip
        local += b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded + data
    end = struct.pack("<HHHHIIH", 0, 0, len(parts), len(parts), len(directory), len(local), 0)
    return local + directory + b"PK\x05\x06" + end


def bomb(megabytes: int = 2048, declared: int | None = None) -> bytes:
    """An XLSX whose sheet inflates to `megabytes` MB (2 GB), its size declared truly or as `declared` bytes."""
    data, size = _repeated_block(megabytes)
    small = [(n, zlib.compress(t.encode())[2:-4], len(t.encode()), 8) for n, t in (
        ("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", PACKAGE_RELS), ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS))]  # fmt: skip
    return raw_zip([*small, (SHEET, data, size if declared is None else declared, 8)])


_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
    '<office:spreadsheet><table:table table:name="Figures">'
)


def ods_cell(text: str, repeat: int = 1) -> str:
    times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell office:value-type="string"{times}><text:p>{text}</text:p></table:table-cell>'


def ods_row(cells: list[str], repeat: int = 1) -> str:
    times = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{times}>{''.join(cells)}</table:table-row>"


def ods(rows: list[tuple[list[str], int]]) -> bytes:
    """An ODS written by hand: each row as its cells' XML and how many times it repeats."""
    body = "".join(ods_row(cells, repeat) for cells, repeat in rows)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", f"{_ODS_HEAD}{body}</table:table></office:spreadsheet></office:body>"
                      "</office:document-content>")  # fmt: skip
    return out.getvalue()


def repeated_row() -> bytes:
    """An ODS whose second row, 60 cells wide, repeats itself 100,000 times (6,000,060 cells)."""
    header = [ods_cell(t) for t in ("partner", "period", "kpi", "value", "note")]
    return ods([(header, 1), ([ods_cell("HBBC", 60)], 100_000)])


def wide_csv() -> bytes:
    return ("partner,period,kpi,value,note\nHBBC,2025/26 Q1,DS01,1," + "," * 5_000 + "\n").encode()


def long_csv(rows: int = 300_000) -> bytes:
    return ("partner,period,kpi,value,note\n" + "HBBC,2025/26 Q1,DS01,1,\n" * rows).encode()


def huge_cell_csv() -> bytes:
    return ("partner,period,kpi,value,note\nHBBC,2025/26 Q1,DS01,1," + "x" * 1_048_576 + "\n").encode()


# (label, file name, builder, command): each is sent to `charter ingest` or `charter tickets`.
CASES: list[tuple[str, str, Callable[[], bytes], str]] = [
    ("one cell at XFD1048576", "last-cell.xlsx", last_cell, "ingest"),
    ("one cell at XFD1048576", "last-cell.xlsx", last_cell, "tickets"),
    ("a stray cell at CV200000", "stray-cell.xlsx", stray_cell, "ingest"),
    ("a stray cell at CV200000", "stray-cell.xlsx", stray_cell, "tickets"),
    ("a sheet that inflates to 2 GB", "bomb.xlsx", bomb, "ingest"),
    ("a sheet that inflates to 2 GB, declared 1 KB", "liar.xlsx", lambda: bomb(declared=1024), "tickets"),
    ("4,000,000,000 shared strings declared", "texts.xlsx", many_texts, "ingest"),
    ("an XML billion laughs", "laughs.xlsx", billion_laughs, "ingest"),
    ("an ODS row repeated 100,000 times", "repeated.ods", repeated_row, "ingest"),
    ("an ODS row repeated 100,000 times", "repeated.ods", repeated_row, "tickets"),
    ("a CSV row of 5,005 columns", "wide.csv", wide_csv, "ingest"),
    ("a CSV of 300,001 rows", "long.csv", long_csv, "ingest"),
    ("a CSV cell of 1 MB", "cell.csv", huge_cell_csv, "ingest"),
]


# The `charter` command, writing its own peak resident memory (VmHWM, in kB) to the file named last as it ends.
_CHARTER = """import sys
from metrics.cli import main
peak_file = sys.argv.pop()
try:
    code = main(sys.argv[1:])
finally:
    peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    open(peak_file, "w").write(peak)
sys.exit(code)
"""


def _run(args: list[str], peak_file: Path) -> tuple[float, float, float, int]:
    """A whole command: its wall time, its processor time, its own peak resident memory in MB, its exit code."""
    peak_file.unlink(missing_ok=True)
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHARTER, *args, str(peak_file)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    peak = int(peak_file.read_text()) / 1024 if peak_file.exists() else float("nan")  # none: the process aborted
    return seconds, usage.ru_utime + usage.ru_stime, peak, os.waitstatus_to_exitcode(status)


def run(repeats: int = 3) -> dict[str, dict[str, float | int | str]]:
    """Each hostile file as a whole command, median of `repeats`; keyed as `make bench` prints them."""
    results: dict[str, dict[str, float | int | str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "charter.duckdb"
        with store.connect(db) as con:
            store.migrate(con)
            demo.install(con, today=date(2025, 11, 20), by="bench")
        runs = [_run(["--help"], folder / "peak") for _ in range(repeats)]
        results["hostile: charter --help, for the cost of starting the command"] = _figures(runs, 0)
        for label, name, build, command in CASES:
            path = folder / name
            path.write_bytes(build())
            args = ["--db", str(db), command, str(path), *(["--partner", "BDC"] if command == "tickets" else [])]
            runs = [_run(args, folder / "peak") for _ in range(repeats)]
            results[f"hostile: charter {command} {label} ({path.stat().st_size:,} bytes)"] = _figures(runs, 1)
            path.unlink()
    return results


def _figures(runs: list[tuple[float, float, float, int]], refused: int) -> dict[str, float | int | str]:
    """The median run's times, the highest peak, and whether the target was met (exit `refused` every time)."""
    seconds, cpu, _peak, code = sorted(runs)[len(runs) // 2]
    peak = max(r[2] for r in runs)
    met = seconds <= 2 and peak <= 400 and all(r[3] == refused for r in runs)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_memory_mb": peak,
        "exit": code,
        "target": "met" if met else "MISSED",
    }


def table(results: dict[str, dict[str, float | int | str]]) -> str:
    """The results as a table against the target."""
    width = max(map(len, results))
    lines = [f"{'hostile file, whole command (target: refused within 2 s and 400 MB)':<{width}}  seconds  "
             "cpu s  peak MB  exit  target"]  # fmt: skip
    for key, r in results.items():
        lines.append(f"{key:<{width}}  {r['seconds']:7.2f}  {r['cpu_seconds']:5.2f}  {r['peak_memory_mb']:7.0f}  "
                     f"{r['exit']:4}  {r['target']}")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(run(int(sys.argv[1]) if len(sys.argv) > 1 else 3)))
