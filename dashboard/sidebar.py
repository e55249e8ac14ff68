"""The sidebar's menu: the role's pages as links under their section names.

Streamlit's own sidebar list, with sections, nests each section's `<li>`s in a `<div>` inside the `<ul>` (axe
`list` and `listitem`, serious, on every page). The app registers its pages with `st.navigation(..., position=
"hidden")` instead and offers the same pages here as `st.page_link`s, so a page that is not registered for a role
is not linked either.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

KEY = "charter-nav"  # the menu's container: Streamlit gives it the class `st-key-charter-nav`
KEPT = ("quarter", "partner", "partnership")  # the selection the app keeps in the URL, carried to the page a link opens

# `st.page_link` neither marks the current page for a screen reader nor folds the sidebar away on a phone, as
# Streamlit's own list does. This script (Charter's own, no user text in it) does both: aria-current="page" on the
# link to the page shown (the link's path is the page's), and, below Streamlit's phone breakpoint (768 px), a click on a
# link presses the sidebar's own Collapse button, which Streamlit remembers as the person's choice.
SCRIPT = """<script>
(() => {
  if (window.charterMenu) return;
  window.charterMenu = true;
  const links = "[data-testid='stSidebar'] .st-key-{key} a[data-testid='stPageLink-NavLink']";
  // The default page's link is its query alone ("?quarter=..."): the app's own folder, not the page shown.
  const path = (href) =>
    new URL(/^\\?|^$/.test(href) ? `./${href}` : href, location.href).pathname.replace(/\\/+$/, "");
  const mark = () => {
    const here = path(location.href);
    for (const link of document.querySelectorAll(links)) {
      const current = path(link.getAttribute("href") ?? "") === here;
      if (current && link.getAttribute("aria-current") !== "page") link.setAttribute("aria-current", "page");
      if (!current && link.hasAttribute("aria-current")) link.removeAttribute("aria-current");
    }
  };
  new MutationObserver(mark).observe(document.body, {childList: true, subtree: true});
  mark();
  document.addEventListener("click", (event) => {
    if (!event.target.closest?.(links) || !window.matchMedia("(max-width: 767.98px)").matches) return;
    document.querySelector("[data-testid='stSidebarCollapseButton'] button")?.click();
  });
})();
</script>""".replace("{key}", KEY)


def menu() -> DeltaGenerator:
    """The menu's place at the top of the sidebar, to fill once the selection it carries is known."""
    return st.sidebar.container(key=KEY)


def fill(place: DeltaGenerator, sections: dict[str, list[st.Page]]) -> None:
    """A link to each registered page under its section's name, keeping the quarter and partner in the link."""
    if sum(len(pages) for pages in sections.values()) < 2:  # one page (Sign in): nowhere else to go
        return
    kept = {name: st.query_params[name] for name in KEPT if name in st.query_params}
    with place:
        for section, pages in sections.items():
            st.caption(section)
            for page in pages:
                st.page_link(page, label=page.title, icon=page.icon, query_params=kept)
        st.html(SCRIPT, unsafe_allow_javascript=True)
