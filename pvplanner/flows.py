"""Year-1 energy flows of a dispatch: annual sums and the ratios a reader asks for.

Pure functions over the optimizer's dispatch arrays (power [kW] per step). The definitions
are the ones every report uses:

- PV generation = PV available - curtailed;
- self-consumed = PV to load + PV to battery (battery losses are the site's);
- self-consumption ratio = self-consumed / generation;
- self-sufficiency ratio = (PV to load + PV's share of battery to load) / load, where the
  PV's share of what the battery delivers is its share of what the battery was charged with,
  PV to battery / (PV to battery + grid to battery): power the battery bought from the grid
  is not PV's (it equals the solver's PV to battery x round-trip efficiency when the state of
  charge ends the year where it began);
- specific yield = generation / installed kWp.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["FLOW_NAMES", "EnergyFlows", "energy_flows", "pv_via_battery_kwh", "ratio",
           "specific_yield_kwh_per_kwp"]

#: Dispatch arrays summed to annual energy (attribute names of ``solver.result.Dispatch``).
FLOW_NAMES = ("pv_available", "pv_to_load", "pv_to_battery", "pv_to_grid", "curtailed",
              "grid_to_load", "grid_to_battery", "battery_to_load")


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, 0 where the denominator is not positive.

    Examples
    --------
    >>> ratio(3.0, 4.0), ratio(1.0, 0.0)
    (0.75, 0.0)
    """
    return numerator / denominator if denominator > 0 else 0.0


def specific_yield_kwh_per_kwp(generation_kwh: float, capacity_kwp: float) -> float:
    """Annual energy per installed kWp [kWh/kWp]; 0 without PV."""
    return ratio(generation_kwh, capacity_kwp)


@dataclass(frozen=True)
class EnergyFlows:
    """Annual energy of each flow [kWh] and the derived totals and ratios.

    Attributes
    ----------
    kwh : dict
        Flow name (:data:`FLOW_NAMES`) -> annual energy [kWh].
    load_kwh, generation_kwh, self_consumed_kwh, exported_kwh, imported_kwh,
    curtailed_kwh, battery_discharged_kwh : float
        Annual totals [kWh].
    self_consumption_ratio, self_sufficiency_ratio : float
        As defined in the module docstring [fraction].
    """

    kwh: dict[str, float]
    load_kwh: float
    generation_kwh: float
    self_consumed_kwh: float
    exported_kwh: float
    imported_kwh: float
    curtailed_kwh: float
    battery_discharged_kwh: float
    self_consumption_ratio: float
    self_sufficiency_ratio: float


def energy_flows(dispatch: Any, load_kw: np.ndarray, step_hours: float) -> EnergyFlows:
    """Annual flows of a dispatch.

    Parameters
    ----------
    dispatch : solver.result.Dispatch
        Arrays of power [kW] per step, one per name in :data:`FLOW_NAMES`.
    load_kw : numpy.ndarray
        Load of every step [kW], shape (T,).
    step_hours : float
        Length of a step [h].

    Returns
    -------
    EnergyFlows

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> d = SimpleNamespace(**{name: np.zeros(2) for name in FLOW_NAMES})
    >>> d.pv_available = np.array([4.0, 0.0]); d.pv_to_load = np.array([3.0, 0.0])
    >>> d.pv_to_grid = np.array([1.0, 0.0]); d.grid_to_load = np.array([1.0, 4.0])
    >>> flows = energy_flows(d, np.array([4.0, 4.0]), 1.0)
    >>> flows.self_consumption_ratio, flows.self_sufficiency_ratio
    (0.75, 0.375)

    A battery charged half from PV and half from the grid: half of what it delivers is PV's.

    >>> d.pv_to_battery = np.array([1.0, 0.0]); d.grid_to_battery = np.array([0.0, 1.0])
    >>> d.pv_to_grid = np.zeros(2); d.battery_to_load = np.array([0.0, 1.8])
    >>> d.grid_to_load = np.array([1.0, 2.2])
    >>> round(energy_flows(d, np.array([4.0, 4.0]), 1.0).self_sufficiency_ratio, 6)
    0.4875
    """
    kwh = {name: float(np.sum(getattr(dispatch, name)) * step_hours) for name in FLOW_NAMES}
    load_kwh = float(np.sum(load_kw) * step_hours)
    generation = kwh["pv_available"] - kwh["curtailed"]
    self_consumed = kwh["pv_to_load"] + kwh["pv_to_battery"]
    return EnergyFlows(
        kwh=kwh,
        load_kwh=load_kwh,
        generation_kwh=generation,
        self_consumed_kwh=self_consumed,
        exported_kwh=kwh["pv_to_grid"],
        imported_kwh=kwh["grid_to_load"] + kwh["grid_to_battery"],
        curtailed_kwh=kwh["curtailed"],
        battery_discharged_kwh=kwh["battery_to_load"],
        self_consumption_ratio=ratio(self_consumed, generation),
        self_sufficiency_ratio=ratio(kwh["pv_to_load"] + pv_via_battery_kwh(kwh), load_kwh),
    )


def pv_via_battery_kwh(kwh: dict[str, float]) -> float:
    """PV energy the battery delivers to the load [kWh]: its discharge times PV's share of
    its charge (none of what it charged from the grid).

    Parameters
    ----------
    kwh : dict
        Annual energy of each flow of :data:`FLOW_NAMES` [kWh].

    Examples
    --------
    >>> pv_via_battery_kwh({"battery_to_load": 90.0, "pv_to_battery": 75.0,
    ...                     "grid_to_battery": 25.0})
    67.5
    """
    charged = kwh["pv_to_battery"] + kwh["grid_to_battery"]
    return kwh["battery_to_load"] * ratio(kwh["pv_to_battery"], charged)
