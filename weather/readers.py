"""Read weather files that users bring onto the typical-year axis.

:func:`read_weather_file` accepts a path, raw bytes (what the app's uploader gives) or a
binary file object, detects the format from the content (the extension is only a fallback),
parses it with pvlib's readers, converts the time labels to the site's local standard time
with labels at interval start, maps the year onto :data:`weather.timeaxis.TYPICAL_YEAR` and
passes the result through :func:`weather.validate.clean_weather`. Files are parsed, never
executed, and never fetched from a URL.

Formats
-------
``epw``
    EnergyPlus weather (``pvlib.iotools.read_epw``): CSWD/IWEC/TMYx files, PVGIS "EPW".
``tmy3``
    NREL TMY3 and TMY3-format CSV (``read_tmy3``).
``tmy2``
    NREL TMY2 fixed-width ``.tm2`` (``read_tmy2``).
``pvgis-file``
    PVGIS TMY downloads as JSON or CSV (``read_pvgis_tmy``). PVGIS hourly series
    (seriescalc) are not typical years and are refused.
``csv``
    The plain CSV format below.

Plain CSV format
----------------
::

    # latitude=30.27, longitude=120.16, elevation=12, utc_offset=8, dataset=My station 2023
    # units: ghi=W/m2, dni=W/m2, dhi=W/m2, temp_air=degC, wind_speed=m/s
    time,ghi,dni,dhi,temp_air,wind_speed
    2023-01-01 00:00,0,0,0,3.2,1.5
    2023-01-01 01:00,0,0,0,3.0,1.4
    ...

- Leading lines starting with ``#`` hold ``key=value`` pairs separated by commas or
  semicolons. Keys: ``latitude`` and ``longitude`` [deg] (required unless passed to
  :func:`read_weather_file`), ``elevation`` [m], ``utc_offset`` [h] (the offset of naive
  times; default: the standard offset of the location), ``dataset``, ``station``, and
  ``label=start|end`` (interval labels; default ``start``). A key that is a column name
  declares its unit (below).
- Then a header row and one row per time step, separated by commas (or semicolons / tabs,
  detected from the header); numbers use a ``.`` decimal point; empty cells are gaps.
- Columns (case ignored): ``time`` (also ``timestamp``, ``datetime``, ``date``), ``ghi``,
  ``temp_air`` (also ``temperature``, ``temp``, ``t2m``) required; ``dni``, ``dhi``,
  ``wind_speed`` (also ``wind``, ``ws``, ``ws10m``) optional. Other columns are ignored.
  Chinese headers are read too (``时间``, ``总辐照度``, ``直接辐照度``, ``散射辐照度``, ``气温``,
  ``风速`` and the like: ``_CSV_ALIASES``), with units in ``[]``, ``()`` or ``（）``.
  Missing ``dni``/``dhi`` are derived from ``ghi`` (Erbs); missing wind is 1 m/s.
- ``time`` is ISO 8601: ``2023-01-01 13:00``, ``2023-01-01T13:00:00+08:00`` or
  ``...Z``. Times with an offset are converted to local standard time; naive times are
  local standard time (no daylight saving), or in the offset the header states
  (``time [UTC]``, ``time [UTC+8]``) or the ``utc_offset`` comment gives. Each label is the START of its interval unless
  ``label=end``. One year of data (any year; 29 February is dropped), hourly or finer
  (5/10/15/30-minute rows are averaged to hours; to quarter hours when
  ``interval_minutes=15`` asks for them). Irradiance 2 h or more off the sun at the location
  is refused, naming the time zone the times look like (:mod:`weather.timing`).
- Units default to W/m2, degC and m/s. Others are declared in a comment
  (``# units: ghi=kWh/m2, temp_air=K``) or in the header (``ghi [kJ/m2]``), see
  :data:`weather.validate.ACCEPTED_UNITS`; energies are per row.
"""

from __future__ import annotations

import csv
import io
import json
import locale
import math
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pvlib

from weather.coordinates import grid_elevation_m
from weather.csvtimes import csv_times, has_offsets
from weather.errors import WeatherInputError, message_part
from weather.meta import REQUIRED_COLUMNS, WeatherMeta, WeatherNote, column_words
from weather.origin import source_times
from weather.timeaxis import fixed_offset_tz, standard_utc_offset_hours, to_typical_year
from weather.timing import file_time_fix, utc_offset_in
from weather.validate import clean_weather, convert_units

#: Default upper limit of a weather file [bytes]; an hourly EPW year is about 1.6 MB.
DEFAULT_MAX_BYTES = 50_000_000

#: Names accepted for ``fmt`` (besides the detected ones): aliases -> canonical format.
FORMATS = {
    "epw": "epw",
    "tmy3": "tmy3",
    "tmy2": "tmy2",
    "tm2": "tmy2",
    "pvgis": "pvgis",
    "pvgis-file": "pvgis",
    "pvgis-json": "pvgis-json",
    "pvgis-csv": "pvgis-csv",
    "csv": "csv",
}

_EXPECTED = {
    "epw": "an EPW file: a LOCATION line, 7 more header lines, then hourly rows of 35 "
    "comma-separated fields",
    "tmy3": "a TMY3 file: a station line (USAF,Name,State,TZ,latitude,longitude,altitude), a "
    "header line starting 'Date (MM/DD/YYYY),Time (HH:MM)', then 8760 rows",
    "tmy2": "a TMY2 file: a fixed-width station line, then 8760 fixed-width rows",
    "pvgis-json": "a PVGIS TMY download in JSON (inputs, outputs.months_selected, "
    "outputs.tmy_hourly)",
    "pvgis-csv": "a PVGIS TMY download in CSV (Latitude/Longitude/Elevation lines, the "
    "months table, then 8760 rows from 'time(UTC)')",
    "csv": "a CSV with a 'time' column (ISO 8601) and columns ghi, temp_air (optional dni, "
    "dhi, wind_speed); see weather.readers for the format",
}

#: Formats whose definition fixes the units (irradiance in W/m2, or Wh/m2 per hour) and
#: states the time zone of the times, as the messages name them: their units are never
#: questioned, and a time shift is a damaged file, not a header to write.
_FIXED_UNITS = {"epw": "EPW", "tmy3": "TMY3", "tmy2": "TMY2", "pvgis-json": "PVGIS",
                "pvgis-csv": "PVGIS"}

_SOURCE = {
    "epw": "epw",
    "tmy3": "tmy3",
    "tmy2": "tmy2",
    "pvgis-json": "pvgis-file",
    "pvgis-csv": "pvgis-file",
    "csv": "csv",
}

#: What a note says of a data source the file does not name.
_NOT_STATED = {"en": "not stated", "zh": "未注明"}

#: Column names accepted in a weather CSV, English and the Chinese a pyranometer, inverter or
#: weather-station export writes.
_CSV_ALIASES = {
    "time": ("time", "timestamp", "datetime", "date_time", "date", "时间", "日期时间", "采集时间"),
    "ghi": ("ghi", "总辐照度", "水平面总辐照度", "总辐射", "水平总辐射", "辐照度"),
    "dni": ("dni", "直接辐照度", "法向直接辐照度", "直射辐照度"),
    "dhi": ("dhi", "散射辐照度", "水平面散射辐照度"),
    "temp_air": ("temp_air", "temperature", "temp", "t_air", "t2m", "气温", "环境温度", "温度"),
    "wind_speed": ("wind_speed", "wind", "ws", "ws10m", "风速"),
}
_ALIAS_TO_COLUMN = {alias: col for col, aliases in _CSV_ALIASES.items() for alias in aliases}

_TMY2_STATION = re.compile(
    r"^\s*\d{5}\s+\S.*?\s[+-]?\d{1,2}\s+[NS]\s*\d{1,2}\s+\d{1,2}\s+[EW]\s*\d{1,3}\s+\d{1,2}\s+-?\d+\s*$"
)
_TMY2_ROW = re.compile(r"^\s?\d{9}")
_KEY_VALUE = re.compile(r"([A-Za-z_]\w*)\s*=\s*([^,;]+)")
_HEADER_UNIT = re.compile(r"^(.*?)\s*[\[(（]([^\])）]*)[\])）]\s*$")  # also full-width （）


@dataclass
class _Parsed:
    """What a format parser hands back: native-time data and the file's metadata."""

    data: pd.DataFrame  # tz-aware index at interval START, pvlib column names, SI units
    dataset: str
    years: str = ""
    latitude: float | None = None
    longitude: float | None = None
    elevation_m: float | None = None
    utc_offset_hours: float | None = None  # the file's own time zone, if it states one
    station: str = ""
    attribution: str = ""
    # WeatherNotes keyed "file.*". None names the file: the app keeps uploads under stored
    # (hashed) names, and the reader knows which file they gave.
    notes: list[str] = field(default_factory=list)
    # How the file states the offset of its times (utc_offset_hours), for the advice on a
    # time shift: "file" (the format's own field), or for a plain CSV "header", "comment",
    # "given" (the caller's offset), "standard" (the location's) or "offsets" (in each time).
    time_basis: str = "file"
    # Units the user declared for columns (already converted), column -> unit as written.
    declared_units: dict[str, str] = field(default_factory=dict)
    # Each row's line in the file and its time as written (None: unknown), so that the
    # checks name the file's own times (weather.origin), not the typical year's.
    lines: np.ndarray | None = None
    time_texts: list[str] | None = None


def read_weather_file(
    source: str | os.PathLike | bytes | BinaryIO,
    *,
    fmt: str | None = None,
    filename: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    utc_offset_hours: float | None = None,
    units: Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    interval_minutes: int = 60,
) -> tuple[pd.DataFrame, WeatherMeta]:
    """Read a weather file onto the typical-year axis in local standard time.

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary file object
        A path, the file's bytes (e.g. an upload) or an open binary file.
    fmt : str, optional
        ``epw``, ``tmy3``, ``tmy2``, ``pvgis`` (JSON or CSV), ``pvgis-json``, ``pvgis-csv``
        or ``csv``. By default detected from the content, then from the extension.
    filename : str, optional
        Name used in messages and for the extension fallback (defaults to the path's name).
    latitude, longitude : float, optional
        Site location [deg]. Needed for plain CSV files without a location comment; for
        formats that carry their station's location, the distance to the site is recorded.
    utc_offset_hours : float, optional
        Offset of the site's local standard time [h]; defaults to the standard offset at the
        data's location. Naive times of a plain CSV are read in the offset the file states
        (``time [UTC+8]`` header or ``utc_offset=`` comment), else in this one.
    units : mapping, optional
        Units of plain CSV columns (see :func:`weather.validate.convert_units`); overrides
        the file's own declarations. Ignored for formats with fixed units.
    max_bytes : int, default :data:`DEFAULT_MAX_BYTES`
        Largest accepted file [bytes].
    interval_minutes : {60, 15}, default 60
        Finest step wanted [min]. 60 averages finer rows to hours; 15 keeps a plain CSV's
        15-minute rows (finer rows averaged to quarter hours) for a 15-minute plan. A file
        whose rows are coarser than this step is read hourly.

    Returns
    -------
    (pandas.DataFrame, WeatherMeta)
        8760 hourly rows (35040 with ``interval_minutes=15`` and 15-minute or finer rows)
        on :func:`weather.timeaxis.typical_year_index` with the columns
        ``ghi``, ``dni``, ``dhi`` [W/m2], ``temp_air`` [degC], ``wind_speed`` [m/s], and the
        metadata (``obtained="file"``, notes on everything assumed or repaired).

    Raises
    ------
    WeatherInputError
        For a missing, empty, oversized, binary or unrecognised file, a parse failure, or
        data that :func:`weather.validate.clean_weather` rejects. The message names the file.
    """
    content, name = _load(source, filename, max_bytes)
    text = _decode(content, name)
    kind = _choose_format(text, name, fmt)
    parser = _PARSERS[kind]
    label = file_label(name)
    try:
        with warnings.catch_warnings():
            # pandas deprecation chatter from pvlib's parsers on damaged files is not for users
            warnings.simplefilter("ignore")
            parsed = parser(text, content, name, latitude, longitude, utc_offset_hours, units)
    except WeatherInputError:
        raise
    except Exception as exc:  # pvlib and pandas raise anything on junk: name file and format
        raise _unreadable(label, kind, text) from exc

    lat, lon = parsed.latitude, parsed.longitude
    if lat is None or lon is None:
        lat, lon = latitude, longitude
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 360):
        raise WeatherInputError.of(
            "file.location_invalid",
            "{label}: the location is unknown or invalid (latitude {lat}, longitude {lon}); "
            "pass latitude and longitude, or start a CSV file with "
            "'# latitude=30.27, longitude=120.16'", label=label, lat=_text(lat), lon=_text(lon))
    lon = lon - 360.0 if lon > 180 else lon
    notes = list(parsed.notes)
    distance = None
    if latitude is not None and longitude is not None and parsed.latitude is not None:
        distance = _distance_km(latitude, longitude, lat, lon)
        if distance > 1.0:
            notes.append(WeatherNote.of(
                "file.station_distance", "the file's station is {km:.0f} km from the site",
                km=float(distance)))
        else:
            distance = None

    offset = utc_offset_hours
    if offset is None:
        offset = standard_utc_offset_hours(lat, lon)
    try:
        fixed_offset_tz(offset)
    except ValueError:
        raise WeatherInputError.of(
            "file.utc_offset", "{label}: UTC offset {offset} h is outside -12..14 h",
            label=label, offset=_text(offset)) from None
    if parsed.utc_offset_hours is not None and parsed.utc_offset_hours != offset:
        notes.append(WeatherNote.of(
            "file.time_zone", "time labels converted from the file's UTC{file_offset:+g} to "
            "local standard time UTC{offset:+g}", file_offset=float(parsed.utc_offset_hours),
            offset=float(offset)))

    data, step = _averaged(parsed.data, interval_minutes, notes)
    try:
        typical = to_typical_year(data, offset, interval_minutes=step)
    except Exception as exc:  # e.g. unparseable index produced from a damaged file
        raise _unreadable(label, kind, text) from exc
    origin = source_times(parsed.data.index, float(offset), step, texts=parsed.time_texts,
                          lines=parsed.lines)
    frame, clean_notes = clean_weather(
        typical, label=label, interval_minutes=step, latitude=lat, longitude=lon,
        declared_units=parsed.declared_units, fixed_format=_FIXED_UNITS.get(kind), origin=origin,
        time_fix=file_time_fix(
            _FIXED_UNITS.get(kind), parsed.time_basis,
            parsed.utc_offset_hours if parsed.utc_offset_hours is not None else float(offset),
            float(offset)))
    notes += clean_notes

    elevation = parsed.elevation_m
    elevation_source = "data"
    if elevation is None or not math.isfinite(elevation):
        elevation = grid_elevation_m(lat, lon)
        elevation_source = "altitude_grid"
        notes.append(WeatherNote.of(
            "file.no_elevation", "the file gives no elevation; {elevation:.0f} m taken from "
            "pvlib's altitude map", elevation=elevation))
    meta = WeatherMeta(
        source=_SOURCE[kind],
        dataset=parsed.dataset,
        years=parsed.years,
        latitude=float(lat),
        longitude=float(lon),
        elevation_m=float(elevation),
        elevation_source=elevation_source,
        utc_offset_hours=float(offset),
        obtained="file",
        attribution=parsed.attribution,
        station=parsed.station,
        distance_km=distance,
        notes=tuple(notes),
    )
    return frame, meta


def _averaged(data: pd.DataFrame, interval_minutes: int,
              notes: list[str]) -> tuple[pd.DataFrame, int]:
    """Rows finer than the step wanted averaged to it (hourly for rows that do not divide
    it); returns the data and their step [min]."""
    if interval_minutes not in (15, 60):
        raise ValueError(f"interval_minutes must be 15 or 60, got {interval_minutes!r}")
    steps = np.diff(pd.DatetimeIndex(data.index).as_unit("ns").asi8) / 6e10
    step = int(np.median(steps)) if len(steps) else 60
    target = interval_minutes if step <= interval_minutes and step > 0 and (
        interval_minutes % step == 0) else 60
    if 0 < step < target:
        data = data.resample(f"{target}min", label="left", closed="left").mean()
        notes.append(
            WeatherNote.of("file.averaged_hourly", "{step}-minute rows averaged to hourly "
                           "values", step=int(step)) if target == 60 else
            WeatherNote.of("file.averaged", "{step}-minute rows averaged to {target}-minute "
                           "values", step=int(step), target=int(target)))
    return data, target


def detect_format(text: str, filename: str | None = None) -> str | None:
    """Guess a weather file's format from its content, then from its extension.

    Parameters
    ----------
    text : str
        The decoded file content (at least its first lines).
    filename : str, optional
        Used only when the content is not recognised.

    Returns
    -------
    str or None
        ``epw``, ``tmy3``, ``tmy2``, ``pvgis-json``, ``pvgis-csv``, ``csv`` or None.
    """
    lines = [line.strip("\ufeff\r") for line in text[:20000].splitlines()]
    lines = [line for line in lines if line.strip()]
    if lines:
        first = lines[0]
        second = lines[1] if len(lines) > 1 else ""
        if first.upper().startswith("LOCATION,"):
            return "epw"
        if first.lstrip().startswith("{"):
            return "pvgis-json" if '"outputs"' in text or '"tmy_hourly"' in text else None
        if first.lower().startswith("latitude (decimal degrees)"):
            return "pvgis-csv"
        if second.startswith("Date (MM/DD/YYYY)"):
            return "tmy3"
        if _TMY2_STATION.match(first) and _TMY2_ROW.match(second):
            return "tmy2"
        header = next((line for line in lines if not line.lstrip().startswith("#")), "")
        names = [_header_name(n)[0] for n in re.split(r"[,;\t]", header)]
        if any(_ALIAS_TO_COLUMN.get(n) == "time" for n in names):
            return "csv"
    suffix = Path(filename or "").suffix.lower()
    return {".epw": "epw", ".tm2": "tmy2", ".json": "pvgis-json", ".csv": "csv"}.get(suffix)


# --- input handling ----------------------------------------------------------------------


def _load(source, filename: str | None, max_bytes: int) -> tuple[bytes, str]:
    limit = _size(max_bytes)
    if isinstance(source, (bytes, bytearray, memoryview)):
        content = bytes(source)
        name = filename or "uploaded file"
    elif isinstance(source, (str, os.PathLike)):
        try:
            path = Path(source)
            name = filename or path.name
            if path.is_dir():
                raise WeatherInputError.of("file.folder", "weather file {name!r} is a folder, "
                                           "not a file; give the weather file inside it",
                                           name=str(path))
            if not path.is_file():
                raise WeatherInputError.of("file.not_found",
                                           "weather file {name!r} was not found",
                                           name=str(path))
            size = path.stat().st_size
            if size > max_bytes:
                raise WeatherInputError.of(
                    "file.too_large",
                    "weather file {name!r} is {size}, more than the {limit} limit; an "
                    "hourly year is normally 1-2 MB", name=name, size=_size(size), limit=limit)
            content = path.read_bytes()
        except (OSError, ValueError) as exc:
            if isinstance(exc, WeatherInputError):
                raise
            why = (message_part("file.no_permission", ": no permission to read it")
                   if isinstance(exc, PermissionError) else
                   message_part("file.io_error", ": the system could not read it (check that "
                                "its disk or network folder is available)"))
            raise WeatherInputError.of(
                "file.cannot_open", "weather file {name!r} cannot be opened{why}",
                name=str(source)[:200], why=why) from exc
    elif hasattr(source, "read"):
        name = filename or Path(str(getattr(source, "name", "") or "uploaded file")).name
        content = source.read(max_bytes + 1)
        if isinstance(content, str):
            content = content.encode("utf-8")
    else:
        raise TypeError(f"expected a path, bytes or a binary file, got {type(source).__name__}")
    if len(content) > max_bytes:
        raise WeatherInputError.of(
            "file.larger_than", "weather file {name!r} is larger than the {limit} limit; an "
            "hourly year is normally 1-2 MB", name=name, limit=limit)
    if not content.strip():
        raise WeatherInputError.of("file.empty", "weather file {name!r} is empty", name=name)
    return content, name


def _decode(content: bytes, name: str) -> str:
    label = file_label(name)
    if content.startswith(b"PK\x03\x04"):
        raise WeatherInputError.of(
            "file.zip", "{label} is a ZIP archive or an Excel workbook; unzip it, or save the "
            "sheet as CSV", label=label)
    if content.startswith(b"\x1f\x8b"):
        raise WeatherInputError.of("file.gzip", "{label} is gzip-compressed; decompress it "
                                   "first", label=label)
    if b"\x00" in content[:65536]:
        raise WeatherInputError.of(
            "file.binary", "{label} is a binary file, not text; expected {formats} weather text",
            label=label, formats={"en": ", ".join(_SOURCE), "zh": "EPW、TMY3、TMY2、PVGIS、CSV"})
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # latin-1 decodes anything; weather numbers are ASCII, so names may suffer only
        text = content.decode("latin-1")
    sample = text[:65536]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    if control > 0.01 * len(sample):
        raise WeatherInputError.of("file.not_text", "{label} does not look like a text "
                                   "weather file", label=label)
    return text


def _choose_format(text: str, name: str, fmt: str | None) -> str:
    if fmt is not None:
        key = FORMATS.get(str(fmt).strip().lower())
        if key is None:
            raise WeatherInputError.of(
                "file.unknown_format", "unknown weather file format {fmt!r}; use one of "
                "{formats}", fmt=str(fmt), formats=", ".join(sorted(FORMATS)))
        if key == "pvgis":
            key = "pvgis-json" if text.lstrip("\ufeff \r\n\t").startswith("{") else "pvgis-csv"
        return key
    kind = detect_format(text, name)
    if kind is None:
        raise WeatherInputError.of(
            "file.not_weather",
            "weather file {name!r} is not a recognised weather format: expected EPW, TMY3, "
            "TMY2, a PVGIS TMY (JSON/CSV) or a CSV with a 'time' column and ghi, temp_air "
            "(see weather.readers)", name=name)
    return kind


def _size(count: int) -> str:
    return f"{count / 1e6:,.1f} MB" if count >= 1e6 else f"{count:,} bytes"


def _text(value: object) -> str:
    """A value as the English text shows it (``None`` included), for a message's params."""
    return str(value)


def file_label(name: str) -> WeatherNote:
    """How messages name a weather file: ``"weather file 'site.csv'"`` (key ``label.file``,
    so an application can name it in its reader's language)."""
    return message_part("label.file", "weather file {name!r}", name=name)


def _unreadable(label: WeatherNote, kind: str, text: str) -> WeatherInputError:
    """A file the parser of ``kind`` could not read: the format expected and how many lines
    the file has (a cut-off download shows there), not the parser's own words (Python's, in
    English only)."""
    expected = message_part(f"format.{kind}", _EXPECTED[kind])
    lines = sum(1 for line in text.splitlines() if line.strip())
    return WeatherInputError.of(
        "file.unreadable", "{label} could not be read as {expected} (lines in the file: "
        "{lines}): check that the file is complete and was saved in that format",
        label=label, expected=expected, lines=int(lines))


def _years(values) -> str:
    years = pd.to_numeric(pd.Series(values), errors="coerce").dropna().astype(int)
    years = years[(years > 1800) & (years < 2200)]
    if years.empty:
        return ""
    low, high = int(years.min()), int(years.max())
    return str(low) if low == high else f"{low}-{high}"


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance [km] (haversine, mean Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _with_temp_file(text: str, suffix: str, reader: Callable[[str], tuple]) -> tuple:
    """Run a pvlib reader that wants a path on a private temporary copy of ``text``."""
    encoding = locale.getpreferredencoding(False)  # what pvlib's plain open() will use
    with tempfile.TemporaryDirectory(prefix="pvplanner-weather-") as folder:
        path = Path(folder) / f"weather{suffix}"
        with open(path, "w", encoding=encoding, errors="replace", newline="") as handle:
            handle.write(text.lstrip("\ufeff"))
        return reader(str(path))


def _float(value) -> float | None:
    try:
        out = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _drop_codes(data: pd.DataFrame, codes: Mapping[str, float]) -> pd.DataFrame:
    """Missing-value codes of fixed-format files (>= code) -> NaN.

    Text is left in place so that :func:`weather.validate.clean_weather` reports it.
    """
    out = data.copy()
    for column, code in codes.items():
        if column in out.columns:
            numbers = pd.to_numeric(out[column], errors="coerce")
            out[column] = out[column].mask(numbers >= code)
    return out


# --- format parsers ----------------------------------------------------------------------


def _parse_epw(text, content, name, latitude, longitude, utc_offset, units) -> _Parsed:
    data, meta = _with_temp_file(text, ".epw", pvlib.iotools.read_epw)
    # EPW hour h covers (h-1):00 to h:00 local standard time (EnergyPlus Auxiliary Programs,
    # "hour 1 = 00:01-01:00"): the label is the interval END. pvlib's read_epw already labels
    # each row with h-1, i.e. the interval START we need, so no further shift here.
    if data.index.has_duplicates:
        raise WeatherInputError.of(
            "file.epw_subhourly",
            "weather file {name!r}: sub-hourly EPW files are not supported (several rows per "
            "hour); use an hourly EPW", name=name)
    # EPW missing-value codes (EnergyPlus Auxiliary Programs, EPW data dictionary)
    data = _drop_codes(
        data, {"ghi": 9999, "dni": 9999, "dhi": 9999, "temp_air": 99.9, "wind_speed": 999}
    )
    tz = _float(meta.get("TZ"))
    return _Parsed(
        data=data[list(REQUIRED_COLUMNS)],
        dataset=str(meta.get("data_type", "")).strip() or "EPW",
        years=_years(data["year"]),
        latitude=_float(meta.get("latitude")),
        longitude=_float(meta.get("longitude")),
        elevation_m=_float(meta.get("altitude")),
        utc_offset_hours=tz,
        station=str(meta.get("city", "")).strip(),
        lines=np.arange(len(data)) + 9,  # after the 8 header records
        notes=[WeatherNote.of("file.epw", "weather file read as EPW (data source: {dataset})",
                              dataset=str(meta.get("data_type", "")).strip() or _NOT_STATED)],
    )


def _parse_tmy3(text, content, name, latitude, longitude, utc_offset, units) -> _Parsed:
    data, meta = _with_temp_file(
        text,
        ".csv",
        lambda path: pvlib.iotools.read_tmy3(
            path, map_variables=True, encoding=locale.getpreferredencoding(False)
        ),
    )
    tz = float(meta["TZ"])
    # TMY3 values are totals over the hour ENDING at 'Time (HH:MM)' local standard time
    # (NREL TMY3 User's Manual, Wilcox & Marion 2008): the interval start is one hour earlier.
    # The index is rebuilt from the raw date and time because pvlib moves 29 February to
    # 1 March, which turns the 'Feb 28 24:00' row of a leap-year February into 'Mar 1 00:00'.
    dates = pd.to_datetime(data["Date (MM/DD/YYYY)"].astype(str), format="%m/%d/%Y")
    clock = data["Time (HH:MM)"].astype(str).str.split(":", expand=True)
    end = (
        dates
        + pd.to_timedelta(clock[0].astype(int), unit="h")
        + pd.to_timedelta(clock[1].astype(int), unit="min")
    )
    start = pd.DatetimeIndex(end - pd.Timedelta(hours=1)).tz_localize(fixed_offset_tz(tz))
    frame = data[list(REQUIRED_COLUMNS)].copy()
    frame.index = start
    return _Parsed(
        data=frame,
        dataset="TMY3",
        years=_years(dates.dt.year),
        latitude=_float(meta.get("latitude")),
        longitude=_float(meta.get("longitude")),
        elevation_m=_float(meta.get("altitude")),
        utc_offset_hours=tz,
        station=str(meta.get("Name", "")).strip().strip('"'),
        lines=np.arange(len(frame)) + 3,  # after the 2 header lines
        notes=[WeatherNote.of("file.tmy3", "weather file read as TMY3 (labels at interval end, "
                              "shifted 1 h to interval start)")],
    )


def _parse_tmy2(text, content, name, latitude, longitude, utc_offset, units) -> _Parsed:
    data, meta = _with_temp_file(text, ".tm2", pvlib.iotools.read_tmy2)
    # TMY2 hour h covers (h-1):00 to h:00 local standard time (NREL TMY2 manual, 1995);
    # pvlib's read_tmy2 labels rows with h-1, the interval START, so no further shift.
    # TMY2 units: irradiance in Wh/m2 over the hour (= mean W/m2), dry bulb in 0.1 degC,
    # wind speed in 0.1 m/s; 9999 marks a missing value.
    raw = _drop_codes(
        data[["GHI", "DNI", "DHI", "DryBulb", "Wspd"]],
        {"GHI": 9999, "DNI": 9999, "DHI": 9999, "DryBulb": 9999, "Wspd": 9999},
    )
    frame = pd.DataFrame(
        {
            "ghi": raw["GHI"],
            "dni": raw["DNI"],
            "dhi": raw["DHI"],
            "temp_air": raw["DryBulb"] / 10.0,
            "wind_speed": raw["Wspd"] / 10.0,
        },
        index=data.index,
    )
    if frame.index.has_duplicates:
        raise WeatherInputError.of("file.tmy2_repeat",
                                   "weather file {name!r}: TMY2 rows repeat the same hour",
                                   name=name)
    years = pd.to_numeric(data["year"], errors="coerce") + 1900
    return _Parsed(
        data=frame,
        dataset="TMY2",
        years=_years(years),
        latitude=_float(meta.get("latitude")),
        longitude=_float(meta.get("longitude")),
        elevation_m=_float(meta.get("altitude")),
        utc_offset_hours=_float(meta.get("TZ")),
        station=str(meta.get("City", "")).strip(),
        lines=np.arange(len(frame)) + 2,  # after the header line
        notes=[WeatherNote.of("file.tmy2", "weather file read as TMY2")],
    )


_PVGIS_LABELS = WeatherNote.of(
    "file.pvgis_labels", "PVGIS TMY 'time(UTC)' labels are taken as interval start (values are "
    "hourly, irradiance from the satellite image a few minutes past the hour)")


def _pvgis_frame(data: pd.DataFrame, name: str) -> pd.DataFrame:
    missing = [c for c in REQUIRED_COLUMNS if c not in data.columns]
    if missing:
        raise WeatherInputError.of(
            "file.pvgis_columns", "weather file {name!r}: the PVGIS TMY has no {missing} "
            "(columns found: {found})", name=name, missing=", ".join(missing),
            found=", ".join(map(str, data.columns)))
    frame = data[list(REQUIRED_COLUMNS)].copy()
    index = pd.DatetimeIndex(frame.index)
    frame.index = index.tz_localize("UTC") if index.tz is None else index.tz_convert("UTC")
    return frame


def _parse_pvgis_json(text, content, name, latitude, longitude, utc_offset, units) -> _Parsed:
    src = json.loads(text.lstrip("\ufeff"))
    if not isinstance(src, dict) or "outputs" not in src:
        raise WeatherInputError.of(
            "file.pvgis_json", "weather file {name!r} is JSON but not a PVGIS download (no "
            "'outputs')", name=name)
    if not isinstance(src["outputs"], dict) or "tmy_hourly" not in src["outputs"]:
        raise WeatherInputError.of(
            "file.pvgis_not_tmy",
            "weather file {name!r} is a PVGIS result but not a TMY (no outputs.tmy_hourly); "
            "download the 'TMY' tool output from PVGIS", name=name)
    src.setdefault("meta", {"inputs": {}})
    data, meta = pvlib.iotools.read_pvgis_tmy(
        io.StringIO(json.dumps(src)), pvgis_format="json", map_variables=True
    )
    inputs = meta.get("inputs", {}) or {}
    location = inputs.get("location", {}) or {}
    meteo = inputs.get("meteo_data", {}) or {}
    dataset = str(meteo.get("radiation_db") or "PVGIS")
    if not dataset.upper().startswith("PVGIS"):
        dataset = f"PVGIS-{dataset}"
    years = ""
    if meteo.get("year_min") and meteo.get("year_max"):
        years = f"{int(meteo['year_min'])}-{int(meteo['year_max'])}"
    else:
        years = _years([m.get("year") for m in meta.get("months_selected", []) or []])
    return _Parsed(
        data=_pvgis_frame(data, name),
        dataset=dataset,
        years=years,
        latitude=_float(location.get("latitude")),
        longitude=_float(location.get("longitude")),
        elevation_m=_float(location.get("elevation")),
        utc_offset_hours=0.0,
        attribution="PVGIS © European Union",
        notes=[WeatherNote.of("file.pvgis_json", "weather file read as a PVGIS TMY (JSON)"),
               _PVGIS_LABELS],
    )


def _parse_pvgis_csv(text, content, name, latitude, longitude, utc_offset, units) -> _Parsed:
    buffer = io.BytesIO(text.lstrip("\ufeff").encode("utf-8"))
    data, meta = pvlib.iotools.read_pvgis_tmy(buffer, pvgis_format="csv", map_variables=True)
    inputs = meta.get("inputs", {}) or {}
    notes: list[str] = [
        WeatherNote.of("file.pvgis_csv", "weather file read as a PVGIS TMY (CSV)"), _PVGIS_LABELS]
    offset = inputs.get("irradiance time offset")
    if offset is not None:
        notes.append(WeatherNote.of(
            "file.pvgis_time_offset", "PVGIS irradiance time offset in the file: {hours:.2f} h "
            "(not applied)", hours=float(offset)))
    return _Parsed(
        data=_pvgis_frame(data, name),
        dataset="PVGIS",
        years=_years([m.get("year") for m in meta.get("months_selected", []) or []]),
        latitude=_float(inputs.get("latitude")),
        longitude=_float(inputs.get("longitude")),
        elevation_m=_float(inputs.get("elevation")),
        utc_offset_hours=0.0,
        attribution="PVGIS © European Union",
        notes=notes,
    )


def _header_name(raw: str) -> tuple[str, str | None]:
    """Column name (lower case) and the unit written in brackets after it, if any."""
    text = raw.strip().strip('"').strip()
    unit = None
    match = _HEADER_UNIT.match(text)
    if match and match.group(1):
        text, unit = match.group(1), match.group(2).strip() or None
    return text.strip().lower().replace(" ", "_"), unit


def _parse_csv(text, content, name, latitude, longitude, utc_offset, units) -> _Parsed:
    label = file_label(name)
    lines = text.lstrip("\ufeff").splitlines()
    settings: dict[str, str] = {}
    header_at = 0
    while header_at < len(lines) and (
        not lines[header_at].strip() or lines[header_at].lstrip().startswith("#")
    ):
        for key, value in _KEY_VALUE.findall(lines[header_at]):
            settings[key.strip().lower()] = value.strip()
        header_at += 1
    if header_at >= len(lines):
        raise WeatherInputError.of("csv.no_header", "{label} has no header row (expected "
                                   "{expected})", label=label,
                                   expected=message_part("format.csv", _EXPECTED["csv"]))
    header = lines[header_at]
    sep = max((",", ";", "\t"), key=header.count)

    raw_names = header.split(sep)
    columns: dict[str, int] = {}
    declared: dict[str, str] = {}
    time_unit = None
    for position, raw in enumerate(raw_names):
        base, unit = _header_name(raw)
        column = _ALIAS_TO_COLUMN.get(base)
        if column is not None and column not in columns:
            columns[column] = position
            if column == "time":
                time_unit = unit
            elif unit:
                declared[column] = unit
    found = ", ".join(n.strip() for n in raw_names) or "none"
    for required in ("time", "ghi", "temp_air"):
        if required not in columns:
            raise WeatherInputError.of(
                "csv.missing_column",
                "{label}: required column {column!r} is missing (columns found: {found}). "
                "Name the columns time, ghi, temp_air and optionally dni, dhi, wind_speed.",
                label=label, column=column_words(required), found=found)
    for key, value in settings.items():
        column = _ALIAS_TO_COLUMN.get(key)
        if column is not None and column != "time":
            declared[column] = value
    declared.update({str(k).strip().lower(): v for k, v in (units or {}).items()})

    try:
        table = pd.read_csv(
            io.StringIO("\n".join(lines[header_at:])),
            sep=sep,
            header=0,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="python" if sep != "," else "c",
        )
    except pd.errors.ParserError as exc:
        raise _csv_unreadable(label, lines, header_at, sep) from exc
    table = table.fillna("")  # short rows: absent cells are gaps
    table.columns = range(table.shape[1])
    # file line of each row: header is line header_at + 1 (1-based); keep non-empty rows
    line_no = pd.Series(np.arange(len(table)) + header_at + 2, index=table.index)
    nonempty = table.apply(lambda col: col.str.strip() != "").any(axis=1)
    table, line_no = table[nonempty], line_no[nonempty]
    if table.empty:
        raise WeatherInputError.of("csv.no_rows", "{label} has a header but no data rows",
                                   label=label)

    site_lat = _float(settings.get("latitude", settings.get("lat")))
    site_lon = _float(settings.get("longitude", settings.get("lon", settings.get("lng"))))
    if site_lat is None or site_lon is None:
        site_lat, site_lon = latitude, longitude
    if site_lat is None or site_lon is None:
        raise WeatherInputError.of(
            "csv.no_location", "{label}: the location is unknown; start the file with "
            "'# latitude=30.27, longitude=120.16' or pass latitude and longitude", label=label)
    # naive times: the file's own statement first (header, then comment), then the site's
    offset = utc_offset_in(time_unit)
    basis = "header"
    if offset is None:
        offset = _float(settings.get("utc_offset", settings.get("utc_offset_hours")))
        basis = "comment"
    if offset is None:
        offset, basis = utc_offset, "given"
    if offset is None:
        offset, basis = standard_utc_offset_hours(site_lat, site_lon), "standard"
    try:
        tz = fixed_offset_tz(offset)
    except ValueError:
        raise WeatherInputError.of(
            "file.utc_offset", "{label}: UTC offset {offset} h is outside -12..14 h",
            label=label, offset=_text(offset)) from None

    times = table[columns["time"]].str.strip()
    index = csv_times(times, line_no, tz, label)
    if has_offsets(times):
        basis = "offsets"
    values = {}
    for column, position in columns.items():
        if column == "time":
            continue
        cells = table[position].str.strip()
        blank = cells.str.lower().isin({"", "nan", "na", "n/a", "null"})
        numbers = pd.to_numeric(cells.where(~blank), errors="coerce")
        bad = (~blank) & numbers.isna()
        if bad.any():
            first = bad[bad].index[0]
            raise WeatherInputError.of(
                "csv.not_number",
                "{label}, line {line}, column {column!r}: {value!r} is not a number ({count} "
                "such cells). Use plain numbers with a '.' decimal point; leave missing values "
                "empty.", label=label, line=int(line_no[first]),
                column=raw_names[position].strip(), value=str(cells[first]),
                count=int(bad.sum()))
        values[column] = numbers.to_numpy(dtype=float)
    frame = pd.DataFrame(values, index=index)

    duplicated = frame.index.duplicated()
    if duplicated.any():
        where = int(np.flatnonzero(duplicated)[0])
        raise WeatherInputError.of(
            "csv.repeated_time",
            "{label}, line {line}: time {time!r} repeats an earlier row (daylight-saving clock "
            "change?); times must be local standard time or carry their UTC offset",
            label=label, line=int(line_no.iloc[where]), time=str(times.iloc[where]))
    order = np.argsort(frame.index.asi8, kind="stable")
    frame = frame.iloc[order]
    steps = np.asarray((frame.index[1:] - frame.index[:-1]).total_seconds()) / 60.0
    step = float(np.median(steps)) if len(steps) else 60.0
    if step <= 0 or step > 60 or 60 % step:
        raise WeatherInputError.of(
            "csv.step", "{label}: the time step is {step:g} min; hourly or finer rows (60, 30, "
            "15, 10, 5 min) are needed", label=label, step=float(step))
    step_minutes = int(step)
    notes: list[str] = [WeatherNote.of("file.csv", "weather file read as plain CSV")]
    label_end = str(settings.get("label", "start")).strip().lower() == "end"
    if label_end:
        frame.index = frame.index - pd.Timedelta(minutes=step_minutes)
        notes.append(WeatherNote.of("file.label_end", "time labels at interval end shifted to "
                                    "interval start"))
    span = frame.index[-1] - frame.index[0]
    if span > pd.Timedelta(days=366):
        raise WeatherInputError.of(
            "csv.not_a_year", "{label} covers {days} days from {start}; give one year "
            "(typical or calendar) of data", label=label, days=int(span.days),
            start=f"{frame.index[0]:%Y-%m-%d}")
    frame, unit_notes = convert_units(frame, declared, step_minutes)
    notes += unit_notes
    elevation = _float(settings.get("elevation", settings.get("altitude")))
    known = {"latitude", "lat", "longitude", "lon", "lng", "elevation", "altitude"}
    known |= {"utc_offset", "utc_offset_hours", "dataset", "source", "station", "label"}
    ignored = sorted(k for k in settings if k not in known and k not in _ALIAS_TO_COLUMN)
    if ignored:
        notes.append(WeatherNote.of("file.ignored_keys", "header keys ignored: {keys}",
                                    keys={"en": ", ".join(ignored), "zh": "、".join(ignored)}))
    return _Parsed(
        data=frame,
        dataset=settings.get("dataset", settings.get("source", "user CSV")),
        years=_years(pd.DatetimeIndex(frame.index).year.unique()),
        latitude=site_lat,
        longitude=site_lon,
        elevation_m=elevation,
        utc_offset_hours=offset,
        station=settings.get("station", ""),
        notes=notes,
        time_basis=basis,
        declared_units={column: str(unit) for column, unit in declared.items()},
        lines=line_no.to_numpy()[order],
        time_texts=list(times.to_numpy()[order]),
    )


def _csv_unreadable(label: WeatherNote, lines: list[str], header_at: int,
                    sep: str) -> WeatherInputError:
    """A table pandas could not split: the first row with more cells than the header."""
    width = len(next(csv.reader([lines[header_at]], delimiter=sep)))
    for number, row in enumerate(csv.reader(lines[header_at + 1:], delimiter=sep),
                                 start=header_at + 2):
        if len(row) > width:
            return WeatherInputError.of(
                "csv.row_cells", "{label}, line {line}: {cells} cells where the header has "
                "{width}; give every row the header's columns (a ',' decimal mark or a "
                "thousands separator splits a number in two)", label=label, line=int(number),
                cells=len(row), width=int(width))
    return WeatherInputError.of(
        "csv.unreadable", "{label} could not be read as a table: check that every row has "
        "the header's columns, separated by the header's separator, and that quotes are "
        "closed", label=label)


_PARSERS = {
    "epw": _parse_epw,
    "tmy3": _parse_tmy3,
    "tmy2": _parse_tmy2,
    "pvgis-json": _parse_pvgis_json,
    "pvgis-csv": _parse_pvgis_csv,
    "csv": _parse_csv,
}
