"""Validation of a place's coordinates, shared by every weather source."""

from __future__ import annotations

import math

from weather.errors import WeatherInputError

__all__ = ["COORDINATE_LIMITS_DEG", "check_coordinates"]

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
