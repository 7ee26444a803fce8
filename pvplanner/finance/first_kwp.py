"""What the first kWp of PV on each roof plane is worth: why a plan builds none.

A plan that maximises NPV builds no PV when even the most valuable kilowatt, the first one
on the best plane (all of its output used on site at the hours' prices), costs more over
the life than it saves. Its NPV per kWp is the optimizer's objective per kWp at zero size,
the same present-worth factors (:func:`pvplanner.finance.present_worth_factors`) applied to
the bill savings of a one-kWp array, so the statement "PV does not pay here" comes with
the figures that show it, and with the installed price at which PV starts to pay:

    NPV per kWp = value - (price x capex_factor + upkeep)
    break-even price = (value - upkeep) / capex_factor

where ``value`` is the present worth of the kWp's year-1 savings (energy, exports, demand,
generation subsidy), ``upkeep`` the present worth of its O&M and inverter replacement, and
``capex_factor`` the share of the installed price the owner bears after subsidy,
depreciation tax shield and salvage. NPV is linear in the price, so the break-even is
exact for that first kWp.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pvplanner.finance.cashflow import Year1Savings
from pvplanner.finance.objective import npv_from_factors

__all__ = ["FIRST_KWP", "FirstKwp", "first_kwp_values"]

#: The size of the "first kilowatt" valued [kWp]: small against any factory's load, so all
#: of its output is used on site, and large enough that its bill savings are not rounding.
FIRST_KWP = 1.0


@dataclass(frozen=True)
class FirstKwp:
    """The lifecycle money of one kWp on one roof plane, per kWp [currency/kWp].

    Attributes
    ----------
    plane : str
        The roof plane's name.
    value_per_kwp : float
        Present worth of the kWp's savings over the horizon, after tax.
    upkeep_per_kwp : float
        Present worth of its O&M and inverter replacement, after tax.
    capex_per_kwp : float
        The installed price the plan uses.
    capex_factor : float
        Share of the installed price the investor bears after subsidy, tax shield and
        salvage [-].
    horizon_years : int
        The years the present worths cover.
    """

    plane: str
    value_per_kwp: float
    upkeep_per_kwp: float
    capex_per_kwp: float
    capex_factor: float
    horizon_years: int

    @property
    def cost_per_kwp(self) -> float:
        """Present worth of the installed price and the upkeep, after tax."""
        return self.capex_per_kwp * self.capex_factor + self.upkeep_per_kwp

    @property
    def npv_per_kwp(self) -> float:
        """Value minus cost."""
        return self.value_per_kwp - self.cost_per_kwp

    @property
    def break_even_capex_per_kwp(self) -> float | None:
        """The installed price at which the kWp's NPV is zero; None when no price makes it
        pay (the upkeep alone outweighs the value) or the price does not matter (a capex
        factor of zero: a full subsidy)."""
        if self.capex_factor <= 0.0 or self.value_per_kwp <= self.upkeep_per_kwp:
            return None
        return (self.value_per_kwp - self.upkeep_per_kwp) / self.capex_factor


def first_kwp_values(production_kw_per_kwp: pd.DataFrame,
                     savings_of: Callable[[np.ndarray], Year1Savings],
                     factors: dict[str, float], capex_per_kwp: float) -> list[FirstKwp]:
    """The first kWp of each roof plane, valued.

    Parameters
    ----------
    production_kw_per_kwp : pandas.DataFrame
        AC output per kWp of each plane (one column a plane) on the plan's time axis [kW/kWp].
    savings_of : callable
        Year-1 savings of a PV output on the same axis [kW] (the plan's bill with and
        without it: :func:`pvplanner.sizing.year1_savings`).
    factors : dict
        :func:`pvplanner.finance.present_worth_factors` of the plan's finance inputs.
    capex_per_kwp : float
        The installed price [currency/kWp].

    Returns
    -------
    list of FirstKwp
        One per plane, in the columns' order.

    Examples
    --------
    One plane making 1 kW for 1,000 hours, every kWh saving 0.8 at a present-worth factor
    of 10 (after tax), O&M worth 200 and an owner bearing 70 % of a price of 3,000:

    >>> frame = pd.DataFrame({"south": np.r_[np.ones(1000), np.zeros(7760)]})
    >>> savings = lambda kw: Year1Savings(0.8 * kw.sum(), 0.0, 0.0, kw.sum(), 0.0, kw.sum())
    >>> factors = {"pwf_energy": 10.0, "production_levelization": 1.0, "pwf_export": 0.0,
    ...            "export_levelization": 1.0, "pwf_demand": 0.0, "om_pw_per_kwp": 200.0,
    ...            "generation_subsidy_pw_per_kwh": 0.0, "capex_factor": 0.7,
    ...            "effective_capex_per_kwp": 2100.0, "lifecycle_cost_per_kwp": 2300.0,
    ...            "lifecycle_cost_per_kwh": 0.0, "lifecycle_cost_per_kw": 0.0,
    ...            "horizon_years": 25.0}
    >>> first = first_kwp_values(frame, savings, factors, 3000.0)[0]
    >>> round(first.value_per_kwp), round(first.npv_per_kwp), round(first.break_even_capex_per_kwp)
    (8000, 5700, 11143)
    """
    # Present worth of savings only: no capex, O&M or fixed cost in the factors.
    value_only = {**factors, "effective_fixed_capex": 0.0, "lifecycle_cost_per_kwp": 0.0}
    capex_factor = float(factors["capex_factor"])
    # Inverter replacement and O&M: the lifecycle cost less the installed price's share.
    upkeep = float(factors["lifecycle_cost_per_kwp"]) - capex_per_kwp * capex_factor
    out = []
    for plane in production_kw_per_kwp.columns:
        output_kw = production_kw_per_kwp[plane].to_numpy(dtype=float) * FIRST_KWP
        savings = savings_of(output_kw)
        value = npv_from_factors(value_only, pv_kwp=FIRST_KWP, year1_savings=savings)
        out.append(FirstKwp(plane=str(plane), value_per_kwp=value / FIRST_KWP,
                            upkeep_per_kwp=upkeep, capex_per_kwp=capex_per_kwp,
                            capex_factor=capex_factor,
                            horizon_years=int(factors["horizon_years"])))
    return out
