"""The board pack's section on risks and contracts: the register, the heat map now and after mitigation, and the
contracts falling due (notices in the next 12 months). Read by the same queries as the Risks and Contracts pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

import duckdb
import pandas as pd
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Table, TableStyle

from metrics import contracts, risks
from metrics import pdfparts as pdf
from metrics.status import rating_look

HEADING = "7. Risks and contracts falling due"


@dataclass(frozen=True)
class RiskSection:
    """What the section shows, read once."""

    register: pd.DataFrame
    grid: pd.DataFrame
    bands: pd.DataFrame
    notices: pd.DataFrame
    ending: pd.DataFrame


def gather(con: duckdb.DuckDBPyConnection, today: date) -> RiskSection:
    """The register, heat map, bands, and the contracts whose notice day or end falls in the next 12 months."""
    roadmap = contracts.roadmap(con, today)
    horizon = pd.Timestamp(risks.add_months(today, contracts.NOTICE_WINDOW_MONTHS))
    ends = pd.to_datetime(roadmap["ends_on"])
    ending = roadmap[(ends >= pd.Timestamp(today)) & (ends <= horizon)]
    notices = contracts.notices(con, today)
    return RiskSection(risks.register(con), risks.heat_map(con), risks.bands(con), notices, ending)


def tables(section: RiskSection | None) -> dict[str, pd.DataFrame]:
    """The section's tables for the pack's XLSX and CSV."""
    if section is None:
        return {}
    register = section.register.drop(columns=["sort_order"], errors="ignore").copy()
    register["objective_codes"] = register["objective_codes"].map(lambda v: "; ".join(v) if len(v) else "")
    return {"risks": register, "notices due": section.notices, "contracts ending": section.ending}


def _heat_map(section: RiskSection, column: str, st: pdf.Styles) -> Table:
    """The grid as a table whose cells name their risks and give their score and rating in words."""
    order = section.bands["rating"].tolist()
    impacts = section.grid.drop_duplicates("impact").sort_values("impact")
    rows: list[list[Any]] = [["Likelihood", *[f"{r.impact} {r.impact_word}" for r in impacts.itertuples()]]]
    commands: list[tuple[Any, ...]] = []
    for y, (likelihood, cells) in enumerate(section.grid.groupby("likelihood", sort=False), 1):
        row: list[Any] = [f"{likelihood} {cells.iloc[0]['likelihood_word']}"]
        for x, c in enumerate(cells.sort_values("impact").itertuples(), 1):
            codes = list(getattr(c, column))
            named = f"Risk{'s' * (len(codes) > 1)} {', '.join(map(str, codes))}" if codes else "none"
            row.append(pdf.para(f"{named} · {c.score} {c.rating}", st.cell))
            look = rating_look(order.index(c.rating), len(order))
            commands.append(("BACKGROUND", (x, y), (x, y), colors.HexColor(look.fill)))
        rows.append(row)
    table = pdf.table(rows, [30 * mm] + [37 * mm] * 4, st, {})
    table.setStyle(TableStyle(commands))
    return table


def _register(section: RiskSection, st: pdf.Styles) -> Table:
    rows: list[list[Any]] = [["Risk", "Description", "Owner", "Now", "Target", "Next review"]]
    for record in section.register.to_dict("records"):
        r = SimpleNamespace(**{str(k): v for k, v in record.items()})  # attributes typed Any: the values are mixed
        target = "–" if pd.isna(r.target_score) else f"{int(r.target_score)} {r.target_rating}"
        due = pdf.day(r.review_due_on, "%-d %b %Y") + (" (past due)" if r.review_past_due else "")
        now = f"{risks.label(r.likelihood, 'likelihood')} × {risks.label(r.impact, 'impact')} = {r.score} {r.rating}"
        rows.append([r.code, r.title, r.owner, now, target, due])
    return pdf.table(rows, [12 * mm, 62 * mm, 26 * mm, 36 * mm, 22 * mm, 22 * mm], st, {})


def _contracts(section: RiskSection, st: pdf.Styles) -> list[Flowable]:
    due = pd.concat([section.notices, section.ending]).drop_duplicates("code").sort_values("notice_on")
    if due.empty:
        return [pdf.para("No contract's notice day or end falls in the next 12 months.", st.body)]
    rows: list[list[Any]] = [["Contract", "System", "Council", "Give notice by", "Ends"]]
    for c in due.itertuples():
        system = f"{c.system} (illustrative)" if c.illustrative else c.system
        notice, ends = pdf.day(c.notice_on, "%-d %b %Y"), pdf.day(c.ends_on, "%-d %b %Y")
        rows.append([c.code, system, c.partner_code, notice, ends])
    return [pdf.table(rows, [28 * mm, 70 * mm, 22 * mm, 30 * mm, 30 * mm], st, {})]


def story(section: RiskSection | None, st: pdf.Styles) -> list[Flowable]:
    """The section's pages: the heat map now and after mitigation, the register, and contracts falling due."""
    if section is None:
        return []
    reg = section.register
    late = ", ".join(risks.past_due(reg)["code"])
    out: list[Flowable] = [CondPageBreak(200 * mm), pdf.para(HEADING, st.h1)]
    out.append(pdf.para(
        f"{len(reg)} risks in the register; score = likelihood (1 to 6) × impact (1 to 4). "
        + (f"Past their review date: {late}." if late else "Every risk has been reviewed on time."), st.body,
    ))  # fmt: skip
    made_up = sorted({str(v) for v in reg["illustrative"] if str(v)})
    if made_up:
        out.append(pdf.para("Illustrative: " + "; ".join(made_up) + ".", st.small))
    out += [pdf.para("Heat map now", st.h2), _heat_map(section, "current_codes", st)]
    out += [pdf.para("Heat map after mitigation (target)", st.h2), _heat_map(section, "target_codes", st)]
    out += [CondPageBreak(80 * mm), pdf.para("The register", st.h2), _register(section, st)]
    out += [pdf.para("Contracts falling due in the next 12 months", st.h2), *_contracts(section, st)]
    return out
