"""About: what the framework is, how statuses are worked out, where the figures come from, accessibility."""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import framework_words, resources
from metrics import queries
from metrics.status import RUNNING, Status

sel = ui.selection()
info = resources.partnership()
kpis = resources.cached(queries.kpis)
objectives = resources.cached(queries.objectives)
tree = resources.cached(queries.charter_tree)

st.title("About Charter")
st.markdown(
    f"""
**{ui.plain(info.name)}** ({ui.plain(info.short_name)}) is a partnership of councils that share an ICT service,
led by {ui.plain(info.lead_authority)}. {ui.plain(info.description, "")}

The partnership's **charter** makes {framework_words.charter_shape(tree)}.
For each, the **desired outcomes** say what it means in practice, and
**SMART objectives** ({len(objectives)} of them) set a baseline, a target and a deadline for every
partner council, measured by {len(kpis)} KPIs. Together they form the partnership's Performance
Management Framework.
"""
)

st.header("How a status is worked out")
symbols = {s: ui.chip(s.word) for s in RUNNING}
st.markdown(
    f"""
For each objective, each council and each quarter:

1. **The target for the quarter** is the interim target if one was set for that quarter; otherwise it
   lies on a straight line from the baseline to the final target at the deadline. After the deadline it
   is the final target.
2. **The status** compares the council's approved figure with that target, in the KPI's direction
   (for some KPIs higher is better, for others lower):
   - {symbols[Status.ON_TRACK]} the figure meets or beats the target;
   - {symbols[Status.AT_RISK]} it misses by no more than the objective's tolerance (5% of the target unless
     the board agreed another amount, shown on each objective's page with who agreed it and when);
   - {symbols[Status.OFF_TRACK]} it misses by more than that;
   - {symbols[Status.NO_DATA]} there is no figure yet and none is due;
   - {symbols[Status.OVERDUE]} there is no figure and the due date ({info.data_due_days} days after the
     quarter ends) has passed.
3. **Direction of travel** compares the figure with the quarter before and with the same quarter a year
   earlier: improving, worsening or no change.
4. **Forecast**: a straight line through the last four figures, extended to the deadline, says whether
   the final target is *likely* or *unlikely* to be met.
5. A partnership total never hides a council: wherever the partnership's position is shown, the number of
   councils in each status is shown beside it and the worst is named.
""",
    unsafe_allow_html=True,
)

st.header("Where the figures come from")
st.markdown(
    """
Each council's performance or ICT officer sends the quarter's figures in a spreadsheet; Charter checks
every figure and loads a file whole or not at all. The partnership's performance lead then approves
them: **only approved figures appear on these pages**. Every figure can be traced to the file
(submission) it came from, and every earlier figure is kept. The same figures can be read from the
database's public views (`objective_progress`, `measurement`, `measurement_history`, `submission`).
"""
)
due = sel.period.due(info.data_due_days)
st.markdown(
    f"Figures for **{sel.period}** (the quarter chosen in the sidebar) were due by **{due:%-d %B %Y}**, "
    f"{info.data_due_days} days after the quarter ended on {sel.period.end:%-d %B %Y}."
)
if info.illustrative:
    st.markdown("**The figures shown now are illustrative demonstration data, not real council figures.**")

st.header("Accessibility statement")
shown = " ".join(s.symbol for s in RUNNING)
st.markdown(
    f"""
This service aims to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA, which UK
public bodies must meet. In particular:

- a status is never shown by colour alone: each has a word and a symbol ({shown}), and the colours
  were chosen to be told apart with the common colour-blindnesses; words on a status colour, and the
  outlined status points on the charts, pass the contrast checks;
- every chart has a sentence describing it, a table of its figures and a download of its data (the small
  trend lines in the Overview's headline table summarise figures that the KPIs page charts in full);
- pages are built to work with a keyboard alone, on a phone and at 200% zoom; quarters are chosen from a
  list rather than a date picker.

How this is checked: with every change to Charter, automated tests open every page offered to each kind
of user (the public, officers, board members, administrators) in a real browser and check it with
axe-core against the WCAG 2.2 A and AA rules; no page may have a serious or critical failure. The same
tests send figures and record a board review with the keyboard alone, and show every page at a phone's
width (390 pixels) and at 200% zoom without sideways scrolling (wide tables scroll in their own box).

Known limitations: a screen reader reads each chart's description and its points one by one (quarter,
figure, target and status), but not the chart's shape; to compare figures, use the table beneath each
chart. With more partners than the charts have colours (eight), each partner is drawn as a grey line
named only in its tooltip: the table beneath the chart names every figure. If you find a problem, or need
the information in another format, contact the partnership's performance lead.
"""
)
