"""The on-disk weather cache: keys, round trip, atomic files, corrupt entries ignored."""

from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weather.cache import WeatherCache, cache_key, default_cache_dir
from weather.meta import WeatherMeta
from weather.timeaxis import typical_year_index


def make_year(offset: float = 8.0) -> tuple[pd.DataFrame, WeatherMeta]:
    index = typical_year_index(offset)
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "ghi": rng.uniform(0, 1000, len(index)),
            "dni": rng.uniform(0, 900, len(index)),
            "dhi": rng.uniform(0, 300, len(index)),
            "temp_air": rng.normal(17, 8, len(index)),
            "wind_speed": rng.gamma(2, 1.4, len(index)),
            "pressure": np.full(len(index), 101325.0),
        },
        index=index,
    )
    meta = WeatherMeta(
        source="pvgis",
        dataset="PVGIS-ERA5",
        years="2005-2023",
        latitude=30.27,
        longitude=120.15,
        elevation_m=12.0,
        utc_offset_hours=offset,
        obtained="online",
        attribution="PVGIS © European Union, 2001-2026",
        notes=("a", "b"),
    )
    return frame, meta


def test_default_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PVPLANNER_CACHE_DIR", str(tmp_path / "here"))
    assert default_cache_dir() == tmp_path / "here"
    assert WeatherCache().directory == tmp_path / "here"
    monkeypatch.delenv("PVPLANNER_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "pvplanner" / "weather"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "pvplanner" / "weather"


def test_key_rounds_to_a_hundredth_of_a_degree():
    # 30.2741 -> 30.27 and 120.1549 -> 120.15: same cell (grid 0.01 deg, ~1.1 km N-S).
    assert cache_key("pvgis", 30.2741, 120.1549) == cache_key("pvgis", 30.27, 120.15)
    assert cache_key("pvgis", 30.2751, 120.15) != cache_key("pvgis", 30.27, 120.15)
    assert cache_key("pvgis", 30.27, 120.15).startswith("N30.27_E120.15_")
    assert cache_key("pvgis", -0.001, -0.004).startswith("N0.00_E0.00_")  # no "-0.00"
    assert cache_key("pvgis", -33.87, -70.65).startswith("S33.87_W70.65_")
    # Parameters change the key; None equals omitted; other sources never collide.
    assert cache_key("pvgis", 30.27, 120.15, startyear=2010) != cache_key("pvgis", 30.27, 120.15)
    assert cache_key("pvgis", 30.27, 120.15, startyear=None) == cache_key("pvgis", 30.27, 120.15)
    assert cache_key("nasa-power", 30.27, 120.15) != cache_key("pvgis", 30.27, 120.15)


def test_round_trip_is_exact_and_marked_cache(tmp_path):
    cache = WeatherCache(tmp_path)
    frame, meta = make_year()
    assert cache.get("pvgis", 30.27, 120.15) is None
    cache.put("pvgis", 30.2741, 120.1549, frame, meta)
    got = cache.get("pvgis", 30.27, 120.15)
    assert got is not None
    data, stored = got
    pd.testing.assert_frame_equal(data, frame, check_exact=True, check_freq=False)
    assert stored.obtained == "cache"
    assert stored.notes == ("a", "b")
    assert stored.dataset == meta.dataset and stored.utc_offset_hours == 8.0
    # No temporary files are left behind by the atomic writes.
    assert sorted(p.suffix for p in (tmp_path / "pvgis").iterdir()) == [".gz", ".json"]
    record = json.loads(next((tmp_path / "pvgis").glob("*.json")).read_text(encoding="utf-8"))
    assert record["request"]["grid_deg"] == 0.01


def test_negative_offset_round_trip(tmp_path):
    cache = WeatherCache(tmp_path)
    frame, meta = make_year(offset=-5.0)
    cache.put("pvgis", 40.7, -74.0, frame, meta)
    data, _ = cache.get("pvgis", 40.7, -74.0)
    assert data.index.equals(typical_year_index(-5.0))


@pytest.mark.parametrize("damage", ["garbage", "truncate", "tamper", "remove", "bad-json"])
def test_corrupt_entries_are_ignored(tmp_path, caplog, damage):
    cache = WeatherCache(tmp_path)
    frame, meta = make_year()
    cache.put("pvgis", 30.27, 120.15, frame, meta)
    data_path, meta_path = cache.paths("pvgis", 30.27, 120.15)
    if damage == "garbage":
        data_path.write_bytes(b"not gzip at all")
    elif damage == "truncate":
        data_path.write_bytes(data_path.read_bytes()[:1000])
    elif damage == "tamper":  # valid gzip CSV, but not what the checksum vouches for
        text = gzip.decompress(data_path.read_bytes()).decode().replace("101325", "99999", 1)
        data_path.write_bytes(gzip.compress(text.encode()))
    elif damage == "remove":
        data_path.unlink()
    else:
        meta_path.write_text("{ half a json", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="weather.cache"):
        assert cache.get("pvgis", 30.27, 120.15) is None
    assert "ignoring unusable weather cache entry" in caplog.text
    # A fresh put repairs the entry.
    cache.put("pvgis", 30.27, 120.15, frame, meta)
    assert cache.get("pvgis", 30.27, 120.15) is not None


@pytest.mark.parametrize("record", ["list", "text", "number", "null", "meta-list", "deep"])
def test_a_record_that_is_not_an_entry_is_ignored(tmp_path, caplog, record):
    """The cache never raises: a JSON record of the wrong shape is a corrupt entry."""
    cache = WeatherCache(tmp_path)
    frame, meta = make_year()
    cache.put("pvgis", 30.27, 120.15, frame, meta)
    _, meta_path = cache.paths("pvgis", 30.27, 120.15)
    stored = json.loads(meta_path.read_text(encoding="utf-8"))
    text = {
        "list": "[1, 2, 3]",
        "text": '"an entry"',
        "number": "42",
        "null": "null",
        "meta-list": json.dumps(stored | {"meta": [1, 2]}),
        "deep": "[" * 100_000 + "]" * 100_000,
    }[record]
    meta_path.write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="weather.cache"):
        assert cache.get("pvgis", 30.27, 120.15) is None
    assert "ignoring unusable weather cache entry" in caplog.text


@pytest.mark.parametrize("column, value", [
    ("ghi", 1.0e6), ("dni", -50.0), ("temp_air", 500.0), ("wind_speed", 300.0),
    ("dhi", np.inf), ("temp_air", np.nan),
])
def test_values_no_weather_has_are_ignored_though_the_checksum_holds(tmp_path, caplog,
                                                                      column, value):
    cache = WeatherCache(tmp_path)
    frame, meta = make_year()
    frame.iloc[4000, frame.columns.get_loc(column)] = value
    cache.put("pvgis", 30.27, 120.15, frame, meta)  # a valid checksum over absurd values
    with caplog.at_level(logging.WARNING, logger="weather.cache"):
        assert cache.get("pvgis", 30.27, 120.15) is None
    assert "ignoring unusable weather cache entry" in caplog.text


def test_an_absurd_cached_year_is_fetched_again_not_blamed_on_the_user(tmp_path, monkeypatch):
    from weather.source import get_weather

    monkeypatch.setenv("PVPLANNER_OFFLINE", "1")
    cache = WeatherCache(tmp_path)
    frame, meta = make_year()
    frame["ghi"] *= 1000.0  # kW read as W: 1,000,000 W/m2 at noon
    cache.put("pvgis", 30.27, 120.15, frame, meta)
    data, got = get_weather(30.27, 120.15, "pvgis", cache=cache)  # no WeatherInputError
    assert got.obtained == "synthetic" and data["ghi"].max() < 1500.0
    assert any("used synthetic weather" in note for note in got.notes)


def test_only_typical_year_frames_are_cached(tmp_path):
    frame, meta = make_year()
    with pytest.raises(ValueError, match="typical-year axis"):
        WeatherCache(tmp_path).put("pvgis", 30.27, 120.15, frame.iloc[:100], meta)
