"""One home for status (docs/progress-rules.md): every status's word, the words members read, order, symbol, colours and
chart shape, and the direction rule; `sql()` gives the database the same definitions.

Nothing else in metrics/ or dashboard/ spells a status word, symbol or colour (tests/test_status_home.py
scans for them): pages, charts, the board pack and the SQL all read them from here. The colours are
GOV.UK's, with a text colour that passes WCAG contrast on each; red and green look alike to many
colour-blind readers, so the word and the symbol carry the meaning and the colour only helps (docs/progress-rules.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

WHITE = "#ffffff"
INK = "#0b0c0c"  # GOV.UK black: text on the pale fills, and the outline that marks a pale point on a chart
# A five-pointed star in Vega's unit square (a Vega-Lite shape may be an SVG path): Met's ★ on a chart.
STAR = "M0,-1L0.26,-0.36L0.95,-0.31L0.43,0.14L0.59,0.81L0,0.45L-0.59,0.81L-0.43,0.14L-0.95,-0.31L-0.26,-0.36Z"


@dataclass(frozen=True)
class Look:
    """How a state is drawn: a symbol, and a fill with a text colour that passes WCAG contrast on it."""

    symbol: str
    fill: str
    ink: str


class Status(Enum):
    """An objective's status for a partner and period, in the legends' order: running, then ended."""

    # The view's word, the words members read, grade for better/worse (0 best; None where there is
    # no figure to judge), symbol, fill, text on it, Vega-Lite point shape, ended (the deadline has passed).
    ON_TRACK = ("On track", "On track", 0, "✓", "#00703c", WHITE, "circle", False)
    AT_RISK = ("At risk", "At risk", 1, "!", "#f47738", INK, "triangle-up", False)
    OFF_TRACK = ("Off track", "Off track", 2, "✕", "#d4351c", WHITE, "cross", False)
    OVERDUE = ("Overdue", "Figure overdue", None, "◷", "#4c2c92", WHITE, "square", False)
    NO_DATA = ("No data", "No figure yet", None, "–", "#505a5f", WHITE, "diamond", False)
    # Darker than GOV.UK's dark green #005a30, which a deuteranope barely tells from On track (ΔE 8.5).
    MET = ("Met", "Met", 0, "★", "#003d1f", WHITE, STAR, True)
    MISSED = ("Missed", "Missed", 2, "✖", "#942514", WHITE, "triangle-down", True)
    NOT_ASSESSED = ("Not assessed", "Not assessed", None, "∅", "#912b88", WHITE, "wedge", True)

    word: str
    said: str
    grade: int | None
    symbol: str
    fill: str
    ink: str
    shape: str
    ended: bool

    def __init__(
        self, word: str, said: str, grade: int | None, symbol: str, fill: str, ink: str, shape: str, ended: bool
    ) -> None:
        self.word, self.said, self.grade, self.symbol = word, said, grade, symbol
        self.fill, self.ink, self.shape, self.ended = fill, ink, shape, ended

    @property
    def look(self) -> Look:
        return Look(self.symbol, self.fill, self.ink)

    @property
    def outline(self) -> str | None:
        """The outline a chart's point needs to stand out 3 : 1 from white: a fill pale enough to carry black
        text does not alone (the dashboard's charts outline every point in INK)."""
        return INK if self.ink == INK else None

    @property
    def key(self) -> str:
        """The name SQL uses for it: `core.status_word('on_track')`."""
        return self.name.lower()

    @property
    def rank(self) -> int:
        """Its place in `WORST_FIRST` (0 = worst)."""
        return WORST_FIRST.index(self)

    @classmethod
    def find(cls, word: object) -> Status | None:
        """The status whose view word is `word`, or None."""
        return _BY_WORD.get(word) if isinstance(word, str) else None


_BY_WORD = {s.word: s for s in Status}
RUNNING = tuple(s for s in Status if not s.ended)
ENDED = tuple(s for s in Status if s.ended)
# For roll-ups, where the worst one present is named. An ended result goes past its running twin:
# Missed is worse than Off track, Met better than On track.
WORST_FIRST = (
    Status.MISSED, Status.OFF_TRACK, Status.OVERDUE, Status.NOT_ASSESSED, Status.AT_RISK, Status.NO_DATA,
    Status.ON_TRACK, Status.MET,
)  # fmt: skip

# The state of one figure in data collection: not a performance status, so it has its own look, except that
# a figure past its due date is the Overdue status in members' words.
FIGURE_LOOKS: dict[str, Look] = {
    "Approved": Look("✓", "#1d70b8", WHITE),
    "Awaiting approval": Look("…", "#ffdd00", INK),
    "Not yet received": Status.NO_DATA.look,
    Status.OVERDUE.said: Status.OVERDUE.look,
}

# A risk's rating band (metrics/risks.py), lowest first: not a performance status, so a look of its own. GOV.UK's
# tag tints, pale enough for black text; the band's word always goes with them. The highest band takes the last.
RATING_LOOKS = (
    Look("○", "#cce2d8", INK),
    Look("◔", "#fff7bf", INK),
    Look("◑", "#fcd6c3", INK),
    Look("●", "#f4cdc6", INK),
)


def rating_look(band: int, bands: int) -> Look:
    """The look of band `band` (0 = lowest) of `bands`: the lowest ones in order, the highest always the last."""
    if band >= bands - 1:
        return RATING_LOOKS[-1]
    return RATING_LOOKS[min(band, len(RATING_LOOKS) - 2)]


# Direction of travel (docs/progress-rules.md), against the previous quarter or the same quarter a year before.
IMPROVING, WORSENING, NO_CHANGE = "improving", "worsening", "no change"


def direction(polarity: str, now: float | None, before: float | None) -> str | None:
    """Improving, worsening or no change from `before` to `now` for a KPI whose `polarity` is better;
    None without both figures (a NaN counts as no figure). SQL's twin: `core.direction`."""
    if now is None or before is None or now != now or before != before:
        return None
    if now == before:
        return NO_CHANGE
    return IMPROVING if (now > before) == (polarity == "higher") else WORSENING


def look(word: str) -> Look | None:
    """The look of a status or a figure's state, by its word."""
    status = Status.find(word)
    return status.look if status else FIGURE_LOOKS.get(word)


def _q(value: object) -> str:
    """A SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool | int):
        return str(value).lower()
    return "'" + str(value).replace("'", "''") + "'"


def sql() -> str:
    """The same definitions for SQL, made at migrate time (metrics/store.py) before the views that use them:
    the view `core.status_style`, the macro `core.status_word(key)` and the direction rule `core.direction`."""
    rows = ",\n    ".join(
        "(" + ", ".join(_q(v) for v in (s.word, s.key, s.said, s.rank, s.grade, s.symbol, s.fill, s.ink, s.shape,
                                         s.ended, i)) + ")"
        for i, s in enumerate(Status)
    )  # fmt: skip
    words = " ".join(f"WHEN {_q(s.key)} THEN {_q(s.word)}" for s in Status)
    return f"""
CREATE OR REPLACE VIEW core.status_style AS SELECT * FROM (VALUES
    {rows}
) t(status, key, said, worst_rank, grade, symbol, fill, ink, shape, ended, legend_order);
CREATE OR REPLACE MACRO core.status_word(key) AS
    CASE key {words} ELSE error('core.status_word: no status is called ' || key) END;
CREATE OR REPLACE MACRO core.direction(polarity, now, before) AS
    CASE WHEN now IS NULL OR before IS NULL THEN NULL
         WHEN now = before THEN {_q(NO_CHANGE)}
         WHEN (now > before) = (polarity = 'higher') THEN {_q(IMPROVING)}
         ELSE {_q(WORSENING)} END;
"""  # noqa: S608 (every value is this module's own constant, quoted by _q)
