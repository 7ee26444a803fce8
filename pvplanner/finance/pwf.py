"""Present-worth factors and REopt-compatible cost conventions.

Pure functions shared by the cash-flow model and the optimizer's objective. The REopt
conventions follow the definitions documented in NREL's REopt.jl (``annuity``,
``levelization_factor`` and ``effective_cost`` in ``src/core/utils.jl``, Apache-2.0); they are
re-implemented here from those definitions so our optimizer can be checked against REopt's own
test cases.

Conventions
-----------
* Cash flows occur at the END of years 1..n; year 0 is the investment instant.
* Escalation applies from year 1: the year-``y`` value of a quantity worth ``x`` today is
  ``x (1 + e)^y`` (REopt's "cost growth in the first period").
* Degradation applies from year 2: year-``y`` output is ``(1 - g)^(y - 1)`` of year 1.
"""

from __future__ import annotations

from collections.abc import Sequence

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message

__all__ = [
    "pwf",
    "pwf_escalated",
    "reopt_effective_capex_per_kw",
    "reopt_levelization_factor",
]


def _check_years(years: int, name: str = "years") -> int:
    if isinstance(years, bool) or int(years) != years or years < 0:
        raise PlannerInputError(
            Message.of("errors.finance.whole_years",
                       "{name} must be a whole number of years >= 0, got {years}", name=name,
                       years=repr(years)), field=name
        )
    return int(years)


def _check_rate(rate: float, name: str) -> float:
    rate = float(rate)
    if not rate > -1.0:
        raise PlannerInputError(
            Message.of("errors.finance.rate_above_minus_one",
                       "{name} must be greater than -1 (a fraction, e.g. 0.06 for 6 %), got "
                       "{rate}", name=name, rate=repr(rate)),
            field=name,
        )
    return rate


def pwf_escalated(years: int, escalation_rate: float, discount_rate: float) -> float:
    """Present-worth factor of a series that escalates from year 1.

    ``sum_{y=1..n} ((1 + e) / (1 + d))^y``: multiply a year-0 (today's) annual amount by this
    factor to get the present worth of ``n`` escalating end-of-year payments.

    Parameters
    ----------
    years : int
        Number of years ``n`` [years].
    escalation_rate : float
        Annual escalation ``e`` [fraction/yr].
    discount_rate : float
        Nominal discount rate ``d`` [fraction/yr].

    Returns
    -------
    float
        Present-worth factor [-]. ``pwf_escalated(25, 0.0166, 0.0624)`` = 14.82026 (REopt).
    """
    n = _check_years(years)
    e = _check_rate(escalation_rate, "escalation_rate")
    d = _check_rate(discount_rate, "discount_rate")
    x = (1.0 + e) / (1.0 + d)
    if abs(x - 1.0) < 1e-12:
        return float(n)
    # Closed form of the geometric sum x + x^2 + ... + x^n.
    return x * (1.0 - x**n) / (1.0 - x)


def pwf(years: int, discount_rate: float) -> float:
    """Present-worth factor of ``years`` equal end-of-year payments (the annuity factor).

    Parameters
    ----------
    years : int
        Number of years [years].
    discount_rate : float
        Discount rate [fraction/yr].

    Returns
    -------
    float
        ``sum_{y=1..n} (1 + d)^-y`` [-].
    """
    return pwf_escalated(years, 0.0, discount_rate)


def reopt_levelization_factor(
    years: int, escalation_rate: float, discount_rate: float, degradation_rate: float
) -> float:
    """REopt's production levelization factor for a degrading generator.

    Ratio of the present worth of one kWh of year-1 output valued at an escalating price and
    degrading from year 2 on, to the same without degradation::

        sum_y ((1+e)/(1+d))^y (1-g)^(y-1)  /  sum_y ((1+e)/(1+d))^y ,  y = 1..n

    Multiplying year-1 production by this factor and by :func:`pwf_escalated` gives the
    lifetime present worth of the (degrading) production's value.

    Parameters
    ----------
    years : int
        Analysis period [years].
    escalation_rate : float
        Electricity price escalation [fraction/yr].
    discount_rate : float
        Discount rate [fraction/yr].
    degradation_rate : float
        Output degradation, positive [fraction/yr].

    Returns
    -------
    float
        Levelization factor [-], 1 when ``degradation_rate`` is 0.
    """
    n = _check_years(years)
    if n == 0:
        return 1.0
    e = _check_rate(escalation_rate, "escalation_rate")
    d = _check_rate(discount_rate, "discount_rate")
    g = float(degradation_rate)
    if not 0.0 <= g < 1.0:
        raise PlannerInputError(
            Message.of("errors.finance.degradation",
                       "degradation_rate must be in [0, 1) (fraction per year), got {rate}",
                       rate=repr(degradation_rate)),
            field="degradation_rate",
        )
    x = (1.0 + e) / (1.0 + d)
    num = sum(x**y * (1.0 - g) ** (y - 1) for y in range(1, n + 1))
    return num / pwf_escalated(n, e, d)


def reopt_effective_capex_per_kw(
    capex_per_kw: float,
    *,
    itc_fraction: float,
    macrs_schedule: Sequence[float],
    macrs_bonus_fraction: float,
    macrs_itc_reduction: float,
    tax_rate: float,
    discount_rate: float,
    replacement_cost_per_kw: float = 0.0,
    replacement_year: int = 0,
    rebate_per_kw: float = 0.0,
) -> float:
    """REopt's effective installed cost after tax credit and depreciation, in present worth.

    Following REopt's ``effective_cost`` convention:

    1. depreciable basis ``B = C (1 - r_itc * ITC)`` (the ITC basis reduction);
    2. bonus depreciation ``b * B`` is taken in year 1, the rest ``(1 - b) B`` follows the
       MACRS schedule (schedule entry ``k`` in year ``k``, k = 1..);
    3. each year's depreciation saves ``tax_rate`` times itself; the ITC ``C * ITC`` is received
       at the end of year 1;
    4. a replacement (if any) costs ``R (1 - tax) / (1 + d)^year`` in present worth;
    5. ``effective = C - PV(tax savings) + replacement - rebate``, floored at 0.

    Cash incentives must already be deducted from ``capex_per_kw`` (they reduce the ITC basis
    and are treated as untaxed), as in REopt.

    Parameters
    ----------
    capex_per_kw : float
        Installed cost (ITC basis) [currency/kW].
    itc_fraction : float
        Investment tax credit as a fraction of cost [-].
    macrs_schedule : sequence of float
        Depreciation fractions per year starting in year 1 (e.g. MACRS 5-yr
        ``[0.2, 0.32, 0.192, 0.1152, 0.1152, 0.0576]``); empty for none [-].
    macrs_bonus_fraction : float
        Share of the depreciable basis taken as bonus depreciation in year 1 [-].
    macrs_itc_reduction : float
        Share of the ITC that reduces the depreciable basis (0.5 in the US) [-].
    tax_rate : float
        Owner's income-tax rate [fraction].
    discount_rate : float
        Owner's discount rate [fraction/yr].
    replacement_cost_per_kw : float, optional
        One-off replacement cost [currency/kW].
    replacement_year : int, optional
        Year of that replacement [years].
    rebate_per_kw : float, optional
        Lump rebate subtracted after the tax effects [currency/kW].

    Returns
    -------
    float
        Effective capital cost [currency/kW], >= 0.
    """
    c = float(capex_per_kw)
    d = _check_rate(discount_rate, "discount_rate")
    for name, value in (
        ("itc_fraction", itc_fraction),
        ("macrs_bonus_fraction", macrs_bonus_fraction),
        ("macrs_itc_reduction", macrs_itc_reduction),
        ("tax_rate", tax_rate),
    ):
        if not 0.0 <= float(value) <= 1.0:
            raise PlannerInputError(Message.of("errors.finance.fraction",
                                               "{name} must be a fraction in [0, 1], got {value}",
                                               name=name, value=repr(value)), field=name)
    schedule = [float(s) for s in macrs_schedule]
    basis = c * (1.0 - macrs_itc_reduction * itc_fraction)
    bonus = basis * macrs_bonus_fraction
    basis -= bonus
    pv_tax_savings = 0.0
    for k, share in enumerate(schedule, start=1):
        deduction = share * basis + (bonus if k == 1 else 0.0)
        pv_tax_savings += deduction * tax_rate / (1.0 + d) ** k
    pv_tax_savings += c * itc_fraction / (1.0 + d)
    year = _check_years(replacement_year, "replacement_year")
    replacement = float(replacement_cost_per_kw) * (1.0 - tax_rate) / (1.0 + d) ** year
    return max(0.0, c - pv_tax_savings + replacement - float(rebate_per_kw))
