"""PV physics for :mod:`pvplanner.pv.simulation`: sun position, racked rows, module cover.

Pure, vectorised functions on numpy arrays (cell temperature, DC and inverter models come
straight from pvlib and are called in :mod:`pvplanner.pv.simulation`). Arrays of shape ``(T, F)`` hold one column per
*face* (a module orientation with its mounting) and one row per time step; ``(F,)`` arrays
hold per-face constants. Nothing here reads files or knows about roof planes: the defaults
these functions take come from ``data/pv_defaults.toml`` through :mod:`pvplanner.pv.simulation`.

Geometry of racked rows is the usual two-dimensional "infinite rows" picture: rows of slant
length 1 (lengths are in units of the module slant length), tilt ``beta``, pitch
``1 / gcr``, all at the same height, facing the same way.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from pvlib import iam
from pvlib.bifacial import utils as bifacial_utils

# J2000.0 epoch (2000-01-01 12:00 UT) in days since the Unix epoch.
_J2000_UNIX_DAYS = 10957.5
_NS_PER_DAY = 86400e9


class SolarPosition(NamedTuple):
    """Sun position at a set of instants (numpy arrays, degrees)."""

    zenith: np.ndarray  #: geometric zenith [deg]
    apparent_zenith: np.ndarray  #: zenith corrected for refraction [deg]
    azimuth: np.ndarray  #: clockwise from north [deg]
    earth_sun_distance: np.ndarray  #: [AU]


def solar_position(
    times: pd.DatetimeIndex,
    latitude: float,
    longitude: float,
    *,
    pressure_pa: float = 101325.0,
    temperature_c: float | np.ndarray = 12.0,
) -> SolarPosition:
    """Sun position by the Astronomical Almanac's low-precision algorithm.

    Michalsky (Solar Energy 40, 227-235, 1988) shows these formulas hold to 0.01 deg for
    1950-2050; against NREL's SPA (pvlib ``nrel_numpy``) they agree within 0.02 deg in
    zenith and 0.05 deg in azimuth, while costing a few numpy operations per instant
    instead of SPA's long periodic series. That accuracy is far inside what hourly energy
    modelling needs. Refraction uses SPA's formula (Reda & Andreas, NREL/TP-560-34302,
    eq. 42).

    Parameters
    ----------
    times : pandas.DatetimeIndex
        tz-aware instants.
    latitude, longitude : float
        Site [deg], north and east positive.
    pressure_pa : float
        Station pressure for refraction [Pa].
    temperature_c : float or array
        Air temperature for refraction [degC].

    Returns
    -------
    SolarPosition
    """
    # days since J2000.0; UT is used for TT (about 70 s apart, below 0.001 deg of sun motion)
    n = times.as_unit("ns").asi8 / _NS_PER_DAY - _J2000_UNIX_DAYS
    mean_longitude = np.mod(280.460 + 0.9856474 * n, 360.0)
    anomaly = np.radians(np.mod(357.528 + 0.9856003 * n, 360.0))
    ecliptic_longitude = np.radians(
        mean_longitude + 1.915 * np.sin(anomaly) + 0.020 * np.sin(2 * anomaly)
    )
    obliquity = np.radians(23.439 - 4.0e-7 * n)
    right_ascension = np.degrees(
        np.arctan2(np.cos(obliquity) * np.sin(ecliptic_longitude), np.cos(ecliptic_longitude))
    )
    declination = np.arcsin(np.sin(obliquity) * np.sin(ecliptic_longitude))
    ut_hours = np.mod(n + 0.5, 1.0) * 24.0
    sidereal_hours = np.mod(6.697375 + 0.0657098242 * n + ut_hours, 24.0)
    hour_angle = np.radians(
        np.mod(sidereal_hours * 15.0 + longitude - right_ascension + 180.0, 360.0) - 180.0
    )
    phi = np.radians(latitude)
    sin_dec, cos_dec = np.sin(declination), np.cos(declination)
    cos_ha = np.cos(hour_angle)
    sin_elevation = sin_dec * np.sin(phi) + cos_dec * np.cos(phi) * cos_ha
    elevation = np.degrees(np.arcsin(np.clip(sin_elevation, -1.0, 1.0)))
    azimuth = np.mod(
        np.degrees(
            np.arctan2(
                -cos_dec * np.sin(hour_angle),
                sin_dec * np.cos(phi) - cos_dec * np.sin(phi) * cos_ha,
            )
        ),
        360.0,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        refraction = (
            (pressure_pa / 101000.0)
            * (283.0 / (273.0 + np.asarray(temperature_c, dtype=float)))
            * 1.02
            / (60.0 * np.tan(np.radians(elevation + 10.3 / (elevation + 5.11))))
        )
    # below the refracted horizon (sun radius + standard refraction) no correction
    apparent_elevation = elevation + np.where(elevation >= -0.83337, refraction, 0.0)
    distance = 1.00014 - 0.01671 * np.cos(anomaly) - 0.00014 * np.cos(2 * anomaly)
    return SolarPosition(90.0 - elevation, 90.0 - apparent_elevation, azimuth, distance)


def row_shaded_fraction(cos_aoi: np.ndarray, cos_zenith: np.ndarray, gcr: np.ndarray) -> np.ndarray:
    """Fraction of a row's slant height in the shadow of the row in front.

    For infinite rows the shadow edge follows from the projected solar zenith angle; written
    with the angle of incidence it is ``1 - cos(zenith) / (gcr cos(aoi))`` (Appelbaum &
    Bany, Solar Energy 23, 1979; the same linear beam derate PVWatts v8 applies to fixed
    racks).

    Parameters
    ----------
    cos_aoi : array (T, F)
        Cosine of the angle of incidence on the face.
    cos_zenith : array (T, 1)
        Cosine of the solar zenith.
    gcr : array (F,)
        Ground coverage ratio (slant length / pitch); 0 means no rows in front.

    Returns
    -------
    numpy.ndarray
        Shaded fraction in [0, 1]; 0 where the sun is down or behind the face.
    """
    lit = (cos_aoi > 0) & (cos_zenith > 0) & (gcr > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        shaded = 1.0 - cos_zenith / (gcr * cos_aoi)
    return np.where(lit, np.clip(shaded, 0.0, 1.0), 0.0)


def ground_sunlit_fraction(
    cos_aoi: np.ndarray, cos_zenith: np.ndarray, gcr: np.ndarray
) -> np.ndarray:
    """Share of the ground between infinite rows that receives beam irradiance.

    A row of slant length 1 casts a shadow ``|cos(aoi)| / cos(zenith)`` long on the ground
    (sun in front or behind), so the lit share of one pitch is ``1 - gcr * that``.

    Returns
    -------
    numpy.ndarray
        In [0, 1]; 0 where the sun is down.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        shadow = gcr * np.abs(cos_aoi) / cos_zenith
    return np.where(cos_zenith > 0, 1.0 - np.clip(shadow, 0.0, 1.0), 0.0)


#: Rows each side that pvlib sums the ground view over: enough to reach the infinite-row limit
#: (the front face's ground view changes by < 1e-6 from 500 to 2,000 rows; pvlib's default 20
#: misses the shallow rays under distant rows, up to 5e-4 of view factor).
_GROUND_VIEW_ROWS = 500


def row_view_factors(
    surface_tilt: np.ndarray, gcr: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row-averaged 2-D view factors of racked rows, from pvlib's infinite-sheds geometry.

    A point on the front face sees the sky above the top edge of the row in front, that row's
    dark back and the ground below its bottom edge; the back face sees the sky above the row
    behind. The averages over the slant are pvlib's closed forms
    (:func:`pvlib.bifacial.utils.vf_row_sky_2d_integ` for the sky, the back face being a face
    of tilt ``180 - tilt``) and its crossed-strings sum over the ground between rows
    (:func:`pvlib.bifacial.utils.vf_row_ground_2d_integ`, Anderson, Jensen & Hansen, IEEE JPV
    2026).

    Parameters
    ----------
    surface_tilt : array (F,)
        Module tilt [deg], 0..180.
    gcr : array (F,)
        Ground coverage ratio (slant length / pitch), > 0 [-].

    Returns
    -------
    front_sky, front_ground, back_sky : numpy.ndarray (F,)
        Average view factors of the front face to the sky and to the ground between rows,
        and of the back face to the sky [-].

    Examples
    --------
    >>> [round(float(v[0]), 4) for v in row_view_factors(np.array([30.0]), np.array([0.5]))]
    [0.8803, 0.0453, 0.0453]
    """
    tilt = np.asarray(surface_tilt, dtype=float)
    ratio = np.asarray(gcr, dtype=float)
    front_sky = np.asarray(bifacial_utils.vf_row_sky_2d_integ(tilt, ratio), dtype=float)
    back_sky = np.asarray(bifacial_utils.vf_row_sky_2d_integ(180.0 - tilt, ratio), dtype=float)
    front_ground = np.asarray(
        bifacial_utils.vf_row_ground_2d_integ(tilt, ratio, max_rows=_GROUND_VIEW_ROWS),
        dtype=float,
    )
    return front_sky, front_ground, back_sky


def ground_sky_view_factor(
    front_sky: np.ndarray, back_sky: np.ndarray, gcr: np.ndarray
) -> np.ndarray:
    """Average view factor from the ground between infinite rows to the sky.

    Isotropic sky radiation crossing one pitch either lands on a row (front and back faces,
    in proportion to their sky view factors, by reciprocity) or reaches the ground, so the
    ground average is ``1 - gcr (front_sky + back_sky)``.
    """
    return np.clip(1.0 - gcr * (front_sky + back_sky), 0.0, 1.0)


def diffuse_equivalent_angles(surface_tilt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Brandemuehl-Beckman equivalent incidence angles of sky and ground diffuse [deg].

    Duffie & Beckman, Solar Engineering of Thermal Processes, eq. 5.4.1-5.4.2: the angle at
    which beam radiation would be transmitted like isotropic diffuse from the sky and from the
    ground onto a surface of that tilt.
    """
    tilt = np.asarray(surface_tilt, dtype=float)
    sky = 59.7 - 0.1388 * tilt + 0.001497 * tilt**2
    ground = 90.0 - 0.5788 * tilt + 0.002693 * tilt**2
    return sky, ground


def cover_transmittance(aoi: np.ndarray, cover: dict[str, float]) -> np.ndarray:
    """Cover transmittance relative to normal incidence (physical Fresnel/Bouguer model).

    ``cover`` has ``n`` (glass refractive index), ``K`` (extinction [1/m]), ``L`` (thickness
    [m]) and ``n_ar`` (anti-reflective coating index) as in :func:`pvlib.iam.physical`.
    Returns 0 at and beyond 90 deg.
    """
    aoi = np.asarray(aoi, dtype=float)
    modifier = np.zeros(aoi.shape)
    front = aoi < 90.0  # evaluate the Fresnel terms only where light reaches the front
    modifier[front] = iam.physical(np.maximum(aoi[front], 0.0), **cover)
    return modifier
