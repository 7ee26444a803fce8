"""``pvplanner simulate``: one PV array at a place or on a weather file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message
from pvplanner.pv.models import PVLosses, PVModelSettings, RoofPlane, planner_error
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
    """Simulate one array of ``capacity_kwp`` for the CLI's ``simulate`` command."""
    if not capacity_kwp > 0:
        raise PlannerInputError(Message.of(
            "cli.bad.capacity", "--capacity-kwp must be positive, got {value}",
            value=capacity_kwp), field="capacity_kwp")
    if weather_file is not None and not Path(weather_file).is_file():
        raise PlannerInputError(Message.of(
            "cli.bad.no_weather_file", "weather file {path} does not exist",
            path=str(weather_file)), field="weather")
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
            raise planner_error(problem, "array") from None
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
