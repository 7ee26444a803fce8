"""pvplanner: rooftop solar PV sizing and carbon-asset planning for companies.

The public API::

    import pvplanner
    scenario = pvplanner.demo_scenario()          # or pvplanner.load_scenario("site.toml")
    result = pvplanner.plan(scenario)              # a pvplanner.Result
    result.pv.capacity_kwp, result.finance.npv, result.assumptions

Names are imported on first use, so ``import pvplanner`` (and ``pvplanner --help``) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "plan": "pvplanner.pipeline",
    "Result": "pvplanner.result",
    "Scenario": "pvplanner.scenario.model",
    "load_scenario": "pvplanner.scenario.model",
    "demo_scenario": "pvplanner.scenario.model",
    "parse_scenario": "pvplanner.scenario.model",
    "PlannerInputError": "pvplanner.errors",
    "LoadFileError": "pvplanner.errors",
    "TariffError": "pvplanner.errors",
    "errors": "pvplanner.errors",
}

__all__ = [
    "LoadFileError",
    "PlannerInputError",
    "Result",
    "Scenario",
    "TariffError",
    "__version__",
    "demo_scenario",
    "errors",
    "load_scenario",
    "parse_scenario",
    "plan",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from pvplanner import errors
    from pvplanner.errors import LoadFileError, PlannerInputError, TariffError
    from pvplanner.pipeline import plan
    from pvplanner.result import Result
    from pvplanner.scenario.model import Scenario, demo_scenario, load_scenario, parse_scenario


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'pvplanner' has no attribute {name!r}")
    module = import_module(module_name)
    value = module if name == "errors" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
