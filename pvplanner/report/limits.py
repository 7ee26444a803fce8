"""What held the design back, said in the proposal: the battery's own limits (its energy,
power and C-rate, with their figures), and where the battery's energy limit comes from."""

from __future__ import annotations

from pvplanner.display.limit_lines import FLOORS, stated_limit
from pvplanner.display.messages import translate
from pvplanner.display.numbers import NumberFormat
from pvplanner.report.model import Paragraph
from pvplanner.report.text import Texts
from pvplanner.result import Result

__all__ = ["battery_limit_notes", "battery_limit_source"]


def battery_limit_notes(result: Result, lang: str) -> list[Paragraph]:
    """A boxed note naming every limit of the battery that held its size, as the Results
    page names them (``Result.solver.binding_limits``), in the customer's words: no advice
    to change the inputs; another for a minimum that held it up.

    Parameters
    ----------
    result : Result
        The plan.
    lang : {"en", "zh"}
        The proposal's language.

    Returns
    -------
    list of Paragraph
        A box for the limits that held the battery, another for its floors; none when
        neither held it.
    """
    battery = [key for key in result.solver.binding_limits if key.startswith("battery.")]
    sep = translate("results.limits.sep", lang)
    boxes = []
    for keys, text in (([key for key in battery if key not in FLOORS], "battery_held"),
                       ([key for key in battery if key in FLOORS], "battery_floor")):
        if keys:
            limits = sep.join(stated_limit(key, result, lang) for key in keys)
            boxes.append(Paragraph(translate(f"proposal.limits.{text}", lang, limits=limits),
                                   "box"))
    return boxes


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
