"""The partnership's risk register: the risk matrix's words, the register, heat map and trend, and its writes.

A risk's score is likelihood (1 to 6) times impact (1 to 4); its rating is the band the score falls in
(core.risk_band, set by the framework file's `risk_bands`). Every scoring is a new row of core.risk_score, never
an update, so the trend is kept (docs/views.md: `risk`, `risk_history`). Every write asks `access.require`
(Action.EDIT_BUSINESS) and is audited in its own transaction; a refused write changes nothing.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from metrics import audit
from metrics.access import Action, Actor, require
from metrics.status import NO_CHANGE
from metrics.store import read_sql, transaction

# The words of the LICTP risk matrix (report section 15); core.risk_scale in metrics/sql/views.sql holds the same.
LIKELIHOOD = {1: "Almost impossible", 2: "Very Low", 3: "Low", 4: "Significant", 5: "High", 6: "Very High"}
IMPACT = {1: "Negligible", 2: "Marginal", 3: "Critical", 4: "Catastrophic"}
DEFAULT_BANDS = (("Low Risk", 1), ("Medium Risk", 6), ("High Risk", 13))  # migration 012's defaults
_LONGEST = 4000  # characters in a title, mitigation or note: a paragraph, not a document


class RiskError(Exception):
    """A risk record that cannot be made as asked; nothing was written."""


@dataclass(frozen=True)
class Scoring:
    """One scoring of a risk: current likelihood and impact, the target after mitigation, and the review."""

    likelihood: int
    impact: int
    reviewed_on: date
    review_due_on: date
    target_likelihood: int | None = None
    target_impact: int | None = None
    note: str = ""


@dataclass(frozen=True)
class RiskInput:
    """A risk as the register holds it, with its first (or next) scoring."""

    code: str
    title: str
    owner: str
    mitigation: str
    scoring: Scoring
    objectives: tuple[str, ...] | None = None  # None: leave its links to objectives as they are
    review_months: int = 3
    illustrative: str = ""


def level(text: object, axis: str) -> int:
    """A likelihood (1-6) or impact (1-4) from its number or its word ("Very High", "critical")."""
    words = LIKELIHOOD if axis == "likelihood" else IMPACT
    raw = str(text if text is not None else "").strip()
    for number, word in words.items():
        if raw.lower() in (str(number), f"{number}.0", word.lower(), f"{number} {word.lower()}"):
            return number
    choices = ", ".join(f"{n} {w}" for n, w in words.items())
    raise RiskError(f"the {axis} '{raw}' is not one of {choices}; give the number or the word")


def label(number: object, axis: str) -> str:
    """'6 Very High', '3 Critical': a level as the matrix writes it."""
    words = LIKELIHOOD if axis == "likelihood" else IMPACT
    return f"{number} {words[int(number)]}" if number is not None and not pd.isna(number) else "–"  # type: ignore[call-overload]


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- reading -------------------------------------------------------------------------------------------


def register(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every risk with its latest scoring, ratings and whether its review is past due (the `risk` view)."""
    return con.execute(read_sql("risk_register")).df()


def history(con: duckdb.DuckDBPyConnection, code: str | None = None) -> pd.DataFrame:
    """Every scoring of every risk (or one), oldest first: the trend."""
    return con.execute(read_sql("risk_history"), {"code": code}).df()


def heat_map(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The likelihood x impact grid, likelihood 6 first: each cell's score, rating and the risks in it now and
    after mitigation."""
    return con.execute(read_sql("risk_heat_map")).df()


def for_objective(con: duckdb.DuckDBPyConnection, objective: str) -> pd.DataFrame:
    """The risks that threaten one objective."""
    return con.execute(read_sql("risks_for_objective"), {"objective": objective}).df()


def bands(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The rating bands in force, lowest first: rating, min_score, max_score."""
    return con.execute(
        "SELECT rating, min_score, coalesce(lead(min_score) OVER (ORDER BY min_score) - 1, 24) AS max_score "
        "FROM core.risk_band ORDER BY min_score"
    ).df()


def past_due(frame: pd.DataFrame) -> pd.DataFrame:
    """The risks in a register whose review is past due."""
    return frame[frame["review_past_due"].fillna(False).astype(bool)]


def trend_word(score: object, previous: object) -> str:
    """How the score moved at its last scoring: 'up from 9', 'down from 12', 'no change' or 'first scoring'."""
    if previous is None or pd.isna(previous):  # type: ignore[call-overload]
        return "first scoring"
    now, before = int(score), int(previous)  # type: ignore[call-overload]
    if now == before:
        return NO_CHANGE
    return f"{'up' if now > before else 'down'} from {before}"


# --- writing -------------------------------------------------------------------------------------------


def partnership_code(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute("SELECT short_name FROM core.partnership").fetchall()
    if not rows:
        raise RiskError("the database has no framework yet; load one with `charter load-framework FILE`")
    return str(rows[0][0])


def text(value: object, what: str, *, required: bool = True) -> str:
    """Checked free text: present when required, at most a paragraph."""
    cleaned = " ".join(str(value or "").split()) if what != "mitigation" else str(value or "").strip()
    if required and not cleaned:
        raise RiskError(f"{what[:1].upper()}{what[1:]} is needed.")
    if len(cleaned) > _LONGEST:
        raise RiskError(f"The {what} is too long: keep it under {_LONGEST} characters.")
    return cleaned


def check_scoring(s: Scoring) -> Scoring:
    """Refuse a scoring off the matrix, a target without both parts, or a review due before the review."""
    level(s.likelihood, "likelihood")
    level(s.impact, "impact")
    if (s.target_likelihood is None) != (s.target_impact is None):
        raise RiskError("Give both the target likelihood and the target impact, or neither.")
    if s.target_likelihood is not None:
        level(s.target_likelihood, "likelihood")
        level(s.target_impact, "impact")
    if s.review_due_on <= s.reviewed_on:
        raise RiskError(
            f"The next review ({s.review_due_on:%-d %B %Y}) must come after this one ({s.reviewed_on:%-d %B %Y})."
        )
    return s


def _insert_scoring(
    con: duckdb.DuckDBPyConnection, pcode: str, code: str, s: Scoring, source: str, who: str, now: datetime
) -> None:
    con.execute(
        "INSERT INTO core.risk_score (partnership_code, risk_code, likelihood, impact, target_likelihood, "
        "target_impact, reviewed_on, review_due_on, note, source, recorded_by, recorded_at) VALUES "
        "($p, $c, $l, $i, $tl, $ti, $on, $due, $note, $src, $by, $at)",
        {"p": pcode, "c": code, "l": s.likelihood, "i": s.impact, "tl": s.target_likelihood, "ti": s.target_impact,
         "on": s.reviewed_on, "due": s.review_due_on, "note": s.note, "src": source, "by": who, "at": now},
    )  # fmt: skip


def _known_objectives(con: duckdb.DuckDBPyConnection, wanted: tuple[str, ...]) -> None:
    known = {r[0] for r in con.execute("SELECT code FROM core.objective").fetchall()}
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise RiskError(f"No objective is called {', '.join(unknown)}; give the codes of the framework's objectives.")


def _latest(con: duckdb.DuckDBPyConnection, code: str) -> dict[str, Any]:
    rows = con.execute(
        "SELECT likelihood, impact, target_likelihood, target_impact, reviewed_on, review_due_on, note "
        "FROM core.risk_score WHERE risk_code = $c ORDER BY reviewed_on DESC, id DESC LIMIT 1",
        {"c": code},
    ).fetchall()
    if not rows:
        raise RiskError(f"There is no risk {code} in the register; add it first.")
    keys = ("likelihood", "impact", "target_likelihood", "target_impact", "reviewed_on", "review_due_on", "note")
    return dict(zip(keys, rows[0], strict=True))


def rescore(con: duckdb.DuckDBPyConnection, code: str, scoring: Scoring, *, by: Actor, source: str = "form") -> None:
    """Record a new scoring of an existing risk (a re-score, or a review that keeps the scores); the earlier
    scorings stay."""
    require(by, Action.EDIT_BUSINESS, con=con)
    check_scoring(scoring)
    with transaction(con):
        before = _latest(con, code)
        if scoring.reviewed_on < before["reviewed_on"]:
            raise RiskError(
                f"Risk {code} was last reviewed on {before['reviewed_on']:%-d %B %Y}; a new scoring cannot be "
                "dated before that."
            )
        _insert_scoring(con, partnership_code(con), code, scoring, source, by.email, datetime.now())
        audit.record(con, by, "re-score risk", "risk", code, before, asdict(scoring))


def write_risk(con: duckdb.DuckDBPyConnection, pcode: str, r: RiskInput, who: str, source: str, now: datetime) -> bool:
    """Add or replace one risk and record its scoring, inside the caller's transaction; True when it is new.
    `objectives` None leaves the risk's links to objectives as they are."""
    if r.objectives is not None:
        _known_objectives(con, r.objectives)
    check_scoring(r.scoring)
    old = con.execute("SELECT sort_order FROM core.risk WHERE code = $c", {"c": r.code}).fetchall()
    order = old[0][0] if old else con.execute("SELECT coalesce(max(sort_order) + 1, 0) FROM core.risk").fetchall()[0][0]
    con.execute(
        "INSERT OR REPLACE INTO core.risk (partnership_code, code, title, owner, mitigation, review_months, "
        "illustrative, sort_order, recorded_by, recorded_at) VALUES ($p, $c, $t, $o, $m, $rm, $ill, $s, $by, $at)",
        {"p": pcode, "c": r.code, "t": r.title, "o": r.owner, "m": r.mitigation, "rm": r.review_months,
         "ill": r.illustrative, "s": order, "by": who, "at": now},
    )  # fmt: skip
    if r.objectives is not None:
        con.execute("DELETE FROM core.risk_objective WHERE risk_code = $c", {"c": r.code})
        for objective in dict.fromkeys(r.objectives):
            con.execute(
                "INSERT INTO core.risk_objective VALUES ($p, $c, $o)", {"p": pcode, "c": r.code, "o": objective}
            )
    _insert_scoring(con, pcode, r.code, r.scoring, source, who, now)
    return not old


def store_risks(con: duckdb.DuckDBPyConnection, risks: list[RiskInput], *, by: Actor, source: str) -> list[str]:
    """Add or update every risk and record its scoring, in one transaction: all of them or none."""
    require(by, Action.EDIT_BUSINESS, con=con)
    now = datetime.now()
    lines = []
    with transaction(con):
        pcode = partnership_code(con)
        for r in risks:
            new = write_risk(con, pcode, r, by.email, source, now)
            audit.record(con, by, "add risk" if new else "update risk", "risk", r.code, None, asdict(r))
            lines.append(
                f"Risk {r.code} {'added' if new else 'updated'}: score {r.scoring.likelihood * r.scoring.impact}."
            )
    return lines


def write_scoring(
    con: duckdb.DuckDBPyConnection, pcode: str, code: str, s: Scoring, who: str, source: str, now: datetime
) -> dict[str, Any]:
    """Record one re-scoring of an existing risk, inside the caller's transaction; the scoring before it."""
    before = _latest(con, code)
    check_scoring(s)
    _insert_scoring(con, pcode, code, s, source, who, now)
    return before


def store_scorings(
    con: duckdb.DuckDBPyConnection, scorings: list[tuple[str, Scoring]], *, by: Actor, source: str
) -> list[str]:
    """Record a re-scoring of each named risk, in one transaction: all of them or none."""
    require(by, Action.EDIT_BUSINESS, con=con)
    now = datetime.now()
    with transaction(con):
        pcode = partnership_code(con)
        for code, s in scorings:
            before = write_scoring(con, pcode, code, s, by.email, source, now)
            audit.record(con, by, "re-score risk", "risk", code, before, asdict(s))
    return [f"Risk {code} re-scored: score {s.likelihood * s.impact}." for code, s in scorings]


def next_review(con: duckdb.DuckDBPyConnection, code: str, reviewed_on: date) -> date:
    """The day a review on `reviewed_on` is next due: the risk's review interval later."""
    rows = con.execute("SELECT review_months FROM core.risk WHERE code = $c", {"c": code}).fetchall()
    if not rows:
        raise RiskError(f"There is no risk {code} in the register; add it first.")
    return add_months(reviewed_on, int(rows[0][0]))


def set_bands(con: duckdb.DuckDBPyConnection, wanted: list[tuple[str, int]]) -> None:
    """Replace the rating bands (inside the caller's transaction): each a rating and its lowest score; the
    lowest band must start at 1."""
    scores = [m for _, m in wanted]
    if not wanted or min(scores) != 1 or len(set(scores)) != len(scores) or max(scores) > 24:
        raise RiskError("The risk bands need distinct lowest scores from 1 to 24, the first band starting at 1.")
    con.execute("DELETE FROM core.risk_band")
    for i, (rating, lowest) in enumerate(sorted(wanted, key=lambda b: b[1])):
        con.execute("INSERT INTO core.risk_band VALUES ($r, $m, $i)", {"r": rating, "m": lowest, "i": i})
