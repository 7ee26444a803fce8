"""The limits that held a design, in words: the app's Results page and the proposal say the
same line (``Result.solver.binding_limits``, named by what sets them in the scenario)."""

from __future__ import annotations

from collections.abc import Callable

from pvplanner.display.messages import translate

__all__ = ["limit_name"]


def limit_name(key: str, lang: str, plane_name: Callable[[str], str] = str) -> str:
    """One limit in the reader's words: ``roof:<plane>`` -> "roof “South” full",
    ``constraints.capital_budget`` -> "capital budget".

    Parameters
    ----------
    key : str
        An entry of :attr:`pvplanner.result.SolverSummary.binding_limits`.
    lang : {"en", "zh"}
        The reader's language.
    plane_name : callable
        A roof plane's stored name as the reader should read it.

    Examples
    --------
    >>> limit_name("constraints.capital_budget", "zh")
    '投资预算'
    """
    kind, _, plane = key.partition(":")
    return translate(f"results.limits.{kind}", lang, name=plane_name(plane))
