"""Pieces of the Risks and Contracts pages: the heat map, the register, the forms, and the Objective page's risks.

Every write goes through `metrics.risks` or `metrics.contracts` (checked, role required, audited, one
transaction); this module only turns widgets into their inputs and their errors into words on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import auth, resources
from dashboard import components as ui
from metrics import board, contracts, risks
from metrics.access import AccessDenied, Action, Actor
from metrics.status import Look, rating_look

DATE_HELP = "Day/month/year, e.g. 18/11/2025"
_ERRORS = (risks.RiskError, contracts.ContractError, board.BoardError, resources.DatabaseBusy, AccessDenied)


def may(action: Action) -> bool:
    """Whether the person acting in this run (app.py's `auth.remember`) may do `action`; False for a visitor."""
    acting = st.session_state.get("acting")
    return auth.can(acting if isinstance(acting, Actor) else None, action)


def looks() -> dict[str, Look]:
    """Each rating band's look, by its word, lowest band first."""
    bands = resources.cached(risks.bands)["rating"].tolist()
    return {band: rating_look(i, len(bands)) for i, band in enumerate(bands)}


def rating_chip(rating: object, score: object, found: dict[str, Look]) -> str:
    """A score and its rating band as HTML: symbol, score and word on the band's tint."""
    if ui.missing(rating) or ui.missing(score):
        return "–"
    look = found.get(str(rating))
    fill, ink, symbol = (look.fill, look.ink, look.symbol) if look else ("#ffffff", "#0b0c0c", "")
    return (
        f'<span class="charter-chip" style="background:{fill};color:{ink};padding:0.1em 0.5em;border-radius:0.3em;'
        f'white-space:nowrap;font-weight:600"><span aria-hidden="true">{symbol}</span> '
        f"{ui.whole(score)} {ui.plain(rating)}</span>"
    )


def heat_map(grid: pd.DataFrame, column: str, caption: str) -> str:
    """The likelihood x impact grid as an HTML table: each cell names its risks in words and carries its score
    and rating as text, so nothing rests on the tint."""
    found = looks()
    impacts = grid.drop_duplicates("impact").sort_values("impact")
    header = ["Likelihood", *[f"{r.impact} {r.impact_word}" for r in impacts.itertuples()]]
    rows = []
    for likelihood, cells in grid.groupby("likelihood", sort=False):
        first = cells.iloc[0]
        row = [f"{likelihood} {escape(str(first['likelihood_word']))}"]
        for c in cells.sort_values("impact").itertuples():
            codes = list(getattr(c, column))
            look = found.get(str(c.rating))
            style = f"background:{look.fill};color:{look.ink}" if look else ""
            named = (
                f"<strong>Risk{'s' * (len(codes) > 1)} {ui.plain(', '.join(map(str, codes)))}</strong>"
                if codes
                else '<span class="charter-none">none</span>'
            )
            row.append(
                f'<div style="{style};padding:0.3rem;min-height:3rem">{named}<br>'
                f"<small>score {c.score}, {ui.plain(c.rating)}</small></div>"
            )
        rows.append(row)
    return ui.html_table(caption, header, rows)


def review_state(r: Any) -> str:
    """'24 March 2021, past due' or '24 March 2021'."""
    due = f"{r.review_due_on:%-d %B %Y}"
    return f"<strong>{due}, past due</strong>" if bool(r.review_past_due) else due


def register_table(register: pd.DataFrame) -> str:
    """The register as an HTML table: one row a risk, with its scores, rating, mitigation and review."""
    found = looks()
    header = ["Risk", "Description", "Owner", "Likelihood", "Impact", "Score now", "Last change", "Target",
              "Mitigation", "Reviewed", "Next review", "Objectives"]  # fmt: skip
    rows = [
        [ui.plain(r.code), ui.plain(r.title), ui.plain(r.owner), ui.plain(risks.label(r.likelihood, "likelihood")),
         ui.plain(risks.label(r.impact, "impact")), rating_chip(r.rating, r.score, found),
         ui.plain(risks.trend_word(r.score, r.previous_score)), rating_chip(r.target_rating, r.target_score, found),
         ui.plain(r.mitigation), f"{r.reviewed_on:%-d %B %Y}", review_state(r),
         ui.plain(", ".join(r.objective_codes) if isinstance(r.objective_codes, list | tuple) else "")]
        for r in _with_lists(register).itertuples()
    ]  # fmt: skip
    return ui.scrolling(ui.html_table("The risk register", header, rows), "The risk register")


def _with_lists(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    if "objective_codes" in out:
        out["objective_codes"] = out["objective_codes"].map(lambda v: [] if ui.missing(v) else list(v))
    return out


def save(action: Callable[[Any], Any], success: str, where: str) -> None:
    """Run a write; on success rerun the page and say what was recorded, otherwise say what went wrong."""
    try:
        resources.write(action)
    except _ERRORS as exc:
        st.error(f"{ui.plain(exc)} Nothing was recorded.", icon=":material/error:")
        return
    st.session_state[f"risk_flash-{where}"] = success
    for key in [k for k in st.session_state if str(k).startswith(f"{where}_")]:
        del st.session_state[key]
    st.rerun()


def flash(where: str) -> None:
    if message := st.session_state.pop(f"risk_flash-{where}", None):
        st.success(ui.plain(message), icon=":material/task_alt:")


def _levels(axis: str) -> list[int]:
    return list((risks.LIKELIHOOD if axis == "likelihood" else risks.IMPACT).keys())


def rescore_form(register: pd.DataFrame, today: date) -> None:
    """Re-score a risk, or record a review that keeps its scores: each is a new scoring; the old ones stay."""
    flash("rescore")
    if register.empty:
        st.markdown("The register is empty: load a risks file first.")
        return
    titles = dict(zip(register["code"], register["title"], strict=True))
    code = st.selectbox("Risk", list(titles), format_func=lambda c: f"{c} · {titles[c]}"[:120], key="rescore_risk")
    now = register.set_index("code").loc[code]
    with st.form(f"rescore_form-{code}"):
        a, b = st.columns(2)
        likelihood = _level_box(a, "Likelihood now", "likelihood", now["likelihood"], "rescore_likelihood")
        impact = _level_box(b, "Impact now", "impact", now["impact"], "rescore_impact")
        target_l = _level_box(a, "Target likelihood (after mitigation)", "likelihood", now["target_likelihood"],
                              "rescore_target_likelihood")  # fmt: skip
        target_i = _level_box(b, "Target impact (after mitigation)", "impact", now["target_impact"],
                              "rescore_target_impact")  # fmt: skip
        reviewed = a.text_input("Reviewed on", value=f"{today:%d/%m/%Y}", help=DATE_HELP, key="rescore_on")
        due = b.text_input("Next review due (blank: the risk's usual interval)", help=DATE_HELP, key="rescore_due")
        note = st.text_area("Note (optional)", key="rescore_note")
        submitted = st.form_submit_button("Record the scoring")
    if not submitted:
        return

    def write(con: Any) -> None:
        on = board.parse_day(reviewed)
        next_due = board.parse_day(due) if due.strip() else risks.next_review(con, code, on)
        scoring = risks.Scoring(int(likelihood), int(impact), on, next_due, target_l, target_i, note.strip())
        risks.rescore(con, code, scoring, by=auth.signed_in())

    save(write, f"Risk {code} scored {likelihood * impact} ({risks.label(likelihood, 'likelihood')} × "
                f"{risks.label(impact, 'impact')}).", "rescore")  # fmt: skip


def _level_box(place: Any, label: str, axis: str, now: object, key: str) -> Any:
    """A select box of the matrix's levels ('6 Very High'), set to the risk's level now (or none)."""
    index = None if ui.missing(now) else int(now) - 1  # type: ignore[call-overload]
    return place.selectbox(label, _levels(axis), index=index, format_func=lambda n: risks.label(n, axis), key=key)


def objective_risks(code: str) -> None:
    """The Objective page's list of the risks that threaten `code`, for members signed in."""
    if not may(Action.SEE_BUSINESS):
        return  # risks can be commercially sensitive: never shown to visitors who are not signed in
    threats = resources.cached(risks.for_objective, code)
    st.header("Risks to this objective")
    if threats.empty:
        st.markdown("No risk in the register names this objective.")
        return
    found = looks()
    rows = [
        [ui.plain(r.code), ui.plain(r.title), ui.plain(r.owner), rating_chip(r.rating, r.score, found),
         rating_chip(r.target_rating, r.target_score, found), review_state(r)]
        for r in threats.itertuples()
    ]  # fmt: skip
    header = ["Risk", "Description", "Owner", "Score now", "Target", "Next review"]
    st.markdown(ui.scrolling(ui.html_table(f"Risks that threaten {code}", header, rows), f"Risks to {code}"),
                unsafe_allow_html=True)  # fmt: skip
    illustrative = {str(v) for v in threats["illustrative"] if str(v)}
    if illustrative:
        st.caption(ui.plain("Illustrative: " + "; ".join(sorted(illustrative)) + "."))


def contract_form(partners: pd.DataFrame) -> None:
    """Add a contract, or replace one by giving its code again."""
    flash("contract")
    names = dict(zip(partners["code"], partners["name"], strict=True))
    with st.form("contract_form"):
        a, b = st.columns(2)
        code = a.text_input("Contract code", key="contract_code", help="Short and unique, e.g. HBBC-FIN")
        partner = b.selectbox("Council", list(names), format_func=names.__getitem__, key="contract_partner")
        system = a.text_input("System or service", key="contract_system")
        supplier = b.text_input("Supplier", key="contract_supplier")
        category = a.text_input("Category", key="contract_category", help="Contracts in one category can be aligned")
        cost = b.text_input("Annual cost in £ (optional)", key="contract_cost")
        starts = a.text_input("Starts on (optional)", help=DATE_HELP, key="contract_starts")
        ends = b.text_input("Ends on", help=DATE_HELP, key="contract_ends")
        notice = a.number_input("Notice period in months", 0, 60, 0, key="contract_notice")
        note = st.text_area("Note (optional)", key="contract_note")
        submitted = st.form_submit_button("Record the contract")
    if not submitted:
        return

    def write(con: Any) -> None:
        record = contracts.ContractInput(
            code.strip(), system.strip(), supplier.strip(), partner, category.strip(), board.parse_day(ends),
            board.parse_day(starts) if starts.strip() else None, int(notice), _money(cost), note.strip(),
        )  # fmt: skip
        contracts.store(con, [record], by=auth.signed_in())

    save(write, f"Contract {code.strip()} recorded.", "contract")


def _money(text: str) -> Decimal | None:
    cleaned = text.replace(",", "").replace("£", "").strip()
    if not cleaned:
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise contracts.ContractError(f"The annual cost '{text}' is not an amount of money.") from None
