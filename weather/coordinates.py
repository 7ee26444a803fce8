"""Validation of a place's coordinates, shared by every weather source."""

from __future__ import annotations

import math

from weather.errors import WeatherInputError

__all__ = ["check_coordinates"]


def check_coordinates(latitude: float, longitude: float) -> tuple[float, float]:
    """Validate a point request's coordinates and return them as floats.

    Raises
    ------
    WeatherInputError
        If either value is not a finite number or lies outside -90..90 / -180..180 degrees;
        the message names the value.
    """
    values = []
    for name, value, limit in (("latitude", latitude, 90.0), ("longitude", longitude, 180.0)):
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise WeatherInputError(f"{name} must be a number of degrees, got {value!r}") from None
        if not math.isfinite(number):
            raise WeatherInputError(f"{name} must be a finite number of degrees, got {value!r}")
        if not -limit <= number <= limit:
            raise WeatherInputError(
                f"{name} {value} is outside -{limit:g}..{limit:g} degrees; "
                f"give decimal degrees, north and east positive"
            )
        values.append(number)
    return values[0], values[1]
