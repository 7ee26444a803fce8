"""What held the design back, said in the proposal: a battery at the largest size the
scenario allows (``Result.battery`` carries the limit the optimizer was given)."""

from __future__ import annotations

from pvplanner.display.numbers import NumberFormat
from pvplanner.report.model import Paragraph
from pvplanner.report.text import Texts
from pvplanner.result import Result

__all__ = ["battery_limit_notes", "battery_limit_source"]


def battery_limit_notes(result: Result, t: Texts, f: NumberFormat) -> list[Paragraph]:
    """A boxed note when the battery's energy (or power) is at the scenario's maximum."""
    battery = result.battery
    notes = []
    if battery.energy_limit_binding:
        notes.append(t("limits.battery_at_limit", energy=f.unit(battery.max_energy_kwh, "kWh")))
    elif battery.power_limit_binding:
        notes.append(t("limits.battery_power_at_limit", power=f.unit(battery.max_power_kw, "kW")))
    return [Paragraph(text, "box") for text in notes]


def battery_limit_source(result: Result, item: str, status: str, t: Texts,
                         f: NumberFormat) -> str | None:
    """How the battery's energy limit was set, in the reader's words (the assumption rows
    ``battery.max_energy_kwh``: the default rule of ``data/battery_defaults.toml`` with its
    figures, and ``battery.max_energy_kwh_binding``); None for other rows and for a limit
    the user gave."""
    if item == "battery.max_energy_kwh_binding":
        return t("assumption_sources.battery_binding")
    if item != "battery.max_energy_kwh" or status == "user":
        return None
    from pvplanner.sizing import battery_defaults

    days = float(battery_defaults()["max_energy_days"]["value"])
    load = float(result.energy.load_kwh)
    limit = result.battery.max_energy_kwh or 0.0
    minimum = (result.inputs or {}).get("battery", {}).get("min_energy_kwh")
    floor = ("" if minimum is None or limit > float(minimum) + 1e-6
             else t("assumption_sources.battery_floor", min=f.number(minimum)))
    return t("assumption_sources.battery_limit", days=f"{days:g}",
             daily=f.number(load / 365.0), load=f.number(load), floor=floor)
