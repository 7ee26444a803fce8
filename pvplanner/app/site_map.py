"""The site page's map: the site in the middle of its own region, the cities of the built-in
climate table around it (click one to move the site there), on OpenStreetMap tiles when they
can be reached and as a dot map with a 1° grid otherwise.

The map is a Web-Mercator view at a fixed zoom centred on the site, so the site and its region
are always in view whatever the width of the page. Its geometry is computed here, in pixels:
which tiles cover the view, and which city names can be printed without touching the site's
marker, its name or another printed name (the others are named in their tooltip).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import pandas as pd

from pvplanner.app.card_width import text_em

#: Side of a map tile [px].
TILE_PX = 256
#: Zoom level of the map (7: about 90 px per degree of longitude, a view of a few hundred km).
ZOOM = 7
#: Height of the map [px]; its width follows the page (at most :data:`MAX_WIDTH_PX`).
HEIGHT_PX = 400
MAX_WIDTH_PX = 1000
#: Narrowest the map is drawn (its column on a 1,280 px window) [px]: names are printed only
#: where they fit inside a view this wide.
MIN_WIDTH_PX = 480
#: OpenStreetMap's standard tiles (https://operations.osmfoundation.org/policies/tiles/:
#: attribution required, no bulk downloads; the browser fetches the few tiles shown).
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

#: Font sizes of the names [px].
CITY_FONT_PX = 11.0
SITE_FONT_PX = 13.0
#: Half the side of the site's diamond [px] and the offsets of the names above their points.
SITE_MARKER_HALF_PX = 10.0
CITY_LABEL_DY_PX = -10.0
SITE_LABEL_DY_PX = -18.0
#: Room kept free around every printed name [px].
LABEL_PADDING_PX = 2.0


def world_px(latitude: float, longitude: float, zoom: int = ZOOM) -> tuple[float, float]:
    """Web-Mercator pixel coordinates of a point at ``zoom`` (origin: the world's north-west
    corner; x east, y south) [px].

    Examples
    --------
    >>> world_px(0.0, 0.0, 0)
    (128.0, 128.0)
    """
    size = TILE_PX * 2 ** zoom
    phi = math.radians(max(-85.0511, min(85.0511, latitude)))
    x = (longitude + 180.0) / 360.0 * size
    y = (1.0 - math.log(math.tan(phi) + 1.0 / math.cos(phi)) / math.pi) / 2.0 * size
    return x, y


def tile_corner(x: int, y: int, zoom: int = ZOOM) -> tuple[float, float]:
    """Latitude and longitude of the north-west corner of tile ``(x, y)`` [deg]."""
    n = 2 ** zoom
    longitude = x / n * 360.0 - 180.0
    latitude = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y / n))))
    return latitude, longitude


def projection_scale(zoom: int = ZOOM) -> float:
    """The d3/Vega Mercator ``scale`` that draws tiles of ``zoom`` at :data:`TILE_PX` [px/rad]."""
    return TILE_PX * 2 ** zoom / (2.0 * math.pi)


def tiles(latitude: float, longitude: float, *, zoom: int = ZOOM, width_px: float = MAX_WIDTH_PX,
          height_px: float = HEIGHT_PX) -> pd.DataFrame:
    """The tiles covering a view centred on a point: one row per tile with its ``url`` and the
    ``lat``/``lon`` of its north-west corner."""
    cx, cy = world_px(latitude, longitude, zoom)
    n = 2 ** zoom
    x0, x1 = math.floor((cx - width_px / 2) / TILE_PX), math.floor((cx + width_px / 2) / TILE_PX)
    y0 = max(0, math.floor((cy - height_px / 2) / TILE_PX))
    y1 = min(n - 1, math.floor((cy + height_px / 2) / TILE_PX))
    rows = []
    for ty in range(y0, y1 + 1):
        for tx in range(x0, x1 + 1):
            lat, lon = tile_corner(tx, ty, zoom)
            rows.append({"url": TILE_URL.format(z=zoom, x=tx % n, y=ty), "lat": lat, "lon": lon})
    return pd.DataFrame(rows, columns=["url", "lat", "lon"])


@dataclass(frozen=True)
class Box:
    """A rectangle on the map, in pixels relative to the site (x east, y south)."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        """True when the two rectangles share any area."""
        return not (self.right <= other.left or other.right <= self.left
                    or self.bottom <= other.top or other.bottom <= self.top)


def text_box(x: float, y: float, text: str, font_px: float, dy: float) -> Box:
    """The box of a name centred above its point (``dy`` up from the point) [px]."""
    half = font_px * text_em(text) / 2 + LABEL_PADDING_PX
    middle = y + dy
    return Box(x - half, middle - font_px / 2 - LABEL_PADDING_PX, x + half,
               middle + font_px / 2 + LABEL_PADDING_PX)


def site_boxes(site_label: str) -> list[Box]:
    """The site's diamond and its name, around the map's centre [px]."""
    h = SITE_MARKER_HALF_PX
    return [Box(-h, -h, h, h), text_box(0.0, 0.0, site_label, SITE_FONT_PX, SITE_LABEL_DY_PX)]


def view_cities(cities: pd.DataFrame, latitude: float, longitude: float, lang: str,
                site_label: str, *, zoom: int = ZOOM, width_px: float = MAX_WIDTH_PX,
                height_px: float = HEIGHT_PX) -> pd.DataFrame:
    """The cities inside the view with their offset from the site [px] and the name printed
    next to each (``shown``; empty where it would touch the site, its name or another name).

    Names are placed nearest city first, so the site's neighbours are the ones named.
    """
    cx, cy = world_px(latitude, longitude, zoom)
    frame = cities.copy()
    offsets = [world_px(lat, lon, zoom) for lat, lon in zip(frame["lat"], frame["lon"],
                                                            strict=True)]
    frame["x_px"] = [x - cx for x, _ in offsets]
    frame["y_px"] = [y - cy for _, y in offsets]
    inside = (frame["x_px"].abs() <= width_px / 2) & (frame["y_px"].abs() <= height_px / 2)
    frame = frame.loc[inside].copy()
    chinese = (frame["city_zh"].astype(str) != "") & (lang == "zh")
    frame["label"] = frame["city_zh"].where(chinese, frame["city"]).astype(str)
    frame["shown"] = place_labels(frame, CITY_FONT_PX, CITY_LABEL_DY_PX,
                                  taken=site_boxes(site_label),
                                  view=Box(-MIN_WIDTH_PX / 2, -height_px / 2, MIN_WIDTH_PX / 2,
                                           height_px / 2))
    return frame.reset_index(drop=True)


def place_labels(points: pd.DataFrame, font_px: float, dy_px: float, *,
                 taken: list[Box] | None = None, view: Box | None = None) -> pd.Series:
    """Names to print next to points (columns ``x_px``, ``y_px``, ``label``): nearest to the
    view's centre first, each only where it lies inside ``view``, touches no box in ``taken``
    and no name printed before it; the others empty (they are named in their tooltip)."""
    taken = list(taken or [])
    shown = pd.Series("", index=points.index, dtype=object)
    order = (points["x_px"] ** 2 + points["y_px"] ** 2).sort_values().index
    for key in order:
        row = points.loc[key]
        box = text_box(row["x_px"], row["y_px"], str(row["label"]), font_px, dy_px)
        if view is not None and not (view.left <= box.left and box.right <= view.right
                                     and view.top <= box.top and box.bottom <= view.bottom):
            continue
        if not any(box.overlaps(other) for other in taken):
            taken.append(box)
            shown[key] = row["label"]
    return shown


def fit_zoom(latitudes: pd.Series, longitudes: pd.Series, *, width_px: float, height_px: float,
             most: int = 10, least: int = 3) -> int:
    """The largest zoom at which all points fit in a view of the given size (with a margin of
    an eighth of it on every side)."""
    xs, ys = zip(*(world_px(lat, lon, 0) for lat, lon in zip(latitudes, longitudes,
                                                              strict=True)), strict=True)
    span_x, span_y = max(max(xs) - min(xs), 1e-9), max(max(ys) - min(ys), 1e-9)
    room = min(0.75 * width_px / span_x, 0.75 * height_px / span_y)
    return int(max(least, min(most, math.floor(math.log2(room)))))


def view_projection(latitude: float, longitude: float, zoom: int = ZOOM) -> dict:
    """Vega-Lite projection settings: Web Mercator at ``zoom``, the point in the middle."""
    return {"type": "mercator", "scale": projection_scale(zoom), "center": [longitude, latitude],
            "translate": alt.ExprRef("[width / 2, height / 2]")}


def basemap(latitude: float, longitude: float, *, online: bool, zoom: int = ZOOM,
            height_px: float = HEIGHT_PX) -> alt.Chart:
    """The map's background: OpenStreetMap tiles around the point (``online``), else grid
    lines (every degree from zoom 6, every 2 or 5 degrees when zoomed out)."""
    if online:
        return alt.Chart(tiles(latitude, longitude, zoom=zoom, height_px=height_px)).mark_image(
            width=TILE_PX, height=TILE_PX, align="left", baseline="top", clip=True,
        ).encode(longitude="lon:Q", latitude="lat:Q", url="url:N")
    step = 1 if zoom >= 6 else 2 if zoom == 5 else 5
    return alt.Chart(alt.graticule(step=[step, step])).mark_geoshape(
        stroke="#d9d9d9", strokeWidth=0.6, filled=False, clip=True)


def location_map(cities: pd.DataFrame, latitude: float, longitude: float, lang: str,
                 site_label: str, *, online: bool, titles: dict[str, str]) -> alt.LayerChart:
    """The map: tiles (``online``) or a 1° grid, city dots coloured by yearly irradiation
    (a click selects the city: selection ``city``), their names, the site and its name.

    ``titles`` holds ``ghi``, the colour legend's title. The tiles' attribution is the
    page's to print under the map.
    """
    near = view_cities(cities, latitude, longitude, lang, site_label)
    layers: list[alt.Chart] = [basemap(latitude, longitude, online=online)]
    pick = alt.selection_point(name="city", fields=["city"], on="click")
    base = alt.Chart(near).encode(longitude="lon:Q", latitude="lat:Q")
    layers.append(base.mark_circle(size=90, opacity=0.85, cursor="pointer", clip=True,
                                   stroke="white", strokeWidth=0.8).encode(
        color=alt.Color("annual_ghi_kwh_m2:Q", scale=alt.Scale(scheme="yelloworangered"),
                        title=titles["ghi"],
                        # Inside the map: the view keeps its full width and height.
                        legend=alt.Legend(orient="bottom-right", direction="horizontal",
                                          gradientLength=110, fillColor="#ffffffcc",
                                          padding=6, titleFontSize=10, labelFontSize=9)),
        tooltip=[alt.Tooltip("label:N", title=""),
                 alt.Tooltip("annual_ghi_kwh_m2:Q", title=titles["ghi"], format=",.0f")],
    ).add_params(pick))
    layers.append(base.mark_text(dy=CITY_LABEL_DY_PX, fontSize=CITY_FONT_PX, color="#333",
                                 clip=True).encode(text="shown:N"))
    site = alt.Chart(pd.DataFrame({"lat": [latitude], "lon": [longitude],
                                   "label": [site_label]})).encode(
        longitude="lon:Q", latitude="lat:Q")
    layers.append(site.mark_point(shape="diamond", size=260, filled=True, color="#d7301f",
                                  stroke="white", strokeWidth=1.5, opacity=1).encode(
        tooltip=alt.Tooltip("label:N", title="")))
    layers.append(site.mark_text(dy=SITE_LABEL_DY_PX, fontSize=SITE_FONT_PX, fontWeight="bold",
                                 color="#d7301f").encode(text="label:N"))
    return alt.layer(*layers).project(**view_projection(latitude, longitude)).properties(height=HEIGHT_PX)


__all__ = ["basemap", "fit_zoom", "location_map", "place_labels", "projection_scale", "tiles",
           "view_cities", "view_projection", "world_px"]
