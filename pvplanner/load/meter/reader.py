"""Meter exports (CSV, XLSX) -> a cleaned load on the scenario's typical-year axis.

:func:`read_meter_file` is the entry point. It reads interval data exported from a utility
portal, a smart meter or an energy-management system — Chinese or not — and returns a
:class:`~pvplanner.load.meter.records.MeterLoad`: the load in kW on
:func:`weather.timeaxis.typical_year_index` plus a
:class:`~pvplanner.load.meter.records.LoadQualityReport` that says what was found, assumed,
fixed and filled.

The steps, each in its own module and each reported:

1. bytes -> table (:mod:`~pvplanner.load.meter.table`, :mod:`~pvplanner.load.meter.xlsx`):
   XLSX (openpyxl, capped in rows, cells and time) or delimited text in UTF-8 (with or
   without BOM), GBK, GB18030 or UTF-16; the header row is found by the first row that holds
   a date and a number. The file is read once, size-limited, by :func:`pvplanner.guard.files.read_limited`.
2. columns (:mod:`~pvplanner.load.meter.columns`): a timestamp column (or a date and a time
   column) and a value column, by header words (时间/日期/时刻, 有功功率/电量/用电量/正向有功,
   time/kW/kWh...) and by content.
3. timestamps (:mod:`~pvplanner.load.meter.timestamps`, :mod:`~pvplanner.load.meter.detect`,
   :mod:`~pvplanner.load.meter.steps`): many formats, ``24:00``, ``00:00-00:15`` ranges;
   interval detected from the steps, and a change of step (a meter replaced: 30 minutes,
   then 15) found, each reading then covering its own step; end-of-interval labels detected
   and shifted to interval start; a DST zone's wall clock resolved to the site's standard
   time.
4. values (:mod:`~pvplanner.load.meter.detect`): kW (average demand), kWh per interval or a
   cumulative kWh register (differenced), detected from header words, summary rows and
   monotonicity, or set with ``units``.
5. cleaning (:mod:`~pvplanner.load.meter.clean`): duplicates averaged, negative and absurd
   values treated as gaps, gaps up to ``short_gap_max_hours`` interpolated, longer ones
   filled from the same month's average profile of the same day type; a file whose values
   are all zero, mostly negative or absurd is refused with what is wrong.
6. calendar (:mod:`~pvplanner.load.meter.calendar`): the real year is mapped onto the typical
   year with whole-week shifts (Mondays land on Mondays) and Chinese public holidays
   re-anchored (see :func:`~pvplanner.load.meter.calendar.map_days_to_typical_year`), each
   month keeping the file's maximum demand of that month.
7. step (:func:`~pvplanner.load.meter.steps.output_step`): 15-minute means for readings of
   30 minutes or finer (a 30-minute mean held over its two quarter hours), hourly otherwise.

Thresholds live in ``data/load_templates/load_rules.toml``.
"""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Sequence
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from pvplanner.errors import LoadFileError, PlannerInputError
from pvplanner.guard.files import MAX_FILE_BYTES, TOO_LARGE_ADVICE, read_limited
from pvplanner.load.meter.calendar import map_to_typical_year, resample
from pvplanner.load.meter.clean import (
    absurd_unit,
    all_zero,
    build_grid,
    fill_gaps,
    flag_outliers,
    limit_span,
    merge_duplicates,
    refuse_all_zero,
    register_to_kw,
    snap_to_grid,
    why_too_little,
)
from pvplanner.load.meter.columns import choose_columns, unpivot_wide
from pvplanner.load.meter.common import (
    MAX_EXAMPLES,
    NAT,
    NS_PER_MIN,
    iso,
    meter_rules,
    minute_str,
    row_listing,
)
from pvplanner.load.meter.detect import (
    detect_interval,
    detect_label,
    detect_units,
    parse_zone,
    to_standard_time,
    unit_name,
)
from pvplanner.load.meter.records import LoadQualityReport, MeterLoad
from pvplanner.load.meter.steps import confirmed, find_steps, held, output_step, step_notes
from pvplanner.load.meter.table import read_table
from pvplanner.load.meter.timestamps import Parsed, parse_rows, plain_number
from pvplanner.messages import Message, bilingual, quoted_listing
from weather.timeaxis import fixed_offset_tz, typical_year_index

__all__ = ["read_meter_file"]

_LOG = logging.getLogger(__name__)

_UNITS = {
    "auto": "auto",
    "kw": "kw",
    "kwh": "kwh",
    "kwh_cumulative": "kwh_cumulative",
    "cumulative": "kwh_cumulative",
    "register": "kwh_cumulative",
    "kwh_register": "kwh_cumulative",
}


def read_meter_file(
    source: str | os.PathLike[str] | bytes | BinaryIO,
    *,
    filename: str | None = None,
    units: str = "auto",
    utc_offset_hours: float = 8.0,
    sheet: str | int | None = None,
    timestamp_column: str | int | Sequence[str | int] | None = None,
    value_column: str | int | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    timezone: str | None = None,
    interval_label: str = "auto",
    series: str = "load",
) -> MeterLoad:
    """Read a meter export and map it onto the scenario's typical year.

    Parameters
    ----------
    source : path, bytes or binary file object
        The CSV/TXT or XLSX file.
    filename : str, optional
        Name used in messages and to recognise ``.xlsx`` when ``source`` is bytes.
    units : {"auto", "kw", "kwh", "kwh_cumulative"}
        What the values are: average power [kW], energy per interval [kWh] or a cumulative
        energy register [kWh]. ``"auto"`` decides from header words, summary rows and
        monotonicity and says why in the report.
    utc_offset_hours : float, default 8.0
        The site's local standard time [h] (the scenario axis). Timestamps in the file are
        read as this fixed offset unless ``timezone`` is given.
    sheet : str or int, optional
        XLSX sheet name or 0-based position; default the first sheet with data.
    timestamp_column : str, int or pair, optional
        Header name or 0-based position of the timestamp column, or a pair
        ``(date_column, time_column)``; default detected.
    value_column : str or int, optional
        Header name or 0-based position of the value column; default detected.
    max_bytes : int, default :data:`pvplanner.guard.files.MAX_FILE_BYTES` (50 MB)
        Larger inputs are refused [bytes]; XLSX sheets are capped in rows, cells and time
        as well (:mod:`pvplanner.load.meter.xlsx`).
    timezone : str, optional
        IANA zone of the meter's wall clock (e.g. ``"America/New_York"``) when it follows
        daylight saving time; DST gaps and repeated hours are resolved and reported.
    interval_label : {"auto", "start", "end"}
        Whether timestamps mark the start or the end of each interval; detected by default.
    series : {"load", "generation"}
        What the file measures. ``"generation"`` (PV output of an inverter or a generation
        meter, for :mod:`pvplanner.monitor`) differs from a load in four ways: a cumulative
        register rises only in daylight (``[generation]`` ``register_min_rising_share`` of
        the steps instead of half), an all-zero file is a total outage rather than a wrong
        column, the whole span is kept (more than a year shows a degradation trend) and
        ``[generation]`` ``min_days`` of data suffice.

    Returns
    -------
    MeterLoad

    Raises
    ------
    LoadFileError
        For anything in the file that cannot be read; the message names the row and column
        and says how to fix it.
    """
    try:
        return _read_meter_file(
            source,
            filename,
            units,
            utc_offset_hours,
            sheet,
            timestamp_column,
            value_column,
            max_bytes,
            timezone,
            interval_label,
            series,
        )
    except PlannerInputError:
        raise
    except (
        ValueError,
        TypeError,
        IndexError,
        KeyError,
        OverflowError,
        ArithmeticError,
        csv.Error,
        UnicodeError,
        MemoryError,
    ) as exc:
        # A file shape the reader does not foresee must still end as a user-facing error;
        # "internal error" lets tests (and bug reports) tell it from a diagnosed problem.
        # Python's own words stay in the log (and the chained cause), not in the message.
        _LOG.warning("meter file not read: %s: %s", type(exc).__name__, exc)
        name = filename or getattr(source, "name", None) or Message.of(
            "errors.meter.the_file", "the meter file")
        raise LoadFileError(Message.of(
            "errors.meter.unforeseen", "{file} could not be read (an internal error of the "
            "reader); the row or column at fault is unknown: check that the file has one "
            "timestamp column and one kW or kWh column, export it again as CSV, and please "
            "report this file", file=name if isinstance(name, Message) else str(name))
        ) from exc


#: Largest multiplier (倍率) a meter is taken to have. A multiplier is the CT ratio times the
#: PT ratio: a 10 kV supply, the usual one of the factories this planner serves, meters
#: through PTs of 10000/100 (100) and CTs of tens to hundreds of amperes on 5 A or 1 A, from
#: some 2,000 (100/5) to 60,000 (600/1) in all; 35 kV (PT 350) with CTs up to about 1,400 A
#: on 5 A stays below 100,000. An unverified engineering rule, from these typical ratios: no
#: standard found states a maximum. Supplies of 35 kV with CTs on 1 A, or of 110 kV and
#: above, may exceed it; their error message says to export kWh per interval instead.
MAX_MULTIPLIER = 100_000


def _multiplier_for(
    parsed: Parsed, unit_kind: str, name: str, value_header: str, warnings: list[str]
) -> np.ndarray | None:
    """The meter's multiplier (倍率) on each row when it applies to the values, else None.

    It applies to cumulative register readings only: energy = difference of two readings x
    multiplier. A multiplier column next to kW or kWh per interval is not applied: such
    columns of a meter export are normally already multiplied (only the register counts in
    the meter's own units), which is the reader's assumption; a note says so, naming the
    column and its value. Appends the notes to ``warnings``.

    Raises
    ------
    LoadFileError
        When the values are register readings and a multiplier cell is not a number.
    """
    found = parsed.multiplier
    if found is None:
        return None
    if unit_kind != "kwh_cumulative":
        if np.isfinite(found.values).any():
            warnings.append(Message.of(
                "notes.meter.multiplier_not_applied", "the multiplier column '{column}' "
                "({multiplier}) was not applied: the values in '{readings_column}' are {units}, "
                "read as they are, on the assumption that a meter export gives power and "
                "energy already multiplied (only register readings are not); if they are not, "
                "multiply them by {multiplier}", column=found.header,
                multiplier=found.shown(), readings_column=value_header, units=unit_name(unit_kind)))
        return None
    if found.refusal is not None:  # its numbers' format cannot be told
        raise LoadFileError(found.refusal)
    if len(found.bad_rows):
        column, cell = found.bad_example or (found.header, "")
        raise LoadFileError(Message.of(
            "errors.meter.multiplier_not_number", "{file}: row {row}, column '{column}': "
            "{sample!r} is not a multiplier, a positive number such as 80 or a ratio such as "
            "400/5 (cells like it: {count}; row numbers: {rows}); the register readings in "
            "'{readings_column}' are multiplied by it: correct these cells, or leave them empty "
            "to use the multiplier of the row above", file=name, row=int(found.bad_rows[0]),
            column=column, sample=cell, count=len(found.bad_rows),
            rows=row_listing(found.bad_rows), readings_column=value_header))
    too_high = np.flatnonzero(found.values > MAX_MULTIPLIER)
    if len(too_high):
        raise LoadFileError(Message.of(
            "errors.meter.multiplier_too_high", "{file}: row {row}, column '{column}': the "
            "multiplier {value} is beyond any meter's: a multiplier is the current "
            "transformer's ratio times the voltage transformer's (e.g. 200/5 x 10000/100 = "
            "4,000) and stays below {limit:,} (rows like it: {count}; row numbers: {rows}); "
            "the register readings in '{readings_column}' would be multiplied by it: correct "
            "the multiplier column, or export the consumption in kWh per interval instead of "
            "the register readings", file=name, row=int(parsed.rows[too_high[0]]),
            column=found.header, value=plain_number(found.values[too_high[0]]),
            limit=MAX_MULTIPLIER, count=len(too_high), rows=row_listing(parsed.rows[too_high]),
            readings_column=value_header))
    warnings.extend(found.notes)
    if np.all(found.values == 1.0):
        return None  # nothing to multiply
    warnings.append(Message.of(
        "notes.meter.multiplier_applied", "register readings in '{readings_column}' multiplied "
        "by the multiplier column '{column}' ({multiplier}): energy = difference of two "
        "readings x multiplier", readings_column=value_header, column=found.header,
        multiplier=found.shown()))
    return found.values


def _multiplier_changes(multipliers: np.ndarray, rows: np.ndarray) -> list[str]:
    """A note on the changes of multiplier along the register (time order), if any."""
    changed = np.flatnonzero(multipliers[1:] != multipliers[:-1])
    if not len(changed):
        return []
    k = int(changed[0])
    return [Message.of(
        "notes.meter.multiplier_changes", "changes of multiplier along the register: {count}, "
        "the first at row {row} ({before} to {after}); each register step across a change "
        "was left out as a gap and filled", count=len(changed), row=int(rows[k + 1]),
        before=plain_number(multipliers[k]), after=plain_number(multipliers[k + 1]))]


def _refuse_multiplier_every_row(
    multipliers: np.ndarray, rows: np.ndarray, name: str, column: str, value_header: str
) -> None:
    """Refuse a register whose multiplier changes between every two readings in time order:
    no step of it can be multiplied (:func:`register_to_kw` leaves out a step across a
    change), so the multiplier column, not the readings, is at fault."""
    if len(multipliers) < 2 or np.any(multipliers[1:] == multipliers[:-1]):
        return
    shown = [(int(row), plain_number(m)) for row, m in zip(rows[:4], multipliers[:4],
                                                            strict=False)]
    examples = bilingual(", ".join(f"row {row}: {m}" for row, m in shown),
                         "、".join(f"第 {row} 行为 {m}" for row, m in shown))
    text = ("{file}: the multiplier in column '{column}' changes at every row ({examples}), so "
            "no two consecutive register readings in '{readings_column}' share one and no step "
            "of the register can be counted: a meter's multiplier changes only when its "
            "transformers are changed; correct the multiplier column")
    raise LoadFileError(Message.of("errors.meter.multiplier_every_row", text, file=name,
                                   column=column, readings_column=value_header,
                                   examples=examples))


def _read_meter_file(
    source: Any,
    filename: str | None,
    units: str,
    utc_offset_hours: float,
    sheet: str | int | None,
    timestamp_column: Any,
    value_column: str | int | None,
    max_bytes: int,
    timezone: str | None,
    interval_label: str,
    series: str,
) -> MeterLoad:
    rules = meter_rules()["meter"]
    if series not in ("load", "generation"):
        raise LoadFileError(Message.of("errors.meter.series_choice",
                                       "series={series} is not one of 'load', 'generation'",
                                       series=repr(series)), field="series")
    if series == "generation":
        rules = {**rules, **meter_rules()["generation"], "max_span_days": float("inf")}
    unit_mode = _UNITS.get(str(units).strip().lower())
    if unit_mode is None:
        raise LoadFileError(
            Message.of("errors.meter.units_choice",
                       "units={units} is not one of 'auto', 'kw', 'kwh', 'kwh_cumulative'",
                       units=repr(units)),
            field="units",
        )
    label_mode = str(interval_label).strip().lower()
    if label_mode not in ("auto", "start", "end"):
        raise LoadFileError(
            Message.of("errors.meter.label_choice",
                       "interval_label={label} is not one of 'auto', 'start', 'end'",
                       label=repr(interval_label)),
            field="interval_label",
        )
    try:
        tz_std = fixed_offset_tz(float(utc_offset_hours))
    except (TypeError, ValueError):
        raise LoadFileError(
            Message.of("errors.meter.utc_offset",
                       "utc_offset_hours={offset} is not an offset between -12 and 14 h",
                       offset=repr(utc_offset_hours)),
            field="utc_offset_hours",
        ) from None
    zone = parse_zone(timezone)

    raw, name = read_limited(
        source,
        filename=filename,
        max_bytes=max_bytes,
        what="meter file",
        advice=TOO_LARGE_ADVICE["meter"],
        error=LoadFileError,
    )
    table = read_table(raw, name, sheet, rules)
    wide_note = None
    if timestamp_column is None and value_column is None:
        wide = unpivot_wide(table)
        if wide is not None:
            table, wide_note = wide
    columns = choose_columns(table, timestamp_column, value_column)
    parsed = parse_rows(table, columns, rules)
    warnings: list[str] = [*table.notes, *parsed.warnings]
    if wide_note:
        warnings.append(wide_note)
    if parsed.tz_aware:  # ISO strings with their own offset, parsed as UTC
        parsed.ts_wall = parsed.ts_wall + int(round(float(utc_offset_hours) * 3600)) * 10**9
        warnings.append(Message.of(
            "notes.meter.utc_offsets", "the timestamps carry UTC offsets: converted to the "
            "site's standard time (UTC{offset})", offset=f"{float(utc_offset_hours):+g}"))

    steps = find_steps(
        parsed.ts_wall,
        detect_interval(parsed.ts_wall, parsed.rows, rules, quoted_listing(columns.ts_headers),
                        name),
        [int(v) for v in rules["supported_intervals_minutes"]],
    )
    interval = steps.interval  # the grid's; a stretch of wider readings covers its own
    label, label_reason = detect_label(
        parsed.ts_wall, steps.first_minutes(), parsed.has_24, columns.label_hint, label_mode
    )
    unit_kind, scale, units_reason = detect_units(
        columns.value_header,
        parsed.values,
        parsed.ts_wall,
        interval,
        unit_mode,
        parsed.summaries,
        rules,
    )

    steps = confirmed(steps, parsed.ts_wall, parsed.values, unit_kind)
    warnings += step_notes(steps, unit_kind, label)

    ts_std, dst_fixes, tz_notes = to_standard_time(
        parsed.ts_wall, parsed.rows, zone, float(utc_offset_hours), parsed.tz_aware
    )
    warnings += tz_notes
    multiplier = _multiplier_for(parsed, unit_kind, name, columns.value_header, warnings)
    # Carried along with each reading: the meter's multiplier of a register reading, else
    # the interval the reading covers [min].
    carried = (multiplier if unit_kind == "kwh_cumulative"
               else steps.own_minutes(parsed.ts_wall, label))
    keep = ts_std != NAT
    ts_std, values, rows = ts_std[keep], parsed.values[keep], parsed.rows[keep]
    if carried is not None:  # [reading, carried]
        values = np.column_stack([values, carried[keep]])
    if unit_kind != "kwh_cumulative" and label == "end":
        ts_std = ts_std - values[:, 1].astype(np.int64) * NS_PER_MIN

    ts_std, irregular = snap_to_grid(ts_std, rows, interval)
    ts_std, values, rows, span_notes = limit_span(
        ts_std, values, rows, rules, name, " + ".join(columns.ts_headers)
    )
    warnings += span_notes
    if carried is not None:
        values, carried = values[:, 0], values[:, 1]
    # the file's own clock times of the rows used (a long file keeps its latest year)
    used_wall = parsed.ts_wall[np.isin(parsed.rows, rows)] if span_notes else parsed.ts_wall

    uniq_ts, uniq_vals, first_rows, dup_count, dup_examples, uniq_carried = merge_duplicates(
        ts_std, values, rows, carried)
    own_minutes = None
    if unit_kind == "kwh_cumulative":
        uniq_mult = uniq_carried
        reading_rows = first_rows
        if uniq_mult is not None:
            warnings += _multiplier_changes(uniq_mult, first_rows)
        uniq_ts, kw, first_rows, neg_examples, neg_count, spread = register_to_kw(
            uniq_ts, uniq_vals * scale, first_rows, interval, rules, uniq_mult
        )
        if spread:
            warnings.append(Message.of(
                "notes.meter.register_spread", "intervals between register readings more "
                "than one interval apart, each given an even share of the energy between the "
                "readings: {count}", count=int(spread)))
        if not len(uniq_ts):
            if uniq_mult is not None and parsed.multiplier is not None:
                _refuse_multiplier_every_row(uniq_mult, reading_rows, name,
                                             parsed.multiplier.header, columns.value_header)
            counts_down = None
            if neg_count:  # every step fell: say so, not "no consecutive readings"
                falls = {"negative": neg_count, "high": 0, "absurd": 0}
                counts_down = why_too_little(
                    name,
                    columns.value_header,
                    unit_kind,
                    uniq_vals[:0],
                    first_rows,
                    falls,
                    neg_examples,
                    0.0,
                    rules,
                )
            raise LoadFileError(
                counts_down
                or Message.of("errors.meter.no_two_readings",
                              "{file}: column '{column}' has no two consecutive register "
                              "readings: check the column, or set the values' unit to kW "
                              "or kWh if they are not cumulative",
                              file=name, column=columns.value_header)
            )
    else:
        # steps.own_minutes gave every reading of power or energy its interval
        assert uniq_carried is not None
        own_minutes = np.rint(uniq_carried).astype(np.int64)
        # energy of each reading's own interval -> its mean power; kW is a mean already
        factor = scale * (60.0 / own_minutes if unit_kind == "kwh" else 1.0)
        kw, neg_examples, neg_count = uniq_vals * factor, [], 0
    unflagged_kw = kw
    kw, outlier_examples, outlier_count, tally = flag_outliers(kw, uniq_ts, first_rows, rules)
    outlier_examples = (neg_examples + outlier_examples)[:MAX_EXAMPLES]
    outlier_count += neg_count
    tally["negative"] += neg_count

    grid_ts, grid_kw = uniq_ts, kw
    if own_minutes is not None:  # a wider reading's mean held over its grid steps
        grid_ts, grid_kw = held(uniq_ts, kw, own_minutes, interval)
    grid = build_grid(grid_ts, grid_kw, interval)
    valid_days = grid.valid.sum() * interval / 1440.0
    if valid_days < rules["min_days"]:
        wrong = why_too_little(
            name,
            columns.value_header,
            unit_kind,
            unflagged_kw,
            first_rows,
            tally,
            outlier_examples,
            valid_days,
            rules,
        )
        end_ns = grid.start_ns + len(grid.values) * interval * NS_PER_MIN
        short = Message.of(
            "errors.meter.too_short", "{file}: only {days:.1f} days of valid data in column "
            "'{column}' (rows {first}-{last}, {start} to {end}, {percent:.1f}% of a year); at "
            "least {needed} days are needed: export a longer period, or enter 12 monthly bills "
            "instead", file=name, days=float(valid_days), column=columns.value_header,
            first=int(rows.min()), last=int(rows.max()), start=minute_str(grid.start_ns),
            end=minute_str(end_ns), percent=100 * float(valid_days) / 365,
            needed=rules["min_days"])
        raise LoadFileError(wrong or short)
    # Enough days left, but many readings beyond any site's load: a unit error (the rest is
    # wrong by the same factor), not a few spikes.
    unit_error = absurd_unit(name, columns.value_header, unflagged_kw, first_rows, tally, rules)
    if unit_error is not None:
        raise LoadFileError(unit_error)
    if series == "load":
        refuse_all_zero(name, columns.value_header, unit_kind, kw, first_rows)
        peak = float(np.nanmax(kw)) if np.isfinite(kw).any() else 0.0
        if peak > rules["unusual_peak_kw"]:
            warnings.append(Message.of(
                "notes.meter.unusual_peak", "the load's peak of {peak:,.0f} kW is beyond nearly "
                "every factory (above {limit:,.0f} kW): check that the column is in kW, not W",
                peak=peak, limit=float(rules["unusual_peak_kw"])))
    elif series == "generation" and all_zero(kw):
        # Not refused: a plant that produced nothing all along is what monitoring reports.
        warnings.append(Message.of(
            "notes.meter.generation_all_zero", "every reading in column '{column}' is 0: if "
            "the plant produced in this period, this is not its generation column; export the "
            "time column and the generation (AC energy or power) column",
            column=columns.value_header))
    filled = fill_gaps(grid, interval, rules)

    target, mapping_info = map_to_typical_year(filled, grid, interval, rules)
    output_interval, held_note = output_step(interval)
    warnings += held_note
    load_values = resample(target.reshape(-1), interval, output_interval)
    axis = typical_year_index(float(utc_offset_hours), output_interval)
    load_kw = pd.Series(load_values, index=axis, name="load_kw")
    if mapping_info.get("warning"):
        warnings.append(mapping_info.pop("warning"))
    warnings += mapping_info.pop("notes")  # each month's peak, the year's energy, a leap day

    source_index = pd.DatetimeIndex(
        grid.start_ns + np.arange(len(grid.values), dtype=np.int64) * interval * NS_PER_MIN
    ).tz_localize(tz_std)
    source_load_kw = pd.Series(filled.values, index=source_index, name="load_kw")
    source_valid = pd.Series(grid.valid, index=source_index, name="valid")

    expected = len(grid.values)
    report = LoadQualityReport(
        filename=name,
        file_format=table.file_format,
        encoding=table.encoding,
        sheet=table.sheet,
        header_row=table.header_row,
        timestamp_columns=columns.ts_headers,
        value_column=columns.value_header,
        rows_read=int(len(parsed.rows)),
        first_timestamp=iso(int(used_wall.min())),
        last_timestamp=iso(int(used_wall.max())),
        interval_minutes=int(interval),
        output_interval_minutes=int(output_interval),
        interval_label=label,
        interval_label_reason=label_reason,
        irregular_timestamps=irregular[0],
        irregular_examples=irregular[1],
        units=unit_kind,
        units_reason=units_reason,
        unit_scale=float(scale),
        coverage_percent=round(100.0 * grid.valid.sum() / expected, 3),
        year_coverage_percent=round(mapping_info.pop("year_coverage_percent"), 3),
        valid_intervals=int(grid.valid.sum()),
        expected_intervals=int(expected),
        filled_intervals=int(filled.interpolated + filled.profile_filled),
        interpolated_intervals=int(filled.interpolated),
        profile_filled_intervals=int(filled.profile_filled),
        long_gaps=filled.long_gaps,
        short_gaps=filled.short_gaps,
        outliers=int(outlier_count),
        outlier_examples=outlier_examples,
        duplicates=int(dup_count),
        duplicate_examples=dup_examples,
        dst_fixes=dst_fixes,
        dropped_rows=parsed.dropped,
        mapping=mapping_info,
        warnings=warnings,
        step_changes=steps.to_list(label),
    )
    return MeterLoad(
        load_kw=load_kw, quality=report, source_load_kw=source_load_kw, source_valid=source_valid
    )
