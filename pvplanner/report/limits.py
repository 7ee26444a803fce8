"""What held the design back, said in the proposal: a battery at the largest size the
scenario allows (``Result.battery`` carries the limit the optimizer was given)."""

from __future__ import annotations

from pvplanner.display.numbers import NumberFormat
from pvplanner.report.model import Paragraph
from pvplanner.report.text import Texts
from pvplanner.result import Result

__all__ = ["battery_limit_notes"]


def battery_limit_notes(result: Result, t: Texts, f: NumberFormat) -> list[Paragraph]:
    """A boxed note when the battery's energy (or power) is at the scenario's maximum."""
    battery = result.battery
    notes = []
    if battery.energy_limit_binding:
        notes.append(t("limits.battery_at_limit", energy=f.unit(battery.max_energy_kwh, "kWh")))
    elif battery.power_limit_binding:
        notes.append(t("limits.battery_power_at_limit", power=f.unit(battery.max_power_kw, "kW")))
    return [Paragraph(text, "box") for text in notes]
