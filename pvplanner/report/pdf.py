"""The proposal as an A4 PDF, laid out with fpdf2.

All text is set in the proposal font (Noto Sans SC, embedded as a TrueType subset), so
Chinese and Latin render the same in any viewer on any machine. Headings are emboldened by stroking the
glyph outlines (one font file carries one weight). Charts are PNG images rendered offline
with the same font. Lines are broken by :mod:`pvplanner.report.wrap` (Chinese between any
characters, Latin at spaces, no closing punctuation at a line start).

The contents list on the cover is drawn last, once the page of each section is known.
"""

from __future__ import annotations

import dataclasses
import io
import string
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import TextMode, XPos, YPos
from fpdf.fonts import FontFace

from pvplanner.report.charts import COLORS
from pvplanner.report.fonts import pdf_font_bytes
from pvplanner.report.model import (
    Block,
    Figure,
    FigureRow,
    Kpi,
    KpiGrid,
    Paragraph,
    Proposal,
    Table,
)
from pvplanner.report.text import Texts
from pvplanner.report.wrap import wrap

_FONT = "proposal"
_PAGE_W, _PAGE_H = 210.0, 297.0
_MARGIN_X = 18.0
_MARGIN_TOP = 20.0
_MARGIN_BOTTOM = 17.0
_TEXT_W = _PAGE_W - 2 * _MARGIN_X
_CELL_PAD = 1.4  #: left/right padding of table cells [mm]
_PNG_SCALE = 2.5  #: pixels per chart pixel in the PNG images (charts.to_png)
_FULL_CHART_PX = 680.0  #: natural width of a full-width chart with its axes [px]
#: A section starts on the current page when at least this share of it is still free.
_NEW_PAGE_FREE = 0.5
#: A table that would leave at least this share of the page blank starts here and breaks.
_SPLIT_TABLE_FREE = 0.35

_INK = "#1A1A1A"
_GREY = "#5B6670"
_LIGHT = "#F2F5F8"
_ZEBRA = "#F6F8FA"
_RULE = "#D5DCE3"
_TOTAL_FILL = "#E4EBF1"
_WHITE = "#FFFFFF"
#: Font size [pt], line height [mm] and colour of each paragraph style.
_PARAGRAPH_STYLES: dict[str, tuple[float, float, str]] = {
    "lead": (11, 6.4, COLORS["brand"]), "note": (8, 4.4, _GREY), "box": (9, 5.2, _INK),
    "body": (9.5, 5.5, _INK),
}


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def _opaque(png: bytes) -> bytes:
    """The image on white without an alpha channel (smaller PDF, same look everywhere)."""
    from PIL import Image

    image: Image.Image = Image.open(io.BytesIO(png))
    if image.mode not in ("RGBA", "LA", "P"):
        return png
    image = image.convert("RGBA")
    flat = Image.new("RGB", image.size, (255, 255, 255))
    flat.paste(image, mask=image.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _png_size(png: bytes) -> tuple[int, int]:
    """Pixel width and height from a PNG header."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a proposal (dataclasses, lists, tuples, dicts)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            if item.name not in ("spec", "svg_source"):  # charts are images in the PDF
                yield from _strings(getattr(value, item.name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def proposal_characters(proposal: Proposal) -> str:
    """The characters the PDF may print: the proposal's text, every text of its language
    file (headers, page labels) and printable ASCII."""
    texts = Texts(proposal.lang)
    chars = set(string.printable) | set("…–—·•°²¥")
    for text in _strings(proposal):
        chars.update(text)
    for text in _strings(texts.table):
        chars.update(text)
    return "".join(sorted(c for c in chars if c.isprintable() or c == " "))


class _ProposalPDF(FPDF):
    def __init__(self, proposal: Proposal, font_file: Path) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.proposal = proposal
        self.texts = Texts(proposal.lang)
        self.section_pages: dict[str, int] = {}
        self.contents_y = 0.0
        self._ink = _rgb(_INK)
        self.add_font(_FONT, "", str(font_file))
        self.set_margins(_MARGIN_X, _MARGIN_TOP, _MARGIN_X)
        self.c_margin = 0  # text starts at the margin; table cells have their own padding
        self.set_auto_page_break(True, margin=_MARGIN_BOTTOM)
        self.set_font(_FONT, size=9.5)
        self.set_title(f"{proposal.title} - {proposal.customer}")
        self.set_subject(proposal.subtitle)
        self.set_author(proposal.preparer or "pvplanner")
        self.set_creator("pvplanner")
        self.set_lang("zh-CN" if proposal.lang == "zh" else "en")

    # ------------------------------------------------------------------ text helpers
    def color(self, color: str) -> None:
        self._ink = _rgb(color)
        self.set_text_color(*self._ink)

    @contextmanager
    def bold(self, stroke: float = 0.22) -> Iterator[None]:
        """Emphasis by stroking the glyphs in the text colour (faux bold).

        Inside a saved graphics state (q/Q): the text render mode is graphics state, and
        leaving it set would stroke every later text.
        """
        with self.local_context(text_mode=TextMode.FILL_STROKE, line_width=stroke,
                                draw_color=self._ink):
            yield

    def space_left(self) -> float:
        return self.h - self.b_margin - self.get_y()

    def ensure(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.space_left() < height:
            self.add_page()

    def fit(self, text: str, width: float, size: float) -> str:
        """``text`` with line breaks that keep it within ``width`` mm at ``size`` pt."""
        self.set_font(_FONT, size=size)
        # A hair of slack so fpdf2 never re-breaks a line we measured as fitting.
        return "\n".join(wrap(text, width - 0.4, self.get_string_width))

    def text_height(self, text: str, width: float, size: float, line_h: float) -> float:
        return len(self.fit(text, width, size).split("\n")) * line_h

    def write_text(self, text: str, width: float, size: float, line_h: float, *,
                   x: float | None = None, new_x: XPos = XPos.LMARGIN) -> None:
        """Left-aligned text at the current position, wrapped by our line breaker."""
        fitted = self.fit(text, width, size)
        if x is not None:
            self.set_x(x)
        self.multi_cell(width, line_h, fitted, align="L", new_x=new_x, new_y=YPos.NEXT)

    # ------------------------------------------------------------------ page frame
    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(_FONT, size=7.5)
        self.color(_GREY)
        title = self.proposal.running_title
        while title and self.get_string_width(title) > _TEXT_W * 0.75:
            title = title[:-2] + "…"
        self.set_xy(_MARGIN_X, 9.5)
        self.cell(_TEXT_W * 0.75, 4, title)
        self.set_xy(_MARGIN_X + _TEXT_W * 0.75, 9.5)
        self.cell(_TEXT_W * 0.25, 4, self.proposal.date, align="R")
        self.set_draw_color(*_rgb(COLORS["accent"]))
        self.set_line_width(0.6)
        self.line(_MARGIN_X, 14.5, _MARGIN_X + 22, 14.5)
        self.set_draw_color(*_rgb(_RULE))
        self.set_line_width(0.2)
        self.line(_MARGIN_X + 22, 14.5, _PAGE_W - _MARGIN_X, 14.5)
        self.set_xy(_MARGIN_X, _MARGIN_TOP)

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-11)
        self.set_font(_FONT, size=7.5)
        self.color(_GREY)
        label = self.proposal.page_label.format(page=self.page_no(), pages="{nb}")
        self.cell(_TEXT_W / 2, 4, self.proposal.confidential)
        self.cell(_TEXT_W / 2, 4, label, align="R")

    # ------------------------------------------------------------------ cover
    def cover(self) -> None:
        p = self.proposal
        self.add_page()
        band_h = 108.0
        self.set_fill_color(*_rgb(COLORS["brand"]))
        self.rect(0, 0, _PAGE_W, band_h, style="F")
        if p.logo_png:
            self._logo(p.logo_png)  # in place of the module motif
        else:
            self._panel_motif(124, 12, 72)
        self.set_fill_color(*_rgb(COLORS["accent"]))
        self.rect(_MARGIN_X, 32, 18, 1.6, style="F")
        self.color(_WHITE)
        self.set_xy(_MARGIN_X, 38)
        with self.bold(0.35):
            self.write_text(p.title, 118, 24, 11)
        self.color("#D6E6EE")
        self.write_text(p.subtitle, 118, 10.5, 6, x=_MARGIN_X)
        self.set_y(max(self.get_y() + 6, 72))
        self.color(_WHITE)
        customer = self.fit(p.customer, _TEXT_W, 15).split("\n")[:3]
        self.set_y(band_h - 10 - 7.5 * len(customer))
        self.write_text("\n".join(customer), _TEXT_W, 15, 7.5, x=_MARGIN_X)
        # Cover details.
        y = band_h + 10
        for label, value in p.cover_rows:
            self.set_xy(_MARGIN_X, y)
            self.set_font(_FONT, size=9)
            self.color(_GREY)
            self.cell(30, 6, label)
            self.color(_INK)
            self.set_xy(_MARGIN_X + 30, y)
            self.write_text(value, _TEXT_W - 30, 10.5, 6, x=_MARGIN_X + 30)
            y = max(self.get_y(), y + 6) + 2.2
            self.set_draw_color(*_rgb(_RULE))
            self.set_line_width(0.2)
            self.line(_MARGIN_X, y - 1.1, _PAGE_W - _MARGIN_X, y - 1.1)
        # Highlights.
        y += 7
        self.set_xy(_MARGIN_X, y)
        self.set_font(_FONT, size=11)
        self.color(COLORS["brand"])
        with self.bold():
            self.cell(_TEXT_W, 6, p.highlights_title or self.texts("doc.highlights"))
        self.set_xy(_MARGIN_X, y + 8)
        self.kpi_grid(KpiGrid(p.highlights, columns=len(p.highlights)), big=True)
        self.contents_y = self.get_y() + 3  # filled in by contents() once pages are known
        # Bottom note.
        self.set_draw_color(*_rgb(COLORS["accent"]))
        self.set_line_width(0.6)
        self.line(_MARGIN_X, _PAGE_H - 26, _MARGIN_X + 22, _PAGE_H - 26)
        self.set_auto_page_break(False)
        self.set_xy(_MARGIN_X, _PAGE_H - 24)
        self.color(_GREY)
        self.write_text(f"{p.footer_note}\n{p.confidential}", _TEXT_W, 8, 4.5)
        self.set_auto_page_break(True, margin=_MARGIN_BOTTOM)

    def contents(self) -> None:
        """Two-column list of the sections and their pages, drawn on the cover at the end."""
        p = self.proposal
        last = self.page
        self.page = 1
        # fpdf2 caches the current font and colours; the cached values belong to the last
        # page, so change them once to make it write them into the cover's stream again.
        self.set_font(_FONT, size=1)
        self.set_draw_color(0, 0, 1)
        self.set_line_width(0.01)
        y = self.contents_y
        self.set_xy(_MARGIN_X, y)
        self.set_font(_FONT, size=11)
        self.color(COLORS["brand"])
        with self.bold():
            self.cell(_TEXT_W, 6, p.contents_title)
        rows = (len(p.sections) + 1) // 2
        col_w = (_TEXT_W - 10) / 2
        # Rows closer together when the cover's details leave less room above the note.
        pitch = max(4.8, min(6.2, (_PAGE_H - 30 - y - 8) / max(rows, 1)))
        for i, section in enumerate(p.sections):
            col, row = divmod(i, rows)
            x = _MARGIN_X + col * (col_w + 10)
            yy = y + 8 + row * pitch
            self.set_xy(x, yy)
            self.set_font(_FONT, size=9.5)
            self.color(_INK)
            self.cell(col_w - 12, 5, f"{section.number}  {section.title}")
            page = self.section_pages.get(section.key)
            self.color(_GREY)
            self.cell(12, 5, str(page) if page else "", align="R")
            self.set_draw_color(*_rgb(_RULE))
            self.set_line_width(0.15)
            self.line(x, yy + pitch - 0.6, x + col_w, yy + pitch - 0.6)
        self.page = last

    def _logo(self, png: bytes) -> None:
        """The seller's logo on a white card at the top right of the cover band."""
        px_w, px_h = _png_size(png)
        max_w, max_h, pad = 52.0, 20.0, 2.5
        scale = min(max_w / px_w, max_h / px_h)
        w, h = px_w * scale, px_h * scale
        x = _PAGE_W - _MARGIN_X - w - 2 * pad
        y = 10.0
        self.set_fill_color(*_rgb(_WHITE))
        self.rect(x, y, w + 2 * pad, h + 2 * pad, style="F", round_corners=True,
                  corner_radius=1.5)
        self.image(io.BytesIO(_opaque(png)), x=x + pad, y=y + pad, w=w, h=h)

    def _panel_motif(self, x0: float, y0: float, band_h: float) -> None:
        """A few stylised module rows on the right of the cover band."""
        self.set_fill_color(*_rgb("#14607F"))
        self.set_draw_color(*_rgb("#2B7595"))
        self.set_line_width(0.3)
        cell_w, cell_h, gap = 12.5, 7.5, 1.4
        for row in range(7):
            for col in range(6):
                x = x0 + col * (cell_w + gap) + row * 2.4
                y = y0 + row * (cell_h + gap)
                if x + cell_w > _PAGE_W - 3 or y + cell_h > band_h - 5:
                    continue
                self.rect(x, y, cell_w, cell_h, style="DF")

    # ------------------------------------------------------------------ blocks
    def page_body(self) -> float:
        """Height of a page's text area [mm]."""
        return self.h - self.t_margin - self.b_margin

    def text_blocks_height(self, blocks: list[Block]) -> float:
        """Height of a section's paragraphs as :meth:`paragraph` sets them [mm] (other
        blocks count 0)."""
        total = 0.0
        for block in blocks:
            if isinstance(block, Paragraph) and block.style != "box":
                size, line_h = _PARAGRAPH_STYLES.get(block.style, _PARAGRAPH_STYLES["body"])[:2]
                total += self.text_height(block.text, _TEXT_W, size, line_h) + (
                    1.5 if block.style == "note" else 2.2)
        return total

    def section_title(self, key: str, number: int, title: str, new_page: bool,
                      need: float = 0.0) -> None:
        # A section starts on a new page unless half of this page is still empty (no page
        # is left two-thirds blank); one that may follow closer (the short disclaimer)
        # starts here only when all of it fits (``need`` mm), so no line of it is left
        # alone on a last page.
        free = self.space_left()
        fits = need + 22 <= free or need > self.page_body()
        if (self.page_no() == 1 or free < 70 or (not new_page and not fits)
                or (new_page and free < _NEW_PAGE_FREE * self.page_body())):
            self.add_page()
        else:
            self.ln(8 if not new_page else 10)
        self.section_pages[key] = self.page_no()
        self.start_section(f"{number} {title}")
        y = self.get_y()
        self.set_fill_color(*_rgb(COLORS["accent"]))
        self.rect(_MARGIN_X, y + 1.2, 1.6, 7.6, style="F")
        self.set_xy(_MARGIN_X + 4, y)
        self.set_font(_FONT, size=16)
        self.color(COLORS["brand"])
        with self.bold(0.3):
            self.cell(_TEXT_W - 4, 10, f"{number}  {title}")
        self.set_xy(_MARGIN_X, y + 14)

    def block_title(self, title: str, *, keep: float = 20, x: float = _MARGIN_X,
                    width: float = _TEXT_W) -> None:
        if not title:
            return
        self.ensure(keep + 8)
        self.color(_INK)
        with self.bold():
            self.write_text(title, width, 10.5, 6, x=x, new_x=XPos.LEFT)
        self.ln(1)

    def paragraph(self, block: Paragraph) -> None:
        style = block.style
        size, line_h, color = _PARAGRAPH_STYLES.get(style, _PARAGRAPH_STYLES["body"])
        if style == "box":
            self.box(block, size, line_h)
            return
        if block.title:
            self.block_title(block.title, keep=12)
        self.color(color)
        fitted = self.fit(block.text, _TEXT_W, size)
        for line in fitted.split("\n"):
            self.ensure(line_h)
            self.set_x(_MARGIN_X)
            self.cell(_TEXT_W, line_h, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2.2 if style != "note" else 1.5)

    def box(self, block: Paragraph, size: float, line_h: float) -> None:
        pad = 3.5
        inner = _TEXT_W - 2 * pad - 1.5
        title_h = 6.5 if block.title else 0.0
        body_h = self.text_height(block.text, inner, size, line_h)
        height = title_h + body_h + 2 * pad
        self.ensure(height + 2)
        x, y = _MARGIN_X, self.get_y()
        self.set_fill_color(*_rgb(_LIGHT))
        self.rect(x, y, _TEXT_W, height, style="F")
        self.set_fill_color(*_rgb(COLORS["brand"]))
        self.rect(x, y, 1.5, height, style="F")
        self.set_xy(x + 1.5 + pad, y + pad)
        if block.title:
            self.set_font(_FONT, size=10)
            self.color(COLORS["brand"])
            with self.bold():
                self.cell(inner, 5, block.title)
            self.set_xy(x + 1.5 + pad, y + pad + title_h)
        self.color(_INK)
        self.write_text(block.text, inner, size, line_h, x=x + 1.5 + pad, new_x=XPos.LEFT)
        self.set_xy(_MARGIN_X, y + height + 4)

    def kpi_grid(self, grid: KpiGrid, big: bool = False) -> None:
        if grid.title:
            self.block_title(grid.title)
        cols = max(1, grid.columns)
        gap = 3.0
        card_w = (_TEXT_W - gap * (cols - 1)) / cols
        has_hint = any(item.hint for item in grid.items)
        rows = [grid.items[i:i + cols] for i in range(0, len(grid.items), cols)]
        for row in rows:
            # A label is never cut: a row whose longest label needs two lines is taller
            # (the tax basis of a payback is at the end of its label).
            extra = max(self.kpi_label_lines(item.label, card_w, big) for item in row) - 1
            card_h = (25.0 if big else 17.5) + (4.0 if has_hint else 0.0) + 3.8 * extra
            self.ensure(card_h + 2)
            y = self.get_y()
            for i, item in enumerate(row):
                self.kpi_card(_MARGIN_X + i * (card_w + gap), y, card_w, card_h, item, big,
                              extra)
            self.set_xy(_MARGIN_X, y + card_h + gap)
        self.ln(2)

    def kpi_label_lines(self, label: str, w: float, big: bool) -> int:
        """Lines a KPI label takes on a card of width ``w`` (at most two)."""
        return min(2, len(self.fit(label, w - 5, 8.5 if big else 7.5).split("\n")))

    def kpi_card(self, x: float, y: float, w: float, h: float, item: Kpi, big: bool,
                 extra: int = 0) -> None:
        self.set_fill_color(*_rgb(_LIGHT))
        self.rect(x, y, w, h, style="F", round_corners=True, corner_radius=1.5)
        self.set_fill_color(*_rgb(COLORS["accent"] if big else COLORS["brand"]))
        self.rect(x, y + 2, 1.1, h - 4, style="F")
        label_size = 8.5 if big else 7.5
        self.color(_GREY)
        lines = self.fit(item.label, w - 5, label_size).split("\n")[:1 + extra]
        for k, label in enumerate(lines):
            self.set_xy(x + 3.5, y + 2.2 + 3.8 * k)
            self.cell(w - 5, 3.8, label)
        value_size = 17.0 if big else 12.5
        self.set_font(_FONT, size=value_size)
        while value_size > 7 and self.get_string_width(item.value) > w - 5.5:
            value_size -= 0.5
            self.set_font(_FONT, size=value_size)
        # The value sits below the label's lines.
        self.set_xy(x + 3.5, y + (10.5 if big else 8.4) + 3.8 * extra)
        self.color(COLORS["brand"])
        with self.bold(0.18):
            self.cell(w - 5, value_size * 0.45, item.value)
        if item.hint:
            self.set_xy(x + 3.5, y + h - 5.4)
            self.set_font(_FONT, size=7.2)
            self.color(_GREY)
            self.cell(w - 5, 3.5, item.hint)

    def data_table(self, block: Table, width: float = _TEXT_W, x: float | None = None) -> None:
        x = _MARGIN_X if x is None else x
        size = block.font_size
        line_h = size * 0.46
        pad_v = 1.1
        has_header = any(h for h in block.header)
        total_w = sum(block.widths)
        col_w = [width * w / total_w - 2 * _CELL_PAD for w in block.widths]
        header = [self.fit(text, w, size) for text, w in zip(block.header, col_w, strict=True)]
        body = [[self.fit(text, w, size) for text, w in zip(cells, col_w, strict=True)]
                for cells in block.rows]

        def height(row: list[str]) -> float:
            return max(text.count("\n") + 1 for text in row) * (line_h + 0.9) + 2 * pad_v

        title_h = 7.0 if block.title else 0.0
        full = title_h + (height(header) if has_header else 0.0) + sum(map(height, body))
        page_body = self.page_body()
        # Keep a table on one page when it fits on one, unless moving it would leave much
        # of this page blank (a long table then starts here and continues, its header
        # repeated); otherwise start with a few rows.
        first = title_h + (height(header) if has_header else 0) + sum(map(height, body[:3]))
        splits = len(body) > 8 and self.space_left() >= _SPLIT_TABLE_FREE * page_body
        self.ensure(full if full <= page_body - 4 and not splits else first)
        self.block_title(block.title, keep=0, x=x, width=width)
        self.set_font(_FONT, size=size)
        self.color(_INK)
        self.set_draw_color(*_rgb(_RULE))
        self.set_fill_color(*_rgb(_WHITE))  # fpdf2 fills unstriped rows with this colour
        self.set_line_width(0.2)
        align = [{"L": "LEFT", "R": "RIGHT", "C": "CENTER"}[a] for a in block.align]
        # emphasis "" keeps the regular face: the font file has one weight.
        heading = FontFace(color=_rgb(_WHITE), fill_color=_rgb(COLORS["brand"]),
                           size_pt=size, emphasis="")
        total = FontFace(fill_color=_rgb(_TOTAL_FILL))
        old_margin = self.l_margin
        self.set_left_margin(x)
        self.set_x(x)
        with self.table(
            width=width,
            col_widths=tuple(block.widths),
            text_align=tuple(align),
            align="LEFT",
            line_height=line_h + 0.9,
            padding=(pad_v, _CELL_PAD, pad_v, _CELL_PAD),
            borders_layout="HORIZONTAL_LINES",
            cell_fill_color=_rgb(_ZEBRA),
            cell_fill_mode="ROWS",
            headings_style=heading,
            first_row_as_headings=has_header,
            v_align="MIDDLE",
        ) as grid:
            if has_header:
                header_row = grid.row()
                for text in header:
                    header_row.cell(text, align="CENTER")
            n = len(body)
            for i, cells in enumerate(body):
                is_total = i >= n - block.total_rows
                row = grid.row(style=total if is_total else None)
                for text in cells:
                    row.cell(text)
        self.set_left_margin(old_margin)
        if block.note:
            self.ln(1)
            self.color(_GREY)
            self.write_text(block.note, width, 7.5, 4, x=x, new_x=XPos.LEFT)
        self.ln(4)
        self.set_x(_MARGIN_X)

    def tables_side_by_side(self, left: Table, right: Table) -> None:
        gap = 6.0
        width = (_TEXT_W - gap) / 2
        self.ensure(max(len(left.rows), len(right.rows)) * 6 + 16)
        y0, page = self.get_y(), self.page
        self.data_table(left, width=width, x=_MARGIN_X)
        y_left, page_left = self.get_y(), self.page
        if page_left != page:  # no room side by side: the right table follows below
            self.data_table(right)
            return
        self.set_y(y0)
        self.data_table(right, width=width, x=_MARGIN_X + width + gap)
        self.set_xy(_MARGIN_X, max(y_left, self.get_y()))

    def figure(self, block: Figure) -> None:
        png = _opaque(block.png)
        px_w, px_h = _png_size(png)
        # One scale for every chart (a full-width chart spans the text width), so labels
        # have the same size in all of them; narrower charts stay narrower.
        natural = px_w / _PNG_SCALE * _TEXT_W / _FULL_CHART_PX
        width = min(_TEXT_W * block.width_fraction, natural)
        height = width * px_h / px_w
        caption_h = self.text_height(block.caption, _TEXT_W, 7.5, 4) if block.caption else 0.0
        room = self.h - self.t_margin - self.b_margin - caption_h - 8
        if height > room:
            height = room
            width = height * px_w / px_h
        if self.space_left() < height + caption_h + 3:
            # Shrink by up to a quarter rather than leave a large gap at the page end.
            shrink = (self.space_left() - caption_h - 3) / height
            if shrink >= 0.75:
                height, width = height * shrink, width * shrink
            else:
                self.add_page()
        x = _MARGIN_X + (_TEXT_W - width) / 2
        y = self.get_y()
        self.image(io.BytesIO(png), x=x, y=y, w=width, h=height)
        self.set_xy(_MARGIN_X, y + height + 1)
        if block.caption:
            self.color(_GREY)
            self.write_text(block.caption, _TEXT_W, 7.5, 4)
        self.ln(4)

    def figure_row(self, row: FigureRow) -> None:
        gap = 6.0
        n = max(1, len(row.figures))
        width = (_TEXT_W - gap * (n - 1)) / n
        images = [_opaque(figure.png) for figure in row.figures]
        heights = [width * _png_size(png)[1] / _png_size(png)[0] for png in images]
        # Shrink by up to a quarter rather than leave a large gap at the page end.
        shrink = min(1.0, (self.space_left() - 4) / max(heights))
        if shrink < 0.75:
            self.add_page()
            shrink = 1.0
        y = self.get_y()
        for i, (png, height) in enumerate(zip(images, heights, strict=True)):
            w, h = width * shrink, height * shrink
            x = _MARGIN_X + i * (width + gap) + (width - w) / 2
            self.image(io.BytesIO(png), x=x, y=y, w=w, h=h)
        self.set_xy(_MARGIN_X, y + max(heights) * shrink + 4)

    def blocks(self, blocks: list[Block]) -> None:
        i = 0
        while i < len(blocks):
            block = blocks[i]
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if (isinstance(block, Table) and isinstance(nxt, Table) and _is_pair(block)
                    and _is_pair(nxt)):
                self.tables_side_by_side(block, nxt)
                i += 2
                continue
            if isinstance(block, Paragraph):
                self.paragraph(block)
            elif isinstance(block, KpiGrid):
                self.kpi_grid(block)
            elif isinstance(block, Table):
                self.data_table(block)
            elif isinstance(block, Figure):
                self.figure(block)
            elif isinstance(block, FigureRow):
                self.figure_row(block)
            i += 1


def _is_pair(table: Table) -> bool:
    """Two-column key/value tables without a header are set side by side."""
    return len(table.header) == 2 and not any(table.header)


def render_proposal_pdf(proposal: Proposal) -> bytes:
    """Lay out a proposal as PDF bytes.

    The font is a TrueType subset of the proposal font holding the characters of this
    proposal (see :func:`pvplanner.report.fonts.pdf_font_bytes`), which fpdf2 reads from a
    temporary file.
    """
    font = pdf_font_bytes(proposal_characters(proposal))
    with tempfile.TemporaryDirectory(prefix="pvplanner-font-") as folder:
        font_file = Path(folder) / "NotoSansSC-subset.ttf"
        font_file.write_bytes(font)
        pdf = _ProposalPDF(proposal, font_file)
        pdf.cover()
        for section in proposal.sections:
            need = 0.0 if section.new_page else pdf.text_blocks_height(section.blocks)
            pdf.section_title(section.key, section.number, section.title, section.new_page,
                              need)
            pdf.blocks(section.blocks)
        pdf.contents()
        return bytes(pdf.output())
