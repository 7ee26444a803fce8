"""The proposal as one self-contained HTML page.

Styles are inline, charts are inline SVG (rendered offline by vl-convert), the seller's
logo an inline PNG, and the proposal font is embedded as a subset of the characters on the page (a ``data:`` URI), so the page
looks the same everywhere and loads nothing from the network: no scripts, no remote fonts,
no external images.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from pvplanner.report.charts import COLORS
from pvplanner.report.fonts import FONT_STACK, font_face_css
from pvplanner.report.model import Figure, FigureRow, Proposal, Table
from pvplanner.report.text import Texts


def _nl2br(value: Any) -> Markup:
    """Escape text and keep its line breaks."""
    return Markup("<br>").join(escape(str(value)).split("\n"))


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pvplanner.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["nl2br"] = _nl2br
    return env


def _is_pair(table: Table) -> bool:
    return len(table.header) == 2 and not any(table.header)


def _inline_svg(figure: Figure) -> str:
    return _scope_ids(_strip_xml_declaration(figure.svg), f"{figure.key}-")


def _blocks(section_blocks: list[Any]) -> list[dict[str, Any]]:
    """Blocks with their kind for the template; consecutive key/value tables paired."""
    out: list[dict[str, Any]] = []
    i = 0
    while i < len(section_blocks):
        block = section_blocks[i]
        nxt = section_blocks[i + 1] if i + 1 < len(section_blocks) else None
        if isinstance(block, Table) and isinstance(nxt, Table) and _is_pair(block) and _is_pair(
                nxt):
            out.append({"kind": "Pair", "obj": [block, nxt]})
            i += 2
            continue
        entry: dict[str, Any] = {"kind": type(block).__name__, "obj": block}
        if isinstance(block, Figure):
            entry["svg"] = _inline_svg(block)
        if isinstance(block, FigureRow):
            entry["svgs"] = [_inline_svg(figure) for figure in block.figures]
        out.append(entry)
        i += 1
    return out


def _strip_xml_declaration(svg: str) -> str:
    svg = svg.lstrip()
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2:].lstrip()
    return svg


def _scope_ids(svg: str, prefix: str) -> str:
    """Prefix the ids of one SVG and the references to them.

    Every Vega SVG numbers its clip paths ``clip1``, ``clip2``...; inlined side by side in
    one page, a ``url(#clip1)`` would pick the first chart's clip path.
    """
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    if not ids:
        return svg
    pattern = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    svg = re.sub(rf'\bid="({pattern})"', rf'id="{prefix}\1"', svg)
    return re.sub(rf"#({pattern})(?=[)\"'])", rf"#{prefix}\1", svg)


def render_proposal_html(proposal: Proposal) -> str:
    """The proposal as an HTML document (a string, UTF-8 when written)."""
    template = _environment().get_template("proposal.html.j2")
    html = template.render(
        p=proposal,
        blocks={s.key: _blocks(s.blocks) for s in proposal.sections},
        colors=COLORS,
        font_stack=Markup(FONT_STACK),
        html_lang="zh-CN" if proposal.lang == "zh" else "en",
        highlights_title=proposal.highlights_title or Texts(proposal.lang)("doc.highlights"),
        # The logo was checked and re-encoded as PNG (pvplanner.report.logo): inline it.
        logo_uri=("data:image/png;base64," + base64.b64encode(proposal.logo_png).decode("ascii")
                  if proposal.logo_png else ""),
    )
    # Embed the font cut to the characters on the page (charts included).
    return html.replace("/*@FONT_FACE@*/", font_face_css(html), 1)
