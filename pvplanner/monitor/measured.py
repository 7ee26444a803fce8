"""Measured weather for the weather-corrected expectation.

Two kinds of input, both read by the project's readers:

* a **weather file** (EPW, TMY3/TMY2, PVGIS, the plain CSV of :mod:`weather.readers`) holding
  the measured year: read onto the typical-year axis by :func:`weather.read_weather_file`, run
  through the plan's PV model there, and mapped back onto the metered dates by month, day and
  hour (so it must be the year the generation was metered in);
* an **irradiance series** (a pyranometer on a horizontal plane, or an inverter's
  environment-monitor column of global horizontal irradiance), any length, read by the
  meter reader; direct and diffuse parts follow from the Erbs model and air temperature and
  wind come from the plan's typical year. Its values are W/m2 unless its header names another
  unit (:func:`header_unit`): kW/m2, or an energy per reading (irradiation: kWh/m2, Wh/m2,
  MJ/m2, kJ/m2, J/m2, J/cm2, cal/cm2), converted to the mean W/m2 of each interval with the
  weather readers' factors (:func:`weather.validate.irradiance_factor`) and said in a note. A
  column without a unit whose peak is not sunlight in W/m2 is refused naming the units its
  peak fits (:func:`likely_units`: hourly MJ/m2 peak at 2.2-4.3, kWh/m2 at 0.6-1.2).

Either way the output is the plan's system (its planes at the plan's capacities, its PV
settings) under the measured weather [kW]. An irradiance series is refused, never turned
into an expectation of nothing, when it reads light while the sun is down at the site (a
power or load column, or a clock that is not the site's) or has no hour in the metered
period.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message, bilingual, weather_message
from pvplanner.monitor.expected import expected_from_weather, map_typical_year
from pvplanner.monitor.readings import MeteredSeries, read_metered
from pvplanner.monitor.records import Note
from pvplanner.monitor.times import local_day, utc_label

__all__ = ["MeasuredWeather", "SiteModel", "dark_hours", "expected_under_measured_weather",
           "header_unit", "likely_units"]

#: Plausible largest hourly mean global horizontal irradiance [W/m2].
_GHI_MAX_W_M2 = 1400.0

#: The peak hourly mean GHI of a column read in the right unit [W/m2]: a clear noon gives
#: 600-1,200 W/m2 (the message's range), a short winter file 400 and more
#: (:data:`weather.validate.MIN_GHI_PEAK_W_M2`), cloud enhancement up to :data:`_GHI_MAX_W_M2`.
_PLAUSIBLE_PEAK_W_M2 = (400.0, _GHI_MAX_W_M2)

#: Apparent solar zenith angle at mid-hour from which an hour is dark throughout [deg]
#: (:func:`dark_hours`).
_DARK_ZENITH_DEG = 100.0

#: Largest mean reading a pyranometer shows in the dark [W/m2]. A thermopile's zero offsets
#: are within 8 W/m2 for a temperature change and negative under a clear night sky
#: (ISO 9060:2018, class C); a silicon sensor reads 0. More than 20 W/m2 on average over the
#: dark hours is light where there is none: not irradiance, or a clock that is not the site's.
_DARK_MAX_W_M2 = 20.0

#: Dark hours needed to judge a column by them [h] (a day of readings has about ten).
_DARK_MIN_HOURS = 6

#: Irradiance units a header may name (the weather readers' spellings, lower case) and how a
#: reader writes them in English and in Chinese (symbols Chinese text uses as they are, kW and
#: kWh; the others in Chinese unit words). W/m2 and kW/m2 are irradiance (power); the others
#: are irradiation, an energy per reading.
_UNIT_NAMES = {"w/m2": ("W/m2", "W/m2"), "kw/m2": ("kW/m2", "kW/m2"),
               "wh/m2": ("Wh/m2", "瓦时/平方米"), "kwh/m2": ("kWh/m2", "kWh/m2"),
               "j/m2": ("J/m2", "焦/平方米"), "kj/m2": ("kJ/m2", "千焦/平方米"),
               "mj/m2": ("MJ/m2", "兆焦/平方米"), "j/cm2": ("J/cm2", "焦/平方厘米"),
               "cal/cm2": ("cal/cm2", "卡/平方厘米")}
_POWER_UNITS = ("w/m2", "kw/m2")

#: Chinese unit words as the symbols they stand for, the longer words first
#: (千瓦时/平方米 is kWh/m2, 兆焦/平方米 MJ/m2).
_CHINESE_UNITS = (("平方厘米", "cm2"), ("平方米", "m2"), ("千瓦时", "kwh"), ("瓦时", "wh"),
                  ("千瓦", "kw"), ("瓦", "w"), ("兆焦耳", "mj"), ("兆焦", "mj"),
                  ("千焦耳", "kj"), ("千焦", "kj"), ("焦耳", "j"), ("焦", "j"), ("卡", "cal"),
                  ("每", "/"))

#: A unit of :data:`_UNIT_NAMES` in a header, not the tail of a longer word (MWh/m2 is none).
_UNIT_PATTERN = re.compile(r"(?<![a-z])(cal/cm2|j/cm2|[mk]?j/m2|k?wh/m2|k?w/m2)")


@dataclass(frozen=True)
class SiteModel:
    """The plan's PV system, as the weather-corrected expectation needs it."""

    latitude: float
    longitude: float
    elevation_m: float
    utc_offset_hours: float
    planes: Any
    settings: Any
    capacity_kwp: Mapping[str, float]
    typical_weather: pd.DataFrame  # the plan's typical year (temperature and wind)


@dataclass(frozen=True)
class MeasuredWeather:
    """The expectation under measured weather and what it came from.

    Attributes
    ----------
    expected_kw : pandas.Series
        AC output of the plan's system on the metered hours [kW]; NaN where the measured
        weather has no value.
    kind : {"weather_file", "irradiance"}
        Which input it was.
    description : str
        The dataset or column used (file name, years).
    years : str
        Years the weather file states ("" when unknown).
    notes : tuple of Note
        What was done to the input (an irradiance unit converted to W/m2).
    """

    expected_kw: pd.Series
    kind: str
    description: str
    years: str = ""
    notes: tuple[Note, ...] = ()


def expected_under_measured_weather(
    source: str | os.PathLike[str] | bytes,
    index: pd.DatetimeIndex,
    site: SiteModel,
    *,
    filename: str | None = None,
    irradiance_column: str | int | None = None,
) -> MeasuredWeather:
    """The plan's system under measured weather, on the metered hours.

    Parameters
    ----------
    source : path or bytes
        A weather file or an irradiance export (each reader caps its size).
    index : pandas.DatetimeIndex
        The metered hours (site standard time).
    site : SiteModel
        The plan's system.
    filename : str, optional
        Name for messages.
    irradiance_column : str or int, optional
        The irradiance column of an export with several columns (default: the reader's
        choice, right for a file with one value column). Naming a column skips the weather
        readers.

    Raises
    ------
    PlannerInputError
        Neither kind could read the file; the message gives both reasons.
    """
    from weather import read_weather_file
    from weather.errors import WeatherInputError

    name = filename or (Path(source).name if isinstance(source, (str, os.PathLike)) else
                        None) or Message.of("errors.monitor.the_weather_file", "the weather file")
    first_problem = None
    if irradiance_column is None:
        try:
            frame, meta = read_weather_file(source, filename=name, latitude=site.latitude,
                                            longitude=site.longitude,
                                            utc_offset_hours=site.utc_offset_hours)
        except WeatherInputError as exc:
            first_problem = exc
        else:
            typical = expected_from_weather(frame, latitude=site.latitude,
                                            longitude=site.longitude,
                                            elevation_m=site.elevation_m, planes=site.planes,
                                            settings=site.settings,
                                            capacity_kwp=site.capacity_kwp)
            return MeasuredWeather(map_typical_year(typical, index), "weather_file",
                                   meta.dataset or name, meta.years)
    try:
        ghi = read_metered(source, filename=name, series="generation",
                           utc_offset_hours=site.utc_offset_hours, units="kw",
                           value_column=irradiance_column)
    except PlannerInputError as exc:
        why = (Message.of("errors.monitor.as_weather_file", "as a weather file: {problem}; ",
                          problem=weather_message(first_problem)) if first_problem else "")
        raise PlannerInputError(Message.of(
            "errors.monitor.measured_unreadable", "{name} could not be read as measured weather "
            "({why}as an irradiance series: {problem}); give a weather file of the metered year "
            "(EPW, TMY, PVGIS or CSV with time, ghi, temp_air) or an export with a time column "
            "and a global horizontal irradiance column in W/m2", name=name, why=why,
            problem=exc.message), field="weather") from None
    column = ghi.quality.value_column
    ghi_w_m2, notes = _in_w_m2(ghi)
    _check_peak(ghi_w_m2, name, ghi)
    _check_dark(ghi_w_m2, site, name, column)
    _check_overlap(ghi_w_m2, index, name)
    return MeasuredWeather(_from_ghi(ghi_w_m2, index, site), "irradiance", f"{name}: {column}",
                           notes=(*ghi.notes, *notes))


def header_unit(header: str) -> str | None:
    """The irradiance unit a column header names, as the weather readers spell it.

    Chinese and English headers alike: the unit in brackets or after the name, Chinese unit
    words (千瓦时/平方米) included; None when the header names none of :data:`_UNIT_NAMES`.

    Examples
    --------
    >>> [header_unit(h) for h in ("辐照量(kWh/m2)", "总辐射（MJ/m²）", "GHI [W m-2]",
    ...                            "irradiation Wh/m^2", "辐照量(千瓦时/平方米)")]
    ['kwh/m2', 'mj/m2', 'w/m2', 'wh/m2', 'kwh/m2']
    >>> header_unit("辐照度"), header_unit("radiation (MWh/m2)"), header_unit("P (kW)")
    (None, None, None)
    """
    text = str(header).lower()
    for word, symbol in _CHINESE_UNITS:
        text = text.replace(word, symbol)
    text = text.replace("²", "2").replace("^2", "2").replace("**2", "2")
    text = re.sub(r"\s*[·⋅]\s*", " ", text)
    text = re.sub(r"\s*m-2\b", "/m2", text)
    text = re.sub(r"\s*/\s*", "/", text)
    match = _UNIT_PATTERN.search(text)
    return match.group(1) if match else None


def _in_w_m2(series: MeteredSeries) -> tuple[pd.Series, tuple[Note, ...]]:
    """Hourly mean irradiance [W/m2] of an irradiance series in its header's unit, and the
    note saying the conversion (none for W/m2 or a header without a unit)."""
    from weather.validate import irradiance_factor

    unit = _convertible_unit(series)
    if unit is None:
        return series.kw, ()
    minutes = series.interval_minutes
    # the weather readers' own factors: an energy per reading is divided by its hours
    factor = irradiance_factor(unit, minutes)
    w_m2 = series.kw.astype(float) * factor
    en, zh = _UNIT_NAMES[unit]
    values = {"column": series.quality.value_column, "unit": {"en": en, "zh": zh},
              "factor": _factor_text(factor)}
    if unit in _POWER_UNITS:
        return w_m2, (Note("irradiance_power_converted", values),)
    return w_m2, (Note("irradiance_energy_converted", {**values, "minutes": minutes}),)


def _convertible_unit(series: MeteredSeries) -> str | None:
    """The header's unit when it is one to convert (not W/m2, not none)."""
    unit = header_unit(series.quality.value_column)
    return None if unit in (None, "w/m2") else unit


def _factor_text(factor: float) -> str:
    """A conversion factor as a reader reads it: ``4,000``, ``1,111.1``, ``0.28``.

    Examples
    --------
    >>> _factor_text(4000.0), _factor_text(1e6 / 3600 / 0.25), _factor_text(1000 / 3600)
    ('4,000', '1,111.1', '0.28')
    """
    text = f"{factor:,.1f}" if factor >= 10 else f"{factor:.2g}"
    return text[:-2] if text.endswith(".0") else text


def _check_peak(ghi_w_m2: pd.Series, name: str, series: MeteredSeries) -> None:
    """Refuse a column whose largest hourly mean no sunlit horizontal surface shows."""
    peak = float(np.nanmax(ghi_w_m2.to_numpy())) if ghi_w_m2.notna().any() else 0.0
    if 50.0 <= peak <= _GHI_MAX_W_M2:
        return
    unit = _convertible_unit(series)
    if unit is not None:
        minutes = series.interval_minutes
        en, zh = _UNIT_NAMES[unit]
        read_as = (bilingual(en, zh) if unit in _POWER_UNITS else bilingual(
            f"{en} per {minutes}-minute reading", f"每 {minutes} 分钟读数的 {zh}"))
        raise PlannerInputError(Message.of(
            "monitor.errors.irradiance_peak_converted", "{name}: read in {unit}, as the header "
            "of column '{column}' says, the irradiance peaks at {peak:,.1f} W/m2 as an hourly "
            "mean, not a global horizontal irradiance (hourly means peak between about 600 "
            "and 1,200 W/m2): check the column and the unit in its header", name=name,
            unit=read_as, column=series.quality.value_column, peak=peak), field="weather")
    column = series.quality.value_column
    raise PlannerInputError(Message.of(
        "monitor.errors.irradiance_peak_no_unit", "{name}: the irradiance column '{column}' "
        "peaks at {peak:,.4g} as an hourly mean, not a global horizontal irradiance in W/m2 "
        "(hourly means peak between about 600 and 1,200 W/m2), and no unit is read from its "
        "header. "
        "{guess}", name=name, column=column, peak=peak,
        guess=_unit_guess(peak, column, series.interval_minutes)), field="weather")


def _unit_guess(peak: float, column: str, minutes: int) -> Message:
    """What the units of an irradiance column without a unit probably are, by its peak
    (:func:`likely_units`), and how to name one in its header."""
    if not peak > 0:
        return Message.of("monitor.errors.irradiance_none", "The column holds no irradiance "
                          "at all (no reading above 0): check that it is the global horizontal "
                          "irradiance.")
    found = likely_units(peak, minutes)
    if not found:
        return Message.of("monitor.errors.irradiance_units_none", "No irradiance unit makes "
                          "its peak sunlight: check that the column is the global horizontal "
                          "irradiance, and name its unit in the header (such as '{example}').",
                          example=f"{column} (W/m2)")
    names = [_reading_unit(unit, minutes, w_m2) for unit, w_m2 in found]
    return Message.of(
        "monitor.errors.irradiance_units_guess", "By its peak it is probably {units}: name "
        "the unit in the header, such as '{example}', and the values are converted to W/m2.",
        units=bilingual(" or ".join(n["en"] for n in names), "或".join(n["zh"] for n in names)),
        example=f"{column} ({_UNIT_NAMES[found[0][0]][0]})")


def likely_units(peak: float, minutes: int) -> list[tuple[str, float]]:
    """The irradiance units (:data:`_UNIT_NAMES`, W/m2 aside) in which a column's peak
    hourly mean is the peak of sunlight, :data:`_PLAUSIBLE_PEAK_W_M2`, with that peak
    [W/m2]; an energy unit is per reading of ``minutes``.

    Examples
    --------
    Hourly MJ/m2 peak between about 2.2 and 4.3 (600 to 1,200 W/m2), kWh/m2 (and kW/m2)
    between 0.6 and 1.2:

    >>> [(unit, round(w)) for unit, w in likely_units(2.7, 60)]
    [('mj/m2', 750)]
    >>> [(unit, round(w)) for unit, w in likely_units(0.9, 60)]
    [('kw/m2', 900), ('kwh/m2', 900)]
    >>> [(unit, round(w)) for unit, w in likely_units(0.225, 15)]  # kWh/m2 a quarter hour
    [('kwh/m2', 900)]
    """
    from weather.validate import irradiance_factor

    low, high = _PLAUSIBLE_PEAK_W_M2
    found = []
    for unit in _UNIT_NAMES:
        if unit == "w/m2":
            continue
        factor = irradiance_factor(unit, minutes)
        if low <= peak * factor <= high:
            found.append((unit, peak * factor))
    return found


def _reading_unit(unit: str, minutes: int, peak_w_m2: float) -> dict[str, str]:
    """A unit as the message names it, an energy per reading of ``minutes``, with the peak
    it gives [W/m2], in both languages."""
    en, zh = _UNIT_NAMES[unit]
    peak = f"{peak_w_m2:,.0f}"
    if unit in _POWER_UNITS:
        return bilingual(f"{en} ({peak} W/m2 at the peak)", f"{zh}（峰值 {peak} W/m2）")
    return bilingual(f"{en} per {minutes}-minute reading ({peak} W/m2 at the peak)",
                     f"每 {minutes} 分钟读数的 {zh}（峰值 {peak} W/m2）")


def dark_hours(index: pd.DatetimeIndex, latitude: float, longitude: float,
               elevation_m: float = 0.0) -> np.ndarray:
    """Hours (labels at hour start) the sun stays below the horizon from start to end [bool].

    The sun's elevation changes by at most 7.5 degrees in half an hour (15 degrees an hour at
    the equator at equinox, less elsewhere), so an hour whose middle has the sun at least
    :data:`_DARK_ZENITH_DEG` - 90 = 10 degrees below the horizon is dark from its start to
    its end, refraction (0.6 degrees) and twilight included: global horizontal irradiance
    is 0 W/m2 then.

    Examples
    --------
    >>> index = pd.date_range("2026-06-21", periods=24, freq="h", tz="Etc/GMT-8")
    >>> dark = dark_hours(index, 30.27, 120.15)
    >>> dark.nonzero()[0].tolist()  # Hangzhou at midsummer: dark from 20:00 to 05:00
    [0, 1, 2, 3, 20, 21, 22, 23]
    """
    import pvlib

    mid = index + pd.Timedelta(minutes=30)
    solar = pvlib.solarposition.get_solarposition(mid, latitude, longitude,
                                                  altitude=elevation_m)
    return solar["apparent_zenith"].to_numpy(dtype=float) >= _DARK_ZENITH_DEG


def _check_dark(ghi_w_m2: pd.Series, site: SiteModel, name: str, column: str) -> None:
    """Refuse a column that reads light while the sun is down: it is not irradiance (a
    power or energy column, a load meter's export) or its clock is not the site's."""
    known = ghi_w_m2.dropna()
    dark = dark_hours(pd.DatetimeIndex(known.index), site.latitude, site.longitude,
                      site.elevation_m)
    if dark.sum() < _DARK_MIN_HOURS:
        return
    level = float(known.to_numpy()[dark].mean())
    if level > _DARK_MAX_W_M2:
        raise PlannerInputError(Message.of(
            "monitor.errors.not_irradiance", "{name}: column '{column}' does not hold "
            "irradiance: it averages {level:,.1f} in the {hours:,} hours the sun is below the "
            "horizon at the site, when sunlight is 0 W/m2. Give the column of global "
            "horizontal irradiance in W/m2 (such as ghi or irradiance) with times in the site's "
            "standard time ({zone}); a power or energy column (kW, kWh) is not weather",
            name=name, column=column, level=level, hours=int(dark.sum()),
            zone=utc_label(site.utc_offset_hours)), field="weather")


def _check_overlap(ghi_w_m2: pd.Series, index: pd.DatetimeIndex, name: str) -> None:
    """Refuse measured weather without a single hour in the metered period."""
    known = pd.DatetimeIndex(ghi_w_m2.dropna().index)
    if len(known) and known.isin(index).any():
        return
    raise PlannerInputError(Message.of(
        "monitor.errors.weather_no_overlap", "{name}: the measured weather covers {start} to "
        "{end} but the generation was metered from {metered_start} to {metered_end}: not one "
        "hour is in both, so nothing can be compared. Give the weather of the metered period",
        name=name, start=local_day(known[0]) if len(known) else "-",
        end=local_day(known[-1]) if len(known) else "-",
        metered_start=local_day(index[0]), metered_end=local_day(index[-1])), field="weather")


def _from_ghi(ghi_w_m2: pd.Series, index: pd.DatetimeIndex, site: SiteModel) -> pd.Series:
    """The plan's system under measured hourly GHI on ``index`` [kW]."""
    import pvlib

    ghi = ghi_w_m2.reindex(index)
    known = ghi.notna().to_numpy()
    values = ghi.fillna(0.0).clip(lower=0.0)
    # solar position at mid-hour: the hourly mean belongs to the middle of its interval
    mid = index + pd.Timedelta(minutes=30)
    solar = pvlib.solarposition.get_solarposition(mid, site.latitude, site.longitude,
                                                  altitude=site.elevation_m)
    parts = pvlib.irradiance.erbs(values.to_numpy(), solar["zenith"].to_numpy(),
                                  mid.day_of_year.to_numpy())
    typical = site.typical_weather
    frame = pd.DataFrame({
        "ghi": values.to_numpy(),
        "dni": np.nan_to_num(np.asarray(parts["dni"], dtype=float)),
        "dhi": np.nan_to_num(np.asarray(parts["dhi"], dtype=float)),
        "temp_air": map_typical_year(typical["temp_air"].to_numpy(), index).to_numpy(),
        "wind_speed": map_typical_year(typical["wind_speed"].to_numpy(), index).to_numpy(),
    }, index=index)
    expected = expected_from_weather(frame, latitude=site.latitude, longitude=site.longitude,
                                     elevation_m=site.elevation_m, planes=site.planes,
                                     settings=site.settings, capacity_kwp=site.capacity_kwp)
    return expected.where(known)
