"""Whether a year's irradiance fits the sky of its stated location, month by month.

A month's mean global horizontal irradiance (GHI) stays below what a clear sky gives at the
place: clouds only take sunlight away. Weather given the wrong location, most often a
latitude with the wrong sign (36.1 written -36.1), has months far above that ceiling: June at
Greensboro (36.1 N) averages 2.1 times the clear-sky GHI of June at 36.1 S, where it is
winter. Its times may still follow the sun well enough (the length of the days differs, the
hour of noon does not), so :mod:`weather.timing` says no more than "some GHI at night";
:func:`check_clear_sky` refuses such weather, naming the months, the stated location and,
where the other hemisphere fits, the sign.

The clear sky is Haurwitz's model (:func:`pvlib.clearsky.haurwitz`, from the sun's zenith
alone), averaged over each month of the typical year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib

from weather.errors import WeatherInputError, message_part
from weather.meta import MONTH_NAMES, month_words
from weather.timing import sun_positions

__all__ = ["CLEAR_SKY_FACTOR", "CLEAR_SKY_MARGIN_W_M2", "check_clear_sky",
           "months_above_clear_sky"]

#: A month whose mean GHI exceeds this multiple of the clear sky's mean GHI at the stated
#: location [-] (and by :data:`CLEAR_SKY_MARGIN_W_M2`) is not weather of that place. The
#: ratio for the typical-year files of the 35 stations of ``data/climatology/cities.csv``
#: (Haurwitz's clear sky at each station): at most 0.97 at low altitude (Phoenix), 1.12 at
#: Lhasa (3,649 m, November), where the thin, dry air lets more sunlight through than the
#: model assumes. With the latitude's sign flipped, 17 of the 35 have months above the
#: limit, every station beyond 36 degrees but Tokyo among them (up to 5.2, Berlin;
#: Greensboro's test file: May 1.6, June 2.1, July 1.9); cloudy subtropical stations stay
#: below it (Hangzhou flipped: at most 1.18), and there the check cannot tell.
CLEAR_SKY_FACTOR = 1.3

#: ... and by at least this much [W/m2] (0.5 kWh/m2 a day): near the polar night the clear
#: sky's mean tends to zero and twilight readings would be many times it.
CLEAR_SKY_MARGIN_W_M2 = 20.0


def months_above_clear_sky(ghi: pd.Series, zenith: np.ndarray) -> pd.DataFrame:
    """Each month's mean GHI against the clear sky's, and whether it is too far above.

    Parameters
    ----------
    ghi : pandas.Series
        GHI on the typical-year axis [W/m2], no NaN.
    zenith : numpy.ndarray
        The sun's zenith at the middle of each step at the stated location [deg].

    Returns
    -------
    pandas.DataFrame
        Indexed by month (1-12): ``mean`` and ``clear`` [W/m2], ``ratio`` [-] and ``above``
        (True where ``mean`` exceeds :data:`CLEAR_SKY_FACTOR` x ``clear`` +
        :data:`CLEAR_SKY_MARGIN_W_M2`).

    Examples
    --------
    A sky twice as bright as a clear sky in every month is above it in every month:

    >>> index = pd.date_range("2026-01-01", periods=8760, freq="h", tz="Etc/GMT+5")
    >>> zenith = sun_positions(index, 36.1, -79.95, 60)["zenith"].to_numpy()
    >>> clear = pvlib.clearsky.haurwitz(pd.Series(zenith, index=index))["ghi"]
    >>> table = months_above_clear_sky(2.0 * clear, zenith)
    >>> bool(table["above"].all()), round(float(table["ratio"].max()), 6)
    (True, 2.0)
    """
    clear = pvlib.clearsky.haurwitz(pd.Series(np.asarray(zenith, dtype=float),
                                              index=ghi.index))["ghi"].to_numpy(dtype=float)
    month = pd.DatetimeIndex(ghi.index).month
    table = pd.DataFrame({"mean": ghi.to_numpy(dtype=float), "clear": clear}).groupby(
        np.asarray(month)).mean()
    table["ratio"] = table["mean"] / table["clear"].where(table["clear"] > 0)
    table["above"] = table["mean"] > CLEAR_SKY_FACTOR * table["clear"] + CLEAR_SKY_MARGIN_W_M2
    return table


def check_clear_sky(ghi: pd.Series, zenith: np.ndarray, latitude: float, longitude: float,
                    interval_minutes: int, *, label: object,
                    fixed_format: str | None = None) -> None:
    """Refuse a year whose months outshine the clear sky at its stated location.

    Parameters
    ----------
    ghi, zenith
        As :func:`months_above_clear_sky`.
    latitude, longitude : float
        The stated location [deg].
    interval_minutes : int
        Step of the axis [min].
    label : str
        What the data are (the file's label), for the message.
    fixed_format : str, optional
        The file format that states the location (``"EPW"``...), for the advice; None for a
        plain CSV file.

    Raises
    ------
    WeatherInputError
        ``sky.above_clear_sky``, naming the months above the clear sky, the worst month's
        mean and clear-sky GHI [kWh/m2 a day], the stated location and whether the other
        hemisphere fits.
    """
    table = months_above_clear_sky(ghi, zenith)
    above = table[table["above"]]
    if above.empty:
        return
    worst = int(above["ratio"].idxmax())
    flipped = -float(latitude)
    other = sun_positions(pd.DatetimeIndex(ghi.index), flipped, longitude, interval_minutes)
    fits_other = abs(flipped) > 0 and not months_above_clear_sky(
        ghi, other["zenith"].to_numpy())["above"].any()
    why = (message_part(
        "sky.other_hemisphere", " At latitude {flipped:.2f}, in the other hemisphere, every "
        "month fits: the latitude's sign is probably wrong (north positive, south "
        "negative).", flipped=flipped) if fits_other else message_part(
        "sky.other_place", " The weather may be of another place, or its irradiance scaled "
        "up."))
    fix = (message_part("sky.fix_format", " Correct the location in the {format} file's "
                        "header, or download the file for the site again.", format=fixed_format)
           if fixed_format else
           message_part("sky.fix_csv", " Correct the file's '# latitude=' line (without one, "
                        "the site's latitude is used)."))
    months = [int(m) for m in above.index]
    raise WeatherInputError.of(
        "sky.above_clear_sky",
        "{label}: in {months} the GHI is far above what a clear sky gives at the stated "
        "location, latitude {lat:.2f}, longitude {lon:.2f} (in {month}: {mean:.1f} kWh/m2 a "
        "day against {clear:.1f} under a clear sky, {ratio:.1f} times as much). No month's "
        "weather outshines a clear sky by so much: the location is wrong for this "
        "weather.{why}{fix}", label=label,
        months={"en": ", ".join(MONTH_NAMES[m - 1] for m in months),
                "zh": "、".join(f"{m}月" for m in months)},
        lat=float(latitude), lon=float(longitude),
        month=month_words(worst),
        mean=float(table.at[worst, "mean"]) * 24 / 1000.0,
        clear=float(table.at[worst, "clear"]) * 24 / 1000.0,
        ratio=float(table.at[worst, "ratio"]), why=why, fix=fix)
