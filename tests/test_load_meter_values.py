"""Meter files whose values cannot be a load: said plainly, not planned on (issue 15 item 8).

Today an all-zero file plans silently (bill 0, savings -1.18M) and all-negative or 1e300
values end as "only 0.0 days of valid data". Also the size limit's message: a 60 MB file
was told to "raise max_bytes", which no user can.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from pvplanner.errors import LoadFileError
from pvplanner.load.meter import read_meter_file


def meter_csv(values: np.ndarray | float, *, days: int = 60, header: str = "有功功率(kW)") -> bytes:
    index = pd.date_range("2025-03-01", periods=days * 24, freq="h")
    column = np.broadcast_to(np.asarray(values, dtype=float), (len(index),))
    frame = pd.DataFrame({"时间": index.strftime("%Y-%m-%d %H:%M"), header: column})
    return frame.to_csv(index=False).encode("utf-8")


def test_all_zero_file_is_refused_saying_so():
    with pytest.raises(LoadFileError) as caught:
        read_meter_file(meter_csv(0.0), filename="zero.csv")
    message = str(caught.value)
    assert message.startswith("zero.csv: every value in column '有功功率(kW)' is 0")
    assert "rows 2-1441" in message and "all zero" in message
    # what to do, in words (the app's reader has no value_column= to pass)
    assert "if the consumption is in another column, export only the time column and that " \
           "one" in message and "=" not in message


def test_a_register_that_never_advances_is_all_zero_too():
    raw = meter_csv(12345.6, header="正向有功示数(kWh)")
    with pytest.raises(LoadFileError, match="register in column '正向有功示数.kWh.' never "
                       "advances.*all zero"):
        read_meter_file(raw, filename="flat.csv", units="kwh_cumulative")


def test_some_zero_hours_are_fine():
    hours = np.arange(60 * 24) % 24
    values = np.where((hours >= 8) & (hours < 18), 150.0, 0.0)  # closed at night
    meter = read_meter_file(meter_csv(values), filename="shifts.csv")
    assert meter.load_kw.max() == pytest.approx(150.0)


def test_all_negative_values_name_the_sign_not_the_days():
    rng = np.random.default_rng(3)
    raw = meter_csv(-(80 + rng.uniform(0, 40, 60 * 24)).round(2))
    with pytest.raises(LoadFileError) as caught:
        read_meter_file(raw, filename="export.csv")
    message = str(caught.value)
    assert "only 0.0 days of valid data" not in message
    assert message.startswith("export.csv: 1,440 of the 1,440 values in column '有功功率(kW)' "
                              "are negative (e.g. row 2: -")
    assert "export (feed-in) register" in message and "sign convention" in message


def test_a_falling_register_says_it_counts_down():
    readings = 500_000 - np.arange(60 * 24) * 100.0
    raw = meter_csv(readings, header="电能表示数(kWh)")
    with pytest.raises(LoadFileError, match=r"register in column '电能表示数\(kWh\)' falls in "
                       r"1,439 of its 1,439 steps \(e.g. at row 3\).*export \(feed-in\)"):
        read_meter_file(raw, filename="down.csv", units="kwh_cumulative")


def test_absurd_magnitudes_name_the_largest_value_and_the_plausible_range():
    values = np.full(60 * 24, 1e300)
    values[100] = 3e300  # file row 102
    with pytest.raises(LoadFileError) as caught:
        read_meter_file(meter_csv(values), filename="huge.csv")
    message = str(caught.value)
    assert "only 0.0 days of valid data" not in message
    assert "the largest is 3e+300 kW (row 102)" in message
    assert "between 0 and 1,000,000 kW" in message and "unit" in message


def test_a_short_file_still_says_how_short():
    with pytest.raises(LoadFileError, match=r"only 20\.0 days of valid data"):
        read_meter_file(meter_csv(100.0 + np.arange(20 * 24) % 7, days=20), filename="s.csv")


def test_too_large_file_names_size_limit_and_what_to_do(tmp_path):
    path = tmp_path / "two-years.csv"
    with path.open("wb") as handle:  # a sparse 60 MB file: refused before it is read
        handle.truncate(60_000_000)
    with pytest.raises(LoadFileError) as caught:
        read_meter_file(path)
    message = str(caught.value)
    assert message.startswith("two-years.csv is 60.0 MB, more than the 50.0 MB limit: ")
    assert "export fewer days" in message and "split the file" in message
    assert "max_bytes" not in message


def test_too_large_stream_names_its_size():
    stream = io.BytesIO(b"x" * 3_000)
    with pytest.raises(LoadFileError, match=r"^upload.csv is 3 kB, more than the 2 kB limit"):
        read_meter_file(stream, filename="upload.csv", max_bytes=2_000)


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", "电表数据：1,440 行，每 60 分钟一个平均功率（kW）数值"),
    ("en", "meter file: 1,440 rows of 60-minute kW values"),
])
def test_the_row_count_is_written_with_thousands_separators(lang, expected):
    """A year of quarter hours is 35,040 rows, as the plan's other figures are written."""
    from pvplanner.display.messages import render

    load = read_meter_file(meter_csv(500.0), filename="meter.csv")
    assert render(load.quality.notes[0], lang).startswith(expected)
