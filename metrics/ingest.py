"""Quarterly metric files: file -> rows -> checked figures, with every problem named by row and column.

Two steps, kept apart (docs/file-contract.md): `metrics.readers` reads the file (CSV, XLSX, ODS) into text
cells with the row numbers the officer sees; `metrics.checks` checks every row against the framework and
reports all problems at once. Writing is `metrics.submissions.submit`, only when there is no problem.
"""

from __future__ import annotations

from metrics import filelimits
from metrics.checks import check_sheet
from metrics.figures import Catalogue as Catalogue
from metrics.figures import CheckResult as CheckResult
from metrics.figures import Problem
from metrics.readers import UNSAVED_FORMULA as UNSAVED_FORMULA
from metrics.readers import IngestError as IngestError
from metrics.readers import _row_list as _row_list
from metrics.readers import read_sheet as read_sheet


def check_file(data: bytes, name: str, catalogue: Catalogue) -> CheckResult:
    """Read and check one file; every problem is reported, nothing is written."""
    try:
        sheet = read_sheet(data, name, catalogue.max_bytes)
    except IngestError as exc:
        return CheckResult(name, [], [Problem(name, 1, "-", str(exc))])
    result = check_sheet(sheet, catalogue)
    result.notes = sheet.notes + result.notes
    return result


def refuse_size(name: str, size: int, max_bytes: int) -> CheckResult | None:
    """A file past the largest taken, refused as `check_file` refuses it but before it is read; else None."""
    try:
        filelimits.check_size(size, filelimits.figures(max_bytes))
    except filelimits.FileRefused as exc:
        return CheckResult(name, [], [Problem(name, 1, "-", str(exc))])
    return None
