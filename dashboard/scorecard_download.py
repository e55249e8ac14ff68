"""The Partner scorecard page's printable one-page scorecard (PDF, metrics/scorecard_pdf.py), made only when asked
for: reportlab is imported then, not when the page loads."""

from __future__ import annotations

import streamlit as st

from dashboard import components, resources
from metrics.periods import Period


def button(partner: str, name: str, period: Period) -> None:
    """A download button for `partner`'s scorecard for `period` on one page."""

    path, today = resources.db_path(), resources.today()  # `made` runs when clicked, outside the page's session

    def made() -> bytes:
        from metrics import scorecard_pdf

        card = resources.read(lambda con: scorecard_pdf.gather(con, partner, period, today), path)
        return scorecard_pdf.pdf_bytes(card)

    st.download_button(
        f"Printable scorecard for {components.plain(name)} (PDF)", data=made, mime="application/pdf",
        file_name=f"scorecard-{partner.lower()}-{period.slug}.pdf", icon=":material/picture_as_pdf:",
        key="scorecard_pdf",
    )  # fmt: skip
