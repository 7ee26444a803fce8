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
    #: Stretches of readings at a step wider than ``interval_minutes``, each read over its
    #: own step: ``start``, ``end`` (the file's clock), ``minutes``, ``readings``.
    step_changes: list[dict[str, Any]] = field(default_factory=list)
    #: Gaps interpolated linearly, like ``long_gaps`` (up to 50, in time order).
    short_gaps: list[dict[str, Any]] = field(default_factory=list)

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
        lines += self._filled_notes()
        if self.outliers:
            lines.append(Message.of("notes.meter.outliers", "outliers treated as gaps: {count}",
                                    count=self.outliers))
        if self.duplicates:
            stamps = [example["timestamp"] for example in self.duplicate_examples]
            lines.append(Message.of(
                "notes.meter.duplicates_at", "duplicate timestamps averaged: {count} ({where})",
                count=self.duplicates, where=_places(
                    _runs(stamps, self.interval_minutes), len(stamps) < self.duplicates)))
        lines += self.dst_fixes
        if self.mapping:
            lines.append(Message.of(
                "notes.meter.mapped", "mapped {source} onto {target} by {days} days (weekdays "
                "kept)", source=str(self.mapping.get("reference_year")),
                target=str(self.mapping.get("target_year")),
                days=str(self.mapping.get("shift_days"))))
        return lines + list(self.warnings)

    def _filled_notes(self) -> list[Message]:
        """Where gaps were filled and how, leaving out the kinds that did not occur."""
        lines = []
        if self.interpolated_intervals:
            lines.append(Message.of(
                "notes.meter.filled_interpolated", "short gaps interpolated linearly: "
                "{count:,} intervals ({where})", count=self.interpolated_intervals,
                where=_gap_places(self.short_gaps, self.interpolated_intervals)))
        if self.profile_filled_intervals:
            lines.append(Message.of(
                "notes.meter.filled_profile", "long gaps filled with the same month's average "
                "day of the same type: {count:,} intervals ({where})",
                count=self.profile_filled_intervals,
                where=_gap_places(self.long_gaps, self.profile_filled_intervals)))
        return lines


#: How many places (gaps, runs of duplicates) a note names before "…".
_PLACES_SHOWN = 3


def _gap_places(gaps: list[dict[str, Any]], intervals: int) -> dict[str, str]:
    """Where ``gaps`` are (``start``–``end``), as a message value; "…" when the list does not
    hold all ``intervals`` filled or holds more than a note shows."""
    spans = [f"{_minutes(gap['start'])}–{_clock(gap['start'], gap['end'])}" for gap in gaps]
    listed = sum(int(gap["intervals"]) for gap in gaps)
    return _places(spans, listed < intervals)


def _runs(stamps: list[str], interval_minutes: int) -> list[str]:
    """Timestamps (ISO) as runs of consecutive steps: ``2025-11-02 01:00–01:45``."""
    times = sorted(pd.Timestamp(stamp) for stamp in stamps)
    step = pd.Timedelta(minutes=interval_minutes)
    runs: list[list[pd.Timestamp]] = []
    for time in times:
        if runs and time - runs[-1][-1] == step:
            runs[-1].append(time)
        else:
            runs.append([time])
    return [_minutes(run[0].isoformat()) if len(run) == 1 else
            f"{_minutes(run[0].isoformat())}–{_clock(run[0].isoformat(), run[-1].isoformat())}"
            for run in runs]


def _places(places: list[str], more: bool) -> dict[str, str]:
    """Up to :data:`_PLACES_SHOWN` places as a message value, "…" (等) after them when
    there are more."""
    shown = places[:_PLACES_SHOWN]
    more = more or len(places) > _PLACES_SHOWN
    return bilingual(", ".join(shown) + (", …" if more else ""),
                     "、".join(shown) + ("等" if more else ""))


def _clock(start: str, end: str) -> str:
    """The end of a span as written after its start: ``13:00`` on the same day, else with
    its date."""
    end_text = _minutes(end)
    return end_text[11:] if end_text[:10] == _minutes(start)[:10] else end_text


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
        30-minute or finer data (a 30-minute mean held over its two quarter hours), hourly
        otherwise.
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
