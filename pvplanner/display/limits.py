"""The limits that held a design, in words: the app's Results page and the proposal say the
same line (``Result.solver.binding_limits``, named by what sets them in the scenario)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pvplanner.display.messages import translate

__all__ = ["limit_name", "limits_line"]


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


def limits_line(keys: Iterable[str], lang: str, plane_name: Callable[[str], str] = str,
                *, leave_out: tuple[str, ...] = (), for_customer: bool = False) -> str | None:
    """The sentence naming the limits that held the design, or None when none did.

    Parameters
    ----------
    keys : iterable of str
        :attr:`pvplanner.result.SolverSummary.binding_limits`.
    lang : {"en", "zh"}
        The reader's language.
    plane_name : callable
        A roof plane's stored name as the reader should read it.
    leave_out : tuple of str
        Prefixes of limits said elsewhere (the proposal words the battery's own).
    for_customer : bool, default False
        The proposal's sentence: without the app's advice to loosen a limit and plan again
        (the customer reads a plan, not the planner's controls).
    """
    names = [limit_name(key, lang, plane_name) for key in keys
             if not key.startswith(leave_out)]
    if not names:
        return None
    return translate("results.limits.line_customer" if for_customer else "results.limits.line",
                     lang,
                     limits=translate("results.limits.sep", lang).join(names))
