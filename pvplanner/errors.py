"""User-facing errors.

Every problem a user can cause (bad input file, impossible value, conflicting constraints)
ends as one of :data:`USER_ERRORS`: the CLI prints the message and exits with status 2, the
app shows it next to the input. The message names the field, file row or value and says how
to fix it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pvplanner.messages import Message
from solver.errors import InfeasibleProblemError, SolverInputError
from weather.errors import WeatherInputError, WeatherSourceUnavailable


class PlannerInputError(ValueError):
    """Bad user input detected by :mod:`pvplanner` (scenario, roof, load, tariff, finance).

    Parameters
    ----------
    message : str or Message
        The English text (``str(exc)``). A :class:`~pvplanner.messages.Message` also gives
        the catalogue key and values, so the app and the CLI can show the error in the
        reader's language.
    field : str, optional
        Dotted name of the input at fault.
    key : str, optional
        Catalogue key of the message (else the Message's own key, else none).
    params : mapping, optional
        Values of the key's placeholders (else the Message's own).
    """

    def __init__(self, message: str, *, field: str | None = None, key: str | None = None,
                 params: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        #: Dotted name of the input at fault (``site.latitude``, ``roof.planes[2].tilt``...),
        #: used by the app to show the message next to that input.
        self.field = field
        #: Catalogue key of the message (``""``: English only).
        self.key: str = key if key is not None else getattr(message, "key", "")
        #: Values of the key's placeholders.
        self.params: dict[str, Any] = dict(
            params if params is not None else getattr(message, "params", {}))

    @property
    def message(self) -> Message:
        """The error as a :class:`~pvplanner.messages.Message` (English text, key, values)."""
        return Message(self.key, str(self), self.params)


class InfeasibleScenarioError(PlannerInputError, InfeasibleProblemError):
    """The scenario's constraints cannot all hold: the optimizer's conflict in scenario terms.

    ``conflicting`` names the optimizer's constraint groups (as
    :class:`solver.errors.InfeasibleProblemError`), ``field`` the first scenario field to change.
    """

    def __init__(self, message: str, *, conflicting: tuple[str, ...] = (),
                 field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.conflicting = conflicting


class LoadFileError(PlannerInputError):
    """A meter export that cannot be read; the message names the row and column."""


class TariffError(PlannerInputError):
    """An invalid or inconsistent tariff definition."""


#: Exceptions that mean "the user's input is wrong": exit status 2, no traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (
    PlannerInputError,
    WeatherInputError,
    SolverInputError,
    InfeasibleProblemError,
)

#: Exceptions that mean "a data source is unreachable": a clear message, exit status 1.
SOURCE_ERRORS: tuple[type[BaseException], ...] = (WeatherSourceUnavailable,)
