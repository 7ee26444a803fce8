"""Metadata that travels with every weather year."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

#: How a weather year was obtained, shown to users next to the data.
Obtained = Literal["online", "cache", "file", "synthetic"]

#: Columns every weather frame has (pvlib names, SI units: W/m2, degC, m/s).
REQUIRED_COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed")


@dataclass(frozen=True)
class WeatherMeta:
    """Where a typical-year weather frame came from.

    Attributes
    ----------
    source : str
        ``pvgis``, ``nasa-power``, ``synthetic``, ``epw``, ``tmy3``, ``tmy2``, ``pvgis-file``
        or ``csv``.
    dataset : str
        The underlying dataset, e.g. ``PVGIS-ERA5``, ``CERES/MERRA-2``, ``CSWD``.
    years : str
        Years the typical year was drawn from, e.g. ``"2005-2023"``, or ``""`` if unknown.
    latitude, longitude : float
        Location of the data [deg]; for synthetic data, the site itself.
    elevation_m : float
        Elevation of the site or station [m].
    utc_offset_hours : float
        Offset of the frame's local standard time [h].
    obtained : {"online", "cache", "file", "synthetic"}
        How this copy was obtained.
    attribution : str
        Credit line required or requested by the data provider.
    station : str
        Station or city name the figures come from, if any.
    distance_km : float or None
        Distance from the site to that station [km], if they differ.
    notes : tuple of str
        Anything assumed or filled in (gaps interpolated, fallback used, ...).
    """

    source: str
    dataset: str
    years: str
    latitude: float
    longitude: float
    elevation_m: float
    utc_offset_hours: float
    obtained: Obtained
    attribution: str = ""
    station: str = ""
    distance_km: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        out = asdict(self)
        out["notes"] = list(self.notes)
        return out
