"""Check and repair a weather frame on the typical-year axis.

:func:`clean_weather` is the one place where weather from any source (files users bring,
online services, the generator) is checked before it reaches a PV model. It either returns a
complete frame (no NaN, SI units, pvlib column names) together with human-readable notes on
what it changed, or raises :class:`~weather.errors.WeatherInputError` with a message that
names the column, timestamp or value and says how to fix it.

What is checked, in order
-------------------------
1. Columns: ``ghi`` and ``temp_air`` are required; ``dni``/``dhi`` are derived from ``ghi``
   when missing (Erbs model, or closure when one of them is present); a missing
   ``wind_speed`` is set to :data:`DEFAULT_WIND_SPEED` [m/s].
2. Declared units (``units=``) are converted to W/m2, degC and m/s (see :data:`ACCEPTED_UNITS`).
3. Text in a number column is an error naming the timestamp, column and value.
4. Missing data: more than :data:`MAX_MISSING_PERCENT` % of the timestamps missing is an
   error naming the first missing timestamp and the count.
5. Units that look wrong are errors with the fix. The irradiance unit is judged from the
   body of the data, not from one value: more than :data:`UNIT_SHARE_PERCENT` % of the
   daytime values above the physical limit (:data:`IRRADIANCE_LIMITS_W_M2`: kJ/m2, J/m2 per
   hour...), or a GHI peak below :data:`MIN_GHI_PEAK_W_M2` (kWh/m2 or kW/m2); a GHI
   column without a positive value holds no irradiance in any unit. A unit is
   suggested only where the user could declare one and did not: a declared unit that gives
   implausible values is reported as such, and the fixed units of a file format (EPW, TMY,
   PVGIS) are never questioned. Isolated values above the limit (at most
   :data:`MAX_SPIKE_HOURS` hours of them) are treated as gaps and noted. Also: an annual
   mean temperature above :data:`MAX_MEAN_TEMP_C` (Kelvin or Fahrenheit), wind speeds in
   km/h.
6. Negative irradiance is clipped to 0 (noted); values at or below
   :data:`MISSING_CODE_THRESHOLD` are missing-value codes (e.g. -9999) and treated as gaps.
7. Gaps: runs of up to :data:`MAX_INTERPOLATED_HOURS` h are interpolated linearly in time;
   runs up to :data:`MAX_FILLED_GAP_DAYS` days are filled with the mean of the same hours of
   the nearest complete days before and after; longer runs are errors. The typical year is
   treated as circular (31 December neighbours 1 January), like the typical-year files.
8. Irradiance while the sun is below the horizon, or a daily irradiance pattern that is
   offset from the sun, is reported with the probable shift in hours (a time zone or
   interval-label mistake, :mod:`weather.timing`): a warning note up to a shift that
   interval labels explain; an error from a shift of
   :data:`~weather.timing.TIME_SHIFT_ERROR_HOURS` on, or when more than
   :data:`~weather.timing.NIGHT_ERROR_PERCENT` % of the year's GHI falls at night, naming
   the shift and how to state the time zone (``time_fix``).
9. A month whose mean GHI is far above the clear sky's at the location (a wrong latitude,
   most often its sign) is an error naming the months (:mod:`weather.sky`), whatever the
   time labels' note said.

Times in messages are the data's own where ``origin`` gives them (a file's time and line,
:mod:`weather.origin`), else the typical year's. The thresholds are validation rules, not
site data, so they live here as named constants.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pvlib

from weather.errors import WeatherInputError, message_part
from weather.meta import COLUMN_NAMES_ZH, REQUIRED_COLUMNS, WeatherNote, column_words
from weather.origin import typical_time
from weather.sky import check_clear_sky
from weather.timeaxis import typical_year_index
from weather.timing import TimeFix, sun_positions, time_label_note

#: More missing timestamps than this share [%] is an error: a year with more than a tenth of
#: its hours invented no longer describes the site.
MAX_MISSING_PERCENT = 10.0

#: Runs of missing values up to this length [h] are interpolated linearly in time.
MAX_INTERPOLATED_HOURS = 3

#: Runs up to this length [days] are filled from the same hours of neighbouring days; longer
#: runs are errors (a week of invented weather would distort a month's yield).
MAX_FILLED_GAP_DAYS = 7

#: Irradiance above this [W/m2] is not W/m2: the solar constant is 1361 W/m2 and hourly
#: surface GHI/DNI stay below about 1,200 W/m2 even at high altitude.
MAX_IRRADIANCE_W_M2 = 1500.0

#: Largest physically possible hourly or 15-minute mean of each irradiance column [W/m2];
#: a value above it is a bad reading, not sunlight. GHI: :data:`MAX_IRRADIANCE_W_M2` (cloud
#: enhancement passes 1,500 W/m2 for seconds to minutes, not for a quarter hour's mean).
#: DNI and DHI: the BSRN "extremely rare" limits with the sun overhead (Long & Shi 2008:
#: DNI 0.95 S0 + 10 = 1,303 W/m2, DHI 0.75 S0 + 30 = 1,051 W/m2, taken as 1,000 for
#: means over a quarter hour or longer; S0 = 1,361 W/m2), which 1-minute values pass only
#: in rare events; the best clear-sky hours at high altitude give about 1,100 W/m2 DNI.
IRRADIANCE_LIMITS_W_M2 = {"ghi": MAX_IRRADIANCE_W_M2, "dni": 1300.0, "dhi": 1000.0}

#: More than this share [%] of a column's daytime (positive) values above its limit means
#: the whole column is in another unit, not that some readings are bad. Measured on the
#: test years read as kJ/m2 per hour: 12 % of the daytime GHI of Sand Point AK (829 kWh/m2 a
#: year, one of the dullest), 24 % Hangzhou, 36 % Greensboro, 43 % Miami, are above
#: 1,500; a year of W/m2 has none.
UNIT_SHARE_PERCENT = 5.0

#: At most this many hours of values [h] above the limits are taken as bad readings and
#: filled as gaps (a day of logger glitches); more are an error: a scale factor or a unit
#: in part of the year, which filling would hide.
MAX_SPIKE_HOURS = 24

#: A GHI peak below this [W/m2] over a whole year is not W/m2 either: clear-sky noon GHI
#: exceeds 500 W/m2 in summer at any latitude below the polar circles.
MIN_GHI_PEAK_W_M2 = 400.0

#: Plausible annual GHI [kWh/m2]; the sunniest deserts receive about 2,700 kWh/m2 a year.
ANNUAL_GHI_RANGE_KWH_M2 = (250.0, 3500.0)

#: An annual mean temperature above this [degC] does not exist on Earth (the hottest
#: inhabited places average about 35 degC, WMO climate normals).
MAX_MEAN_TEMP_C = 45.0

#: Hourly temperatures outside this range [degC] are beyond the WMO world records
#: (56.7 degC Death Valley 1913, -89.2 degC Vostok 1983) and thus unit or code errors.
TEMP_AIR_RANGE_C = (-90.0, 60.0)

#: Hourly mean wind above this [m/s] is not m/s (hurricane-force winds are 33 m/s).
MAX_WIND_SPEED_M_S = 75.0

#: An annual mean wind above this [m/s] is not m/s (the windiest stations average < 20 m/s).
MAX_MEAN_WIND_M_S = 25.0

#: Values at or below this are missing-value codes (EPW/TMY use 9999/-9999/-9900), not data.
MISSING_CODE_THRESHOLD = -900.0

#: Used when a file has no wind speed [m/s]: pvlib's cell-temperature models assume 1 m/s
#: when wind is unknown (``pvlib.temperature.faiman``, ``pvsyst_cell`` defaults).
DEFAULT_WIND_SPEED = 1.0


_IRRADIANCE = ("ghi", "dni", "dhi")

#: The time a message names for a step of the typical-year axis (a message value).
Stamp = Callable[[pd.Timestamp], dict[str, str]]


# Unit conversions to W/m2, degC and m/s. Irradiance units: (factor, per_interval) where
# per_interval marks energies per time step (divide by the step length in hours as well).
# 1 Wh = 3600 J, 1 cal = 4.1868 J.
_IRRADIANCE_UNITS: dict[str, tuple[float, bool]] = {
    "w/m2": (1.0, False),
    "kw/m2": (1000.0, False),
    "wh/m2": (1.0, True),
    "kwh/m2": (1000.0, True),
    "j/m2": (1.0 / 3600.0, True),
    "kj/m2": (1000.0 / 3600.0, True),
    "mj/m2": (1.0e6 / 3600.0, True),
    "j/cm2": (1.0e4 / 3600.0, True),
    "cal/cm2": (4.1868e4 / 3600.0, True),
}
_TEMPERATURE_UNITS = {"degc": "C", "c": "C", "celsius": "C", "k": "K", "kelvin": "K",
                      "degf": "F", "f": "F", "fahrenheit": "F"}
_WIND_UNITS = {"m/s": 1.0, "km/h": 1.0 / 3.6, "kmh": 1.0 / 3.6, "kn": 0.514444,
               "knot": 0.514444, "knots": 0.514444, "kt": 0.514444, "mph": 0.44704}

#: Units accepted in ``units=`` (case and spacing ignored; "m2", "m^2" and "m²" alike;
#: energy units are per time step of the data).
ACCEPTED_UNITS = {
    "irradiance (ghi, dni, dhi)": sorted(_IRRADIANCE_UNITS),
    "temp_air": ["degC", "K", "degF"],
    "wind_speed": sorted(_WIND_UNITS),
}

_MISSING_TEXT = {"", "nan", "na", "n/a", "null", "none", "-", "--"}


def _column_names(columns: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Columns as a note value: ``"ghi, temp_air"`` in English, ``"水平面总辐照度、气温"`` in
    Chinese."""
    return {"en": ", ".join(columns), "zh": "、".join(COLUMN_NAMES_ZH.get(c, c) for c in columns)}


@dataclass(frozen=True)
class _Gap:
    column: str
    start: int
    length: int
    method: str  # "interpolated" or "neighbour days"


def normalise_unit(unit: str) -> str:
    """Canonical spelling of a unit string: lower case, no spaces, ``m2`` for square metres.

    Examples: ``"W/m²"`` -> ``"w/m2"``, ``"kWh/m^2 per hour"`` -> ``"kwh/m2"``,
    ``"°C"`` and ``"℃"`` -> ``"degc"``.
    """
    text = str(unit).strip().lower()
    # The one-character signs and Chinese names of degrees and metres per second
    text = (text.replace("℃", "degc").replace("℉", "degf").replace("摄氏度", "degc")
            .replace("米/秒", "m/s"))
    text = text.replace("²", "2").replace("^2", "2").replace("**2", "2").replace("°", "deg")
    text = text.replace(" ", "")
    for suffix in ("perhour", "/hour", "/hr", "/h", "perinterval", "perstep", "/step"):
        # "kWh/m2/h": the energy is per hourly step, which per_interval handles
        if text.endswith(suffix) and text != suffix and not text.endswith("km/h"):
            text = text[: -len(suffix)]
    text = text.replace("·", "").replace("m-2", "/m2").replace("//", "/")
    if text in ("degreec", "degreesc", "degreescelsius", "degreecelsius"):
        text = "degc"
    return text


def irradiance_factor(unit: str, interval_minutes: int = 60) -> float:
    """The factor [W/m2 per unit] from irradiance in ``unit`` to the mean W/m2 of a step.

    A power (W/m2, kW/m2) by its size; an energy per step (Wh/m2, kWh/m2, J/m2, MJ/m2,
    J/cm2, cal/cm2...) divided by the step's length [h] as well.

    Parameters
    ----------
    unit : str
        An irradiance unit of :data:`ACCEPTED_UNITS`, spelt as :func:`normalise_unit` reads.
    interval_minutes : int, default 60
        Length of one step [min].

    Returns
    -------
    float
        Multiply the values by it to have W/m2.

    Raises
    ------
    KeyError
        If ``unit`` is not an irradiance unit.

    Examples
    --------
    >>> irradiance_factor("kW/m²"), irradiance_factor("kWh/m2", 15), irradiance_factor("Wh/m2")
    (1000.0, 4000.0, 1.0)
    >>> round(irradiance_factor("MJ/m2"), 1)
    277.8
    """
    size_w_m2, per_interval = _IRRADIANCE_UNITS[normalise_unit(unit)]
    return size_w_m2 / (interval_minutes / 60.0) if per_interval else size_w_m2


def convert_units(
    data: pd.DataFrame, units: Mapping[str, str] | None, interval_minutes: int = 60
) -> tuple[pd.DataFrame, list[str]]:
    """Convert declared units of weather columns to W/m2, degC and m/s.

    Parameters
    ----------
    data : pandas.DataFrame
        Numeric weather columns (pvlib names).
    units : mapping of str to str, optional
        Column name (or ``"irradiance"`` for ghi, dni and dhi together) -> unit, e.g.
        ``{"temp_air": "K", "irradiance": "kJ/m2"}``. Energy units are per time step.
    interval_minutes : int, default 60
        Length of one row [min], for energies per step.

    Returns
    -------
    (pandas.DataFrame, list of str)
        The converted copy and one note per converted column (a
        :class:`~weather.meta.WeatherNote`, key ``checks.converted``).

    Raises
    ------
    WeatherInputError
        If a unit or a column name is not recognised.
    """
    if not units:
        return data, []
    out = data.copy()
    notes: list[str] = []
    expanded: dict[str, str] = {}
    for key, unit in units.items():
        name = str(key).strip().lower()
        targets = _IRRADIANCE if name == "irradiance" else (name,)
        for target in targets:
            expanded[target] = unit
    for column, unit in expanded.items():
        norm = normalise_unit(unit)
        if column not in REQUIRED_COLUMNS:
            raise WeatherInputError.of(
                "units.unknown_column", "units given for unknown column {column!r}; use one "
                "of {columns} or 'irradiance'", column=column,
                columns=", ".join(REQUIRED_COLUMNS))
        if column not in out.columns:
            continue
        values = out[column]
        if column in _IRRADIANCE:
            if norm not in _IRRADIANCE_UNITS:
                raise WeatherInputError.of(
                    "units.irradiance", "unknown irradiance unit {unit!r} for {column!r}; use "
                    "one of {units}", unit=str(unit), column=column,
                    units=", ".join(ACCEPTED_UNITS["irradiance (ghi, dni, dhi)"]))
            out[column] = values * irradiance_factor(norm, interval_minutes)
        elif column == "temp_air":
            kind = _TEMPERATURE_UNITS.get(norm)
            if kind is None:
                raise WeatherInputError.of(
                    "units.temperature", "unknown temperature unit {unit!r}; use degC, K or "
                    "degF", unit=str(unit))
            if kind == "K":
                out[column] = values - 273.15
            elif kind == "F":
                out[column] = (values - 32.0) * 5.0 / 9.0
        else:  # wind_speed
            if norm not in _WIND_UNITS:
                raise WeatherInputError.of(
                    "units.wind", "unknown wind speed unit {unit!r}; use one of {units}",
                    unit=str(unit), units=", ".join(sorted(_WIND_UNITS)))
            out[column] = values * _WIND_UNITS[norm]
        if norm not in ("w/m2", "degc", "c", "m/s"):
            notes.append(WeatherNote.of("checks.converted",
                                        "{column} converted from {unit} to SI units",
                                        column=_column_names([column]), unit=str(unit)))
    return out, notes


def clean_weather(
    df: pd.DataFrame,
    *,
    label: str,
    interval_minutes: int = 60,
    latitude: float | None = None,
    longitude: float | None = None,
    units: Mapping[str, str] | None = None,
    declared_units: Mapping[str, str] | None = None,
    fixed_format: str | None = None,
    time_fix: TimeFix | None = None,
    origin: Stamp | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Check, convert and repair one typical year of weather.

    Parameters
    ----------
    df : pandas.DataFrame
        Weather on the typical-year axis (:func:`weather.timeaxis.typical_year_index`, any
        fixed offset), with at least ``ghi`` [W/m2] and ``temp_air`` [degC]; ``dni``,
        ``dhi`` [W/m2] and ``wind_speed`` [m/s] are used when present. Missing values are
        NaN; text in number columns is reported.
    label : str
        What the data are, for messages, e.g. ``"weather file 'site.csv'"``.
    interval_minutes : int, default 60
        Step of the axis [min] (60 or 15).
    latitude, longitude : float, optional
        Location [deg]; needed to derive dni/dhi and to check the time labels against the
        sun. Without them those steps are skipped (deriving raises).
    units : mapping, optional
        Declared units to convert, see :func:`convert_units`.
    declared_units : mapping, optional
        Units the data were declared in and already converted from (column -> unit as the
        user wrote it, e.g. a CSV file's ``# units:`` line). A declared unit is never
        contradicted by a guess: implausible values are reported as what the declaration
        makes of them. Columns of ``units`` count as declared too.
    fixed_format : str, optional
        The file format whose definition fixes the units (``"EPW"``, ``"TMY3"``...): its
        units are never questioned, values that do not fit them are a damaged file.
    time_fix : callable, optional
        Makes the "how to fix it" part of a time-shift error from the detected shift [h]
        (a :class:`~weather.meta.WeatherNote` made with
        :func:`~weather.errors.message_part`), in the terms of the data's source, e.g.
        which header states the time zone of a file. Default: give the times in local
        standard time or state their offset.
    origin : callable, optional
        The time a message names for a step of the axis, as a message value: a file's own
        time and line (:class:`weather.origin.SourceTimes`). Default: the typical-year time.

    Returns
    -------
    (pandas.DataFrame, list of str)
        The cleaned frame with exactly the columns :data:`weather.meta.REQUIRED_COLUMNS`
        (float, no NaN) on the full typical-year index, and notes on what was changed
        (each a :class:`~weather.meta.WeatherNote` with a ``checks.*`` key).

    Raises
    ------
    WeatherInputError
        For missing columns, text in numbers, implausible units, a GHI column without a
        positive value, too many values above the physical limits, too many or too long
        gaps, months far above the clear sky at the location, time labels that are off by
        :data:`~weather.timing.TIME_SHIFT_ERROR_HOURS` or more (or
        :data:`~weather.timing.NIGHT_ERROR_PERCENT` % of the GHI at night), or an index that is not the typical-year axis.
    """
    notes: list[str] = []
    stamp = origin or typical_time
    index = _typical_axis(df, label, interval_minutes)
    frame = df.copy()
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    frame = frame.reindex(index)

    if "ghi" not in frame.columns or "temp_air" not in frame.columns:
        missing = [c for c in ("ghi", "temp_air") if c not in frame.columns]
        found = ", ".join(map(str, df.columns)) or "none"
        raise WeatherInputError.of(
            "validate.missing_column",
            "{label}: required column {column!r} is missing (columns found: {found}). "
            "Weather needs ghi [W/m2] and temp_air [degC]; dni, dhi and wind_speed are optional.",
            label=label, column=column_words(missing[0]), found=found)
    present = [c for c in REQUIRED_COLUMNS if c in frame.columns]
    numeric = pd.DataFrame({c: _to_number(frame[c], c, label, stamp) for c in present},
                           index=index)
    numeric, unit_notes = convert_units(numeric, units, interval_minutes)
    notes += unit_notes
    declared: dict[str, str] = {}
    for key, unit in [*(declared_units or {}).items(), *(units or {}).items()]:
        name = str(key).strip().lower()
        for column in _IRRADIANCE if name == "irradiance" else (name,):
            declared[column] = str(unit)

    numeric = _drop_missing_codes(numeric, notes)
    _check_missing_share(numeric, label, stamp)
    numeric = _check_units(numeric, label, interval_minutes, notes, declared, fixed_format,
                           stamp)

    for column in _IRRADIANCE:
        if column in numeric.columns:
            negative = numeric[column] < 0
            if negative.any():
                notes.append(WeatherNote.of(
                    "checks.negative_irradiance", "negative {column} values set to 0 (the "
                    "lowest {lowest:.1f} W/m2): {count}", column=_column_names([column]),
                    lowest=float(numeric[column].min()), count=int(negative.sum())))
                numeric[column] = numeric[column].clip(lower=0.0)
    if "wind_speed" in numeric.columns and (numeric["wind_speed"] < 0).any():
        count = int((numeric["wind_speed"] < 0).sum())
        numeric["wind_speed"] = numeric["wind_speed"].clip(lower=0.0)
        notes.append(WeatherNote.of("checks.negative_wind",
                                    "negative wind_speed values set to 0: {count}", count=count))

    numeric = _fill_gaps(numeric, label, interval_minutes, notes, stamp)

    solpos = None
    if latitude is not None and longitude is not None:
        solpos = sun_positions(index, latitude, longitude, interval_minutes)
    numeric = _complete_components(numeric, solpos, label, notes)
    if "wind_speed" not in numeric.columns:
        numeric["wind_speed"] = DEFAULT_WIND_SPEED
        notes.append(WeatherNote.of(
            "checks.no_wind", "no wind_speed in the data: {speed:g} m/s assumed (pvlib's "
            "default for cell-temperature models)", speed=float(DEFAULT_WIND_SPEED)))
    if solpos is not None and latitude is not None and longitude is not None:
        note = time_label_note(numeric["ghi"], solpos, interval_minutes, label=label,
                               place=(latitude, longitude), time_fix=time_fix)
        # a wrong latitude (its sign) puts a little sunlight at "night", which the note
        # above would blame on the times: the months above the clear sky name the cause
        check_clear_sky(numeric["ghi"], solpos["zenith"].to_numpy(), latitude, longitude,
                        interval_minutes, label=label, fixed_format=fixed_format)
        if note:
            notes.append(note)

    out = numeric[list(REQUIRED_COLUMNS)].astype("float64")
    out.index = index
    if out.isna().to_numpy().any():  # defensive: every step above should have filled them
        column = out.columns[out.isna().any()][0]
        raise WeatherInputError.of("validate.incomplete",
                                   "{label}: column {column!r} could not be completed",
                                   label=label, column=str(column))
    return out, notes


# --- helpers -----------------------------------------------------------------------------


def _typical_axis(df: pd.DataFrame, label: str, interval_minutes: int) -> pd.DatetimeIndex:
    index = df.index
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None or len(index) == 0:
        raise WeatherInputError.of(
            "validate.not_aware", "{label}: weather must be indexed by tz-aware timestamps on "
            "the typical-year axis (map it with weather.timeaxis.to_typical_year first)",
            label=label)
    offset = index[0].utcoffset()
    hours = offset.total_seconds() / 3600.0 if offset is not None else 0.0
    axis = typical_year_index(hours, interval_minutes)
    if not index.isin(axis).all() or index.has_duplicates:
        raise WeatherInputError.of(
            "validate.not_axis", "{label}: timestamps are not the typical-year axis of "
            "{minutes}-minute steps (map the data with weather.timeaxis.to_typical_year first)",
            label=label, minutes=int(interval_minutes))
    return axis


def _to_number(values: pd.Series, column: str, label: str, stamp: Stamp) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        out = values.astype("float64")
    else:
        text = values.astype("string").str.strip()
        blank = text.isna() | text.str.lower().isin(_MISSING_TEXT)
        out = pd.to_numeric(text.where(~blank), errors="coerce").astype("float64")
        bad = (~blank) & out.isna()
        if bad.any():
            first = bad[bad].index[0]
            raise WeatherInputError.of(
                "validate.not_number",
                "{label}: column {column!r} holds text that is not a number at {at} (value "
                "{value!r}; {count} such values). Put plain numbers with a '.' decimal point, "
                "or leave the cell empty.", label=label, column=str(column),
                at=stamp(first), value=str(values.loc[first]),
                count=int(bad.sum()))
    return out.where(np.isfinite(out))


def _drop_missing_codes(data: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    codes = data <= MISSING_CODE_THRESHOLD
    if codes.to_numpy().any():
        notes.append(WeatherNote.of(
            "checks.missing_codes", "values at or below {threshold:g} taken as missing-value "
            "codes: {count}", threshold=float(MISSING_CODE_THRESHOLD),
            count=int(codes.to_numpy().sum())))
        data = data.mask(codes)
    return data


def _check_missing_share(data: pd.DataFrame, label: str, stamp: Stamp) -> None:
    missing_rows = data.isna().any(axis=1)
    count = int(missing_rows.sum())
    share = 100.0 * count / len(data)
    if share > MAX_MISSING_PERCENT:
        first = missing_rows[missing_rows].index[0]
        column = data.columns[data.loc[first].isna().to_numpy()][0]
        raise WeatherInputError.of(
            "validate.missing_share",
            "{label}: {count} of {total} timestamps ({share:.1f} %) have missing values, the "
            "first at {at} (column {column!r}); at most {limit:g} % can be filled. Supply a "
            "complete year or use an online source such as PVGIS.", label=label, count=count,
            total=len(data), share=share, at=stamp(first), column=str(column),
            limit=float(MAX_MISSING_PERCENT))


#: Units suggested for undeclared irradiance, as the message names them and as
#: :data:`_IRRADIANCE_UNITS` spells them.
_HINT_UNITS = (
    ("Wh/m2", "wh/m2"),
    ("kWh/m2 (or kW/m2)", "kwh/m2"),
    ("MJ/m2", "mj/m2"),
    ("J/cm2", "j/cm2"),
    ("kJ/m2", "kj/m2"),
    ("J/m2", "j/m2"),
)

#: The 99th percentile of a year's daytime values in W/m2 [W/m2], the body of the data a
#: unit is judged by (measured on the test years: GHI 780-970, DNI 780-940, DHI 360-480).
_TYPICAL_P99_W_M2 = {"ghi": 900.0, "dni": 900.0, "dhi": 420.0}


def _irradiance_unit_hint(values: pd.Series, column: str, interval_minutes: int) -> str:
    """The unit that makes the body of undeclared irradiance plausible W/m2 (``""`` when
    none does): the 99th percentile of the daytime values within a factor of 4 of a year's
    in W/m2, no more than :data:`UNIT_SHARE_PERCENT` % of them above the limit once
    converted, and for GHI an annual sum within :data:`ANNUAL_GHI_RANGE_KWH_M2`."""
    positive = values[values > 0].dropna()
    if positive.empty:
        return ""
    p99 = float(np.percentile(positive.to_numpy(), 99))
    best, nearest = "", 0.6  # decades: a factor of 4
    for name, unit in _HINT_UNITS:
        factor = irradiance_factor(unit, interval_minutes)
        if factor == 1.0:  # Wh/m2 per hour is W/m2: no other unit
            continue
        distance = abs(np.log10(p99 * factor / _TYPICAL_P99_W_M2[column]))
        above = 100.0 * float((positive * factor > IRRADIANCE_LIMITS_W_M2[column]).mean())
        annual = float(values.mean()) * factor * 8760 / 1000.0
        low, high = ANNUAL_GHI_RANGE_KWH_M2
        plausible = above <= UNIT_SHARE_PERCENT and (column != "ghi" or low <= annual <= high)
        if plausible and distance <= nearest:
            best, nearest = name, distance
    # "kWh/m2 (or kW/m2)": a mean kW/m2 is the kWh/m2 of an hour, not of a shorter step
    return best if interval_minutes == 60 else best.split(" (")[0]


def _check_units(
    data: pd.DataFrame,
    label: str,
    interval_minutes: int,
    notes: list[str],
    declared: Mapping[str, str],
    fixed_format: str | None,
    stamp: Stamp,
) -> pd.DataFrame:
    """Raise on units that do not fit the values; return ``data`` with isolated irradiance
    values above the physical limits as gaps (noted)."""
    data = data.copy()
    for column in _IRRADIANCE:
        if column not in data.columns or data[column].isna().all():
            continue
        values = data[column]
        if column == "ghi" and not (values > 0).any():
            raise _no_irradiance(values, label, fixed_format, stamp)
        limit = IRRADIANCE_LIMITS_W_M2[column]
        above = values > limit
        count = int(above.sum())
        share = 100.0 * count / max(int((values > 0).sum()), 1)
        body = values.mask(above)
        too_high = share > UNIT_SHARE_PERCENT
        too_low = column == "ghi" and not too_high and not float(body.max()) >= MIN_GHI_PEAK_W_M2
        if too_high or too_low:
            raise _irradiance_unit_error(values if too_high else body, column, label,
                                         interval_minutes, share if too_high else None,
                                         declared.get(column), fixed_format, stamp)
        if count > MAX_SPIKE_HOURS * 60 // interval_minutes:
            raise WeatherInputError.of(
                "validate.irradiance_spikes",
                "{label}: {column} is above {limit:,.0f} W/m2, more than the sun delivers, in "
                "{count} values (the first at {at}, the highest {peak:,.4g} W/m2). Up to {most} h "
                "of such values are taken as bad readings and filled as gaps; this many mean the "
                "values are wrong: {advice}", label=label, column=column, limit=float(limit),
                count=count, at=stamp(values[above].index[0]),
                peak=float(values.max()), most=int(MAX_SPIKE_HOURS), advice=(
                    message_part("validate.spikes_format", "the {format} file is damaged; "
                                 "export or download it again.", format=fixed_format)
                    if fixed_format else
                    message_part("validate.spikes_check", "a scale factor, or another unit in "
                                 "part of the year? Check the {column} values and their unit.",
                                 column=column)))
        if count:
            notes.append(WeatherNote.of(
                "checks.irradiance_spikes", "{column} values above {limit:,.0f} W/m2, more than "
                "the sun delivers, taken as missing and filled like gaps: {count} (the highest "
                "{peak:,.0f} W/m2 at {at})", column=_column_names([column]), limit=float(limit),
                count=count, peak=float(values.max()), at=stamp(values.idxmax())))
            data[column] = body
    _check_other_units(data, label, fixed_format, stamp)
    return data


def _no_irradiance(values: pd.Series, label: str, fixed_format: str | None,
                   stamp: Stamp) -> WeatherInputError:
    """The error for a GHI column without a single positive value: no unit makes sunlight of
    it, so it is empty or not the irradiance."""
    known = values.dropna()
    return WeatherInputError.of(
        "validate.no_irradiance",
        "{label}: ghi is 0 or less in all {count} values, from {first} to {last}: the column "
        "holds no irradiance at all, in any unit. {advice}", label=label, count=len(known),
        first=stamp(known.index[0]), last=stamp(known.index[-1]), advice=(
            message_part("validate.spikes_format", "the {format} file is damaged; "
                         "export or download it again.", format=fixed_format)
            if fixed_format else
            message_part("validate.no_irradiance_column", "The export left it empty, or "
                         "another column was read as ghi: give the global horizontal "
                         "irradiance in W/m2 in the column named ghi.")))


def _irradiance_unit_error(
    values: pd.Series,
    column: str,
    label: str,
    interval_minutes: int,
    share: float | None,
    declared: str | None,
    fixed_format: str | None,
    stamp: Stamp,
) -> WeatherInputError:
    """The error for irradiance whose body is not W/m2: too high (``share`` [%] of the
    daytime values above the limit) or, with ``share`` None, a GHI peak too low."""
    hours = interval_minutes / 60.0
    peak = float(values.max())
    at = stamp(values.idxmax())
    annual = float(values.sum()) * hours / 1000.0
    low, high = (float(v) for v in ANNUAL_GHI_RANGE_KWH_M2)
    bound = (
        message_part("validate.above_sun", "{share:.0f} % of its daytime values above "
                     "{limit:,.0f} W/m2, more than the sun delivers", share=float(share),
                     limit=float(IRRADIANCE_LIMITS_W_M2[column]))
        if share is not None
        else message_part("validate.below_noon", "below {limit:,.0f} W/m2, less than any "
                          "clear noon delivers", limit=float(MIN_GHI_PEAK_W_M2))
    )
    if declared is not None:
        return WeatherInputError.of(
            "validate.declared_unit",
            "{label}: {column} is declared in {unit}; converted from {unit}, its values peak "
            "at {peak:,.4g} W/m2 (at {at}), {bound}, and the year sums to {annual:,.4g} kWh/m2 "
            "(a year of GHI is {low:,.0f}-{high:,.0f} kWh/m2). The declared unit does not fit "
            "the numbers: check the unit declared for {column} (the '# units:' line or the "
            "column header) and the values.", label=label, column=column, unit=declared,
            peak=peak, at=at, bound=bound, annual=annual, low=low, high=high)
    if fixed_format:
        return WeatherInputError.of(
            "validate.format_unit",
            "{label}: {column} peaks at {peak:,.4g} W/m2 (at {at}), {bound}, and the year "
            "sums to {annual:,.4g} kWh/m2 (a year of GHI is {low:,.0f}-{high:,.0f} kWh/m2). "
            "{format} files give irradiance in W/m2 (Wh/m2 per hour) by definition, so the "
            "file is damaged or was not written to the format: export or download it again.",
            label=label, column=column, peak=peak, at=at, bound=bound, annual=annual, low=low,
            high=high, format=fixed_format)
    step = (message_part("validate.per_hour", "hour") if interval_minutes == 60 else
            message_part("validate.per_step", "{minutes}-minute step",
                         minutes=int(interval_minutes)))
    hint = _irradiance_unit_hint(values, column, interval_minutes)
    guess = (
        message_part(
            "validate.unit_guess",
            " It looks like {hint} per {step}: declare the unit in the file, with a line "
            "'# units: {column}={unit}' above the header or the header '{column} [{unit}]', "
            "or convert the values to W/m2.",
            hint={"en": hint, "zh": hint.replace(" (or ", "（或 ").replace(")", "）")},
            step=step, column=column, unit=hint.split(" ")[0])
        if hint
        else message_part("validate.unit_check", " Check the unit and the column order, "
                          "and convert the values to W/m2.")
    )
    return WeatherInputError.of(
        "validate.irradiance_unit",
        "{label}: {column} peaks at {peak:,.4g} (at {at}), {bound}; read as W/m2 the year "
        "would sum to {annual:,.4g} kWh/m2 (plausible {low:,.0f}-{high:,.0f}), so the "
        "values are probably not W/m2.{guess}", label=label, column=column, peak=peak,
        at=at, bound=bound, annual=annual, low=low, high=high, guess=guess)


def _check_other_units(data: pd.DataFrame, label: str, fixed_format: str | None,
                       stamp: Stamp) -> None:
    """Annual GHI, temperature and wind units; a file format's fixed units are not
    questioned, its values are (:func:`_format_damaged`)."""
    if "ghi" in data.columns:
        annual = float(data["ghi"].mean()) * 8760 / 1000.0
        low, high = ANNUAL_GHI_RANGE_KWH_M2
        if not low <= annual <= high:
            if fixed_format:
                raise _format_damaged(label, fixed_format, message_part(
                    "validate.ghi_outside", "ghi sums to {annual:,.0f} kWh/m2 a year, outside "
                    "the plausible {low:,.0f}-{high:,.0f} kWh/m2", annual=annual,
                    low=float(low), high=float(high)))
            raise WeatherInputError.of(
                "validate.ghi_annual",
                "{label}: ghi averages to {annual:,.0f} kWh/m2 a year, outside the plausible "
                "{low:,.0f}-{high:,.0f} kWh/m2; check the unit (W/m2 expected) and the column.",
                label=label, annual=annual, low=float(low), high=float(high))
    if "temp_air" in data.columns and data["temp_air"].notna().any():
        temp = data["temp_air"]
        mean, hottest, coldest = float(temp.mean()), float(temp.max()), float(temp.min())
        low, high = TEMP_AIR_RANGE_C
        if fixed_format and (mean > MAX_MEAN_TEMP_C or not low <= coldest <= hottest <= high):
            raise _format_damaged(label, fixed_format, message_part(
                "validate.temp_outside", "temp_air averages {mean:.1f} degC and ranges from "
                "{coldest:.1f} to {hottest:.1f} degC, beyond the world records (-89.2 and "
                "56.7 degC)", mean=mean, coldest=coldest, hottest=hottest))
        if mean > 150.0:
            raise WeatherInputError.of(
                "validate.kelvin",
                "{label}: temp_air averages {mean:.1f}, impossible in degC; the values look "
                "like Kelvin. Subtract 273.15 or declare the unit in the file, with a line "
                "'# units: temp_air=K' above the header or the header 'temp_air [K]'.",
                label=label, mean=mean)
        if mean > MAX_MEAN_TEMP_C or hottest > high:
            raise WeatherInputError.of(
                "validate.fahrenheit",
                "{label}: temp_air averages {mean:.1f} and reaches {hottest:.1f} (at {at}), too "
                "hot for degC (world record 56.7 degC); the values look like Fahrenheit. "
                "Convert them to degC or declare the unit in the file, with a line "
                "'# units: temp_air=degF' above the header or the header 'temp_air [degF]'.",
                label=label, mean=mean, hottest=hottest, at=stamp(temp.idxmax()))
        if coldest < low:
            raise WeatherInputError.of(
                "validate.too_cold",
                "{label}: temp_air falls to {coldest:.1f} degC at {at}, below the world record "
                "-89.2 degC; a missing-value code or a unit error. Leave missing values empty.",
                label=label, coldest=coldest, at=stamp(temp.idxmin()))
    if "wind_speed" in data.columns and data["wind_speed"].notna().any():
        wind = data["wind_speed"]
        mean, peak = float(wind.mean()), float(wind.max())
        if peak > MAX_WIND_SPEED_M_S or mean > MAX_MEAN_WIND_M_S:
            if fixed_format:
                raise _format_damaged(label, fixed_format, message_part(
                    "validate.wind_outside", "wind_speed averages {mean:.1f} m/s and peaks at "
                    "{peak:.1f} m/s, beyond any hourly wind measured", mean=mean, peak=peak))
            raise WeatherInputError.of(
                "validate.wind_unit",
                "{label}: wind_speed averages {mean:.1f} and peaks at {peak:.1f}, too high for "
                "m/s; km/h or knots? Convert to m/s or declare the unit in the file, with a "
                "line '# units: wind_speed=km/h' above the header or the header "
                "'wind_speed [km/h]'.", label=label, mean=mean, peak=peak)


def _format_damaged(label: str, fixed_format: str, problem: WeatherNote) -> WeatherInputError:
    """The error for values a file format's fixed units cannot give (``problem``)."""
    return WeatherInputError.of(
        "validate.format_values",
        "{label}: {problem}. {format} files give ghi in W/m2 (Wh/m2 per hour), temp_air in "
        "degC and wind_speed in m/s by definition, so the file is damaged or was not "
        "written to the format: export or download it again.", label=label,
        problem=problem, format=fixed_format)


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and stop positions of the True runs of ``mask``."""
    padded = np.concatenate(([0], mask.astype(np.int8), [0]))
    diff = np.diff(padded)
    return np.flatnonzero(diff == 1), np.flatnonzero(diff == -1)


def _fill_gaps(
    data: pd.DataFrame, label: str, interval_minutes: int, notes: list[str], stamp: Stamp
) -> pd.DataFrame:
    steps_per_day = 24 * 60 // interval_minutes
    max_interp = MAX_INTERPOLATED_HOURS * 60 // interval_minutes
    max_fill = MAX_FILLED_GAP_DAYS * steps_per_day
    index = data.index
    gaps: list[_Gap] = []
    filled = {}
    for column in data.columns:
        values = data[column].to_numpy(dtype=float, copy=True)
        isnan = np.isnan(values)
        if not isnan.any():
            filled[column] = values
            continue
        n = len(values)
        # rotate so that the series starts with a value: runs then never wrap the year end
        shift = int(np.argmax(~isnan))
        rotated = np.roll(values, -shift)
        original = rotated.copy()
        valid = ~np.isnan(original)
        starts, stops = _runs(~valid)
        for start, stop in zip(starts, stops, strict=True):
            length = int(stop - start)
            real_start = int((start + shift) % n)
            if length <= max_interp:
                left, right = original[start - 1], original[stop % n]
                weights = np.arange(1, length + 1) / (length + 1)
                rotated[start:stop] = left + (right - left) * weights
                gaps.append(_Gap(column, real_start, length, "interpolated"))
            elif length <= max_fill:
                for pos in range(start, stop):
                    rotated[pos] = _same_hour_neighbours(original, valid, pos, steps_per_day)
                gaps.append(_Gap(column, real_start, length, "neighbour days"))
            else:
                first = index[real_start]
                last = index[int((real_start + length - 1) % n)]
                raise WeatherInputError.of(
                    "validate.gap",
                    "{label}: column {column!r} has a gap of {days:.1f} days from {start} to "
                    "{end}; gaps longer than {limit} days cannot be filled credibly. Supply "
                    "data for that period or use an online source such as PVGIS.",
                    label=label, column=str(column), days=length / steps_per_day,
                    start=stamp(first), end=stamp(last),
                    limit=MAX_FILLED_GAP_DAYS)
        filled[column] = np.roll(rotated, shift)
    notes += _gap_notes(gaps, index, interval_minutes, stamp)
    return pd.DataFrame(filled, index=index)


def _same_hour_neighbours(
    values: np.ndarray, valid: np.ndarray, pos: int, steps_per_day: int
) -> float:
    """Mean of the same time of day on the nearest valid days before and after (circular)."""
    n = len(values)
    found = []
    for direction in (-1, 1):
        for days in range(1, n // steps_per_day):
            q = (pos + direction * days * steps_per_day) % n
            if valid[q]:
                found.append(values[q])
                break
    return float(np.mean(found))


def _gap_notes(gaps: list[_Gap], index: pd.DatetimeIndex, interval_minutes: int,
               stamp: Stamp) -> list[str]:
    notes: list[str] = []
    step_h = interval_minutes / 60.0
    short = [g for g in gaps if g.method == "interpolated"]
    if short:
        columns = sorted({g.column for g in short})
        spans = {(g.start, g.length) for g in short}
        hours = sum(length for _, length in spans) * step_h
        first = index[min(start for start, _ in spans)]
        notes.append(WeatherNote.of(
            "checks.short_gaps", "short gaps of up to {limit} h interpolated in time: {count} "
            "({hours:g} h in all, the first at {first}; columns: {columns})",
            limit=int(MAX_INTERPOLATED_HOURS), count=len(spans), hours=float(hours),
            first=stamp(first), columns=_column_names(columns)))
    long: dict[tuple[int, int], list[str]] = {}
    for g in gaps:
        if g.method == "neighbour days":
            long.setdefault((g.start, g.length), []).append(g.column)
    for (start, length), columns in sorted(long.items())[:5]:
        notes.append(WeatherNote.of(
            "checks.long_gap", "gap of {hours:g} h from {start} filled from the same hours of "
            "the neighbouring days: {columns}", hours=float(length * step_h),
            start=stamp(index[start]), columns=_column_names(columns)))
    if len(long) > 5:
        notes.append(WeatherNote.of("checks.more_gaps", "more gaps filled the same way: {count}",
                                    count=len(long) - 5))
    return notes


def _complete_components(
    data: pd.DataFrame, solpos: pd.DataFrame | None, label: str, notes: list[str]
) -> pd.DataFrame:
    has_dni, has_dhi = "dni" in data.columns, "dhi" in data.columns
    if has_dni and has_dhi:
        return data
    if solpos is None:
        raise WeatherInputError.of(
            "validate.no_location", "{label}: {column} is missing and cannot be derived from "
            "ghi without the location; give latitude and longitude", label=label,
            column="dni" if not has_dni else "dhi")
    out = data.copy()
    zenith = solpos["zenith"]
    cos_zenith = np.cos(np.radians(zenith.to_numpy()))
    ghi = out["ghi"]
    if not has_dni and not has_dhi:
        # plain arrays: Erbs' extraterrestrial term then follows the day of year positionally
        split = pvlib.irradiance.erbs(
            ghi.to_numpy(), zenith.to_numpy(), np.asarray(ghi.index.day_of_year, dtype=float)
        )
        out["dni"] = np.asarray(split["dni"], dtype=float)
        out["dhi"] = np.asarray(split["dhi"], dtype=float)
        notes.append(WeatherNote.of(
            "checks.erbs", "dni and dhi derived from ghi with the Erbs model "
            "(pvlib.irradiance.erbs); hourly diffuse fractions from such models are uncertain "
            "by 10-20 %"))
    elif not has_dni:
        # closure ghi = dni cos(z) + dhi, cut where the sun is too low for a stable ratio
        usable = cos_zenith > 0.065
        beam = np.clip(ghi.to_numpy() - out["dhi"].to_numpy(), 0.0, None)
        out["dni"] = np.where(usable, beam / np.where(usable, cos_zenith, 1.0), 0.0)
        out["dni"] = out["dni"].clip(upper=MAX_IRRADIANCE_W_M2)
        notes.append(WeatherNote.of("checks.dni_closure", "dni derived from ghi and dhi "
                                    "(closure ghi = dni cos(zenith) + dhi)"))
    else:
        out["dhi"] = np.clip(
            ghi.to_numpy() - out["dni"].to_numpy() * np.clip(cos_zenith, 0, 1), 0.0, None
        )
        notes.append(WeatherNote.of("checks.dhi_closure", "dhi derived from ghi and dni "
                                    "(closure ghi = dni cos(zenith) + dhi)"))
    return out
