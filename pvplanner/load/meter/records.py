"""What the meter reader returns: the load on the typical year and its quality report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

import pandas as pd

from pvplanner.load.meter.detect import unit_name
from pvplanner.messages import Message, bilingual
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
        """One-line summaries of what was assumed, fixed and filled, then the warnings.

        Each is a :class:`~pvplanner.messages.Message` (``notes.meter.*``) where it has a
        catalogue key; none names the file (an upload's stored name means nothing to its
        reader: the report's ``filename`` says which file it was).
        """
        lines: list[str] = [
            Message.of("notes.meter.summary", "meter file: {rows:,} rows of {interval}-minute "
                       "{units} values ({reason})", rows=self.rows_read,
                       interval=self.interval_minutes, units=unit_name(self.units),
                       reason=self.units_reason),
            Message.of("notes.meter.timestamps", "timestamps mark interval {label}s ({reason})",
                       label=bilingual(self.interval_label,
                                       {"start": "起点", "end": "终点"}.get(self.interval_label)),
                       reason=self.interval_label_reason),
            Message.of("notes.meter.coverage", "coverage {percent:.1f}% of {first} to {last}; "
                       "{year:.1f}% of the typical year from real days",
                       percent=self.coverage_percent, first=_minutes(self.first_timestamp),
                       last=_minutes(self.last_timestamp), year=self.year_coverage_percent),
        ]
        if self.filled_intervals:
            lines.append(Message.of(
                "notes.meter.filled", "gaps filled: intervals interpolated {interpolated}, "
                "intervals from the same month's day-type profile {profile}, long gaps {gaps}",
                interpolated=self.interpolated_intervals,
                profile=self.profile_filled_intervals, gaps=len(self.long_gaps)))
        if self.outliers:
            lines.append(Message.of("notes.meter.outliers", "outliers treated as gaps: {count}",
                                    count=self.outliers))
        if self.duplicates:
            lines.append(Message.of("notes.meter.duplicates",
                                    "duplicate timestamps averaged: {count}",
                                    count=self.duplicates))
        lines += self.dst_fixes
        if self.mapping:
            lines.append(Message.of(
                "notes.meter.mapped", "mapped {source} onto {target} by {days} days (weekdays "
                "kept)", source=str(self.mapping.get("reference_year")),
                target=str(self.mapping.get("target_year")),
                days=str(self.mapping.get("shift_days"))))
        return lines + list(self.warnings)


def _minutes(stamp: str) -> str:
    """An ISO timestamp as the reader writes it: ``2025-01-01 00:00``."""
    return str(stamp).replace("T", " ")[:16]


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
