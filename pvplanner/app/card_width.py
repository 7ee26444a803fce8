"""Whether a KPI card's label and value fit its column without Streamlit cutting them ("CNY 0.62…").

``st.metric`` shows its label and its value on one line each and ends what does not fit with an
ellipsis. The widths here are estimates from the default theme's fonts (Source Sans: a label at
14 px, a value at 36 px) on a window 1,280 px wide with the sidebar open (the main area is
then about 820 px wide; the sidebar's content about 250 px). Calibrated in Chromium on the
app's pages (2026-12-06): "3,042 kWp" measured 151 px (estimate 152), "6.75 GWh" 137 px
(137), "CNY 8.21M" 155 px (160), "Annual consumption" 120 px at 14 px (113); "CNY 0.680/kWh"
was cut in a 176 px column (estimate 220). Pure arithmetic: no Streamlit.
"""

from __future__ import annotations

import unicodedata

#: Width of the main area's content [px] on a 1,280 px window with the sidebar open.
MAIN_WIDTH_PX = 820.0
#: Width of the sidebar's content [px].
SIDEBAR_WIDTH_PX = 250.0
#: Gap between columns [px] (Streamlit's "small" gap, 1 rem).
COLUMN_GAP_PX = 16.0
#: Padding a bordered card takes from its column, both sides together [px].
BORDER_PADDING_PX = 32.0
#: Font sizes of a card's label and value [px].
LABEL_FONT_PX = 14.0
VALUE_FONT_PX = 36.0
#: Room the help icon next to a label takes [px].
HELP_ICON_PX = 22.0

_NARROW = set(".,:;'!|il()[]/ ")
#: Sub- and superscript digits (tCO₂, m²) are small.
_SMALL = set("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹")
_WIDE_LATIN = set("MWmw%@")


def glyph_em(char: str) -> float:
    """Estimated advance width of one character [em] in the theme's sans-serif font.

    Examples
    --------
    >>> glyph_em("万"), glyph_em("W"), glyph_em("5")
    (1.0, 0.8, 0.5)
    """
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char in _WIDE_LATIN:
        return 0.8
    if char in _NARROW:
        return 0.25
    if char in _SMALL:
        return 0.3
    if char.isdigit():
        return 0.5
    if char.isupper():
        return 0.55
    return 0.46


def text_em(text: str) -> float:
    """Estimated width of a line of text [em].

    Examples
    --------
    >>> round(text_em("6.75 GWh"), 2)
    3.81
    """
    return sum(glyph_em(char) for char in str(text))


def column_px(per_row: int, *, border: bool = False, sidebar: bool = False,
              share: float = 1.0) -> float:
    """Width a card's text has in a row of ``per_row`` equal columns [px], the row taking
    ``share`` of the main area (0.6 in the left of two columns split 3:2)."""
    total = SIDEBAR_WIDTH_PX if sidebar else MAIN_WIDTH_PX * share
    width = (total - COLUMN_GAP_PX * (per_row - 1)) / max(per_row, 1)
    return width - (BORDER_PADDING_PX if border else 0.0)


def overflow(label: str, value: str, per_row: int, *, border: bool = False,
             sidebar: bool = False, has_help: bool = False, share: float = 1.0) -> list[str]:
    """What of a card would be cut: ``[]`` when both fit, else ``"label"`` and/or ``"value"``.

    Examples
    --------
    >>> overflow("Average price", "CNY 0.680/kWh", 5)
    ['value']
    >>> overflow("Avg. price [CNY/kWh]", "0.680", 5)
    []
    """
    room = column_px(per_row, border=border, sidebar=sidebar, share=share)
    cut = []
    if LABEL_FONT_PX * text_em(label) + (HELP_ICON_PX if has_help else 0.0) > room:
        cut.append("label")
    if VALUE_FONT_PX * text_em(value) > room:
        cut.append("value")
    return cut


__all__ = ["column_px", "glyph_em", "overflow", "text_em"]
