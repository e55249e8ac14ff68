"""Small pieces of the pages that carry a rule of their own."""

from __future__ import annotations

import html

import pandas as pd
import pytest

from dashboard import components as ui


def test_changed_rows_are_shaded_in_a_short_table_and_listed_first_in_a_long_one() -> None:
    short = pd.DataFrame({"figure": [1, 2, 3], "change": ["unchanged", "changed", "new"]})
    styled = ui.highlight(short, "change", lambda v: v != "unchanged")
    shades = styled._compute().ctx  # (row, column) -> CSS of the cells that have any
    assert sorted({row for row, _ in shades}) == [1, 2]
    assert styled.data["change"].tolist() == ["unchanged", "changed", "new"]  # the file's order is kept

    n = ui.SHADED_ROWS + 1
    long = pd.DataFrame({"figure": range(n), "change": ["unchanged"] * (n - 2) + ["changed", "new"]})
    listed = ui.highlight(long, "change", lambda v: v != "unchanged")
    assert isinstance(listed, pd.DataFrame)
    assert listed["change"].tolist()[:3] == ["changed", "new", "unchanged"]
    assert listed["figure"].tolist()[:3] == [n - 2, n - 1, 0]  # otherwise in the file's order


WJ = "\u2060"  # the invisible word joiner that keeps a colon from opening a directive or shortcode
HOSTILE = [
    ("![x](http://127.0.0.1:8000/pixel)", "!&#91;x&#93;(http&#58;//127.0.0.1:8000/pixel)"),
    ("[click](javascript:alert(1))", f"&#91;click&#93;(javascript:{WJ}alert(1))"),
    ("<img src=x onerror=alert(1)>", "&#60;img src=x onerror=alert(1)&#62;"),
    ("<http://example.invalid>", "&#60;http&#58;//example.invalid&#62;"),
    ("see www.example.invalid or ops@example.invalid", "see www&#46;example.invalid or ops@example.invalid"),
    (":red[alarm] :material/home: :smile: :+1:", f":{WJ}red&#91;alarm&#93; :{WJ}material/home: :{WJ}smile: :{WJ}+1:"),
    ("$x^2$ and $$y$$", "&#36;x^2&#36; and &#36;&#36;y&#36;&#36;"),
    (
        "**bold** _it_ ~~gone~~ `code`",
        "&#42;&#42;bold&#42;&#42; &#95;it&#95; &#126;&#126;gone&#126;&#126; &#96;code&#96;",
    ),
    ("# Heading", "&#35; Heading"),
    ("1. first", "1&#46; first"),
    ("> quoted", "&#62; quoted"),
    ("- item", "&#45; item"),
    ("    indented code", "indented code"),
    ("a | b", "a &#124; b"),
    ("&amp; &lt;b&gt; &notes", "&amp;amp; &amp;lt;b&amp;gt; &amp;notes"),
    ("\\[not a link\\]", "&#92;&#91;not a link&#92;&#93;"),
    ("line one\n\n![x](http://x)", "line one  !&#91;x&#93;(http&#58;//x)"),
    # ordinary text reads as it is
    ("Hinckley & Bosworth Borough Council", "Hinckley & Bosworth Borough Council"),
    ('Note: 10:30, (fine) "quoted" it\'s 5% -3 figures.csv', 'Note: 10:30, (fine) "quoted" it\'s 5% -3 figures.csv'),
]


@pytest.mark.parametrize(("text", "shown"), HOSTILE)
def test_user_text_is_made_plain(text: str, shown: str) -> None:
    out = ui.plain(text)
    assert out == shown
    # Read back as a browser reads it, it is the text itself (line breaks as spaces)...
    assert html.unescape(out).replace(WJ, "") == " ".join(text.splitlines()).lstrip()
    # ...and none of the characters that start Markdown or HTML syntax is left as itself.
    assert not set(out) & set("[]<>`*_~$|{}\\")
    assert "://" not in out and "www." not in out.lower()


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, ""])
def test_missing_text_is_shown_as_the_default(missing: object) -> None:
    assert ui.plain(missing) == "–"
    assert ui.plain(missing, "none") == "none"


def test_a_chip_and_a_table_show_names_as_text() -> None:
    chip = ui.chip("Off track", "<b>HBBC</b> ![x](http://x)")
    assert chip.endswith(
        '<span aria-hidden="true">✕</span> &#60;b&#62;HBBC&#60;/b&#62; !&#91;x&#93;(http&#58;//x)</span>'
    )
    table = ui.html_table("[a](http://x)'s objectives", ["Objective", "<i>BDC</i>"], [["x", "y"]])
    assert "<caption>&#91;a&#93;(http&#58;//x)'s objectives</caption>" in table
    assert '<th scope="col">&#60;i&#62;BDC&#60;/i&#62;</th>' in table


def test_a_table_for_st_dataframe_is_the_text_it_shows() -> None:
    # st.dataframe's screen-reader table holds raw values: a table is handed over as the text the eye reads.
    frame = pd.DataFrame(
        {
            "note": ["Late", None, float("nan")],
            "sent": pd.to_datetime(["2025-10-24 10:30", None, "2025-07-01 09:00"]),
            "in_force": [True, False, True],
            "value": [64.76666666666667, None, 20021.0],
            "unit": ["%", "%", "count"],
            "decimals": [1, 1, 0],
            "status": ["On track", "Overdue", "No data"],
        }
    )
    text = ui.text_table(frame.assign(value=ui.figures(frame, "value")))
    assert text[["note", "sent", "in_force", "value"]].values.tolist() == [
        ["Late", "24 Oct 2025", "yes", "64.8%"],
        ["–", "–", "no", "— figure overdue"],
        ["–", "1 Jul 2025", "yes", "20,021"],
    ]
