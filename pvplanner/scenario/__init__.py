"""Every input of a planning scenario as validated models; JSON and TOML in and out."""

from __future__ import annotations

from pvplanner.scenario.model import (
    MAX_SCENARIO_BYTES,
    SCHEMA_VERSION,
    Scenario,
    TariffChoice,
    demo_scenario,
    load_scenario,
    parse_scenario,
    save_scenario,
    scenario_from_text,
    scenario_json_schema,
    scenario_to_json,
    scenario_to_toml,
)
from pvplanner.scenario.site import (
    BatteryOptions,
    Constraints,
    LoadInput,
    Site,
    WeatherChoice,
)

__all__ = [
    "BatteryOptions",
    "Constraints",
    "demo_scenario",
    "load_scenario",
    "LoadInput",
    "MAX_SCENARIO_BYTES",
    "parse_scenario",
    "save_scenario",
    "Scenario",
    "scenario_from_text",
    "scenario_json_schema",
    "scenario_to_json",
    "scenario_to_toml",
    "SCHEMA_VERSION",
    "Site",
    "TariffChoice",
    "WeatherChoice",
]
