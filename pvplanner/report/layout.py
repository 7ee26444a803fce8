"""A to-scale sketch of the roof planes and the share of each that carries PV, as SVG.

Each plane is drawn as a 2:1 rectangle of its area (the real outline is not an input), the
proposed array as module rows filling ``capacity / max capacity`` of the usable part, and an
arrow shows the direction the modules face (north up). East-west racks show paired rows and
a double arrow: their modules face both ways across the plane's azimuth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from pvplanner.report.charts import COLORS
from pvplanner.report.fonts import FONT_STACK
from pvplanner.report.wrap import is_wide, wrap

#: Drawing width [px] (the PDF scales it to the text width).
SKETCH_WIDTH = 660


@dataclass(frozen=True)
class PlaneSketch:
    """What the sketch needs of one roof plane."""

    name: str
    area_m2: float
    capacity_kwp: float
    max_kwp: float
    azimuth_deg: float
    mounting: str
    label: str  #: second label line, e.g. "412.0 kWp / 640.0 kWp"


def _text_width(text: str, size: float) -> float:
    """Rough advance width of ``text`` [px]: CJK glyphs are square, Latin about half."""
    return sum(size if is_wide(ch) else 0.56 * size for ch in text)


def _label_lines(text: str, width: float, size: float, max_lines: int = 2) -> list[str]:
    lines = wrap(text, width, lambda piece: _text_width(piece, size))
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and _text_width(last + "…", size) > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines


def _head(x1: float, y1: float, dx: float, dy: float, head: float) -> str:
    """A filled arrow head with its tip at (x1, y1), pointing along the unit vector (dx, dy)."""
    left = (x1 - head * (dx * 0.87 + dy * 0.5), y1 - head * (dy * 0.87 - dx * 0.5))
    right = (x1 - head * (dx * 0.87 - dy * 0.5), y1 - head * (dy * 0.87 + dx * 0.5))
    return (f'<polygon points="{x1:.1f},{y1:.1f} {left[0]:.1f},{left[1]:.1f} '
            f'{right[0]:.1f},{right[1]:.1f}" fill="{COLORS["negative"]}"/>')


def _arrow(cx: float, cy: float, azimuth_deg: float, length: float,
           mounting: str = "flush") -> str:
    """The direction the modules face, on a white disc: one arrow along the azimuth, or for
    east-west racks a double arrow across it (modules face azimuth - 90 and azimuth + 90)."""
    # Screen coordinates: north up, east right; azimuth clockwise from north.
    both = mounting == "east_west"
    a = math.radians(azimuth_deg + (90.0 if both else 0.0))
    dx, dy = math.sin(a), -math.cos(a)
    x0, y0 = cx - dx * length / 2, cy - dy * length / 2
    x1, y1 = cx + dx * length / 2, cy + dy * length / 2
    head = length * 0.35
    heads = _head(x1, y1, dx, dy, head) + (_head(x0, y0, -dx, -dy, head) if both else "")
    return (
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{length * 0.62:.1f}" fill="white" '
        f'stroke="#B8C0C8" stroke-width="0.8"/>'
        f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
        f'stroke="{COLORS["negative"]}" stroke-width="1.8"/>' + heads
    )


def _rows(x: float, y: float, w: float, h: float, fraction: float, mounting: str) -> str:
    """Module rows filling ``fraction`` of the box from the left (east-west racks: pairs of
    rows running across, as their ridges do)."""
    if fraction <= 0:
        return ""
    filled = w * min(fraction, 1.0)
    parts = [f'<rect x="{x:.1f}" y="{y:.1f}" width="{filled:.1f}" height="{h:.1f}" '
             f'fill="{COLORS["brand"]}"/>']
    pitch = 7.0 if mounting != "flush" else 5.0
    gap = 2.2 if mounting != "flush" else 0.8
    if mounting == "east_west":  # ridges drawn vertically, an aisle after every pair
        xx = x + pitch * 2 - gap
        while xx < x + filled - 0.5:
            parts.append(f'<rect x="{xx:.1f}" y="{y:.1f}" width="{gap:.1f}" '
                         f'height="{h:.1f}" fill="white" opacity="0.85"/>')
            xx += pitch * 2
        return "".join(parts)
    yy = y + pitch - gap
    while yy < y + h - 0.5:
        parts.append(f'<rect x="{x:.1f}" y="{yy:.1f}" width="{filled:.1f}" height="{gap:.1f}" '
                     f'fill="white" opacity="0.85"/>')
        yy += pitch
    return "".join(parts)


def _pack(planes: list[PlaneSketch], k: float, avail: float, min_slot: float,
          label_h: float, gap: float) -> tuple[list[tuple[PlaneSketch, float, float, float,
                                                          float, float]], float]:
    """Tiles in rows at scale ``k`` [px per sqrt(m2)]: (plane, x, y, w, h, slot), height."""
    placed = []
    x, y, row_h = 0.0, 0.0, 0.0
    for plane in planes:
        w = max(math.sqrt(2 * plane.area_m2) * k, 26.0)
        h = w / 2
        slot = max(w, min_slot)
        if x > 0 and x + slot > avail:
            x, y, row_h = 0.0, y + row_h + gap, 0.0
        placed.append((plane, x, y, w, h, slot))
        row_h = max(row_h, h + label_h)
        x += slot + gap
    return placed, y + row_h


def roof_sketch_svg(planes: list[PlaneSketch], *, north_label: str = "N",
                    max_height: float = 330.0) -> str:
    """SVG of all planes, tiles wrapped in rows, areas to one scale.

    Parameters
    ----------
    planes : list of PlaneSketch
        The roof planes with their proposed and maximum capacity [kWp] and area [m2].
    north_label : str
        Letter or character marking north on the compass.
    max_height : float
        The scale is the largest that keeps the drawing within this height [px].
    """
    width = SKETCH_WIDTH
    if not planes:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="10" '
                f'viewBox="0 0 {width} 10"></svg>')
    font_size = 11.0
    label_h = 3 * (font_size + 3) + 4
    margin, gap, min_slot = 12.0, 16.0, 118.0
    avail = width - 2 * margin - 36  # room for the compass on the right
    largest = max(p.area_m2 for p in planes)
    high = 0.62 * avail / math.sqrt(2 * largest)
    low = high / 64
    for _ in range(40):  # bisection on the scale
        mid = (low + high) / 2
        _, height = _pack(planes, mid, avail, min_slot, label_h, gap)
        low, high = (mid, high) if height <= max_height - 2 * margin else (low, mid)
    placed, height = _pack(planes, low, avail, min_slot, label_h, gap)
    body = []
    for plane, x0, y0, w, h, slot in placed:
        x, y = margin + x0, margin + y0
        bx = x + (slot - w) / 2
        inset = max(min(w, h) * 0.06, 1.5)
        fraction = plane.capacity_kwp / plane.max_kwp if plane.max_kwp > 0 else 0.0
        body.append(
            f'<rect x="{bx:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="2" '
            f'fill="#EEF1F4" stroke="#8A96A3" stroke-width="1"/>'
        )
        body.append(_rows(bx + inset, y + inset, w - 2 * inset, h - 2 * inset, fraction,
                          plane.mounting))
        arrow_len = min(18.0, h * 0.45)
        if arrow_len >= 8:
            body.append(_arrow(bx + w - arrow_len * 0.75, y + arrow_len * 0.75,
                               plane.azimuth_deg, arrow_len, plane.mounting))
        ty = y + h + font_size + 3
        for line in _label_lines(plane.name, slot, font_size):
            body.append(f'<text x="{x + slot / 2:.1f}" y="{ty:.1f}" font-size="{font_size}" '
                        f'text-anchor="middle" fill="#1A1A1A">{escape(line)}</text>')
            ty += font_size + 3
        body.append(f'<text x="{x + slot / 2:.1f}" y="{ty:.1f}" font-size="{font_size - 1}" '
                    f'text-anchor="middle" fill="#4A5560">{escape(plane.label)}</text>')
    total_h = height + 2 * margin
    cx, cy = width - 22.0, 24.0
    compass = (
        f'<polygon points="{cx:.1f},{cy - 14:.1f} {cx - 5:.1f},{cy + 4:.1f} {cx:.1f},{cy:.1f} '
        f'{cx + 5:.1f},{cy + 4:.1f}" fill="#333"/>'
        f'<text x="{cx:.1f}" y="{cy + 17:.1f}" font-size="10" text-anchor="middle" '
        f'fill="#333">{escape(north_label)}</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{total_h:.0f}" viewBox="0 0 {width} {total_h:.0f}" '
        f'font-family="{escape(FONT_STACK)}">'
        f'<rect x="0" y="0" width="{width}" height="{total_h:.0f}" fill="white"/>'
        + "".join(body)
        + compass
        + "</svg>"
    )
