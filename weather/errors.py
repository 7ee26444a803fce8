"""Exceptions raised by :mod:`weather`.

``weather`` never imports :mod:`pvplanner`; the planner maps these onto its own user-facing
error handling (see ``pvplanner.errors.USER_ERRORS``).
"""


class WeatherError(Exception):
    """Base class of every error raised by :mod:`weather`."""


class WeatherInputError(WeatherError, ValueError):
    """A user-caused problem: impossible coordinates, a bad file, missing columns, gaps.

    The message names the file, row, column or value and says how to fix it.
    """


class WeatherSourceUnavailable(WeatherError):
    """An online source could not be reached or refused the request (offline, 4xx/5xx)."""
