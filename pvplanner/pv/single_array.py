"""``pvplanner simulate``: one PV array at a place or on a weather file."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pvplanner.display.messages import render
from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message
from pvplanner.pv.models import (
    PVLosses,
    PVModelSettings,
    RoofPlane,
    plane_max_kwp,
    planner_error,
)
from pvplanner.pv.simulation import simulate_pv
from pvplanner.pv.site_weather import load_weather
from weather.meta import WeatherMeta


def losses_with_total(total_percent: float, template: PVLosses | None = None) -> PVLosses:
    """Itemised losses scaled so they combine to ``total_percent``, keeping their proportions.

    PVWatts users give one total loss figure; we keep the itemised model and scale every item
    by the same factor ``s`` such that ``1 - prod(1 - s * l_i / 100) = total / 100`` (found by
    bisection; the combination is monotonic in ``s``).
    """
    if not 0.0 <= total_percent < 100.0:
        raise PlannerInputError(Message.of(
            "cli.bad.losses_range", "--losses-percent {value} is outside 0..100 %",
            value=total_percent), field="pv.losses")
    base = template or PVLosses()
    items = base.model_dump()
    if total_percent == 0.0:
        return PVLosses(**dict.fromkeys(items, 0.0))
    largest = max(items.values())

    def combined(scale: float) -> float:
        kept = 1.0
        for value in items.values():
            kept *= 1.0 - scale * value / 100.0
        return 100.0 * (1.0 - kept)

    low, high = 0.0, 100.0 / largest * 0.999999
    if combined(high) < total_percent:
        raise PlannerInputError(Message.of(
            "cli.bad.losses_too_large", "--losses-percent {value} is too large to reach with "
            "itemised losses", value=total_percent), field="pv.losses")
    for _ in range(80):
        middle = 0.5 * (low + high)
        low, high = (middle, high) if combined(middle) < total_percent else (low, middle)
    scale = 0.5 * (low + high)
    return PVLosses(**{key: value * scale for key, value in items.items()})


#: The ``simulate`` command's option for each input of the array's models (the plane is
#: called ``array``): an error names what the operator typed, not the model's field.
OPTIONS: dict[str, str] = {
    "array.tilt_deg": "--tilt", "array.rack_tilt_deg": "--tilt",
    "array.azimuth_deg": "--azimuth", "array.mounting": "--mounting",
    "array.dc_ac_ratio": "--dc-ac-ratio", "array.losses": "--losses-percent",
}


def _upper_limit(field: str) -> float:
    """The largest value :class:`RoofPlane` accepts for ``field`` (its ``le`` bound)."""
    return float(next(rule.le for rule in RoofPlane.model_fields[field].metadata
                      if getattr(rule, "le", None) is not None))


@cache
def largest_array_kwp() -> float:
    """The largest capacity a roof plane of pvplanner can carry [kWp]: the bound of
    ``simulate --capacity-kwp``.

    The largest roof :class:`RoofPlane` accepts (``area_m2`` up to 1e7 m2, 10 km2) with all
    of it usable and covered as densely as any mounting covers it, with the densest modules
    it accepts (400 W/m2): :func:`plane_max_kwp` of that plane, 3,800,000 kWp (3.8 GWp).
    Derived from the model's own bounds, so it follows them; a roof the planner cannot
    describe is no array it should simulate, and a figure beyond it is a typing error.

    Examples
    --------
    >>> round(largest_array_kwp())
    3800000
    """
    largest = {"area_m2": _upper_limit("area_m2"),
               "usable_fraction": _upper_limit("usable_fraction"),
               "module_power_density_w_m2": _upper_limit("module_power_density_w_m2")}
    planes = [RoofPlane(name="largest", mounting="flush", **largest)]
    planes += [RoofPlane(name="largest", mounting=mounting, gcr=_upper_limit("gcr"), **largest)
               for mounting in ("tilted_rows", "east_west")]
    return max(plane_max_kwp(plane) for plane in planes)


def check_capacity(capacity_kwp: float) -> float:
    """``--capacity-kwp`` as a float, refused unless finite, positive and at most
    :func:`largest_array_kwp`.

    Raises
    ------
    PlannerInputError
        Naming the option and the value (keys ``cli.bad.capacity_not_finite``,
        ``cli.bad.capacity``, ``cli.bad.capacity_too_large``).
    """
    value = float(capacity_kwp)
    if not math.isfinite(value):
        raise PlannerInputError(Message.of(
            "cli.bad.capacity_not_finite", "--capacity-kwp must be a finite number of kWp, "
            "got {value}", value=str(capacity_kwp)), field="capacity_kwp")
    if not value > 0:
        raise PlannerInputError(Message.of(
            "cli.bad.capacity", "--capacity-kwp must be positive, got {value}",
            value=value), field="capacity_kwp")
    limit = largest_array_kwp()
    if value > limit:
        raise PlannerInputError(Message.of(
            "cli.bad.capacity_too_large", "--capacity-kwp {value:g} is more than the "
            "{limit:,.0f} kWp the largest roof pvplanner describes can carry ({area_km2:g} "
            "km2 covered with {density:g} W/m2 modules); give the array's DC capacity in kWp",
            value=value, limit=limit, area_km2=_upper_limit("area_m2") / 1e6,
            density=_upper_limit("module_power_density_w_m2")), field="capacity_kwp")
    return value


def for_option(problem: PlannerInputError, options: Mapping[str, str] = OPTIONS
               ) -> PlannerInputError:
    """``problem`` (an error of the array's models, naming a field such as
    ``array.tilt_deg``) naming the command-line option the value came from instead.

    Parameters
    ----------
    problem : PlannerInputError
        From :func:`pvplanner.pv.models.planner_error` with the prefix ``array``.
    options : mapping
        Field -> option (:data:`OPTIONS`).

    Returns
    -------
    PlannerInputError
        The same catalogue message with the option in place of the field, in every
        language (``problem`` itself for a field no option gives).

    Examples
    --------
    >>> from pydantic import ValidationError
    >>> try:
    ...     RoofPlane(name="array", area_m2=1.0, tilt_deg=120.0)
    ... except ValidationError as invalid:
    ...     problem = for_option(planner_error(invalid, "array"))
    >>> str(problem), render(problem.message, "zh")
    ('--tilt: must be at most 90.0 (got 120.0)', '--tilt：应不大于 90.0（当前为 120.0）')
    """
    field = problem.field or ""
    option = options.get(field)
    if option is None:
        return problem
    values = dict(problem.params)
    named = values.get("field")
    if isinstance(named, Mapping):  # "array.tilt_deg: " / "array.tilt_deg：" before the text
        values["field"] = {lang: str(text).replace(field, option)
                           for lang, text in named.items()}
    elif named is not None:
        values["field"] = option
    english = render(Message(problem.key, str(problem).replace(field, option), values), "en")
    return PlannerInputError(Message(problem.key, english, values), field=option)


@dataclass(frozen=True)
class SingleArrayResult:
    """A simulated array with its weather metadata."""

    simulation: Any
    weather: WeatherMeta
    settings: PVModelSettings

    def to_dict(self) -> dict[str, Any]:
        out = self.simulation.to_dict()
        out["weather"] = self.weather.to_dict()
        out["dc_ac_ratio"] = self.settings.dc_ac_ratio
        out["losses_percent"] = round(self.settings.losses.total_percent, 4)
        return out


def simulate_single_array(
    *,
    weather_file: Path | None,
    latitude: float | None,
    longitude: float | None,
    source: str,
    tilt_deg: float,
    azimuth_deg: float,
    capacity_kwp: float,
    dc_ac_ratio: float | None = None,
    losses_percent: float | None = None,
    mounting: str = "flush",
) -> SingleArrayResult:
    """Simulate one array of ``capacity_kwp`` for the CLI's ``simulate`` command.

    Parameters
    ----------
    weather_file : Path or None
        A weather file (EPW, TMY3, TMY2, PVGIS, CSV), else the place's weather from
        ``source``.
    latitude, longitude : float or None
        The place [deg], north and east positive (with ``weather_file``: the file's, if None).
    source : {"auto", "pvgis", "nasa-power", "synthetic"}
        Where the place's weather comes from.
    tilt_deg, azimuth_deg : float
        The modules' tilt (the racks' for ``tilted_rows`` and ``east_west``) and azimuth
        [deg], 180 = south.
    capacity_kwp : float
        DC capacity [kWp], at most :func:`largest_array_kwp`.
    dc_ac_ratio, losses_percent : float, optional
        DC/AC ratio [-] and total DC losses [%]; the model's defaults when None.
    mounting : {"flush", "tilted_rows", "east_west"}

    Returns
    -------
    SingleArrayResult

    Raises
    ------
    PlannerInputError
        For a value the command refuses; the message names the option (``--tilt``...).
    """
    capacity_kwp = check_capacity(capacity_kwp)
    frame, meta = load_weather(latitude, longitude, source=source, file=weather_file)
    settings_fields: dict[str, Any] = {}
    if dc_ac_ratio is not None:
        settings_fields["dc_ac_ratio"] = dc_ac_ratio
    if losses_percent is not None:
        settings_fields["losses"] = losses_with_total(losses_percent)
    try:
        settings = PVModelSettings(**settings_fields)
        plane_fields: dict[str, Any] = {
            "name": "array",
            "area_m2": 1e7,  # the capacity is given, so the area does not limit it
            "mounting": mounting,
            "tilt_deg": tilt_deg if mounting == "flush" else 0.0,
            "azimuth_deg": azimuth_deg,
        }
        if mounting != "flush":
            plane_fields["rack_tilt_deg"] = tilt_deg
        plane = RoofPlane(**plane_fields)
    except Exception as problem:  # pydantic ValidationError -> message naming the option
        from pydantic import ValidationError

        if isinstance(problem, ValidationError):
            raise for_option(planner_error(problem, "array")) from None
        raise
    simulation = simulate_pv(
        frame,
        latitude=meta.latitude if latitude is None else latitude,
        longitude=meta.longitude if longitude is None else longitude,
        elevation_m=meta.elevation_m,
        planes=[plane],
        capacities_kwp={"array": capacity_kwp},
        settings=settings,
    )
    return SingleArrayResult(simulation=simulation, weather=meta, settings=settings)
