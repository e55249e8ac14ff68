"""Money: the agreement's term, cost shares by active users (and a what-if), charges against budgets, one-off
costs, and savings against the charter's commitments. Members read; the board and admins record."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import auth, money_ui, resources
from dashboard import components as ui
from metrics import money
from metrics.access import Action

actor = auth.current_actor()
editor = auth.can(actor, Action.EDIT_BUSINESS)
st.title("Money")
st.caption(
    f"{ui.plain(resources.partnership().name)} · costs, charges and savings, for signed-in members only "
    "(they can be commercially sensitive). Each figure says whether it comes from the source documents or is "
    "illustrative."
)

# --- the agreement -----------------------------------------------------------------------------------------
st.header("The agreement")
terms = resources.cached(money.agreements)
if terms.empty:
    st.markdown("No agreement has been loaded yet (`charter business load agreement FILE`).")
else:
    latest = terms.sort_values("ends_on").iloc[-1]
    reviews = terms[(terms["code"] == latest["code"]) & terms["review_on"].notna()]
    said = "; ".join(
        f"{money_ui.day(r.review_on)} ({money_ui.origin(r.illustrative).lower()})" for r in reviews.itertuples()
    )
    st.markdown(
        f"**{ui.plain(latest['title'])}** runs from **{money_ui.day(latest['starts_on'])}** to "
        f"**{money_ui.day(latest['ends_on'])}**. Reviews: {ui.plain(said or 'none recorded')}."
    )
    late = resources.cached(money.objectives_after_agreement)
    late = late[late["after_agreement"]]
    if not late.empty:
        st.warning(
            f"**{len(late)} objective{'s' * (len(late) != 1)} fall due after the agreement ends** "
            f"({money_ui.day(latest['ends_on'])}): renew the agreement or bring the deadline forward.",
            icon=":material/event_busy:",
        )
        money_ui.table(
            "Objectives due after the agreement ends",
            late,
            {
                "objective_code": ("Objective", money_ui.text),
                "title": ("Title", money_ui.text),
                "deadline_on": ("Deadline", money_ui.day),
            },
        )
    with st.expander("Every agreement and review"):
        money_ui.table(
            "Agreements",
            terms,
            {
                "code": ("Agreement", money_ui.text),
                "starts_on": ("Starts", money_ui.day),
                "ends_on": ("Ends", money_ui.day),
                "review_on": ("Review", money_ui.day),
                "illustrative": ("Figures", money_ui.origin),
                "source": ("Source", money_ui.text),
            },
        )

# --- cost shares and the what-if ----------------------------------------------------------------------------
st.header("Cost shares")
shares = resources.cached(money.cost_shares)
if shares.empty:
    st.markdown("No active-user counts have been loaded yet (`charter business load cost-shares FILE`).")
else:
    as_of = shares["as_of"].max()
    now = shares[shares["as_of"] == as_of]
    by_users = bool(now["active_users"].notna().any())  # else shares the partnership agreed (core.cost_share basis)
    if by_users:
        st.markdown(f"Costs are shared by active users from **{money_ui.day(as_of)}** (a new count starts a new one).")
    else:
        st.markdown(f"Costs are shared in the proportions the partners agreed, from **{money_ui.day(as_of)}**.")
    money_ui.table(
        f"Shares from {money_ui.day(as_of)}",
        now,
        {
            "partner_code": ("Council", money_ui.text),
            **({"active_users": ("Active users", money_ui.text)} if by_users else {}),
            "share": ("Share", money_ui.percent),
            "illustrative": ("Figures", money_ui.origin),
        },
    )
    with st.expander("Earlier apportionments (kept)"):
        money_ui.table(
            "Every apportionment",
            shares,
            {
                "as_of": ("From", money_ui.day),
                "partner_code": ("Council", money_ui.text),
                "active_users": ("Active users", money_ui.text),
                "share": ("Share", money_ui.percent),
                "illustrative": ("Figures", money_ui.origin),
                "source": ("Source", money_ui.text),
            },
        )

    charged = resources.cached(money.charges)
    money_ui.what_if(now, float(charged["pool"].iloc[-1]) if not charged.empty else 1_000_000.0)

    if editor and by_users:  # agreed shares change by a new agreement (`charter business load cost-shares`)
        st.subheader("Record a new active-user count")
        money_ui.flash("users")
        with st.form("users_form"):
            council = st.selectbox("Council", list(now["partner_code"]), key="users_partner")
            counted = st.number_input("Active users", min_value=0, step=1, value=0, key="users_count")
            on_text = st.text_input(
                "Counted on", value=f"{date.today():%d/%m/%Y}", help="Day/month/year, e.g. 31/07/2020", key="users_on"
            )
            recorded = st.form_submit_button("Record the count")
        if recorded:
            money_ui.save(
                lambda con: money.record_users(
                    con, str(council), money.parse_day(on_text), int(counted), by=auth.signed_in()
                ),
                f"Recorded {counted:,} active users for {council} from {on_text}.",
                "users",
            )

# --- charges against budgets ---------------------------------------------------------------------------------
st.header("Charges against budgets")
charged = resources.cached(money.charges)
if charged.empty:
    st.markdown("No cost pools or budgets have been loaded yet (`charter business load charges FILE`).")
else:
    years = sorted(charged["financial_year"].unique())
    year = st.selectbox("Financial year", years, index=0, key="money_year")
    shown = charged[charged["financial_year"] == year]
    money_ui.table(
        f"Charges and budgets, {year}",
        shown,
        {
            "partner_code": ("Council", money_ui.text),
            "share": ("Share", money_ui.percent),
            "charge": ("Charge", money_ui.pounds),
            "budget": ("Budget", money_ui.pounds),
            "over_budget": ("Over (+) or under (−) budget", money_ui.pounds),
            "budget_note": ("Budget made of", money_ui.text),
            "estimated_charge": ("Estimated charge", money_ui.pounds),
            "illustrative": ("Figures", money_ui.origin),
            "source": ("Source", money_ui.text),
        },
    )
    ui.chart(
        resources.chart_spec(money_ui.charges_chart, shown),
        money_ui.charges_alt(shown, year),
        shown[["partner_code", "pool", "share", "charge", "budget"]],
        f"charges-{year.replace('/', '-')}.csv",
        "charges",
    )

# --- one-off costs ------------------------------------------------------------------------------------------
st.header("One-off costs")
costs = resources.cached(money.one_off_costs)
if costs.empty:
    st.markdown("No one-off costs have been loaded yet (`charter business load one-off-costs FILE`).")
else:
    totals = resources.cached(money.one_off_totals)
    for code, group in totals.groupby("partner_code"):
        parts = ", ".join(f"{money_ui.pounds(r.amount)} {r.kind} in {r.financial_year}" for r in group.itertuples())
        st.markdown(
            f"**{ui.plain(code)}**: {money_ui.pounds(group['partner_total'].iloc[0])} in all ({ui.plain(parts)})."
        )
    money_ui.table(
        "One-off costs by item",
        costs,
        {
            "item": ("Item", money_ui.text),
            "partner_code": ("Council", money_ui.text),
            "kind": ("Kind", money_ui.text),
            "financial_year": ("Year", money_ui.text),
            "amount": ("Amount", money_ui.pounds),
            "illustrative": ("Figures", money_ui.origin),
            "source": ("Source", money_ui.text),
        },
    )

# --- savings and benefits ------------------------------------------------------------------------------------
st.header("Savings and benefits")
saved = resources.cached(money.savings)
if saved.empty:
    st.markdown("No savings have been loaded yet (`charter business load savings FILE`).")
else:
    money_ui.table(
        "Planned and realised, by commitment",
        resources.cached(money.savings_by_commitment),
        {
            "commitment_code": ("Commitment", money_ui.text),
            "title": ("Title", money_ui.text),
            "planned": ("Planned", money_ui.pounds),
            "realised": ("Realised", money_ui.pounds),
            "not_yet_known": ("Years not yet known", money_ui.text),
            "illustrative": ("Figures", money_ui.origin),
        },
    )
    with st.expander("Every saving, year by year"):
        money_ui.table(
            "Savings and benefits",
            saved,
            {
                "code": ("Saving", money_ui.text),
                "title": ("Title", money_ui.text),
                "financial_year": ("Year", money_ui.text),
                "planned": ("Planned", money_ui.pounds),
                "realised": ("Realised", money_ui.pounds),
                "illustrative": ("Figures", money_ui.origin),
                "source": ("Source", money_ui.text),
            },
        )
    if editor:
        st.subheader("Record a realised saving")
        money_ui.flash("saving")
        labels = {
            f"{r.code}|{r.financial_year}": f"{r.code} {r.title} ({r.financial_year})" for r in saved.itertuples()
        }
        with st.form("saving_form"):
            chosen = st.selectbox("Saving", list(labels), format_func=labels.__getitem__, key="saving_which")
            amount = st.number_input("Realised (£)", min_value=0.0, step=1000.0, value=0.0, key="saving_amount")
            recorded = st.form_submit_button("Record the amount")
        if recorded:
            code, year = str(chosen).split("|")
            saving_code, saving_year = str(code), str(year)
            money_ui.save(
                lambda con: money.record_realised(con, saving_code, saving_year, float(amount), by=auth.signed_in()),
                f"Recorded {money_ui.pounds(amount)} realised for {code} in {year}.",
                "saving",
            )
