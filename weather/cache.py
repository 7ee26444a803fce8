"""On-disk cache of typical-year weather fetched from online sources.

A place is fetched once. Each entry is two files under ``<directory>/<source>/``:

``<stem>.csv.gz``
    the typical-year frame as gzipped CSV (plain text: no pickle, readable by any tool);
``<stem>.json``
    the :class:`~weather.meta.WeatherMeta`, the request key and the SHA-256 of the CSV file.

Keys
----
An entry is keyed by the source name, the coordinates rounded to a grid of
:data:`GRID_DEG` = 0.01 degree (about 1.1 km north-south) and the request parameters that
differ from the source's defaults. Two sites on the same roof, or in the same industrial park,
therefore share one download. No information is lost by the rounding: the online sources
are gridded far more coarsely (PVGIS-ERA5 0.25 deg, NASA POWER 0.5 x 0.625 deg for
meteorology and 1 deg for solar).

Robustness
----------
Files are written to a temporary name in the same folder and moved into place with
:func:`os.replace` (atomic on POSIX and Windows); the JSON file, written last, commits the
entry. Entries that are unreadable, truncated, fail their checksum, do not span the
typical-year axis or hold values no weather has (beyond the physical limits of
:mod:`weather.validate`) are ignored (``get`` returns ``None`` and logs a warning, never
raises) so that the caller fetches again: a damaged cache is not the user's input.

Location
--------
``$PVPLANNER_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/pvplanner/weather``, else
``~/.cache/pvplanner/weather``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import math
import os
import tempfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weather.meta import REQUIRED_COLUMNS, WeatherMeta, keyed_notes
from weather.timeaxis import typical_year_index
from weather.validate import MAX_IRRADIANCE_W_M2, MAX_WIND_SPEED_M_S, TEMP_AIR_RANGE_C

__all__ = ["CACHE_ENV", "GRID_DEG", "WeatherCache", "cache_key", "default_cache_dir"]

_LOG = logging.getLogger(__name__)

#: Environment variable naming the cache directory.
CACHE_ENV = "PVPLANNER_CACHE_DIR"

#: Grid the coordinates are rounded to before keying [deg].
GRID_DEG = 0.01

#: Bumped when the on-disk layout changes; entries of other versions are ignored.
FORMAT_VERSION = 1


def default_cache_dir() -> Path:
    """The weather cache folder: ``$PVPLANNER_CACHE_DIR``, else the user's cache folder.

    Returns
    -------
    pathlib.Path
        ``$PVPLANNER_CACHE_DIR``, else ``$XDG_CACHE_HOME/pvplanner/weather``, else
        ``~/.cache/pvplanner/weather``. Read at call time, not import time.
    """
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "pvplanner" / "weather"


def _grid(value: float) -> float:
    """``value`` rounded to :data:`GRID_DEG` (no negative zero)."""
    snapped = round(round(float(value) / GRID_DEG) * GRID_DEG, 6)
    return snapped + 0.0


def _normalise(value: Any) -> Any:
    """A JSON-stable form of a request parameter (floats rounded to 1e-9)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return int(number) if number.is_integer() else round(number, 9)
    if isinstance(value, (list, tuple)):
        return [_normalise(item) for item in value]
    raise TypeError(f"cache key parameter of type {type(value).__name__} is not supported")


def cache_key(source: str, latitude: float, longitude: float, **params: Any) -> str:
    """File stem of a cache entry, e.g. ``N30.27_E120.15_3f9a0c1d2e4b``.

    Parameters
    ----------
    source : str
        Source name (``pvgis``, ``nasa-power``); entries live in a folder of that name.
    latitude, longitude : float
        Site coordinates [deg]; rounded to :data:`GRID_DEG`.
    **params
        Request parameters that change the answer; ``None`` values are dropped so that an
        explicit default keys like an omitted one.

    Returns
    -------
    str
        ``<lat>_<lon>_<digest>`` where the digest hashes the source, the rounded coordinates
        and the sorted parameters.
    """
    lat, lon = _grid(latitude), _grid(longitude)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"cannot key a cache entry on ({latitude}, {longitude})")
    clean = {name: _normalise(value) for name, value in sorted(params.items()) if value is not None}
    payload = json.dumps(
        {"source": source, "lat": lat, "lon": lon, "params": clean},
        sort_keys=True,
        separators=(",", ":"),
    )
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]
    lat_text = f"{'S' if lat < 0 else 'N'}{abs(lat):.2f}"
    lon_text = f"{'W' if lon < 0 else 'E'}{abs(lon):.2f}"
    return f"{lat_text}_{lon_text}_{digest}"


class WeatherCache:
    """Typical-year frames and their metadata on disk, keyed by source, place and request.

    Parameters
    ----------
    directory : str or pathlib.Path, optional
        Cache folder; :func:`default_cache_dir` when omitted (resolved when the cache is made).

    Examples
    --------
    >>> import tempfile
    >>> from weather.synthetic import synthetic_weather_for_place
    >>> frame, meta = synthetic_weather_for_place(30.2741, 120.1551)
    >>> folder = tempfile.TemporaryDirectory()
    >>> cache = WeatherCache(folder.name)
    >>> cache.put("synthetic", 30.2741, 120.1551, frame, meta).name
    'N30.27_E120.16_afa7c23a6094.json'
    >>> cached, cached_meta = cache.get("synthetic", 30.27, 120.155)  # same 0.01 deg cell
    >>> cached_meta.obtained, cached.equals(frame)
    ('cache', True)
    >>> folder.cleanup()
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory).expanduser() if directory else default_cache_dir()

    def __repr__(self) -> str:
        return f"WeatherCache({str(self.directory)!r})"

    def paths(
        self, source: str, latitude: float, longitude: float, **params: Any
    ) -> tuple[Path, Path]:
        """The ``(csv.gz, json)`` paths of an entry (whether or not it exists)."""
        stem = cache_key(source, latitude, longitude, **params)
        folder = self.directory / _safe_folder(source)
        return folder / f"{stem}.csv.gz", folder / f"{stem}.json"

    def get(
        self, source: str, latitude: float, longitude: float, **params: Any
    ) -> tuple[pd.DataFrame, WeatherMeta] | None:
        """The cached frame and metadata, or ``None`` if absent or unusable.

        Parameters
        ----------
        source : str
            Source name.
        latitude, longitude : float
            Site coordinates [deg].
        **params
            The request parameters the entry was stored with.

        Returns
        -------
        (pandas.DataFrame, WeatherMeta) or None
            The frame on the typical-year axis and the metadata with ``obtained="cache"``.
            A corrupt entry gives ``None`` (and a logged warning), never an error.
        """
        data_path, meta_path = self.paths(source, latitude, longitude, **params)
        if not meta_path.exists():
            return None
        try:
            record = json.loads(meta_path.read_text(encoding="utf-8"))
            if not isinstance(record, dict):
                raise ValueError(f"the record is a JSON {type(record).__name__}, not an object")
            if record.get("format") != FORMAT_VERSION:
                return None
            raw = data_path.read_bytes()
            if hashlib.sha256(raw).hexdigest() != record["sha256"]:
                raise ValueError("checksum mismatch")
            if not isinstance(record["meta"], dict):
                raise ValueError("the record's meta is not an object")
            meta_fields = dict(record["meta"])
            meta_fields["notes"] = keyed_notes(meta_fields.get("notes"),
                                               meta_fields.pop("note_keys", None))
            meta_fields["obtained"] = "cache"
            meta = WeatherMeta(**meta_fields)
            frame = _read_frame(raw, meta.utc_offset_hours)
            _check_physical(frame)
        except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError,
                RecursionError, zlib.error) as exc:  # a broken entry, whatever broke it
            _LOG.warning("ignoring unusable weather cache entry %s (%s)", meta_path, exc)
            return None
        return frame, meta

    def put(
        self,
        source: str,
        latitude: float,
        longitude: float,
        data: pd.DataFrame,
        meta: WeatherMeta,
        **params: Any,
    ) -> Path:
        """Store a typical-year frame and its metadata; return the JSON file's path.

        Parameters
        ----------
        source : str
            Source name.
        latitude, longitude : float
            Site coordinates the request was made for [deg].
        data : pandas.DataFrame
            Frame on ``typical_year_index(meta.utc_offset_hours)``.
        meta : WeatherMeta
            Its metadata (stored as JSON; ``obtained`` becomes ``"cache"`` when read back).
        **params
            Request parameters that key the entry (see :func:`cache_key`).
        """
        expected = typical_year_index(meta.utc_offset_hours)
        if len(data.index) != len(expected) or not pd.DatetimeIndex(data.index).equals(expected):
            raise ValueError("only frames on the typical-year axis can be cached")
        data_path, meta_path = self.paths(source, latitude, longitude, **params)
        data_path.parent.mkdir(parents=True, exist_ok=True)
        raw = _frame_bytes(data)
        record = {
            "format": FORMAT_VERSION,
            "source": source,
            "request": {
                "latitude": float(latitude),
                "longitude": float(longitude),
                "grid_deg": GRID_DEG,
                "params": {k: _normalise(v) for k, v in sorted(params.items()) if v is not None},
            },
            "data_file": data_path.name,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "columns": list(map(str, data.columns)),
            "meta": meta.to_dict(),
        }
        _atomic_write(data_path, raw)
        _atomic_write(meta_path, json.dumps(record, indent=1, ensure_ascii=False).encode("utf-8"))
        return meta_path


def _safe_folder(source: str) -> str:
    if not source or any(c in source for c in "/\\:") or source.startswith("."):
        raise ValueError(f"unsuitable cache source name {source!r}")
    return source


def _frame_bytes(data: pd.DataFrame) -> bytes:
    """Gzipped CSV of ``data``; floats in their shortest exact form, so values round-trip."""
    index = pd.DatetimeIndex(data.index)
    minutes = round(index[0].utcoffset().total_seconds() / 60)
    suffix = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    # numpy formats the wall clock ~30x faster than DatetimeIndex.strftime.
    wall = np.datetime_as_string(index.tz_localize(None).to_numpy(), unit="s")
    frame = data.copy()
    frame.index = pd.Index(np.char.add(wall, suffix), name="time")
    text = frame.to_csv(lineterminator="\n")
    # mtime=0: identical frames give identical bytes (stable checksums).
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


def _read_frame(raw: bytes, utc_offset_hours: float) -> pd.DataFrame:
    text = gzip.decompress(raw).decode("utf-8")
    frame = pd.read_csv(io.StringIO(text), index_col=0)
    expected = typical_year_index(utc_offset_hours)
    stamps = pd.to_datetime(frame.index, format="ISO8601")
    if len(stamps) != len(expected) or not (stamps == expected).all():
        raise ValueError("the stored frame does not span the typical-year axis")
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"the stored frame lacks {missing}")
    frame = frame.astype("float64")
    if frame[list(REQUIRED_COLUMNS)].isna().any().any():
        raise ValueError("the stored frame has missing values")
    frame.index = expected
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _check_physical(frame: pd.DataFrame) -> None:
    """Raise ValueError if a stored frame holds values no weather has: irradiance outside
    0..:data:`~weather.validate.MAX_IRRADIANCE_W_M2`, temperatures beyond the world records,
    negative or hurricane-beyond wind, or non-finite numbers. What a source delivered passed
    :func:`weather.validate.clean_weather`; anything else was damaged on disk."""
    limits = {
        "ghi": (0.0, MAX_IRRADIANCE_W_M2),
        "dni": (0.0, MAX_IRRADIANCE_W_M2),
        "dhi": (0.0, MAX_IRRADIANCE_W_M2),
        "temp_air": TEMP_AIR_RANGE_C,
        "wind_speed": (0.0, MAX_WIND_SPEED_M_S),
    }
    for column, (low, high) in limits.items():
        values = frame[column].to_numpy(dtype=float)
        if not np.isfinite(values).all():
            raise ValueError(f"the stored {column} has non-finite values")
        if values.min() < low or values.max() > high:
            raise ValueError(f"the stored {column} spans {values.min():.6g}..{values.max():.6g}, "
                             f"outside {low:g}..{high:g}")


def _atomic_write(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` so that readers see the old file or the new, never half."""
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        raise
