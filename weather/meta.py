"""Metadata that travels with every weather year."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any, Literal

#: How a weather year was obtained, shown to users next to the data.
Obtained = Literal["online", "cache", "file", "synthetic"]

#: English month abbreviations (fixed, whatever the process locale says).
_MONTH_ABBR = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")

#: Columns every weather frame has (pvlib names, SI units: W/m2, degC, m/s).
REQUIRED_COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed")


class WeatherNote(str):
    """A note of the weather metadata: its English text, a stable key and the key's values.

    The text is what every reader of ``notes`` sees; ``key`` (``"synthetic.method"``,
    ``"pvgis.months"``...) and ``params`` let an application show the note in another
    language (pvplanner maps them onto its message catalogue). A note made as a plain string
    has no key.

    Examples
    --------
    >>> note = WeatherNote.of("synthetic.far_station", "station {km:.0f} km away", km=212.4)
    >>> str(note), note.key, dict(note.params)
    ('station 212 km away', 'synthetic.far_station', {'km': 212.4})
    """

    __slots__ = ("key", "params")
    key: str
    params: Mapping[str, Any]

    def __new__(cls, key: str, text: str, params: Mapping[str, Any] | None = None) -> WeatherNote:
        self = super().__new__(cls, text)
        object.__setattr__(self, "key", str(key or ""))
        object.__setattr__(self, "params", MappingProxyType(dict(params or {})))
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"WeatherNote is immutable: cannot set {name}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (WeatherNote, (self.key, str(self), dict(self.params)))

    @classmethod
    def of(cls, key: str, template: str, /, **params: Any) -> WeatherNote:
        """A note whose text is ``template`` filled with ``params`` (str, int, float, or a
        name in several languages ``{"en": ..., "zh": ...}``, filled with its English)."""
        english = {k: v["en"] if isinstance(v, Mapping) else v for k, v in params.items()}
        return cls(key, template.format(**english), params)


#: English names of the months, January first.
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


#: The columns as a Chinese reader's messages name them (English keeps the pvlib names).
COLUMN_NAMES_ZH = {"time": "时间", "ghi": "水平面总辐照度", "dni": "法向直射辐照度",
                   "dhi": "水平面散射辐照度", "temp_air": "气温", "wind_speed": "风速"}


def column_words(column: str) -> dict[str, str]:
    """A weather column as a message value: its name in English, its Chinese name with the
    name to write in Chinese (a reader must still name the column ``ghi``).

    >>> column_words("ghi")
    {'en': 'ghi', 'zh': '水平面总辐照度（ghi）'}
    """
    zh = COLUMN_NAMES_ZH.get(column)
    return {"en": column, "zh": f"{zh}（{column}）" if zh else column}

def month_words(month: int) -> dict[str, str]:
    """Month ``1..12`` as a message value: ``May`` in English, ``5月`` in Chinese.

    >>> month_words(5)
    {'en': 'May', 'zh': '5月'}
    """
    return {"en": MONTH_NAMES[month - 1], "zh": f"{month}月"}


def month_years(months: Mapping[int, int]) -> dict[str, str]:
    """The year chosen for each calendar month as a note value in both languages:
    ``"Jan 2018, Feb 2013"`` in English, ``"2018年1月、2013年2月"`` in Chinese.

    Examples
    --------
    >>> month_years({2: 2013, 1: 2018})
    {'en': 'Jan 2018, Feb 2013', 'zh': '2018年1月、2013年2月'}
    """
    pairs = sorted((int(month), int(year)) for month, year in months.items())
    return {"en": ", ".join(f"{_MONTH_ABBR[m]} {y}" for m, y in pairs),
            "zh": "、".join(f"{y}年{m}月" for m, y in pairs)}


def note_keys(notes: tuple[str, ...] | list[str]) -> list[list[Any]]:
    """``[key, params]`` of each note (``["", {}]`` for a note without key), for JSON."""
    return [[getattr(note, "key", ""), dict(getattr(note, "params", {}))] for note in notes]


def keyed_notes(notes: Any, keys: Any) -> tuple[str, ...]:
    """Notes read back from JSON: each text with its ``[key, params]`` from
    :func:`note_keys` when the two lists match, else the texts as they are."""
    texts = tuple(str(note) for note in (notes or ()))
    if not isinstance(keys, list) or len(keys) != len(texts):
        return texts
    out: list[str] = []
    for text, pair in zip(texts, keys, strict=True):
        ok = isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], dict)
        out.append(WeatherNote(str(pair[0]), text, pair[1]) if ok and pair[0] else text)
    return tuple(out)


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
    station_zh : str
        Chinese name of the station's city, where the data has one (else ``""``).
    notes : tuple of str
        Anything assumed or filled in (gaps interpolated, fallback used, ...); a
        :class:`WeatherNote` carries a stable key for translation (``to_dict`` lists the keys
        as ``note_keys``).
    elevation_source : {"data", "altitude_grid"}
        Where ``elevation_m`` comes from: the data itself (its station, grid cell or file
        header), or pvlib's global altitude grid at the site
        (:func:`pvlib.location.lookup_altitude`) where the data gives none.
    annual_ghi_kwh_m2 : tuple of (int, float)
        The annual GHI sum of each complete year the typical year was drawn from
        (year, kWh/m2), when the source delivered the years themselves (NASA POWER); empty
        otherwise. Its spread is the year-to-year variability of the resource. ``to_dict``
        gives it as ``{"2015": 1234.5, ...}``.
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
    station_zh: str = ""
    annual_ghi_kwh_m2: tuple[tuple[int, float], ...] = ()
    elevation_source: str = "data"

    def __post_init__(self) -> None:
        # Read back from JSON as {"2015": 1234.5} or [[2015, 1234.5]]: kept as sorted pairs.
        value = self.annual_ghi_kwh_m2
        pairs = value.items() if isinstance(value, Mapping) else (value or ())
        object.__setattr__(self, "annual_ghi_kwh_m2",
                           tuple(sorted((int(year), float(ghi)) for year, ghi in pairs)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        out = asdict(self)
        out["notes"] = [str(note) for note in self.notes]
        out["note_keys"] = note_keys(self.notes)
        out["annual_ghi_kwh_m2"] = {str(year): ghi for year, ghi in self.annual_ghi_kwh_m2}
        return out
