"""PVGIS TMY over HTTP against hand-built answers in the exact v5_3 JSON shape."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests

from weather.cache import WeatherCache
from weather.errors import WeatherInputError, WeatherSourceUnavailable
from weather.pvgis import PVGIS_TMY_URL, fetch_pvgis_tmy, parse_pvgis_tmy_json
from weather.timeaxis import typical_year_index

DATA = Path(__file__).parent / "data" / "weather_http"
LAT, LON = 30.27, 120.15  # Hangzhou; standard time UTC+8
HINT = "use --source synthetic or a weather file"


@pytest.fixture(scope="module")
def payload() -> dict:
    with gzip.open(DATA / "pvgis_tmy_hangzhou.json.gz", "rt", encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def records(payload) -> dict[str, dict]:
    return {row["time(UTC)"]: row for row in payload["outputs"]["tmy_hourly"]}


class Recorder:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def test_parse_maps_utc_records_onto_local_standard_time(payload, records):
    frame, info = parse_pvgis_tmy_json(payload, 8.0)
    assert frame.index.equals(typical_year_index(8.0))
    assert list(frame.columns) == [
        "ghi",
        "dni",
        "dhi",
        "temp_air",
        "wind_speed",
        "relative_humidity",
        "pressure",
    ]
    # 04:00 UTC on 1 January (January from 2018) is 12:00 local standard time (UTC+8).
    row = records["20180101:0400"]
    local = frame.loc["2026-01-01 12:00+08:00"]
    assert local["ghi"] == row["G(h)"] and local["dni"] == row["Gb(n)"]
    assert local["temp_air"] == row["T2m"] and local["wind_speed"] == row["WS10m"]
    assert local["relative_humidity"] == row["RH"] and local["pressure"] == row["SP"]
    # June comes from 2006: 15 June 23:00 UTC is 16 June 07:00 local.
    assert frame.loc["2026-06-16 07:00+08:00", "ghi"] == records["20060615:2300"]["G(h)"]
    # The last 8 UTC hours of the year (December from 2016) wrap to 1 January 00-07 local.
    assert frame.loc["2026-01-01 00:00+08:00", "temp_air"] == records["20161231:1600"]["T2m"]
    assert frame.loc["2026-01-01 07:00+08:00", "temp_air"] == records["20161231:2300"]["T2m"]
    # Every record is used once: annual sums agree to float rounding (relative 1e-12).
    total = sum(r["G(h)"] for r in payload["outputs"]["tmy_hourly"])
    assert frame["ghi"].sum() == pytest.approx(total, rel=1e-12)
    assert info["months_selected"][1] == 2018 and info["radiation_db"] == "PVGIS-ERA5"


def test_parse_local_noon_is_the_irradiance_peak(payload):
    frame, _ = parse_pvgis_tmy_json(payload, 8.0)
    # Hangzhou (120.15 E) has solar noon near 12:00 UTC+8, so the intervals 11-12 and 12-13
    # carry the largest mean GHI; in UTC labels the peak would sit at 03-04.
    by_hour = frame["ghi"].groupby(frame.index.hour).mean()
    assert set(by_hour.nlargest(2).index) == {11, 12}
    utc_frame, _ = parse_pvgis_tmy_json(payload, 0.0)
    utc_by_hour = utc_frame["ghi"].groupby(utc_frame.index.hour).mean()
    assert set(utc_by_hour.nlargest(2).index) == {3, 4}


def test_fetch_returns_frame_and_meta(requests_mock, payload):
    requests_mock.get(PVGIS_TMY_URL, json=payload)
    frame, meta = fetch_pvgis_tmy(LAT, LON)
    query = requests_mock.request_history[0].qs
    assert query["outputformat"] == ["json"] and query["usehorizon"] == ["1"]
    assert float(query["lat"][0]) == LAT and float(query["lon"][0]) == LON
    assert requests_mock.request_history[0].headers["User-Agent"].startswith("pvplanner/")
    assert len(frame) == 8760 and not frame.isna().any().any()
    assert meta.source == "pvgis" and meta.obtained == "online"
    assert meta.dataset == "PVGIS-ERA5" and meta.years == "2005-2023"
    assert meta.elevation_m == 12.0 and meta.utc_offset_hours == 8.0
    assert meta.attribution.startswith("PVGIS © European Union, 2001-")
    assert any("Jan 2018" in note and "Dec 2016" in note for note in meta.notes)


def test_explicit_offset_is_used(requests_mock, payload, records):
    requests_mock.get(PVGIS_TMY_URL, json=payload)
    frame, meta = fetch_pvgis_tmy(LAT, LON, utc_offset_hours=0)
    assert meta.utc_offset_hours == 0.0
    assert frame.index.equals(typical_year_index(0.0))
    assert frame.loc["2026-01-01 04:00+00:00", "ghi"] == records["20180101:0400"]["G(h)"]


def test_429_then_200_is_retried_with_backoff(requests_mock, payload):
    requests_mock.get(
        PVGIS_TMY_URL,
        [
            {"status_code": 429, "json": {"message": "Too many requests", "status": 429}},
            {"status_code": 200, "json": payload},
        ],
    )
    sleep = Recorder()
    frame, meta = fetch_pvgis_tmy(LAT, LON, sleep=sleep)
    assert requests_mock.call_count == 2
    assert sleep.waits == [1.0]  # first backoff step, no Retry-After given
    assert meta.obtained == "online" and len(frame) == 8760


def test_503_exhausted_is_unavailable(requests_mock):
    requests_mock.get(PVGIS_TMY_URL, status_code=503, reason="Service Unavailable")
    sleep = Recorder()
    with pytest.raises(WeatherSourceUnavailable) as info:
        fetch_pvgis_tmy(LAT, LON, sleep=sleep)
    assert sleep.waits == [1.0, 2.0, 4.0]
    assert str(info.value).startswith(f"could not reach PVGIS at {PVGIS_TMY_URL}: HTTP 503")
    assert str(info.value).endswith(HINT)


def test_connection_error_is_unavailable_with_a_clear_message(requests_mock):
    requests_mock.get(
        PVGIS_TMY_URL,
        exc=requests.exceptions.ConnectionError("[Errno 101] Network is unreachable"),
    )
    with pytest.raises(WeatherSourceUnavailable) as info:
        fetch_pvgis_tmy(LAT, LON, sleep=Recorder())
    assert str(info.value) == (
        f"could not reach PVGIS at {PVGIS_TMY_URL}: network is unreachable (offline?) "
        f"(4 tries); {HINT}"
    )


def test_location_over_the_sea_is_a_user_error(requests_mock):
    body = json.loads((DATA / "pvgis_error_sea.json").read_text(encoding="utf-8"))
    requests_mock.get(PVGIS_TMY_URL, status_code=400, json=body)
    sleep = Recorder()
    with pytest.raises(WeatherInputError) as info:
        fetch_pvgis_tmy(31.0, 123.5, sleep=sleep)
    message = str(info.value)
    assert "latitude 31.0, longitude 123.5" in message
    assert "Location over the sea" in message
    assert requests_mock.call_count == 1 and sleep.waits == []


@pytest.mark.parametrize("status", [404, 405])
def test_other_client_errors_are_unavailable(requests_mock, status):
    requests_mock.get(PVGIS_TMY_URL, status_code=status, text="Not here")
    with pytest.raises(WeatherSourceUnavailable, match=f"HTTP {status}"):
        fetch_pvgis_tmy(LAT, LON, sleep=Recorder())


def test_malformed_answers_are_unavailable(requests_mock, payload):
    requests_mock.get(PVGIS_TMY_URL, text="<html>maintenance</html>")
    with pytest.raises(WeatherSourceUnavailable, match="not JSON"):
        fetch_pvgis_tmy(LAT, LON)
    broken = {"inputs": payload["inputs"], "outputs": {"months_selected": []}}
    requests_mock.get(PVGIS_TMY_URL, json=broken)
    with pytest.raises(WeatherSourceUnavailable, match="tmy_hourly"):
        fetch_pvgis_tmy(LAT, LON)


def test_short_gap_filled_long_gap_refused(payload):
    gappy = json.loads(json.dumps(payload))
    rows = gappy["outputs"]["tmy_hourly"]
    rows[5000]["T2m"] = None  # one missing hour: interpolated from its neighbours
    frame, info = parse_pvgis_tmy_json(gappy, 8.0)
    assert info["filled_hours"] == 1
    stamp = pd.Timestamp(rows[5000]["time(UTC)"].replace(":", ""), tz="UTC").tz_convert("Etc/GMT-8")
    local = frame.loc[f"2026-{stamp:%m-%d %H}:00+08:00", "temp_air"]
    assert local == pytest.approx((rows[4999]["T2m"] + rows[5001]["T2m"]) / 2, abs=1e-9)
    for row in rows[6000:6010]:
        row["G(h)"] = None
    with pytest.raises(WeatherSourceUnavailable, match="gap of 10 hours"):
        parse_pvgis_tmy_json(gappy, 8.0)


def test_cache_hit_on_second_call(requests_mock, payload, tmp_path):
    requests_mock.get(PVGIS_TMY_URL, json=payload)
    cache = WeatherCache(tmp_path)
    first, meta1 = fetch_pvgis_tmy(LAT, LON, cache=cache)
    second, meta2 = fetch_pvgis_tmy(30.2741, 120.1549, cache=cache)  # same 0.01 deg cell
    assert requests_mock.call_count == 1
    assert meta1.obtained == "online" and meta2.obtained == "cache"
    pd.testing.assert_frame_equal(first, second, check_freq=False)
    # The lead's offline path asks with no parameters and must find the default entry.
    assert cache.get("pvgis", LAT, LON) is not None
    # A different offset is a different request.
    fetch_pvgis_tmy(LAT, LON, cache=cache, utc_offset_hours=0)
    assert requests_mock.call_count == 2


def test_corrupt_cache_entry_is_refetched(requests_mock, payload, tmp_path):
    requests_mock.get(PVGIS_TMY_URL, json=payload)
    cache = WeatherCache(tmp_path)
    fetch_pvgis_tmy(LAT, LON, cache=cache)
    data_path, _ = cache.paths("pvgis", LAT, LON)
    data_path.write_bytes(b"\x1f\x8b garbage")
    frame, meta = fetch_pvgis_tmy(LAT, LON, cache=cache)
    assert requests_mock.call_count == 2 and meta.obtained == "online"
    assert not np.isnan(frame.to_numpy()).any()
    _, meta = fetch_pvgis_tmy(LAT, LON, cache=cache)  # repaired
    assert requests_mock.call_count == 2 and meta.obtained == "cache"


@pytest.mark.parametrize(
    ("lat", "lon", "named"),
    [
        (95.0, 120.0, "latitude 95"),
        (30.0, 200.0, "longitude 200"),
        (float("nan"), 120.0, "latitude must be a finite number of degrees, got nan"),
    ],
)
def test_bad_coordinates_never_reach_the_network(requests_mock, lat, lon, named):
    with pytest.raises(WeatherInputError, match=named):
        fetch_pvgis_tmy(lat, lon)
    assert requests_mock.call_count == 0


def test_bad_offset_is_a_user_error(requests_mock):
    with pytest.raises(WeatherInputError, match="utc_offset_hours"):
        fetch_pvgis_tmy(LAT, LON, utc_offset_hours=15)
    assert requests_mock.call_count == 0


@pytest.mark.network
def test_live_pvgis_hangzhou():
    frame, meta = fetch_pvgis_tmy(LAT, LON, timeout_s=60)
    assert len(frame) == 8760 and not frame.isna().any().any()
    assert "ERA5" in meta.dataset  # Meteosat (SARAH) does not see China
    # Annual GHI in Hangzhou is about 1200-1400 kWh/m2 (wide band: any sane TMY).
    assert 1000 < frame["ghi"].sum() / 1000 < 1700
    by_hour = frame["ghi"].groupby(frame.index.hour).mean()
    assert by_hour.idxmax() in (11, 12, 13)
