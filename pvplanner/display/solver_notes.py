"""The optimizer's notes as each reader can act on them.

A plan whose search stopped before proving its optimum carries the note
``notes.solver.not_optimal`` (the sizing's) or that note inside ``notes.solver.year1`` (the
year-1 dispatch's), with the gap as the English text wrote it. Who reads it decides what it
should say: the app's user is pointed at the input that gives the solver more time, the
command's operator at the scenario field, and a proposal's customer, who has neither, is
only told the gap. Each gets the gap as a sum of money in the plan's currency, from the
Result's own figure (:attr:`pvplanner.result.SolverSummary.optimality_gap` or
``year1_dispatch_gap``), not from the note's text.
"""

from __future__ import annotations

from typing import Any

from pvplanner.display.messages import LANGUAGES
from pvplanner.display.numbers import NumberFormat
from pvplanner.messages import Message, as_message

__all__ = ["READERS", "for_reader"]

#: The note's catalogue key for each reader.
READERS = {
    "app": "notes.solver.not_optimal",
    "cli": "cli.summary.not_optimal",
    "proposal": "notes.solver.not_proven",
}

_UNPROVEN = "notes.solver.not_optimal"
_YEAR1 = "notes.solver.year1"
#: The gap left where a battery charges only from PV (the same words for every reader).
_CHARGING = "notes.solver.charging_bound"


def for_reader(note: Any, result: Any, reader: str) -> Any:
    """``note`` as ``reader`` should read it (other notes are returned as they are).

    Parameters
    ----------
    note : Message, dict or str
        One of :attr:`pvplanner.result.Result.notes`.
    result : pvplanner.result.Result
        The plan the note is about (its currency and gaps).
    reader : {"app", "cli", "proposal"}
        Who reads it (:data:`READERS`).

    Returns
    -------
    Message or the note unchanged
    """
    message = as_message(note)
    if message.key == _CHARGING:
        money = {lang: NumberFormat(lang, result.currency).money(result.solver.optimality_gap)
                 for lang in LANGUAGES}
        return Message(_CHARGING, str(message), {**message.params, "gap": money})
    if message.key == _UNPROVEN:
        return _unproven(message, result.solver.optimality_gap, result.currency, reader)
    inner = message.params.get("note") if message.key == _YEAR1 else None
    if inner is not None and as_message(inner).key == _UNPROVEN:
        rewritten = _unproven(as_message(inner), result.solver.year1_dispatch_gap,
                              result.currency, reader)
        return Message(_YEAR1, str(message), {**message.params, "note": rewritten})
    return note


def _unproven(note: Message, gap: float, currency: str, reader: str) -> Message:
    money = {lang: NumberFormat(lang, currency).money(gap) for lang in LANGUAGES}
    return Message(READERS[reader], str(note), {**note.params, "gap": money})
