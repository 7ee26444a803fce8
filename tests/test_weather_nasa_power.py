"""NASA POWER hourly over HTTP, reduced to a typical year, against hand-built answers."""

from __future__ import annotations

import calendar
import gzip
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weather.cache import WeatherCache
from weather.errors import WeatherInputError, WeatherSourceUnavailable
from weather.nasa_power import (
    NASA_POWER_ATTRIBUTION,
    NASA_POWER_HOURLY_URL,
    default_year_range,
    fetch_nasa_power_typical_year,
    fill_short_gaps,
    parse_power_hourly_json,
)
from weather.timeaxis import typical_year_index

DATA = Path(__file__).parent / "data" / "weather_http"
LAT, LON = 30.27, 120.15
YEARS = (2022, 2023, 2024)
HINT = "use --source synthetic or a weather file"


@pytest.fixture(scope="module")
def answers() -> dict[int, dict]:
    out = {}
    for year in YEARS:
        path = DATA / f"nasa_power_hourly_{year}.json.gz"
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            out[year] = json.load(handle)
    return out


def serve(requests_mock, answers, overrides: dict | None = None) -> None:
    """One mocked answer per yearly request, matched on the ``start`` query value."""
    for year in YEARS:
        response = (overrides or {}).get(year, {"json": answers[year]})
        if isinstance(response, list):
            requests_mock.get(f"{NASA_POWER_HOURLY_URL}?start={year}0101", response)
        else:
            requests_mock.get(f"{NASA_POWER_HOURLY_URL}?start={year}0101", **response)


class Recorder:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def test_parse_one_year(answers):
    payload = answers[2022]
    frame, info = parse_power_hourly_json(payload)
    assert len(frame) == 8760 and str(frame.index.tz) == "UTC"
    assert frame.index[0] == pd.Timestamp("2022-01-01 00:00", tz="UTC")
    # -999 (the header's fill value) -> NaN: the two T2M hours planted on 15 March.
    assert np.isnan(frame.loc["2022-03-15 06:00+00:00", "temp_air"])
    assert info["missing"] == 2
    # PS arrives in kPa and leaves in Pa; the other values pass through unchanged.
    ps = payload["properties"]["parameter"]["PS"]["2022070112"]
    assert frame.loc["2022-07-01 12:00+00:00", "pressure"] == pytest.approx(ps * 1000, rel=1e-12)
    ghi = payload["properties"]["parameter"]["ALLSKY_SFC_SW_DWN"]["2022070104"]
    assert frame.loc["2022-07-01 04:00+00:00", "ghi"] == ghi
    assert info["elevation_m"] == 12.0 and info["longitude"] == LON


def test_fill_short_gaps_only_fills_short_inner_runs():
    nan = np.nan
    frame = pd.DataFrame({"x": [nan, 1.0, nan, nan, 4.0, nan, nan, nan, nan, 9.0, nan]})
    filled, count = fill_short_gaps(frame, max_hours=3)
    # The 2-hour run between 1 and 4 is filled linearly (2, 3); the 4-hour run and the
    # runs at either edge stay missing.
    np.testing.assert_array_equal(
        filled["x"].to_numpy(), [nan, 1.0, 2.0, 3.0, 4.0, nan, nan, nan, nan, 9.0, nan]
    )
    assert count == 2


def test_typical_year_from_three_years(requests_mock, answers):
    serve(requests_mock, answers)
    frame, meta = fetch_nasa_power_typical_year(LAT, LON, start_year=2022, end_year=2024)
    assert requests_mock.call_count == 3
    for request, year in zip(requests_mock.request_history, YEARS, strict=True):
        query = request.qs  # requests_mock lower-cases query values
        assert query["start"] == [f"{year}0101"] and query["end"] == [f"{year}1231"]
        assert query["time-standard"] == ["utc"] and query["community"] == ["re"]
        assert query["format"] == ["json"]
        assert set(query["parameters"][0].upper().split(",")) == {
            "ALLSKY_SFC_SW_DWN",
            "ALLSKY_SFC_SW_DNI",
            "ALLSKY_SFC_SW_DIFF",
            "T2M",
            "WS10M",
            "PS",
            "RH2M",
        }
    assert frame.index.equals(typical_year_index(8.0))
    assert not frame.isna().any().any()
    assert meta.source == "nasa-power" and meta.obtained == "online"
    assert meta.dataset == "NASA POWER (CERES SYN1deg / MERRA-2)"
    assert meta.years == "2022-2024" and meta.attribution == NASA_POWER_ATTRIBUTION
    assert meta.elevation_m == 12.0 and meta.utc_offset_hours == 8.0
    notes = " | ".join(meta.notes)
    # 2 T2M hours + 24 GHI hours were -999; the 2-hour run was interpolated.
    assert "missing hourly values (POWER fill value -999): 26" in notes
    assert "in gaps of up to 3 h, interpolated linearly: 2" in notes
    # January 2022 lacks its first 8 local hours (UTC data, UTC+8 site) and July 2023 has a
    # day without GHI: 2 of 36 month-years are not candidates.
    assert "month-years incomplete in local time and left out of the selection: 2 of 36" in notes

    # Each typical month is one real month, shifted by +8 h: every hour's GHI (never
    # smoothed) equals the POWER value of the year named in the notes.
    ghi = pd.concat([parse_power_hourly_json(answers[y])[0]["ghi"] for y in YEARS])
    for month in range(1, 13):
        local = frame[frame.index.month == month]
        wall = local.index.tz_localize(None)
        matches = []
        for year in YEARS:
            # The same local wall-clock hours in `year`, then back to UTC (-8 h).
            stamps = (wall + pd.DateOffset(years=year - 2026)).tz_localize("Etc/GMT-8")
            source = ghi.reindex(stamps.tz_convert("UTC"))
            if np.array_equal(source.to_numpy(), local["ghi"].to_numpy()):
                matches.append(year)
        assert len(matches) == 1, (month, matches)
        assert f"{calendar.month_abbr[month]} {matches[0]}" in notes
        assert (month, matches[0]) not in {(1, 2022), (7, 2023)}
    # Local noon: the intervals 11-12 and 12-13 have the highest mean GHI.
    by_hour = frame["ghi"].groupby(frame.index.hour).mean()
    assert set(by_hour.nlargest(2).index) == {11, 12}


def test_interpolated_temperature_gap(answers):
    frame, _ = parse_power_hourly_json(answers[2022])
    filled, count = fill_short_gaps(frame)
    assert count == 2
    before = frame.loc["2022-03-15 05:00+00:00", "temp_air"]
    after = frame.loc["2022-03-15 08:00+00:00", "temp_air"]
    # Linear over 3 steps: 1/3 and 2/3 of the way (exact to float rounding).
    assert filled.loc["2022-03-15 06:00+00:00", "temp_air"] == pytest.approx(
        before + (after - before) / 3, abs=1e-12
    )
    assert filled.loc["2022-03-15 07:00+00:00", "temp_air"] == pytest.approx(
        before + 2 * (after - before) / 3, abs=1e-12
    )


def test_retry_then_success(requests_mock, answers):
    serve(
        requests_mock,
        answers,
        {
            2023: [
                {"status_code": 429, "headers": {"Retry-After": "2"}},
                {"status_code": 200, "json": answers[2023]},
            ]
        },
    )
    sleep = Recorder()
    _, meta = fetch_nasa_power_typical_year(LAT, LON, start_year=2022, end_year=2024, sleep=sleep)
    assert sleep.waits == [2.0] and requests_mock.call_count == 4
    assert meta.obtained == "online"


def test_server_failure_is_unavailable(requests_mock, answers):
    serve(requests_mock, answers, {2024: {"status_code": 502, "reason": "Bad Gateway"}})
    sleep = Recorder()
    with pytest.raises(WeatherSourceUnavailable) as info:
        fetch_nasa_power_typical_year(LAT, LON, start_year=2022, end_year=2024, sleep=sleep)
    assert str(info.value).startswith(
        f"could not reach NASA POWER at {NASA_POWER_HOURLY_URL}: HTTP 502"
    )
    assert str(info.value).endswith(HINT) and sleep.waits == [1.0, 2.0, 4.0]


def test_rejected_request_is_a_user_error(requests_mock, answers):
    body = {
        "header": "Unprocessable Entity",
        "messages": ["The latitude must be between -90 and 90."],
    }
    serve(requests_mock, answers, {2022: {"status_code": 422, "json": body}})
    with pytest.raises(WeatherInputError) as info:
        fetch_nasa_power_typical_year(LAT, LON, start_year=2022, end_year=2024)
    assert "latitude 30.27, longitude 120.15, year 2022" in str(info.value)
    assert "must be between" in str(info.value)


def test_month_missing_everywhere_is_unavailable(requests_mock, answers):
    holed = {}
    for year in YEARS:
        payload = json.loads(json.dumps(answers[year]))
        series = payload["properties"]["parameter"]["T2M"]
        for key in series:
            if key[4:6] == "09" and key[6:8] == "10":  # 10 September, every year
                series[key] = -999.0
        holed[year] = {"json": payload}
    serve(requests_mock, answers, holed)
    with pytest.raises(WeatherSourceUnavailable, match="September"):
        fetch_nasa_power_typical_year(LAT, LON, start_year=2022, end_year=2024)


def test_cache_hit_on_second_call(requests_mock, answers, tmp_path):
    serve(requests_mock, answers)
    cache = WeatherCache(tmp_path)
    first, meta1 = fetch_nasa_power_typical_year(
        LAT, LON, start_year=2022, end_year=2024, cache=cache
    )
    second, meta2 = fetch_nasa_power_typical_year(
        LAT, LON, start_year=2022, end_year=2024, cache=cache
    )
    assert requests_mock.call_count == 3
    assert (meta1.obtained, meta2.obtained) == ("online", "cache")
    assert meta2.notes == meta1.notes
    pd.testing.assert_frame_equal(first, second, check_freq=False)


def test_default_years_and_year_checks(requests_mock):
    assert default_year_range(date(2026, 11, 24)) == (2016, 2025)
    assert default_year_range(date(2005, 1, 1)) == (2001, 2004)
    last = date.today().year - 1
    for kwargs, text in [
        ({"start_year": 1995, "end_year": 2005}, "start_year 1995"),
        ({"start_year": 2010, "end_year": last + 1}, f"end_year {last + 1}"),
        ({"start_year": 2015, "end_year": 2012}, "after end_year"),
    ]:
        with pytest.raises(WeatherInputError, match=text):
            fetch_nasa_power_typical_year(LAT, LON, **kwargs)
    with pytest.raises(WeatherInputError, match="latitude -91"):
        fetch_nasa_power_typical_year(-91, LON)
    assert requests_mock.call_count == 0


@pytest.mark.network
def test_live_nasa_power_hangzhou():
    last = date.today().year - 1
    frame, meta = fetch_nasa_power_typical_year(LAT, LON, start_year=last - 2, end_year=last)
    assert len(frame) == 8760 and not frame.isna().any().any()
    assert 1000 < frame["ghi"].sum() / 1000 < 1700  # kWh/m2/yr, a wide sanity band
    by_hour = frame["ghi"].groupby(frame.index.hour).mean()
    assert by_hour.idxmax() in (11, 12, 13)
