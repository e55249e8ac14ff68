"""Pydantic models of a partnership's Performance Management Framework (the framework file)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from metrics.formatting import MOST_DECIMALS, decimals_for
from metrics.periods import DEFAULT_DUE_DAYS, Period, PeriodError, parse_period

Code = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20, pattern=r"^[A-Za-z0-9._-]+$")
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Unit(StrEnum):
    PERCENT = "%"
    COUNT = "count"
    GBP = "GBP"
    HOURS = "hours"
    DAYS = "days"
    SCORE = "score"


class Polarity(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class Category(StrEnum):
    DIGITAL = "digital"
    ICT = "ict"
    FINANCE = "finance"


class Frequency(StrEnum):
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


class Rollup(StrEnum):
    SUM = "sum"
    MEAN = "mean"
    USER_WEIGHTED_MEAN = "user-weighted mean"


class ObjectiveStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ACHIEVED = "achieved"
    MISSED = "missed"
    WITHDRAWN = "withdrawn"


class Strict(BaseModel):
    """Refuses keys it does not know, so a misspelt key is reported rather than ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _period(value: Any) -> str:
    try:
        return str(parse_period(value))
    except PeriodError as exc:
        raise ValueError(str(exc)) from None


class Partnership(Strict):
    name: Text
    short_name: Text
    lead_authority: Code = Field(description="code of the partner that is the lead authority")
    data_due_days: int = Field(DEFAULT_DUE_DAYS, ge=0, le=365)
    illustrative: bool = Field(False, description="true for demonstration data; every page then says so")
    description: str = ""


class ActiveUsers(Strict):
    as_at: date
    users: int = Field(ge=0)


class Partner(Strict):
    code: Code
    name: Text
    joined_on: date
    left_on: date | None = None
    active_users: list[ActiveUsers] = []

    @model_validator(mode="after")
    def _left_after_joined(self) -> Self:
        if self.left_on is not None and self.left_on < self.joined_on:
            raise ValueError(f"left_on ({self.left_on}) is before joined_on ({self.joined_on})")
        return self


class Commitment(Strict):
    code: Code
    title: Text = Field(description="the theme, e.g. Digital Councils")
    commitment: Text = Field(description="the commitment itself, one sentence")
    cross_cutting: bool = False
    description: str = ""


class Principle(Strict):
    code: Code
    strapline: Text
    description: str = ""
    illustrative: bool = False


class Outcome(Strict):
    code: Code
    parent: Code = Field(description="code of the commitment or principle this outcome explains")
    text: Text


class Kpi(Strict):
    code: Code
    name: Text
    definition: Text
    unit: Unit
    polarity: Polarity
    category: Category
    frequency: Frequency = Frequency.QUARTERLY
    rollup: Rollup = Rollup.MEAN
    min: float | None = None
    max: float | None = None
    source: str = ""
    decimals: int | None = Field(None, description="places its figures are written with; default by unit")

    @field_validator("decimals", mode="before")
    @classmethod
    def _decimals(cls, value: Any) -> Any:
        """A whole number 0 to MOST_DECIMALS (not `1.5`, `true` or `two`), said plainly."""
        if value is None or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MOST_DECIMALS):
            return value
        raise ValueError(
            f"decimals must be a whole number from 0 to {MOST_DECIMALS}, the places its figures are written with "
            f"(e.g. 1 for 66.5%); found {value!r}"
        )

    @property
    def places(self) -> int:
        """The decimals its figures are written with: its own, else its unit's (metrics/formatting.py)."""
        return decimals_for(self.unit.value, self.decimals)

    @model_validator(mode="after")
    def _range(self) -> Self:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self

    @property
    def valid_min(self) -> float | None:
        """The smallest allowed value; a percentage or a count cannot be negative."""
        if self.min is not None:
            return self.min
        return 0.0 if self.unit in (Unit.PERCENT, Unit.COUNT, Unit.HOURS, Unit.DAYS) else None

    @property
    def valid_max(self) -> float | None:
        if self.max is not None:
            return self.max
        return 100.0 if self.unit is Unit.PERCENT else None


class PerPartnerValue(Strict):
    """A value for a period: either `value` for every partner, or `values` by partner code."""

    period: str
    value: float | None = None
    values: dict[Code, float] | None = None

    _check_period = field_validator("period", mode="before")(_period)

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.value is None) == (self.values is None):
            raise ValueError("give either `value` (the same for every partner) or `values` (by partner code)")
        return self

    def for_partner(self, code: str) -> float | None:
        if self.values is not None:
            return self.values.get(code)
        return self.value


class Tolerance(Strict):
    """How far a figure may miss its target and still be "at risk" rather than "off track"."""

    percent: float | None = Field(None, ge=0, le=100)
    absolute: float | None = Field(None, ge=0)
    set_by: Text = "not recorded"
    set_on: date | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if self.percent is not None and self.absolute is not None:
            raise ValueError("give either `percent` or `absolute`, not both")
        return self

    @property
    def kind(self) -> str:
        return "absolute" if self.absolute is not None else "percent"

    @property
    def amount(self) -> float:
        if self.absolute is not None:
            return self.absolute
        return 5.0 if self.percent is None else self.percent


class Objective(Strict):
    code: Code
    title: Text
    description: str = ""
    outcomes: list[Code] = Field(min_length=1)
    commitment: Code | None = Field(None, description="defaults to the commitment of the first outcome")
    kpi: Code
    owner: Text
    status: ObjectiveStatus = ObjectiveStatus.ACTIVE
    baseline: PerPartnerValue
    target: PerPartnerValue
    interim: list[PerPartnerValue] = []
    tolerance: Tolerance = Tolerance()
    partners: list[Code] | None = Field(None, description="partners it applies to; default: all")

    @model_validator(mode="after")
    def _periods_in_order(self) -> Self:
        base, final = parse_period(self.baseline.period), parse_period(self.target.period)
        if final <= base:
            raise ValueError(f"the target period {final} must come after the baseline period {base}")
        for step in self.interim:
            when = parse_period(step.period)
            if not base < when < final:
                raise ValueError(f"the interim target for {when} must fall between {base} and {final}")
        return self

    @property
    def deadline(self) -> Period:
        return parse_period(self.target.period)


class RiskBand(Strict):
    """A risk rating band: the scores from `min_score` up to the next band's (docs/file-contract.md, section 5)."""

    rating: Text
    min_score: int = Field(ge=1, le=24)


class Framework(Strict):
    """Everything in one framework file."""

    version: int = Field(1, description="the format version of this file")
    partnership: Partnership
    partners: list[Partner] = Field(min_length=1)
    commitments: list[Commitment] = Field(min_length=1)
    principles: list[Principle] = []
    outcomes: list[Outcome] = []
    kpis: list[Kpi] = []
    objectives: list[Objective] = []
    risk_bands: list[RiskBand] = []  # none: the bands in force stay (by default Low, Medium and High Risk)

    @field_validator("risk_bands")
    @classmethod
    def _bands_from_one(cls, bands: list[RiskBand]) -> list[RiskBand]:
        scores = [b.min_score for b in bands]
        if bands and (min(scores) != 1 or len(set(scores)) != len(scores)):
            raise ValueError("the risk bands need distinct min_score values, the lowest band starting at 1")
        return bands
