"""Figures as officers write them: reading `72.5%`, `1,234` or `£1,234`, and writing them back in messages."""

from __future__ import annotations

import re

from metrics.figures import KpiRule
from metrics.formatting import exact

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


def parse_number(text: str) -> float | None:
    """`72.5`, `72.5%`, `1,234`, `£1,234` and `-3` as numbers; None if `text` is not a number."""
    read = read_figure(text)
    return read[0] if read is not None else None


def read_figure(text: str) -> tuple[float, str] | None:
    """`text` as (number, its sign: "%", "£" or ""); None unless it is one number in digits 0 to 9."""
    body, sign = text.strip(), ""
    if body.endswith("%"):
        sign, body = "%", body[:-1].rstrip()
    lead = body[:1] if body[:1] in ("+", "-") else ""
    body = body[len(lead) :]
    if body.startswith("£") and not sign:
        sign, body = "£", body[1:]
    if body.isascii() and body.replace(".", "", 1).isdigit() and not body.endswith("."):  # 72.5: the usual case
        return float(lead + body), sign
    # isascii first: float() and \d also take other scripts' digits (Arabic-Indic ٥, full-width ５).
    if not body.isascii() or body[:1] in ("+", "-") or not _NUMBER.match(body) or not any(map(str.isdigit, body)):
        return None
    return float(lead + body.replace(",", "")), sign


UNIT_WORDS = {
    "%": "a percentage",
    "count": "a count",
    "GBP": "an amount of money",
    "hours": "a number of hours",
    "days": "a number of days",
    "score": "a score",
}
SIGN_UNITS = {"%": ("%", "a percentage"), "£": ("GBP", "an amount of money")}


def not_a_number(text: str) -> str:
    if any(c.isdigit() and not c.isascii() for c in text):
        return f"'{text}' has digits other than 0 to 9; write the figure with the digits 0 to 9, e.g. 72.5"
    return f"'{text}' is not a number; write the figure alone, e.g. 72.5, 72.5%, 1,234 or £1,234"


def out_of_range(value: float, kpi: KpiRule) -> str:
    low, high = kpi.min_value, kpi.max_value
    span = (
        f"between {exact(low, kpi.unit)} and {exact(high, kpi.unit)}"
        if low is not None and high is not None
        else f"at least {exact(low, kpi.unit)}"
        if low is not None
        else f"at most {exact(high, kpi.unit)}"
    )
    return f"{exact(value, kpi.unit)} is outside the range for {kpi.code} ({kpi.name}): it must be {span}"
