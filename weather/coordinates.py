"""Validation of a place's coordinates, shared by every weather source."""

from __future__ import annotations

import math

from weather.errors import WeatherInputError

__all__ = ["COORDINATE_LIMITS_DEG", "check_coordinates", "grid_elevation_m"]

#: Largest magnitude of a latitude and a longitude [deg] (decimal degrees, north and east
#: positive).
COORDINATE_LIMITS_DEG: dict[str, float] = {"latitude": 90.0, "longitude": 180.0}

#: Each coordinate's name in English and Chinese (a value of the errors' keys).
_NAMES: dict[str, dict[str, str]] = {"latitude": {"en": "latitude", "zh": "纬度"},
                                     "longitude": {"en": "longitude", "zh": "经度"}}


def check_coordinates(latitude: float, longitude: float) -> tuple[float, float]:
    """Validate a point request's coordinates and return them as floats.

    Parameters
    ----------
    latitude, longitude : float
        Decimal degrees, north and east positive; anything :class:`float` accepts.

    Returns
    -------
    (float, float)
        The latitude and the longitude [deg].

    Raises
    ------
    WeatherInputError
        If either value is not a finite number or lies outside -90..90 / -180..180 degrees;
        the message names the value. Its key (``coordinates.not_a_number``,
        ``coordinates.not_finite`` or ``coordinates.outside``) has the values ``name`` (the
        coordinate in English and Chinese), ``axis`` (``latitude`` or ``longitude``),
        ``value`` and, for ``outside``, ``limit`` [deg].

    Examples
    --------
    >>> check_coordinates("30.27", 120)
    (30.27, 120.0)
    >>> try:
    ...     check_coordinates(95, 120)
    ... except WeatherInputError as problem:
    ...     print(problem.key, "|", problem)
    coordinates.outside | latitude 95 is outside -90..90 degrees; give decimal degrees, north and east positive
    """
    values = []
    for axis, value in (("latitude", latitude), ("longitude", longitude)):
        limit, name = COORDINATE_LIMITS_DEG[axis], _NAMES[axis]
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise WeatherInputError.of(
                "coordinates.not_a_number", "{name} must be a number of degrees, got {value}",
                name=name, axis=axis, value=repr(value)) from None
        if not math.isfinite(number):
            raise WeatherInputError.of(
                "coordinates.not_finite", "{name} must be a finite number of degrees, got "
                "{value}", name=name, axis=axis, value=repr(value))
        if not -limit <= number <= limit:
            raise WeatherInputError.of(
                "coordinates.outside", "{name} {value:g} is outside -{limit:g}..{limit:g} "
                "degrees; give decimal degrees, north and east positive",
                name=name, axis=axis, value=number, limit=limit)
        values.append(number)
    return values[0], values[1]


def grid_elevation_m(latitude: float, longitude: float) -> float:
    """A site's elevation from pvlib's global altitude grid, for data that give none [m].

    The grid (:func:`pvlib.location.lookup_altitude`) is coarse: its cells average land with
    the sea floor of the bathymetry beside a coast (ETOPO1), so coastal plains read a few
    metres below the sea (-2 m at Hangzhou Xiaoshan and at Shanghai's centre, both about
    5 m above it) and pvlib warns of errors of 100 m and more. An estimate below sea level
    is taken as sea level (0 m): a site truly below it (Turpan) enters its elevation. The
    difference to the clear-sky air mass of a few metres is well under 0.1 %.

    Parameters
    ----------
    latitude, longitude : float
        Decimal degrees, north and east positive.

    Returns
    -------
    float
        The grid's altitude at the site, at least 0 [m].

    Examples
    --------
    >>> grid_elevation_m(30.17, 120.26)  # Xiaoshan, on the coastal plain of Hangzhou Bay
    0.0
    >>> grid_elevation_m(25.04, 102.71) > 1500  # Kunming
    True
    """
    from pvlib.location import lookup_altitude

    return max(0.0, float(lookup_altitude(latitude, longitude)))
