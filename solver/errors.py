"""Exceptions raised by :mod:`solver` (which knows nothing of pvlib, the planner or the UI)."""

from typing import Any


class SolverInputError(ValueError):
    """Arrays or constraints that are malformed: wrong lengths, negative costs, NaN."""


class InfeasibleProblemError(ValueError):
    """The constraints cannot all hold; the message names the ones that conflict.

    ``conflicting`` names their groups; ``conflicts`` holds the diagnosis as data
    (:class:`solver.api.Conflict`), empty where there is none.
    """

    def __init__(self, message: str, conflicting: tuple[str, ...] = (),
                 conflicts: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.conflicting = conflicting
        self.conflicts = conflicts


class CurveStopped(RuntimeError):
    """A curve's computation was asked to stop before it was done (nothing is kept of it)."""
