"""The proposal as a language-resolved document: sections of paragraphs, KPI grids, tables
and figures, every figure already formatted.

:func:`pvplanner.report.content.build_proposal` fills it from a scenario and its result;
the HTML and PDF renderers only lay it out, so both show exactly the same words and numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal


@dataclass
class Paragraph:
    """Running text; ``style`` ``note`` is small and grey, ``box`` is highlighted."""

    text: str
    style: Literal["body", "lead", "note", "box"] = "body"
    title: str = ""


@dataclass
class Kpi:
    """One key figure: a label, the formatted value and an optional hint below it."""

    label: str
    value: str
    hint: str = ""


@dataclass
class KpiGrid:
    """Key figures shown as cards, ``columns`` per row."""

    items: list[Kpi]
    columns: int = 4
    title: str = ""


@dataclass
class Table:
    """A table of formatted strings.

    ``align`` holds ``"L"``/``"R"``/``"C"`` per column, ``widths`` relative column widths,
    ``total_rows`` how many rows at the end are totals (emphasised).
    """

    title: str
    header: list[str]
    rows: list[list[str]]
    align: list[str]
    widths: list[float]
    total_rows: int = 0
    font_size: float = 8.5
    note: str = ""


@dataclass
class Figure:
    """A chart (Vega-Lite ``spec``) or a drawing (``svg``), rendered on demand."""

    key: str
    caption: str = ""
    spec: dict[str, Any] | None = None
    svg_source: str | None = None
    width_fraction: float = 1.0

    @cached_property
    def svg(self) -> str:
        """SVG markup for the HTML report."""
        from pvplanner.report.charts import to_svg

        return self.svg_source if self.svg_source is not None else to_svg(self.spec or {})

    @cached_property
    def png(self) -> bytes:
        """PNG bytes for the PDF (drawn with the proposal font)."""
        from pvplanner.report.charts import svg_to_png, to_png

        if self.svg_source is not None:
            return svg_to_png(self.svg_source)
        return to_png(self.spec or {})


@dataclass
class FigureRow:
    """Figures side by side at equal widths (each drawn at its own size)."""

    figures: list[Figure]


Block = Paragraph | KpiGrid | Table | Figure | FigureRow


@dataclass
class Section:
    """A numbered chapter of the proposal.

    ``new_page``: start on a new page; otherwise the section follows on the current page
    when most of it is still empty.
    """

    key: str
    number: int
    title: str
    blocks: list[Block] = field(default_factory=list)
    new_page: bool = True


@dataclass
class Proposal:
    """Everything the renderers print."""

    lang: str
    title: str
    subtitle: str
    customer: str
    cover_rows: list[tuple[str, str]]
    highlights: list[Kpi]
    sections: list[Section]
    running_title: str
    page_label: str  #: with ``{page}`` and ``{pages}`` placeholders
    footer_note: str
    confidential: str
    date: str
    preparer: str
    contents_title: str = ""
    #: Heading of the cover's key figures ("" = the proposal's own, ``doc.highlights``).
    highlights_title: str = ""
    #: The selling company (cover and footer), as typed; "" when not given.
    seller: str = ""
    #: The seller's logo as checked PNG bytes (:mod:`pvplanner.report.logo`), or None.
    logo_png: bytes | None = field(default=None, repr=False)

    def section(self, key: str) -> Section:
        """The section with this key (KeyError if absent)."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)
