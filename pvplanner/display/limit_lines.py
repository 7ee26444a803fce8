"""The limits of a design in sentences with their figures: those that held a size, and those
that only curtailed PV. The Results page, the proposal and the ``pvplanner plan`` summary
say the same lines.

``Result.solver.binding_limits`` names the limits that held a size (a full roof, a limit on
the total, the budget, the battery's energy, power or C-rate; the export limit and the
self-consumption floor where they stop the PV short of its size limits) and, as
``curtailing.<id>``, the export limit or floor that curtailed PV where the PV was at its size
limits anyway: such a limit costs energy but sets no size. The names without figures are
:func:`pvplanner.display.limits.limit_name`'s (the batch tables use them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pvplanner.display.limits import limit_name
from pvplanner.display.messages import translate
from pvplanner.display.numbers import NumberFormat

__all__ = ["CURTAILING", "FLOORS", "PV_SETTING", "held_lines", "stated_limit"]

#: Prefix of a limit that curtailed PV without holding a size.
CURTAILING = "curtailing."

#: Limits that hold the PV's size only by stopping it short of its size limits.
PV_SETTING = ("constraints.export_limit_kw", "tariff.export",
              "constraints.min_self_consumption_ratio")

#: Floors: a design held there is larger than the economics alone would build.
FLOORS = ("constraints.min_total_kwp", "battery.min_energy_kwh", "battery.min_power_kw")

#: A limit's catalogue phrase (``results.limits.stated.<phrase>``) and its figures, or None
#: where the Result lacks them.
Figures = tuple[str, dict[str, str]] | None


def _given(result: Any, section: str, field: str) -> Any:
    """A value of the scenario the Result was planned from (``Result.inputs``), or None."""
    return ((result.inputs or {}).get(section) or {}).get(field)


def _battery_energy(result: Any, f: NumberFormat) -> Figures:
    limit = result.battery.max_energy_kwh
    if not limit:
        return None
    row = result.assumption("battery.max_energy_kwh")
    user = row is not None and row.status == "user"
    return ("battery_energy_user" if user else "battery_energy_default",
            {"energy": f.kwh(limit)})


def _battery_power(result: Any, f: NumberFormat) -> Figures:
    limit = result.battery.max_power_kw
    return None if limit is None else ("battery_power", {"power": f.unit(limit, "kW")})


def _c_rate(result: Any, f: NumberFormat) -> Figures:
    # Held at its C-rate, the battery's power is that rate times its energy.
    battery = result.battery
    if battery.energy_kwh <= 0:
        return None
    return ("battery_c_rate", {"rate": f"{battery.power_kw / battery.energy_kwh:.3g}",
                               "power": f.unit(battery.power_kw, "kW"),
                               "energy": f.kwh(battery.energy_kwh)})


def _export_limit(result: Any, f: NumberFormat) -> Figures:
    limit = _given(result, "constraints", "export_limit_kw")
    if limit is None:
        return None
    return ("zero_export", {}) if limit == 0 else ("export_limit", {"power": f.unit(limit, "kW")})


def _floor(result: Any, f: NumberFormat) -> Figures:
    share = _given(result, "constraints", "min_self_consumption_ratio")
    if share is None:
        return None
    whole = float(round(100.0 * share, 6)).is_integer()
    return ("self_consumption_floor", {"share": f.percent(share, 0 if whole else 1)})


def _floor_given(field: str, phrase: str, unit: str) -> Callable[[Any, NumberFormat], Figures]:
    """The figures of a floor the user set (``section.field`` of the scenario)."""
    section, _, name = field.partition(".")

    def figures(result: Any, f: NumberFormat) -> Figures:
        value = _given(result, section, name)
        if not value:
            return None
        return (phrase, {"value": f.kwh(value) if unit == "kWh" else f.kwp(value)
                         if unit == "kWp" else f.unit(value, unit)})

    return figures


#: The limits said with figures, by id.
_FIGURES: dict[str, Callable[[Any, NumberFormat], Figures]] = {
    "battery.max_energy_kwh": _battery_energy,
    "battery.max_power_kw": _battery_power,
    "battery.max_c_rate": _c_rate,
    "constraints.export_limit_kw": _export_limit,
    "tariff.export": lambda result, f: ("no_export_rule", {}),
    "constraints.min_self_consumption_ratio": _floor,
    "constraints.min_total_kwp": _floor_given("constraints.min_total_kwp", "min_total_kwp",
                                              "kWp"),
    "battery.min_energy_kwh": _floor_given("battery.min_energy_kwh", "battery_min_energy",
                                           "kWh"),
    "battery.min_power_kw": _floor_given("battery.min_power_kw", "battery_min_power", "kW"),
}


def stated_limit(key: str, result: Any, lang: str, plane_name: Callable[[str], str] = str) -> str:
    """One limit in the reader's words, with its figure where it has one: "battery energy
    limit (2,000 kWh, as set for this plan)", "zero export (export limit 0 kW)".

    Parameters
    ----------
    key : str
        An entry of ``Result.solver.binding_limits`` (a ``curtailing.`` one included).
    result : pvplanner.result.Result
        The plan (its battery, its inputs and assumptions give the figures).
    lang : {"en", "zh"}
        The reader's language.
    plane_name : callable
        A roof plane's stored name as the reader should read it.

    Returns
    -------
    str
        :func:`~pvplanner.display.limits.limit_name`'s words where the Result lacks figures.
    """
    key = key.removeprefix(CURTAILING)
    figures = _FIGURES.get(key, lambda *_: None)(result, NumberFormat(lang, result.currency))
    if figures is None:
        return limit_name(key, lang, plane_name)
    phrase, values = figures
    return translate(f"results.limits.stated.{phrase}", lang, **values)


def _held(key: str, result: Any, lang: str, plane_name: Callable[[str], str]) -> str:
    """A limit that held a size; the export limit or floor with the PV size it set (and the
    energy it curtailed)."""
    name = stated_limit(key, result, lang, plane_name)
    if key not in PV_SETTING:
        return name
    f = NumberFormat(lang, result.currency)
    values = {"limit": name, "kwp": f.kwp(result.pv.capacity_kwp),
              "roof": f.kwp(result.pv.max_capacity_kwp)}
    curtailed = float(result.energy.curtailed_kwh)
    if curtailed > 0:
        return translate("results.limits.sets_pv_curtailed", lang, kwh=f.kwh(curtailed),
                         **values)
    return translate("results.limits.sets_pv", lang, **values)


def held_lines(result: Any, lang: str, plane_name: Callable[[str], str] = str, *,
               leave_out: tuple[str, ...] = (), for_customer: bool = False) -> list[str]:
    """The sentences on a design's limits: the limits that held a size, the floors that held
    one up (the economics alone would build less), then those that only curtailed PV (with
    the energy curtailed); none when no limit was reached.

    Parameters
    ----------
    result : pvplanner.result.Result
        The plan (``result.solver.binding_limits``).
    lang : {"en", "zh"}
        The reader's language.
    plane_name : callable
        A roof plane's stored name as the reader should read it.
    leave_out : tuple of str
        Prefixes of limits said elsewhere (the proposal's battery box says the battery's).
    for_customer : bool, default False
        The proposal's wording: without the app's advice to loosen a limit and plan again.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> plan = SimpleNamespace(currency="CNY", inputs={}, energy=SimpleNamespace(
    ...     curtailed_kwh=50_284.0), solver=SimpleNamespace(binding_limits=(
    ...     "roof:South", "curtailing.tariff.export")))
    >>> for line in held_lines(plan, "en"):
    ...     print(line)
    Held at a limit: roof “South” full. There the limit, not the economics, set the size; loosen it to see whether a larger design pays.
    PV curtailed by the no-export rule: 50,284 kWh a year. The PV is at its size limits, so this limit costs energy but sets no size.
    """
    keys = tuple(result.solver.binding_limits)
    sep = translate("results.limits.sep", lang)
    held = [key for key in keys if not key.startswith((CURTAILING, *leave_out))]
    floors = [key for key in held if key in FLOORS]
    held = [key for key in held if key not in FLOORS]
    curtailing = [key for key in keys if key.startswith(CURTAILING)]
    lines = []
    if held:
        lines.append(translate(
            "results.limits.line_customer" if for_customer else "results.limits.line", lang,
            limits=sep.join(_held(key, result, lang, plane_name) for key in held)))
    if floors:
        lines.append(translate(
            "results.limits.floor_line_customer" if for_customer
            else "results.limits.floor_line", lang,
            limits=sep.join(stated_limit(key, result, lang, plane_name) for key in floors)))
    if curtailing:
        f = NumberFormat(lang, result.currency)
        lines.append(translate(
            "results.limits.curtails", lang, kwh=f.kwh(result.energy.curtailed_kwh),
            limits=sep.join(stated_limit(key, result, lang, plane_name) for key in curtailing)))
    return lines
