"""Pieces of the Money and Options pages: money as people write it, accessible tables, the charges chart, saving."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import charts, components, resources
from metrics import money
from metrics.access import AccessDenied
from metrics.business_files import BusinessFileRefused

ILLUSTRATIVE = "Illustrative"
FROM_SOURCE = "From the source documents"


def pounds(value: object) -> str:
    """£1,234, or −£1,234 below nothing (a minus sign, not a hyphen, before the pound sign)."""
    if components.missing(value):
        return "–"
    amount = float(value)  # type: ignore[arg-type]
    return f"{'−' if round(amount) < 0 else ''}£{abs(amount):,.0f}"


def percent(value: object) -> str:
    return "–" if components.missing(value) else f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]


def origin(illustrative: object) -> str:
    """Whether a figure is invented for the demo, in words (the pages never flag it by colour alone)."""
    return ILLUSTRATIVE if bool(illustrative) else FROM_SOURCE


def table(caption: str, frame: pd.DataFrame, columns: dict[str, tuple[str, Callable[[Any], str]]]) -> None:
    """An accessible table of `frame`: a caption, headers, row headers, every cell plain text, scrolled if wide."""
    header = [title for title, _ in columns.values()]
    rows = [[components.plain(fmt(row[c])) for c, (_, fmt) in columns.items()] for _, row in frame.iterrows()]
    st.markdown(components.scrolling(components.html_table(caption, header, rows), caption), unsafe_allow_html=True)


def text(value: object) -> str:
    return "–" if components.missing(value) else str(value)


def day(value: object) -> str:
    return "–" if components.missing(value) else f"{pd.Timestamp(value):%-d %B %Y}"  # type: ignore[arg-type]


def charges_chart(year: pd.DataFrame) -> alt.Chart:
    """Each council's charge and budget as labelled bars (one bar each, named on the axis, not by colour)."""
    long = pd.concat(
        [
            pd.DataFrame({"bar": year["partner_code"] + " charge", "what": "Charge", "amount": year["charge"]}),
            pd.DataFrame({"bar": year["partner_code"] + " budget", "what": "Budget", "amount": year["budget"]}),
        ]
    ).dropna()
    order = [f"{p} {w}" for p in year["partner_code"] for w in ("charge", "budget")]
    chart: alt.Chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("bar:N", sort=order, title=None),
            x=alt.X("amount:Q", title="£ a year", axis=alt.Axis(format="~s")),
            color=alt.Color("what:N", scale=alt.Scale(range=charts.PARTNER_COLOURS[:2]), title=None),
            tooltip=[alt.Tooltip("bar:N", title="Bar"), alt.Tooltip("amount:Q", title="£", format=",.0f")],
        )
        .properties(height=alt.Step(22))
    )
    return chart


def charges_alt(year: pd.DataFrame, label: str) -> str:
    """The chart's text alternative: each council's charge against its budget."""
    parts = []
    for row in year.itertuples():
        if components.missing(row.budget):
            parts.append(f"{row.partner_code} is charged {pounds(row.charge)} (no budget given)")
        else:
            gap = float(row.charge) - float(row.budget)  # type: ignore[arg-type]
            side = "over" if gap > 0 else "under"
            parts.append(
                f"{row.partner_code} is charged {pounds(row.charge)}, {pounds(abs(gap))} {side} its budget of "
                f"{pounds(row.budget)}"
            )
    return f"Charges against budgets, {label}: " + "; ".join(parts) + "."


def what_if(now: pd.DataFrame, pool_now: float) -> None:
    """The what-if: the reader changes a council's users or the pool, and sees every share and charge move."""
    st.subheader("What if")
    counted = now[now["active_users"].notna()]
    if counted.empty or counted["active_users"].sum() <= 0:
        st.markdown("The shares in force are agreed, not counted by active users: there is no what-if by users.")
        return
    st.markdown("Change a council's users or the cost pool: every council's share and charge moves.")
    current = {str(r.partner_code): int(r.active_users) for r in counted.itertuples()}  # type: ignore[arg-type]
    with st.form("what_if"):
        users = {
            code: int(st.number_input(f"Active users, {code}", min_value=0, step=1, value=n, key=f"whatif_{code}"))
            for code, n in current.items()
        }
        pool = st.number_input("Cost pool (£ a year)", min_value=0.0, step=1000.0, value=pool_now, key="whatif_pool")
        st.form_submit_button("Work out the charges")
    try:
        result = money.what_if(users, float(pool))
    except money.MoneyError as exc:
        st.error(components.plain(exc), icon=":material/error:")
        return
    base = {c.partner_code: c.charge for c in money.what_if(current, pool_now)}
    rows = [
        [
            components.plain(c.partner_code),
            f"{c.users:,}",
            percent(c.share),
            pounds(c.charge),
            pounds(c.charge - base[c.partner_code]),
        ]
        for c in result
    ]
    caption = f"What if: shares add up to {sum(c.share for c in result) * 100:.1f}%"
    header = ["Council", "Active users", "Share", "Charge", "Change from now"]
    st.markdown(
        components.scrolling(components.html_table(caption, header, rows), "What-if charges"), unsafe_allow_html=True
    )


def save(action: Callable[[Any], Any], success: str, where: str) -> None:
    """Run a write, then rerun and say what was recorded; otherwise say why nothing was written."""
    try:
        resources.write(action)
    except (money.MoneyError, BusinessFileRefused, resources.DatabaseBusy, AccessDenied) as exc:
        st.error(f"{components.plain(exc)} Nothing was recorded.", icon=":material/error:")
        return
    st.session_state[f"money_flash-{where}"] = success
    st.rerun()


def flash(where: str) -> None:
    message = st.session_state.pop(f"money_flash-{where}", None)
    if message:
        st.success(components.plain(message), icon=":material/task_alt:")
