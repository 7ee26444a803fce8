"""What the meter reader returns: the load on the typical year and its quality report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

import pandas as pd

from pvplanner.result import json_safe as jsonable
from weather.timeaxis import typical_year_index


@dataclass
class LoadQualityReport:
    """What :func:`read_meter_file` found in a meter file and what it did about it.

    Row numbers are 1-based file lines (CSV) or sheet rows (XLSX). Timestamps are ISO strings
    in the site's local standard time unless the field says otherwise.
    """

    filename: str
    file_format: str
    encoding: str | None
    sheet: str | None
    header_row: int | None
    timestamp_columns: list[str]
    value_column: str
    rows_read: int
    first_timestamp: str
    last_timestamp: str
    interval_minutes: int
    output_interval_minutes: int
    interval_label: str
    interval_label_reason: str
    irregular_timestamps: int
    irregular_examples: list[dict[str, Any]]
    units: str
    units_reason: str
    unit_scale: float
    coverage_percent: float
    year_coverage_percent: float
    valid_intervals: int
    expected_intervals: int
    filled_intervals: int
    interpolated_intervals: int
    profile_filled_intervals: int
    long_gaps: list[dict[str, Any]]
    outliers: int
    outlier_examples: list[dict[str, Any]]
    duplicates: int
    duplicate_examples: list[dict[str, Any]]
    dst_fixes: list[str]
    dropped_rows: list[dict[str, Any]]
    mapping: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (no NaN, only built-in types)."""
        return jsonable(asdict(self))

    @property
    def notes(self) -> list[str]:
        """One-line summaries of what was assumed, fixed and filled, then the warnings."""
        lines = [
            f"{self.filename}: {self.rows_read} rows, {self.interval_minutes}-minute "
            f"{self.units} values ({self.units_reason})",
            f"timestamps mark interval {self.interval_label}s ({self.interval_label_reason})",
            f"coverage {self.coverage_percent:.1f}% of {self.first_timestamp} to "
            f"{self.last_timestamp}; {self.year_coverage_percent:.1f}% of the typical year "
            "from real days",
        ]
        if self.filled_intervals:
            lines.append(
                f"{self.interpolated_intervals} interval(s) interpolated, "
                f"{self.profile_filled_intervals} filled from the same month's day-type profile "
                f"({len(self.long_gaps)} long gap(s))"
            )
        if self.outliers:
            lines.append(f"{self.outliers} outlier(s) treated as gaps")
        if self.duplicates:
            lines.append(f"{self.duplicates} duplicate timestamp(s) averaged")
        lines += self.dst_fixes
        if self.mapping:
            lines.append(
                f"mapped {self.mapping.get('reference_year')} onto {self.mapping.get('target_year')} "
                f"by {self.mapping.get('shift_days')} days (weekdays kept)"
            )
        return lines + list(self.warnings)


@dataclass
class MeterLoad:
    """A meter file's load on the scenario's typical-year axis.

    Attributes
    ----------
    load_kw : pandas.Series
        Average power of each interval [kW] on
        ``typical_year_index(utc_offset_hours, interval)``: 15-minute steps if the file had
        15-minute or finer data, hourly otherwise.
    quality : LoadQualityReport
        What was found, assumed, fixed and filled.
    source_load_kw : pandas.Series
        The cleaned, gap-filled load on the file's own calendar (local standard time, the
        file's own interval) before it was mapped onto the typical year [kW].
    source_valid : pandas.Series or None
        On the index of :attr:`source_load_kw`: True where the file had a usable reading,
        False where the value was filled (a gap, an outlier) [bool].
    """

    load_kw: pd.Series
    quality: LoadQualityReport
    source_load_kw: pd.Series
    source_valid: pd.Series | None = None

    @property
    def interval_minutes(self) -> int:
        """Step of :attr:`load_kw` [min]."""
        return int(self.quality.output_interval_minutes)

    @property
    def annual_kwh(self) -> float:
        """Energy of the typical year [kWh]."""
        return float(self.load_kw.sum() * self.interval_minutes / 60.0)

    def to_hourly(self) -> MeterLoad:
        """The same load as hourly means (8760 rows); ``self`` if it already is hourly."""
        if self.interval_minutes == 60:
            return self
        per_hour = 60 // self.interval_minutes
        values = self.load_kw.to_numpy(dtype=float).reshape(-1, per_hour).mean(axis=1)
        index = typical_year_index(_offset_hours(self.load_kw.index), 60)
        hourly = pd.Series(values, index=index, name="load_kw")
        return MeterLoad(
            load_kw=hourly,
            quality=replace(self.quality, output_interval_minutes=60),
            source_load_kw=self.source_load_kw,
            source_valid=self.source_valid,
        )


def _offset_hours(index: pd.DatetimeIndex) -> float:
    """UTC offset of a tz-aware index [h] (0 for a naive one)."""
    offset = index[0].utcoffset()
    return offset.total_seconds() / 3600.0 if offset is not None else 0.0
