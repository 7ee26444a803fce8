"""An hourly typical year generated offline from 12 monthly means.

The generator follows the published chain used by PVsyst and Meteonorm (written here from
the published equations, not from existing code):

1. **Daily clearness index** ``Kt`` by a first-order Markov chain whose transition matrix is
   chosen from the library of Aguiar, Collares-Pereira & Conde (1988) by the month's mean
   clearness index: ten matrices for monthly ``Kt`` up to 0.30, 0.30-0.35, ..., above 0.70;
   each has ten equal ``Kt`` states between a matrix-specific minimum and maximum; within a
   state the value is drawn uniformly. Each month is generated several times and the
   sequence whose mean is nearest the target is kept, then scaled to the exact monthly
   mean. The matrices are a data table,
   ``data/climatology/aguiar_1988_markov_matrices.csv``; rows are renormalised to sum to 1
   (the published three-decimal rows sum to 0.997-1.002).
2. **Hourly clearness index** ``kt`` by the TAG model (Aguiar & Collares-Pereira 1992): a
   mean daily profile ``ktm = lambda + epsilon * exp(-kappa / sin h)`` and a standard
   deviation ``sigma = A * exp(B * (1 - sin h))``, both functions of the day's ``Kt`` and the
   sun height ``h``, around which a standardised first-order autoregressive Gaussian process
   ``y`` with lag-one correlation ``phi = 0.38 + 0.06 * cos(7.4 Kt - 2.5)`` gives
   ``kt = ktm + sigma * y``. Draws outside ``0 < kt < kt_clear`` are redrawn (the paper's
   truncation), with ``kt_clear`` from pvlib's Ineichen clear sky and the Linke turbidity
   climatology shipped in pvlib's wheel. The coefficients are the authors' as reproduced in
   Lorenzo, "Energy collected and delivered by PV modules", ch. 20 of the Handbook of
   Photovoltaic Science and Engineering (Luque & Hegedus, Wiley 2003), with
   ``B = 3 (Kt - 0.45)**2 + 16 Kt**5``; not yet checked against the printed 1992 paper.
3. **Consistency**: hours are scaled to each day's ``Kt`` and then each month's GHI is
   matched exactly, without exceeding clear sky where possible (water-filling).
4. **Direct and diffuse** from each hour's clearness by the DISC model (Maxwell 1987,
   ``pvlib.irradiance.disc``) by default, or by the Erbs et al. (1982) diffuse fraction
   (``pvlib.irradiance.erbs``); DNI is capped at the clear-sky DNI and DHI closes
   ``ghi = dhi + dni * cos(zenith)`` at mid-hour. DISC is the default because it reproduced
   the PV yield of pvlib's three example TMY files far better: applied to a file's own hourly
   GHI, Erbs lowers the annual yield of a 55-degree array at Sand Point, Alaska by 5.1 %
   against the file's own DNI/DHI (DISC: 0.6 %), and the synthetic year inherits that bias
   (see ``tests/test_weather_synthetic.py``).
5. **Air temperature**: a smooth daily mean that keeps each month's mean, a day-to-day
   AR(1) anomaly, and a diurnal cycle from a minimum at sunrise to a maximum at 14:30 solar
   time (two half-cosines). The daily range follows the daily clearness through the
   Hargreaves-Samani relation ``Kt = k_Rs * sqrt(Tmax - Tmin)`` (FAO-56, eq. 50): the
   month's range from the monthly ``Kt`` and each day's range proportional to its ``Kt``,
   so clear days are warmer in the afternoon and cooler at dawn. Each month's mean is matched
   exactly.
6. **Wind**: the monthly mean with a modest diurnal cycle peaking in the early afternoon
   (daytime mixing); each month's mean matched exactly.

Everything random comes from one :class:`numpy.random.Generator` seeded by ``seed``, so a
seed always gives the same year. Between seeds the annual PV yield varies by a few tenths of
a percent at most sites and up to 2 % for a steep array at a cloudy high-latitude site
(pvlib's examples), in line with the 0.5-1 % reported for similar generators.

References
----------
.. [1] R. J. Aguiar, M. Collares-Pereira, J. P. Conde, "Simple procedure for generating
   sequences of daily radiation values using a library of Markov transition matrices",
   Solar Energy 40(3), 269-279, 1988.
.. [2] R. Aguiar, M. Collares-Pereira, "TAG: a time-dependent, autoregressive, Gaussian model
   for generating synthetic hourly radiation", Solar Energy 49(3), 167-174, 1992.
.. [3] E. L. Maxwell, "A quasi-physical model for converting hourly global horizontal to
   direct normal insolation", SERI/TR-215-3087, Solar Energy Research Institute, 1987.
.. [4] D. G. Erbs, S. A. Klein, J. A. Duffie, "Estimation of the diffuse radiation fraction
   for hourly, daily and monthly-average global radiation", Solar Energy 28(4), 293-302, 1982.
.. [5] R. G. Allen et al., "Crop evapotranspiration", FAO Irrigation and Drainage Paper 56,
   1998, eq. 50 (Hargreaves-Samani radiation formula).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from weather.climatology import (
    CityClimate,
    check_station,
    dataset_name_zh,
    find_city,
    latitude_words,
    nearest_city,
    nearest_usable_city,
    station_city_names,
    station_names,
)
from weather.coordinates import check_coordinates, grid_elevation_m
from weather.datafiles import data_path
from weather.errors import WeatherInputError
from weather.meta import MONTH_NAMES, WeatherMeta, WeatherNote, month_words
from weather.timeaxis import standard_utc_offset_hours, typical_year_index

#: The Markov transition matrix library of Aguiar et al. (1988), inside the data folder.
MARKOV_MATRICES_FILE = ("climatology", "aguiar_1988_markov_matrices.csv")

#: Beyond this distance from site to station [km] the metadata carries a warning (up to
#: :data:`weather.climatology.MAX_STATION_KM`, beyond which the station is refused).
FAR_STATION_KM = 100.0

#: Models that split hourly GHI into DNI and DHI (see :func:`synthesize_year`).
DECOMPOSITIONS = ("disc", "erbs")

#: Wind speed used when no monthly wind is given [m/s]; pvlib's default for its cell
#: temperature models (e.g. ``pvlib.temperature.pvsyst_cell``).
DEFAULT_WIND_SPEED_M_S = 1.0

_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
# samples per hour for hour-mean sun geometry (sunrise and sunset hours need more than one)
_SUBSTEPS = 4
# A month may have zero GHI only if its extraterrestrial irradiation is below this
# [kWh/m2/day] (polar winter); elsewhere zero is a data error.
_POLAR_WINTER_H0 = 1.0
# Markov acceptance step: candidate sequences per month
_MARKOV_TRIALS = 24
# TAG truncation: redraws before a value is clipped into (0, kt_clear)
_TAG_MAX_DRAWS = 10
# Hargreaves-Samani coefficient k_Rs: FAO-56 gives 0.16 inland and 0.19 on coasts; a site's
# exposure is not known here, so the midpoint is used.
_K_RS = 0.175
# Sanity limits of the daily temperature range [K].
_DTR_LIMITS = (1.0, 20.0)
# Time of the daily temperature maximum [h, apparent solar time]; pvlib's TMY examples
# (Greensboro, Miami) peak between 14:00 and 15:00 solar time.
_T_MAX_SOLAR_HOUR = 14.5
# Day-to-day anomaly of the daily mean temperature: AR(1) with lag-one correlation 0.7 and a
# standard deviation growing with the annual range (about 4.4, 3.0 and 2.2 K in pvlib's
# Greensboro, Sand Point and Miami examples, whose anomalies are uncorrelated with Kt).
_T_ANOMALY_LAG1 = 0.7
_T_ANOMALY_SD = (1.5, 0.13)  # K, plus K per K of annual range of monthly means
# Diurnal wind cycle: relative amplitude and hour of the maximum [h, solar time].
_WIND_AMPLITUDE = 0.25
_WIND_MAX_SOLAR_HOUR = 14.0


# --------------------------------------------------------------------------------------------
# inputs


def _twelve(name: str, values: Sequence[float], low: float, high: float, unit: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise WeatherInputError(f"{name} must be 12 numbers, got {values!r}") from None
    if array.size != 12:
        raise WeatherInputError(f"{name} must have 12 monthly values, got {array.size}")
    for month, value in enumerate(array):
        if not math.isfinite(value) or not low <= value <= high:
            raise WeatherInputError(
                f"{name}: {MONTH_NAMES[month]} value {float(value)!r} {unit} is outside "
                f"{low}..{high} {unit}; give the month's mean"
            )
    return array


# --------------------------------------------------------------------------------------------
# sun geometry


@dataclass(frozen=True)
class _Geometry:
    """Hour-mean sun geometry and clear sky on the typical-year axis (8760 rows)."""

    g0h: np.ndarray  # extraterrestrial irradiance on the horizontal, hour mean [W/m2]
    clear_ghi: np.ndarray  # Ineichen clear-sky GHI, hour mean [W/m2]
    clear_dni: np.ndarray  # Ineichen clear-sky DNI, hour mean [W/m2]
    sin_h: np.ndarray  # mean sine of the sun height while the sun is up (0 at night)
    cos_zenith_mid: np.ndarray  # cosine of the zenith at mid-hour
    zenith_mid: np.ndarray  # zenith at mid-hour [deg]
    dni_extra: np.ndarray  # extraterrestrial normal irradiance at mid-hour [W/m2]
    solar_time: np.ndarray  # apparent solar time at mid-hour, continuous over the year [h]
    sunrise: np.ndarray  # sunrise of each of the 365 days [h, solar time of that day]


@lru_cache(maxsize=16)
def _geometry(utc_offset: float, lat: float, lon: float, elevation_m: float) -> _Geometry:
    # cached: several seeds or monthly inputs for one site share the sun geometry
    with warnings.catch_warnings():
        # pvlib 0.16 still calls DatetimeIndex.dayofyear, deprecated by pandas 3
        warnings.filterwarnings(
            "ignore", message=".*dayofyear is deprecated", category=DeprecationWarning
        )
        geometry = _compute_geometry(typical_year_index(utc_offset), lat, lon, elevation_m)
    for array in vars(geometry).values():
        array.flags.writeable = False  # shared between calls
    return geometry


def _compute_geometry(
    index: pd.DatetimeIndex, lat: float, lon: float, elevation_m: float
) -> _Geometry:
    from pvlib import atmosphere, clearsky, irradiance, solarposition

    start = index.tz_convert("UTC").tz_localize(None).to_numpy()
    step = np.timedelta64(60 // _SUBSTEPS, "m")
    offsets = (np.arange(_SUBSTEPS) + 0.5) * step
    sub_times = pd.DatetimeIndex((start[:, None] + offsets[None, :]).reshape(-1)).tz_localize("UTC")
    # ephemeris is ~10x faster than SPA and well within the accuracy hour means need
    sun = solarposition.get_solarposition(sub_times, lat, lon, method="ephemeris")
    zenith = sun["zenith"].to_numpy()
    apparent_zenith = sun["apparent_zenith"].to_numpy()
    dni_extra = np.asarray(irradiance.get_extra_radiation(sub_times), dtype=float)
    cos_z = np.cos(np.radians(zenith))
    up = cos_z > 0

    airmass = atmosphere.get_relative_airmass(apparent_zenith)
    airmass_abs = atmosphere.get_absolute_airmass(airmass, atmosphere.alt2pres(elevation_m))
    turbidity = clearsky.lookup_linke_turbidity(sub_times, lat, lon).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):  # sun below the horizon gives NaN
        clear = clearsky.ineichen(
            apparent_zenith, airmass_abs, turbidity, altitude=elevation_m, dni_extra=dni_extra
        )
    clear_ghi = np.nan_to_num(np.asarray(clear["ghi"], dtype=float)) * up
    clear_dni = np.nan_to_num(np.asarray(clear["dni"], dtype=float)) * up

    def hour_mean(x: np.ndarray) -> np.ndarray:
        return x.reshape(-1, _SUBSTEPS).mean(axis=1)

    g0h = hour_mean(dni_extra * np.where(up, cos_z, 0.0))
    n_up = up.reshape(-1, _SUBSTEPS).sum(axis=1)
    sin_sum = np.where(up, cos_z, 0.0).reshape(-1, _SUBSTEPS).sum(axis=1)
    sin_h = np.divide(sin_sum, n_up, out=np.zeros_like(sin_sum), where=n_up > 0)

    mid_times = pd.DatetimeIndex(start + np.timedelta64(30, "m")).tz_localize("UTC")
    mid = solarposition.get_solarposition(mid_times, lat, lon, method="ephemeris")
    zenith_mid = mid["zenith"].to_numpy()

    # apparent solar time, continuous across midnight (hours since the year's local start)
    doy = index.day_of_year.to_numpy()
    utc_offset = index[0].utcoffset().total_seconds() / 3600.0
    eot_h = np.asarray(solarposition.equation_of_time_spencer71(doy), dtype=float) / 60.0
    clock = np.arange(len(index), dtype=float) + 0.5
    solar_time = clock + (lon - 15.0 * utc_offset) / 15.0 + eot_h

    days = np.arange(1, 366)
    declination = np.asarray(solarposition.declination_spencer71(days), dtype=float)
    cos_ws = np.clip(-np.tan(np.radians(lat)) * np.tan(declination), -1.0, 1.0)
    sunrise = 12.0 - np.degrees(np.arccos(cos_ws)) / 15.0

    return _Geometry(
        g0h=g0h,
        clear_ghi=hour_mean(clear_ghi),
        clear_dni=hour_mean(clear_dni),
        sin_h=sin_h,
        cos_zenith_mid=np.cos(np.radians(zenith_mid)),
        zenith_mid=zenith_mid,
        dni_extra=np.asarray(irradiance.get_extra_radiation(mid_times), dtype=float),
        solar_time=solar_time,
        sunrise=sunrise,
    )


# --------------------------------------------------------------------------------------------
# daily clearness: Markov transition matrices


@dataclass(frozen=True)
class _MarkovLibrary:
    upper_edges: np.ndarray  # monthly Kt upper bounds of matrices 1..9 (matrix 10 above)
    kt_min: np.ndarray  # (10,) lower end of the daily Kt states
    kt_max: np.ndarray  # (10,) upper end
    cumulative: np.ndarray  # (10, 10, 10) cumulative transition probabilities per row


@lru_cache(maxsize=1)
def _markov_library() -> _MarkovLibrary:
    table = pd.read_csv(data_path(*MARKOV_MATRICES_FILE)).sort_values(["matrix", "from_state"])
    probability_columns = [f"p{k:02d}" for k in range(1, 11)]
    p = table[probability_columns].to_numpy(dtype=float).reshape(10, 10, 10)
    p = p / p.sum(axis=2, keepdims=True)  # published rows are rounded to 3 decimals
    cumulative = np.cumsum(p, axis=2)
    cumulative[:, :, -1] = 1.0
    firsts = table.groupby("matrix").first()
    return _MarkovLibrary(
        upper_edges=firsts["kt_month_up_to"].dropna().to_numpy(dtype=float),
        kt_min=firsts["kt_day_min"].to_numpy(dtype=float),
        kt_max=firsts["kt_day_max"].to_numpy(dtype=float),
        cumulative=cumulative,
    )


def daily_clearness_markov(
    kt_month: np.ndarray, rng: np.random.Generator, kt_previous: float | None = None
) -> np.ndarray:
    """Daily clearness indices of a non-leap year from 12 monthly means (Aguiar et al. 1988).

    Parameters
    ----------
    kt_month : array-like of 12 float
        Monthly mean daily clearness index ``H / H0`` [-]; 0 marks a polar-night month.
    rng : numpy.random.Generator
        Source of randomness.
    kt_previous : float, optional
        Clearness of the day before 1 January; defaults to December's mean.

    Returns
    -------
    numpy.ndarray
        365 daily clearness indices; each month's mean equals ``kt_month`` exactly.
    """
    kt_month = np.asarray(kt_month, dtype=float).reshape(-1)
    if kt_month.size != 12 or not (np.isfinite(kt_month).all() and (kt_month >= 0).all()):
        raise WeatherInputError(f"kt_month must be 12 finite values >= 0, got {kt_month!r}")
    library = _markov_library()
    previous = float(kt_month[11] if kt_previous is None else kt_previous)
    out = []
    for month, n_days in enumerate(_DAYS_IN_MONTH):
        target = kt_month[month]
        if target <= 0.0:
            out.append(np.zeros(n_days))
            continue
        # matrix for Kt <= 0.30, (0.30, 0.35], ..., > 0.70
        matrix = int(np.searchsorted(library.upper_edges, target, side="left"))
        low, high = library.kt_min[matrix], library.kt_max[matrix]
        width = (high - low) / 10.0
        cumulative = library.cumulative[matrix]
        start = int(np.clip(np.floor((previous - low) / width), 0, 9))
        state = np.full(_MARKOV_TRIALS, start)
        draws = rng.random((n_days, _MARKOV_TRIALS, 2))
        sequences = np.empty((n_days, _MARKOV_TRIALS))
        for day in range(n_days):
            state = np.minimum((draws[day, :, :1] > cumulative[state]).sum(axis=1), 9)
            sequences[day] = low + (state + draws[day, :, 1]) * width
        means = sequences.mean(axis=0)
        best = int(np.argmin(np.abs(means - target)))
        days = sequences[:, best] * (target / means[best])
        out.append(days)
        previous = float(days[-1])
    return np.concatenate(out)


# --------------------------------------------------------------------------------------------
# hourly clearness: TAG


def tag_parameters(kt_day: np.ndarray, sin_h: np.ndarray) -> tuple[np.ndarray, ...]:
    """Mean, standard deviation and lag-one correlation of hourly ``kt`` (TAG model).

    Parameters
    ----------
    kt_day : array-like
        Daily clearness index of the day each hour belongs to [-]; values outside 0..1 are
        taken as 0 or 1.
    sin_h : array-like
        Sine of the sun height during the hour [-], > 0.

    Returns
    -------
    ktm, sigma, phi : numpy.ndarray
        Mean hourly clearness index [-], its standard deviation [-] and the lag-one
        autocorrelation of the standardised process [-].
    """
    # A daily clearness above 1 is not physical; it arises only on the few sunlit days of a
    # polar month whose other days have no sun, and would overflow the exponentials.
    k = np.clip(np.asarray(kt_day, dtype=float), 0.0, 1.0)
    s = np.maximum(np.asarray(sin_h, dtype=float), 1e-3)
    lam = -0.19 + 1.12 * k + 0.24 * np.exp(-8.0 * k)
    eps = 0.32 - 1.6 * (k - 0.5) ** 2
    kappa = 0.19 + 2.27 * k**2 - 2.51 * k**3
    ktm = lam + eps * np.exp(-kappa / s)
    a = 0.14 * np.exp(-20.0 * (k - 0.35) ** 2)
    b = 3.0 * (k - 0.45) ** 2 + 16.0 * k**5
    sigma = a * np.exp(b * (1.0 - s))
    phi = 0.38 + 0.06 * np.cos(7.4 * k - 2.5)
    return ktm, sigma, phi


def _hourly_clearness_tag(
    kt_hour_day: np.ndarray, sin_h: np.ndarray, kt_clear: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """TAG draws for the sunlit hours given (all arrays of the same length, in time order)."""
    ktm, sigma, phi = tag_parameters(kt_hour_day, sin_h)
    innovation = np.sqrt(1.0 - phi**2)
    n = len(ktm)
    normals = rng.standard_normal(n * 3).tolist()
    position = 0
    out = np.empty(n)
    y = 0.0
    # sequential by nature (AR(1) with truncation); plain floats keep the loop fast
    for i, (m, s, f, e, cap) in enumerate(
        zip(
            ktm.tolist(),
            sigma.tolist(),
            phi.tolist(),
            innovation.tolist(),
            kt_clear.tolist(),
            strict=True,
        )
    ):
        for _ in range(_TAG_MAX_DRAWS):
            if position == len(normals):
                normals = rng.standard_normal(n).tolist()
                position = 0
            candidate = f * y + e * normals[position]
            position += 1
            kt = m + s * candidate
            if 0.0 < kt < cap:
                break
        y = candidate
        out[i] = min(max(kt, 0.0), cap)
    return out


def _fill_to_totals(
    values: np.ndarray, caps: np.ndarray, groups: np.ndarray, totals: np.ndarray
) -> np.ndarray:
    """Scale ``values`` by one factor per group so each group sums to ``totals``.

    Values are clipped at ``caps`` (water-filling: the factor grows until the clipped sum
    reaches the total). A group whose caps cannot hold its total is filled to the caps and
    then scaled up uniformly, so the totals are always met.
    """
    n_groups = len(totals)
    values = np.maximum(values, 0.0)
    # hours with nothing to scale borrow the cap's shape (e.g. every TAG draw clipped to 0)
    empty = np.bincount(groups, values, n_groups) <= 0.0
    values = np.where(empty[groups], caps, values)
    usable_caps = np.where(values > 0.0, caps, 0.0)
    cap_totals = np.bincount(groups, usable_caps, n_groups)
    ratio = np.divide(caps, values, out=np.zeros_like(values), where=values > 0.0)
    low = np.zeros(n_groups)
    high = np.zeros(n_groups)
    np.maximum.at(high, groups, ratio)
    for _ in range(60):
        middle = 0.5 * (low + high)
        sums = np.bincount(groups, np.minimum(values * middle[groups], caps), n_groups)
        short = sums < totals
        low = np.where(short, middle, low)
        high = np.where(short, high, middle)
    filled = np.minimum(values * high[groups], caps)
    overflow = totals > cap_totals
    filled = np.where(overflow[groups], usable_caps, filled)
    sums = np.bincount(groups, filled, n_groups)
    factor = np.divide(totals, sums, out=np.zeros_like(totals), where=sums > 0)
    return filled * factor[groups]


# --------------------------------------------------------------------------------------------
# temperature and wind


def _mean_preserving_daily(monthly: np.ndarray, month_of_day: np.ndarray) -> np.ndarray:
    """A smooth periodic daily curve whose monthly means equal ``monthly``."""
    day_centres = np.arange(365) + 0.5
    month_centres = np.cumsum(_DAYS_IN_MONTH) - _DAYS_IN_MONTH / 2.0
    xp = np.concatenate([month_centres - 365.0, month_centres, month_centres + 365.0])
    nodes = monthly.copy()
    for _ in range(12):
        curve = np.interp(day_centres, xp, np.tile(nodes, 3))
        means = np.bincount(month_of_day, curve, 12) / _DAYS_IN_MONTH
        nodes += monthly - means
    return np.interp(day_centres, xp, np.tile(nodes, 3))


def _temperature(
    monthly_temp: np.ndarray,
    kt_month: np.ndarray,
    kt_day: np.ndarray,
    month_of_day: np.ndarray,
    month_of_hour: np.ndarray,
    geometry: _Geometry,
    rng: np.random.Generator,
) -> np.ndarray:
    daily_mean = _mean_preserving_daily(monthly_temp, month_of_day)

    sd = _T_ANOMALY_SD[0] + _T_ANOMALY_SD[1] * float(np.ptp(monthly_temp))
    noise = rng.standard_normal(365)
    anomaly = np.empty(365)
    anomaly[0] = noise[0]
    scale = math.sqrt(1.0 - _T_ANOMALY_LAG1**2)
    for day in range(1, 365):
        anomaly[day] = _T_ANOMALY_LAG1 * anomaly[day - 1] + scale * noise[day]
    anomaly = sd * anomaly
    anomaly -= (np.bincount(month_of_day, anomaly, 12) / _DAYS_IN_MONTH)[month_of_day]
    daily_mean = daily_mean + anomaly

    # Hargreaves-Samani: monthly range from the monthly Kt, daily range proportional to Kt
    monthly_range = (kt_month / _K_RS) ** 2
    ratio = np.divide(
        kt_day, kt_month[month_of_day], out=np.ones(365), where=kt_month[month_of_day] > 0
    )
    daily_range = np.clip(monthly_range[month_of_day] * ratio, *_DTR_LIMITS)
    t_min = daily_mean - daily_range / 2.0
    t_max = daily_mean + daily_range / 2.0

    # knots: minimum at sunrise, maximum at 14:30 solar time; half-cosines between knots
    day_start = np.arange(365) * 24.0
    knot_time = np.column_stack([day_start + geometry.sunrise, day_start + _T_MAX_SOLAR_HOUR])
    knot_value = np.column_stack([t_min, t_max])
    knot_time = np.concatenate([knot_time[-1] - 8760.0, knot_time.ravel(), knot_time[0] + 8760.0])
    knot_value = np.concatenate([knot_value[-1], knot_value.ravel(), knot_value[0]])
    t = geometry.solar_time
    right = np.clip(np.searchsorted(knot_time, t, side="right"), 1, len(knot_time) - 1)
    left = right - 1
    fraction = (t - knot_time[left]) / (knot_time[right] - knot_time[left])
    shape = (1.0 - np.cos(np.pi * np.clip(fraction, 0.0, 1.0))) / 2.0
    hourly = knot_value[left] + (knot_value[right] - knot_value[left]) * shape

    hours_in_month = _DAYS_IN_MONTH * 24.0
    correction = monthly_temp - np.bincount(month_of_hour, hourly, 12) / hours_in_month
    return hourly + correction[month_of_hour]


def _wind(monthly_wind: np.ndarray, month_of_hour: np.ndarray, geometry: _Geometry) -> np.ndarray:
    cycle = 1.0 + _WIND_AMPLITUDE * np.cos(
        2.0 * np.pi * (geometry.solar_time - _WIND_MAX_SOLAR_HOUR) / 24.0
    )
    means = np.bincount(month_of_hour, cycle, 12) / (_DAYS_IN_MONTH * 24.0)
    return cycle * (monthly_wind / means)[month_of_hour]


def _month_words(month: int) -> dict[str, str]:
    """Month ``0..11`` as a message value (:func:`weather.meta.month_words`)."""
    return month_words(month + 1)


def _extraterrestrial(index: pd.DatetimeIndex, geometry: _Geometry) -> tuple[np.ndarray, ...]:
    """Extraterrestrial irradiation on the horizontal: of each of the 365 days [Wh/m2/day]
    and the mean day of each month [kWh/m2/day]."""
    h0_day = np.bincount(index.day_of_year.to_numpy() - 1, geometry.g0h, 365)
    month_of_day = np.repeat(np.arange(12), _DAYS_IN_MONTH)
    return h0_day, np.bincount(month_of_day, h0_day, 12) / _DAYS_IN_MONTH / 1000.0


def _impossible_month(ghi_month: np.ndarray, h0_month: np.ndarray) -> int | None:
    """The first month whose mean daily GHI cannot be reached under its extraterrestrial
    irradiation (above 0 and below it; 0 only in a polar winter month), else None."""
    for month in range(12):
        value, limit = ghi_month[month], h0_month[month]
        if value == 0.0 and limit < _POLAR_WINTER_H0:
            continue  # polar night or twilight: a month without usable sun
        if not 0.0 < value < limit:
            return month
    return None


# --------------------------------------------------------------------------------------------
# public API


def synthesize_year(
    monthly_ghi_kwh_m2_day: Sequence[float],
    monthly_temp_air_c: Sequence[float],
    *,
    latitude: float,
    longitude: float,
    elevation_m: float | None = None,
    utc_offset_hours: float | None = None,
    monthly_wind_speed_m_s: Sequence[float] | None = None,
    seed: int = 0,
    decomposition: str = "disc",
) -> pd.DataFrame:
    """Generate an hourly typical year from 12 monthly means.

    The method is described in the module docstring: Markov-chain daily clearness
    (Aguiar et al. 1988), TAG hourly clearness (Aguiar & Collares-Pereira 1992), DISC (or
    Erbs) direct/diffuse split, Ineichen clear-sky cap; temperature and wind shaped around
    their monthly means. Each month's mean GHI, air temperature and wind speed are reproduced
    exactly (to floating-point precision).

    Parameters
    ----------
    monthly_ghi_kwh_m2_day : sequence of 12 float
        Mean daily global horizontal irradiation of each month [kWh/m2/day]; each must be
        above 0 and below the month's extraterrestrial irradiation at this latitude (0 is
        accepted only for a polar-winter month whose extraterrestrial irradiation is below
        1 kWh/m2/day).
    monthly_temp_air_c : sequence of 12 float
        Mean air temperature of each month [degC], -60..60.
    latitude, longitude : float
        The site [deg].
    elevation_m : float, optional
        Site elevation [m]; default from pvlib's altitude grid.
    utc_offset_hours : float, optional
        Local standard time of the axis [h]; default from the site's time zone
        (:func:`weather.timeaxis.standard_utc_offset_hours`).
    monthly_wind_speed_m_s : sequence of 12 float, optional
        Mean wind speed of each month [m/s], 0..50; default
        :data:`DEFAULT_WIND_SPEED_M_S` all year.
    seed : int, default 0
        Seed of the random generator; the same seed gives the same year.
    decomposition : {"disc", "erbs"}, default "disc"
        Model splitting hourly GHI into direct and diffuse: DISC (Maxwell 1987,
        ``pvlib.irradiance.disc``) or Erbs et al. (1982, ``pvlib.irradiance.erbs``). See the
        module docstring for why DISC is the default.

    Returns
    -------
    pandas.DataFrame
        8760 rows on ``typical_year_index(utc_offset_hours)`` (labels at interval start),
        columns ``ghi``, ``dni``, ``dhi`` [W/m2] (hour means; ``dhi + dni * cos(zenith at
        mid-hour) == ghi``), ``temp_air`` [degC], ``wind_speed`` [m/s]. No NaN; ``ghi`` is 0
        when the sun is down all hour.

    Raises
    ------
    WeatherInputError
        For coordinates out of range, or a monthly value that is missing, not finite or not
        physically possible (the message names the month and value; key
        ``synthetic.monthly_ghi`` for a GHI at or above the extraterrestrial irradiation).
    """
    from pvlib import atmosphere, irradiance
    lat, lon = check_coordinates(latitude, longitude)
    if decomposition not in DECOMPOSITIONS:
        raise WeatherInputError(
            f"decomposition {decomposition!r} is not one of {', '.join(DECOMPOSITIONS)}"
        )
    ghi_month = _twelve("monthly_ghi_kwh_m2_day", monthly_ghi_kwh_m2_day, 0.0, 15.0, "kWh/m2/day")
    temp_month = _twelve("monthly_temp_air_c", monthly_temp_air_c, -60.0, 60.0, "degC")
    if monthly_wind_speed_m_s is None:
        wind_month = np.full(12, DEFAULT_WIND_SPEED_M_S)
    else:
        wind_month = _twelve("monthly_wind_speed_m_s", monthly_wind_speed_m_s, 0.0, 50.0, "m/s")
    if elevation_m is None:
        elevation = grid_elevation_m(lat, lon)
    else:
        elevation = float(elevation_m)
        if not (math.isfinite(elevation) and -500.0 <= elevation <= 9000.0):
            raise WeatherInputError(f"elevation_m {elevation_m!r} is outside -500..9000 m")
    if utc_offset_hours is None:
        utc_offset = standard_utc_offset_hours(lat, lon)
    else:
        utc_offset = float(utc_offset_hours)
        if not (math.isfinite(utc_offset) and -12.0 <= utc_offset <= 14.0):
            raise WeatherInputError(f"utc_offset_hours {utc_offset_hours!r} is outside -12..14 h")
    seed_value = _seed(seed)

    index = typical_year_index(utc_offset)
    geometry = _geometry(utc_offset, lat, lon, elevation)
    month_of_hour = index.month.to_numpy() - 1
    day_of_hour = index.day_of_year.to_numpy() - 1
    month_of_day = np.repeat(np.arange(12), _DAYS_IN_MONTH)

    # extraterrestrial and clear-sky daily irradiation [Wh/m2/day]
    h0_day, h0_month = _extraterrestrial(index, geometry)
    clear_day = np.bincount(day_of_hour, geometry.clear_ghi, 365)
    month = _impossible_month(ghi_month, h0_month)
    if month is not None:
        # the caller's own monthly values: their units are the likely mistake
        raise WeatherInputError.of(
            "synthetic.monthly_ghi", "monthly_ghi_kwh_m2_day: {month} value {value!r} "
            "kWh/m2/day must be above 0 and below the extraterrestrial irradiation of "
            "{limit:.2f} kWh/m2/day at {lat}; check units (kWh/m2 per day, not per month)",
            month=_month_words(month), value=float(ghi_month[month]),
            limit=float(h0_month[month]), lat=latitude_words(lat))
    kt_month = np.divide(ghi_month, h0_month, out=np.zeros(12), where=h0_month > 1e-6)

    rng = np.random.default_rng(seed_value)

    # 1. daily clearness, no day clearer than the clear sky (monthly means kept)
    kt_day = daily_clearness_markov(kt_month, rng)
    kt_clear_day = np.divide(clear_day, h0_day, out=np.zeros(365), where=h0_day > 0)
    kt_day = _fill_to_totals(kt_day, kt_clear_day, month_of_day, kt_month * _DAYS_IN_MONTH)

    # 2. hourly clearness by TAG for every hour with the sun up
    sunlit = geometry.g0h > 0.0
    kt_clear = np.divide(geometry.clear_ghi, geometry.g0h, out=np.zeros(8760), where=sunlit)
    kt_hour = np.zeros(8760)
    kt_hour[sunlit] = _hourly_clearness_tag(
        kt_day[day_of_hour[sunlit]], geometry.sin_h[sunlit], kt_clear[sunlit], rng
    )

    # 3. hours to each day's Kt, then the months exactly
    ghi = kt_hour * geometry.g0h
    day_has_sun = h0_day > 0
    ghi = _fill_to_totals(ghi, geometry.clear_ghi, day_of_hour, kt_day * h0_day * day_has_sun)
    ghi = _fill_to_totals(
        ghi, geometry.clear_ghi, month_of_hour, ghi_month * 1000.0 * _DAYS_IN_MONTH
    )
    ghi = np.where(sunlit, ghi, 0.0)

    # 4. direct and diffuse: the decomposition works on the hour's own clearness (effective
    # zenith from the hour-mean extraterrestrial irradiance); closure uses mid-hour geometry,
    # the instant a PV model evaluates the sun position of an interval-start label + 30 min
    cos_effective = np.divide(geometry.g0h, geometry.dni_extra, out=np.zeros(8760))
    zenith_effective = np.degrees(np.arccos(np.clip(cos_effective, 0.0, 1.0)))
    direct_ok = (geometry.cos_zenith_mid > 0.0) & (geometry.zenith_mid <= 87.0)
    day_of_year = index.day_of_year.to_numpy()
    beam_limit = np.divide(ghi, geometry.cos_zenith_mid, out=np.zeros(8760), where=direct_ok)
    if decomposition == "disc":
        pressure = float(atmosphere.alt2pres(elevation))
        dni = np.asarray(
            irradiance.disc(ghi, zenith_effective, day_of_year, pressure=pressure)["dni"],
            dtype=float,
        )
    else:
        diffuse = np.asarray(
            irradiance.erbs(ghi, zenith_effective, day_of_year)["dhi"], dtype=float
        )
        dni = beam_limit - np.divide(
            diffuse, geometry.cos_zenith_mid, out=np.zeros(8760), where=direct_ok
        )
    dni = np.where(direct_ok, np.nan_to_num(dni), 0.0)
    dni = np.clip(dni, 0.0, np.minimum(beam_limit, geometry.clear_dni))
    dhi = np.clip(ghi - dni * np.where(direct_ok, geometry.cos_zenith_mid, 0.0), 0.0, None)

    # 5.-6. temperature and wind
    temp_air = _temperature(
        temp_month, kt_month, kt_day, month_of_day, month_of_hour, geometry, rng
    )
    wind_speed = _wind(wind_month, month_of_hour, geometry)

    return pd.DataFrame(
        {"ghi": ghi, "dni": dni, "dhi": dhi, "temp_air": temp_air, "wind_speed": wind_speed},
        index=index,
    )


def _seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise WeatherInputError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def synthetic_weather_for_place(
    latitude: float,
    longitude: float,
    *,
    seed: int = 0,
    city: str | None = None,
) -> tuple[pd.DataFrame, WeatherMeta]:
    """A synthetic typical year for a place from the nearest (or a named) city's climatology.

    Parameters
    ----------
    latitude, longitude : float
        The site [deg].
    seed : int, default 0
        Seed of the generator (see :func:`synthesize_year`).
    city : str, optional
        English or Chinese name of a city in ``data/climatology/cities.csv`` whose monthly
        means to use; default the nearest city whose station can stand for the site
        (:func:`weather.climatology.nearest_usable_city`). Either way its station must be
        able to stand for the site (see Raises).

    Returns
    -------
    data : pandas.DataFrame
        As :func:`synthesize_year`, on the site's local standard time axis.
    meta : WeatherMeta
        ``source="synthetic"``, ``obtained="synthetic"``, the dataset and station of the
        monthly means, the distance from the site to that station, the dataset's credit line,
        and notes on the method (with a warning when the station is more than
        :data:`FAR_STATION_KM` away).

    Raises
    ------
    WeatherInputError
        For invalid coordinates, an unknown city name or an invalid seed; and, before any
        synthesis, for a station whose climate cannot stand for the site's: in the other
        hemisphere, too many degrees of latitude or kilometres away
        (:func:`weather.climatology.check_station`), or with a month sunnier than the
        extraterrestrial irradiation at the site (key ``synthetic.station_sunnier``). These
        messages name the station and its distance and point to an online source or a
        weather file. A polar site is always refused: no station of the table is within
        reach of it.
    """
    lat, lon = check_coordinates(latitude, longitude)
    climate: CityClimate = (find_city(city) if city is not None
                            else nearest_usable_city(lat, lon))
    station_km = check_station(climate, lat, lon)
    station = station_names(climate)
    elevation = grid_elevation_m(lat, lon)
    utc_offset = standard_utc_offset_hours(lat, lon)
    _, h0_month = _extraterrestrial(typical_year_index(utc_offset),
                                    _geometry(utc_offset, lat, lon, elevation))
    month = _impossible_month(np.asarray(climate.monthly_ghi_kwh_m2_day, dtype=float), h0_month)
    if month is not None:
        # the table's figures, not the user's: no units to check, another station is needed
        raise WeatherInputError.of(
            "synthetic.station_sunnier", "Offline weather cannot be made for this site ({lat}): "
            "the climatology station {station}, {km:,.0f} km away, receives {ghi:.2f} kWh/m2 a "
            "day in {month}, more than the {h0:.2f} kWh/m2 a day that reach the top of the "
            "atmosphere above the site that month, so its climate cannot stand for the site's. "
            "Use an online source (PVGIS or NASA POWER) or bring a weather file of the site "
            "(EPW, TMY or CSV).", lat=latitude_words(lat), station=station, km=station_km,
            ghi=climate.monthly_ghi_kwh_m2_day[month], month=_month_words(month),
            h0=float(h0_month[month]))
    data = synthesize_year(
        climate.monthly_ghi_kwh_m2_day,
        climate.monthly_temp_air_c,
        latitude=lat,
        longitude=lon,
        elevation_m=elevation,
        utc_offset_hours=utc_offset,
        monthly_wind_speed_m_s=climate.monthly_wind_speed_m_s,
        seed=seed,
    )
    # The station's city in both languages (a city without a station borrows another's).
    station_city = station_city_names(climate)
    city_names = {"en": climate.city, "zh": climate.city_zh or climate.city}
    dataset = {"en": climate.dataset, "zh": dataset_name_zh(climate.dataset) or climate.dataset}
    dataset_name = climate.dataset.split(".")[0]
    notes = [
        WeatherNote.of(
            "synthetic.method",
            "Synthetic hourly year (seed {seed}) generated offline from the 12 monthly means of "
            "{station}: daily clearness by the Markov transition matrices of Aguiar, "
            "Collares-Pereira & Conde (1988), hours by the TAG model (Aguiar & Collares-Pereira "
            "1992), direct/diffuse split by DISC, capped at the Ineichen clear sky; temperature "
            "and wind shaped around their monthly means. Monthly means are reproduced exactly; "
            "individual days are random, so use it for monthly and annual energy, not for a "
            "given day's weather.",
            seed=seed, station=station,
        ),
        WeatherNote.of(
            "synthetic.dataset", "The monthly means are a typical year of the {dataset} dataset "
            "({source}).", dataset=dataset,
            source={"en": climate.source.split(";")[0], "zh": ""},
        ),
    ]
    if climate.proxy_for:
        notes.append(WeatherNote.of(
            "synthetic.proxy",
            "{city} has no station of its own in the climatology table; the figures are those "
            "of the {proxy} station ({km:.0f} km from {city}).",
            city=city_names, proxy=station_city, km=float(climate.proxy_distance_km or 0.0),
        ))
    if city is None:
        nearest = nearest_city(lat, lon)
        if nearest.city != climate.city:  # the nearest city's station cannot stand for it
            notes.append(WeatherNote.of(
                "synthetic.nearer_refused",
                "The nearest city of the climatology table, {nearest} ({nearest_km:,.0f} km), "
                "lies too far north or south of the site (or across the equator) for its "
                "climate to stand for the site's; the nearest city whose station can is used.",
                nearest={"en": nearest.city, "zh": nearest.city_zh or nearest.city},
                nearest_km=float(nearest.distance_km or 0.0)))
    if station_km > FAR_STATION_KM:
        notes.append(WeatherNote.of(
            "synthetic.far_station",
            "WARNING: the climatology station ({station}) is {km:.0f} km from the site; the "
            "local climate may differ. Prefer an online source (PVGIS, NASA POWER) or a local "
            "weather file.", station=station, km=station_km,
        ))
    meta = WeatherMeta(
        source="synthetic",
        dataset=f"synthetic from {dataset_name} monthly means ({climate.station_city})",
        years="",
        latitude=lat,
        longitude=lon,
        elevation_m=elevation,
        elevation_source="altitude_grid",
        utc_offset_hours=utc_offset,
        obtained="synthetic",
        attribution=climate.attribution,
        station=climate.station,
        station_zh=station_city["zh"],
        distance_km=round(station_km, 1),
        notes=tuple(notes),
    )
    return data, meta
