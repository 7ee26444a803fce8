"""Whether a year's irradiance follows the sun: time zones and interval labels.

A weather year whose times are in another time zone than the one they are read in puts the
sunshine hours early or late, against the load and the time-of-use periods of the plan.
:func:`time_label_note` compares the daily irradiance pattern with the sun at the place
(:func:`irradiance_time_shift`): a shift that interval labels explain (up to one step) is a
warning note, a shift of :data:`TIME_SHIFT_ERROR_HOURS` or more (a wrong time zone), or more
than :data:`NIGHT_ERROR_PERCENT` % of the year's GHI at night, an error that names the shift
and says how to state the time zone (a :data:`TimeFix`; :func:`file_time_fix` for files).

Sign convention: the irradiance comes ``shift`` h after the sun would put it when times in
UTC+x are read as UTC+y with x = y + shift. Naive UTC times read as China's UTC+8 come
8 h early: shift = 0 - 8 = -8.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pvlib

from weather.errors import WeatherInputError, message_part
from weather.meta import WeatherNote

#: Share of annual GHI [%] falling while the sun is below the horizon above which a
#: time-label problem is reported.
NIGHT_IRRADIANCE_PERCENT = 1.0

#: A detected shift of the irradiance against the sun of this many hours [h] or more is an
#: error, smaller ones are warnings. Interval labels explain up to one step (labels at
#: interval end read as start: 1 h in hourly data); two hours or more is a wrong time zone
#: (naive UTC times in China: 8 h), which moves the PV profile against the load and the
#: time-of-use periods and puts sunlight into the night. Measured on Hangzhou and
#: Greensboro years: a 1 h shift puts 0.1-0.3 % of the year's GHI at night, 2 h 1.9-2.6 %,
#: 3 h 7-8 %.
TIME_SHIFT_ERROR_HOURS = 2.0

#: More than this share [%] of the year's GHI while the sun is below the horizon is an
#: error whatever the detected shift: more than a 3 h shift puts there (7-8 %), so neither
#: the location nor the times can be right. Between :data:`NIGHT_IRRADIANCE_PERCENT` and
#: this share it is a warning (readings that stay above zero at night, twilight).
NIGHT_ERROR_PERCENT = 10.0

#: Largest time shift [h] searched for when the irradiance does not follow the sun.
MAX_SHIFT_SEARCH_HOURS = 12

#: Makes the "how to fix it" part of a time-shift error from the detected shift [h].
TimeFix = Callable[[float], WeatherNote]


def sun_positions(
    index: pd.DatetimeIndex, latitude: float, longitude: float, interval_minutes: int
) -> pd.DataFrame:
    """Solar elevation [deg] at the start, middle and end of every interval, zenith at the middle."""
    step = pd.Timedelta(minutes=interval_minutes)
    middle = pvlib.solarposition.get_solarposition(index + step / 2, latitude, longitude)
    edges = index.append(pd.DatetimeIndex([index[-1] + step]))
    edge = pvlib.solarposition.get_solarposition(edges, latitude, longitude)
    elevation = edge["elevation"].to_numpy()
    return pd.DataFrame(
        {
            "zenith": middle["zenith"].to_numpy(),
            "elevation": middle["elevation"].to_numpy(),
            "elevation_start": elevation[:-1],
            "elevation_end": elevation[1:],
        },
        index=index,
    )


def irradiance_time_shift(
    ghi: pd.Series, latitude: float, longitude: float, interval_minutes: int = 60
) -> tuple[float, float]:
    """How far the irradiance pattern is shifted from the sun, and how much falls at night.

    Parameters
    ----------
    ghi : pandas.Series
        GHI [W/m2] on a tz-aware, regular axis with interval-start labels.
    latitude, longitude : float
        Location [deg].
    interval_minutes : int, default 60
        Step of the axis [min].

    Returns
    -------
    shift_hours : float
        Lag [h] that best aligns the data with the sun: positive means the irradiance comes
        that many hours *after* the sun would put it (labels too late).
    night_percent : float
        Share of the total GHI [%] in intervals when the sun is below the horizon throughout.
    """
    solpos = sun_positions(pd.DatetimeIndex(ghi.index), latitude, longitude, interval_minutes)
    return _shift_and_night(ghi.to_numpy(dtype=float), solpos, interval_minutes)


def _shift_and_night(
    ghi: np.ndarray, solpos: pd.DataFrame, interval_minutes: int
) -> tuple[float, float]:
    """The lag [h] that best aligns ``ghi`` with the sun's elevation (the smaller lag of
    equal scores), and the share of the GHI [%] in intervals wholly at night."""
    ghi = np.nan_to_num(np.clip(ghi, 0.0, None))
    total = ghi.sum()
    if total <= 0:
        return 0.0, 0.0
    # "night": the sun is below the horizon for the whole interval (1 deg margin for refraction)
    highest = solpos[["elevation_start", "elevation", "elevation_end"]].max(axis=1)
    night = (highest < -1.0).to_numpy()
    night_percent = 100.0 * ghi[night].sum() / total
    proxy = np.clip(np.sin(np.radians(solpos["elevation"].to_numpy())), 0.0, None)
    steps_per_hour = 60 // interval_minutes
    lags = range(
        -MAX_SHIFT_SEARCH_HOURS * steps_per_hour, MAX_SHIFT_SEARCH_HOURS * steps_per_hour + 1
    )
    proxy_c = proxy - proxy.mean()
    ghi_c = ghi - ghi.mean()
    scores = {lag: float(np.dot(np.roll(ghi_c, -lag), proxy_c)) for lag in lags}
    best = max(scores, key=lambda lag: (scores[lag], -abs(lag)))
    return best * interval_minutes / 60.0, night_percent


def utc_text(hours: float) -> str:
    """A UTC offset as a time-column header states it: ``"UTC"``, ``"UTC+8"``,
    ``"UTC-3:30"``, ``"UTC+5:45"``.

    Examples
    --------
    >>> utc_text(0), utc_text(8), utc_text(-3.5), utc_text(5.75)
    ('UTC', 'UTC+8', 'UTC-3:30', 'UTC+5:45')
    """
    minutes = round(float(hours) * 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    whole, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{whole}" + (f":{rest:02d}" if rest else "")


def utc_offset_in(text: str | None) -> float | None:
    """The offset [h] a time column's unit states (``UTC``, ``UTC+8``, ``GMT-3:30``,
    ``Z``), as :func:`utc_text` writes it; None when it states none (``local``).

    Examples
    --------
    >>> [utc_offset_in(t) for t in ("UTC", "utc+8", "UTC-3:30", "GMT+0545", "local", None)]
    [0.0, 8.0, -3.5, 5.75, None, None]
    >>> all(utc_offset_in(utc_text(h)) == h for h in (-12.0, -0.5, 0.0, 5.75, 14.0))
    True
    """
    match = re.fullmatch(r"(?:utc|gmt|z)\s*(?:([+-])(\d{1,2})(?::?(\d{2}))?)?",
                         str(text or "").strip().lower())
    if match is None or not text:  # e.g. "time (local)": nothing stated about the offset
        return None
    sign = -1.0 if match.group(1) == "-" else 1.0
    return sign * (int(match.group(2) or 0) + int(match.group(3) or 0) / 60.0)


def _default_time_fix(local_hours: float) -> TimeFix:
    def fix(shift: float) -> WeatherNote:
        return message_part(
            "timing.fix_times", " Give the times in local standard time ({local}) with labels "
            "at interval start, or state the time zone they are in.",
            local=utc_text(local_hours))
    return fix


def file_time_fix(fixed_format: str | None, basis: str, stated_hours: float,
                  local_hours: float) -> TimeFix:
    """How to state the time zone of a weather file whose irradiance is shifted against the
    sun, in the terms of the file.

    Parameters
    ----------
    fixed_format : str or None
        The format that fixes the time zone of its times (``"EPW"``, ``"PVGIS"``...), or
        None for a plain CSV file.
    basis : str
        How a plain CSV file states the time zone of its naive times: ``"header"`` (``time
        [UTC+8]``), ``"comment"`` (``# utc_offset=8``), ``"given"`` or ``"standard"`` (not
        at all: read in the caller's or the location's standard offset), ``"offsets"`` (each
        time carries its own offset).
    stated_hours : float
        The offset the times were read in [h].
    local_hours : float
        The site's local standard time [h].

    Returns
    -------
    TimeFix
        Makes the advice from the shift [h]: the times look like UTC+(stated + shift).

    Examples
    --------
    Naive UTC times of a Hangzhou file read as UTC+8 come 8 h early:

    >>> fix = file_time_fix(None, "standard", 8.0, 8.0)
    >>> print(str(fix(-8.0)).split(": ")[1])
    state it in the time column's header ('time [UTC]') or with a '# utc_offset=0' line, or give the times in local standard time.
    """
    stated = float(stated_hours)

    def fix(shift: float) -> WeatherNote:
        seems = stated + float(shift)
        if not -12.0 <= seems <= 14.0:
            return message_part(
                "timing.fix_location", " No time zone explains a shift of {shift:+g} h: check "
                "the location (latitude, longitude: east and north positive) and the times.",
                shift=float(shift))
        values = {"stated": utc_text(stated), "seems": utc_text(seems),
                  "hours": f"{seems:g}", "local": utc_text(local_hours)}
        if fixed_format:
            return message_part(
                "timing.fix_format", " {format} files state the time zone of their times "
                "(this one {stated}); the irradiance follows the sun as if they were in "
                "{seems}: the file was written with a wrong time zone or location, or is "
                "damaged; export or download it again.", format=fixed_format, **values)
        if basis == "offsets":
            return message_part(
                "timing.fix_offsets", " The times carry UTC offsets, and they do not fit the "
                "sun: check the offsets written in the times (local clock times marked 'Z' or "
                "'+00:00' are off by the time zone) and the location in the file.")
        if basis == "header":
            return message_part(
                "timing.fix_header", " The time column's header says {stated}, but the times "
                "look like {seems}: correct the header to 'time [{seems}]', or give the times "
                "in local standard time ({local}).", **values)
        if basis == "comment":
            return message_part(
                "timing.fix_comment", " The file's '# utc_offset=' line says {stated}, but the "
                "times look like {seems}: correct it to '# utc_offset={hours}', or give the "
                "times in local standard time ({local}).", **values)
        return message_part(
            "timing.fix_naive", " The times carry no time zone and were read as local "
            "standard time ({stated}), but they look like {seems}: state it in the time "
            "column's header ('time [{seems}]') or with a '# utc_offset={hours}' line, or "
            "give the times in local standard time.", **values)
    return fix


def time_label_note(
    ghi: pd.Series,
    solpos: pd.DataFrame,
    interval_minutes: int,
    *,
    label: str,
    place: tuple[float, float],
    time_fix: TimeFix | None,
) -> WeatherNote | None:
    """A warning note on time labels a little off the sun; an error when they are grossly
    off.

    Parameters
    ----------
    ghi : pandas.Series
        GHI [W/m2] on the typical-year axis (interval-start labels, fixed offset).
    solpos : pandas.DataFrame
        :func:`sun_positions` of that axis.
    interval_minutes : int
        Step of the axis [min].
    label : str
        What the data are, for messages.
    place : (float, float)
        Latitude and longitude [deg].
    time_fix : TimeFix or None
        The advice on a shift of :data:`TIME_SHIFT_ERROR_HOURS` or more (default: give the
        times in local standard time or state their time zone).

    Returns
    -------
    WeatherNote or None
        A ``checks.*`` warning for a shift under :data:`TIME_SHIFT_ERROR_HOURS` or more than
        :data:`NIGHT_IRRADIANCE_PERCENT` % of the GHI at night; None when the irradiance
        follows the sun.

    Raises
    ------
    WeatherInputError
        ``timing.labels_off`` for a shift of :data:`TIME_SHIFT_ERROR_HOURS` or more,
        ``timing.night_share`` for more than :data:`NIGHT_ERROR_PERCENT` % at night.
    """
    shift, night_percent = _shift_and_night(ghi.to_numpy(dtype=float), solpos, interval_minutes)
    latitude, longitude = (float(v) for v in place)
    offset = ghi.index[0].utcoffset()
    local = offset.total_seconds() / 3600.0 if offset is not None else 0.0
    if abs(shift) >= TIME_SHIFT_ERROR_HOURS:
        when = (message_part("timing.after", "after") if shift > 0 else
                message_part("timing.before", "before"))
        raise WeatherInputError.of(
            "timing.labels_off",
            "{label}: the irradiance comes about {hours:g} h {when} the sun would put it at "
            "latitude {lat:.2f}, longitude {lon:.2f} ({night:.1f} % of the year's GHI falls "
            "while the sun is below the horizon): the time labels are off by {shift:+g} h, more "
            "than interval labels explain, and the PV output would land in the wrong hours.{fix}",
            label=label, hours=abs(float(shift)), when=when, lat=latitude, lon=longitude,
            night=float(night_percent), shift=float(shift),
            fix=(time_fix or _default_time_fix(local))(float(shift)))
    if night_percent > NIGHT_ERROR_PERCENT:
        raise WeatherInputError.of(
            "timing.night_share",
            "{label}: {night:.1f} % of the year's GHI falls while the sun is below the horizon "
            "at latitude {lat:.2f}, longitude {lon:.2f}; more than {limit:g} % means the "
            "location, the times or the readings are wrong. Check the location, give the times "
            "in local standard time ({local}) with labels at interval start, and leave no "
            "irradiance at night.", label=label, night=float(night_percent), lat=latitude,
            lon=longitude, limit=float(NIGHT_ERROR_PERCENT), local=utc_text(local))
    if shift == 0 and night_percent <= NIGHT_IRRADIANCE_PERCENT:
        return None
    if shift == 0:
        return WeatherNote.of(
            "checks.night_irradiance", "WARNING: {night:.1f} % of the annual GHI falls while the "
            "sun is below the horizon; check the time labels (time zone, interval start vs "
            "end)", night=float(night_percent))
    values = {"hours": abs(float(shift)), "night": float(night_percent), "shift": float(shift)}
    if shift > 0:
        return WeatherNote.of(
            "checks.labels_late", "WARNING: the irradiance comes about {hours:g} h after the sun "
            "would put it ({night:.1f} % of the annual GHI falls while the sun is below the "
            "horizon): the time labels are probably off by {shift:+g} h (a wrong time zone, or "
            "labels at interval end read as start). Move them {hours:g} h earlier if so.",
            **values)
    return WeatherNote.of(
        "checks.labels_early", "WARNING: the irradiance comes about {hours:g} h before the sun "
        "would put it ({night:.1f} % of the annual GHI falls while the sun is below the "
        "horizon): the time labels are probably off by {shift:+g} h (a wrong time zone, or "
        "labels at interval end read as start). Move them {hours:g} h later if so.", **values)
