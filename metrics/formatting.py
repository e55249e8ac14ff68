"""The one home of how a figure is written for people: pages, chart tooltips, the board pack and exports.

A figure is rounded to its KPI's `decimals` (set in the framework, or the unit's default: `66.5%`, `20,021`,
`£453`) half away from zero as people round (`2.5` → `3`), with thousands separators and its unit. A missing
figure is a dash with its reason (`— no figure yet`), never `None` or `nan` (docs/file-contract.md).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from numbers import Real

from metrics.status import Status

# The decimals a unit's figures are written with unless the KPI sets its own (docs/file-contract.md).
DEFAULT_DECIMALS = {"%": 1, "count": 0, "GBP": 0, "hours": 1, "days": 1, "score": 1}
MOST_DECIMALS = 4  # a framework's `decimals` may be 0 to this
DASH = "—"
NO_FIGURE = Status.NO_DATA.said.lower()  # the reason a figure is missing unless a page knows better
SUFFIX = {"hours": " hours", "days": " days"}  # units written after the number; % and £ are signs


def missing(value: object) -> bool:
    """Whether `value` holds no figure: None, NaN, NaT, pandas' NA or anything that is not a number."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return True
    return math.isnan(float(value))


def decimals_for(unit: object, decimals: object = None) -> int:
    """The decimals to write: the KPI's own when set (a whole number 0 to MOST_DECIMALS), else the unit's."""
    if not missing(decimals):
        places = float(decimals)  # type: ignore[arg-type]  # missing() is False only for a real number
        if places.is_integer() and 0 <= places <= MOST_DECIMALS:
            return int(places)
    return DEFAULT_DECIMALS.get(str(unit), 1)


def rounded(value: float, decimals: int) -> float:
    """`value` rounded half away from zero to `decimals` places, as it reads (0.125 → 0.13, 2.5 → 3)."""
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return float(exact) + 0.0  # + 0.0 turns -0.0 into 0.0


def number(value: float, decimals: int) -> str:
    """`value` with thousands separators and exactly `decimals` places: 20,021 or 1,234.5."""
    return f"{rounded(value, decimals):,.{decimals}f}"


def figure(value: object, unit: object = "", decimals: object = None, *, reason: str = NO_FIGURE) -> str:
    """A figure as members read it, in `unit` to the KPI's `decimals`: 66.5%, 20,021, £453, 7.3 hours;
    `— reason` when there is no figure (`— no figure yet`, `— not due`)."""
    if missing(value):
        return absent(reason)
    places = decimals_for(unit, decimals)
    text = number(float(value), places)  # type: ignore[arg-type]
    if unit == "%":
        return f"{text}%"
    if unit == "GBP":
        return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
    return text + SUFFIX.get(str(unit), "")


def absent(reason: str = NO_FIGURE) -> str:
    """The dash that stands for a missing figure, with why: `— no figure yet`."""
    return f"{DASH} {reason}" if reason else DASH


def reason(status: object) -> str:
    """Why a progress row has no figure, from its status: `figure overdue` or `no figure yet`."""
    found = Status.find(status)
    return found.said.lower() if found is not None and found.grade is None else NO_FIGURE


def exact(value: float | None, unit: str = "") -> str:
    """A figure as the officer wrote it, every decimal kept, with its unit: for messages about their file."""
    if value is None:
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    if unit == "%":
        return f"{text}%"
    if unit == "GBP":
        return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
    return text + SUFFIX.get(unit, "")


def axis_format(unit: object, decimals: object = None) -> str:
    """The d3 format of a chart axis in `unit`: as many decimals as the KPI's figures, and separators."""
    return f",.{decimals_for(unit, decimals)}f"


def whole_numbers(unit: object, decimals: object = None) -> bool:
    """Whether a KPI's figures are whole numbers (a count), so a chart's axis has no 2.5 ticks."""
    return decimals_for(unit, decimals) == 0
