"""The error a scenario model's own rule raises (a rule across fields, or one pydantic's
field types cannot state): a :class:`~pvplanner.errors.PlannerInputError` with a catalogue
key, which pydantic keeps (it is a ValueError) and :func:`pvplanner.scenario.model.parse_scenario`
hands on, so the app shows it in the reader's language next to the input."""

from __future__ import annotations

from typing import Any

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message

__all__ = ["rule_broken"]


def rule_broken(name: str, english: str, /, *, field: str | None = None, **values: Any
                ) -> PlannerInputError:
    """The error of rule ``name``: key ``errors.scenario.rules.<name>``, English text
    ``english`` filled with ``values`` (the same placeholders as the catalogue's texts).

    ``field`` is the input to change, relative to the model whose rule it is
    (``min_power_kw`` of the battery): the error then names ``battery.min_power_kw``, where
    the command line says what to edit and the app shows the message."""
    return PlannerInputError(Message.of(f"errors.scenario.rules.{name}", english, **values),
                             field=field)
