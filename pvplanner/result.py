"""The Result of :func:`pvplanner.pipeline.plan`: the one record of a plan.

A :class:`Result` holds the KPIs (scalars with their units in the field names), the tables
behind the charts and the proposal (pandas DataFrames, columns documented below) and
:attr:`Result.assumptions`, every input the plan resolved and used (a tariff version, the
export price actually applied, the emission factors, each default with its source). The app,
the proposal, the CLI, the store and the batch runner read this record and nothing else, so
what they state is what the plan used.

``Result.to_dict()`` is the JSON form the CLI prints (keys in DESIGN.md; more may be added,
none renamed) and :meth:`Result.from_dict` reads it back (the store keeps results this way).

Conventions: energy in kWh, power in kW, capacity in kWp, money in ``Result.currency``,
emissions in tCO2, ratios as *fractions* (0.42 = 42 %) unless a name ends in ``_percent``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.messages import Message, as_message
from pvplanner.result_records import FootprintSummary, MeasureResult, MeasuresCombined


def json_safe(value: Any) -> Any:
    """JSON-safe copy of a nested value: the project's one JSON cleaner.

    numpy and pandas scalars become Python ones, NaN/inf become None, arrays lists, dates
    and timestamps ISO strings, dict keys strings.

    Parameters
    ----------
    value : Any
        Dicts, lists, tuples, arrays and scalars, nested.

    Returns
    -------
    Any
        The same structure with plain JSON values.

    Examples
    --------
    >>> json_safe({"a": np.float64(1.5), "b": [float("nan"), np.int64(2)], 3: np.bool_(True)})
    {'a': 1.5, 'b': [None, 2], '3': True}
    """
    kind = type(value)
    if kind is str or kind is int or value is None:  # most values: nothing to do
        return value
    if kind is dict and all(type(key) is str for key in value):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    if isinstance(value, np.ndarray):
        return [json_safe(item) for item in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Assumption:
    """One resolved input of a plan: what value was used, and where it comes from.

    Attributes
    ----------
    category : str
        Group: ``site``, ``weather``, ``load``, ``tariff``, ``export``, ``emission``,
        ``assets``, ``finance``, ``pv`` or ``optimizer``.
    item : str
        Stable key of the input, e.g. ``"tariff.preset"``, ``"export.price_per_kwh"``,
        ``"finance.discount_rate"`` (the message catalogues name it for readers).
    value : float, int, str or bool
        The value the plan used (numbers unformatted, in ``unit``).
    unit : str
        Unit of ``value``: ``"CNY/kWh"``, ``"tCO2/MWh"``, ``"fraction"``, ``"%"``, ``"kWh"``,
        ``"years"``; ``""`` for text and counts.
    source : str
        Citation of the figure (notice, dataset, table) or ``"user input"``.
    date : str
        Date, year or validity of the figure (``"2026-08-01"``, ``"2023"``,
        ``"2026-08-01/2027-12-31"``); ``""`` when the source gives none.
    status : str
        ``official``, ``secondary``, ``unverified`` (with the reason in ``source``), ``user``
        (typed by the user), ``derived`` (computed from other inputs) or ``model`` (a
        modelling choice of pvplanner).
    value_zh : str or None
        The Chinese name of a text value (a tariff's or a dataset's name), when it has one.
    """

    category: str
    item: str
    value: Any
    unit: str = ""
    source: str = ""
    date: str = ""
    status: str = ""
    value_zh: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The DESIGN.md record ``{category, item, value, unit, source, date, status}``."""
        out = asdict(self)
        if out["value_zh"] is None:
            del out["value_zh"]
        return json_safe(out)


@dataclass(frozen=True)
class SiteSummary:
    """Where the plan is.

    Attributes
    ----------
    name, city, province, country : str
        As entered (``name`` is the customer's or site's name; empty when not given).
    latitude_deg, longitude_deg : float
        Degrees north / east.
    elevation_m : float
        Metres above sea level used by the PV model (entered, or the weather dataset's).
    utc_offset_hours : float
        The fixed standard-time offset of the time axis (no DST).
    """

    name: str
    city: str
    province: str
    country: str
    latitude_deg: float
    longitude_deg: float
    elevation_m: float
    utc_offset_hours: float


@dataclass(frozen=True)
class PlaneResult:
    """One roof plane of the design.

    Attributes
    ----------
    name : str
        The plane's name as entered.
    capacity_kwp : float
        PV chosen on it [kWp DC].
    max_kwp : float
        What fits on it [kWp DC] (area x usable fraction x module power density).
    tilt_deg, azimuth_deg : float
        Module tilt from horizontal and azimuth (0 = north, 90 = east, 180 = south) [deg];
        for ``east_west`` racks the azimuth is the ridge's normal and modules face
        azimuth - 90 and azimuth + 90.
    mounting : str
        ``flush``, ``tilted_rows`` or ``east_west``.
    area_m2 : float
        The plane's roof area [m2].
    annual_generation_kwh : float
        Year-1 AC energy of the chosen capacity before curtailment [kWh].
    specific_yield_kwh_per_kwp : float
        Year-1 AC energy per kWp of this plane [kWh/kWp].
    """

    name: str
    capacity_kwp: float
    max_kwp: float
    tilt_deg: float
    azimuth_deg: float
    mounting: str
    annual_generation_kwh: float
    specific_yield_kwh_per_kwp: float
    area_m2: float = float("nan")


@dataclass(frozen=True)
class PVSummary:
    """The PV system.

    Attributes
    ----------
    capacity_kwp : float
        Total DC capacity [kWp].
    annual_generation_kwh : float
        Year-1 AC energy used or exported (after curtailment) [kWh].
    specific_yield_kwh_per_kwp : float
        ``annual_generation_kwh / capacity_kwp`` [kWh/kWp] (0 without PV).
    max_capacity_kwp : float
        What all roof planes could hold [kWp].
    planes : list of PlaneResult
        Per roof plane, in the scenario's order.
    p50_annual_generation_kwh : float or None
        Annual generation exceeded in half of the years [kWh]: ``annual_generation_kwh``
        (a typical weather year). None in documents written before it.
    p90_annual_generation_kwh : float or None
        Annual generation exceeded in 90 % of the years [kWh]:
        ``P50 x (1 - 1.2816 x interannual_variability)`` (:mod:`pvplanner.pv.variability`).
    interannual_variability : float or None
        Year-to-year standard deviation of annual GHI over its mean [fraction]; its source
        is the assumption ``pv.interannual_variability``.
    variability_basis : str or None
        ``weather_years`` (measured from the weather source's years) or ``default`` (the
        stated default of ``data/pv_interannual_variability.toml``).
    """

    capacity_kwp: float
    annual_generation_kwh: float
    specific_yield_kwh_per_kwp: float
    max_capacity_kwp: float
    planes: list[PlaneResult]
    p50_annual_generation_kwh: float | None = None
    p90_annual_generation_kwh: float | None = None
    interannual_variability: float | None = None
    variability_basis: str | None = None


@dataclass(frozen=True)
class BatterySummary:
    """The battery (zeros without one).

    Attributes
    ----------
    energy_kwh : float
        Usable energy capacity [kWh].
    power_kw : float
        Charge/discharge power rating [kW].
    annual_discharge_kwh : float
        Year-1 energy discharged to the load [kWh].
    max_energy_kwh, max_power_kw : float or None
        The largest battery the scenario allowed the optimizer [kWh, kW]
        (``battery.max_energy_kwh`` / ``max_power_kw``); None when no battery was
        considered or in documents written before them.
    """

    energy_kwh: float
    power_kw: float
    annual_discharge_kwh: float = 0.0
    max_energy_kwh: float | None = None
    max_power_kw: float | None = None

    @property
    def energy_limit_binding(self) -> bool:
        """True when the chosen energy capacity is the scenario's maximum: a larger battery
        might have paid, and the limit, not the economics, set the size."""
        limit = self.max_energy_kwh
        return bool(limit and self.energy_kwh > 0 and self.energy_kwh >= limit * (1 - 1e-3))

    @property
    def power_limit_binding(self) -> bool:
        """True when the chosen power rating is the scenario's maximum."""
        limit = self.max_power_kw
        return bool(limit and self.power_kw > 0 and self.power_kw >= limit * (1 - 1e-3))


@dataclass(frozen=True)
class EnergySummary:
    """Year-1 energy flows of the chosen design [kWh] and two ratios [fraction].

    Attributes
    ----------
    load_kwh : float
        The site's consumption.
    self_consumed_kwh : float
        PV used on site, directly or through the battery.
    exported_kwh : float
        PV fed into the grid.
    imported_kwh : float
        Energy bought from the grid (to the load and to the battery).
    curtailed_kwh : float
        PV available but not used (export limits, zero export).
    self_consumption_ratio : float
        ``self_consumed_kwh`` / PV generation [fraction].
    self_sufficiency_ratio : float
        Load met by PV (directly or from the battery) / ``load_kwh`` [fraction].
    """

    load_kwh: float
    self_consumed_kwh: float
    exported_kwh: float
    imported_kwh: float
    curtailed_kwh: float
    self_consumption_ratio: float
    self_sufficiency_ratio: float

    @property
    def battery_losses_kwh(self) -> float:
        """What a battery's charging and discharging lose in year 1 [kWh]: PV used on site
        plus grid purchases less the use (0 without a battery, to rounding)."""
        return self.self_consumed_kwh + self.imported_kwh - self.load_kwh

    @property
    def battery_losses_shown(self) -> bool:
        """Whether a reader is told the battery's losses (at least the half kWh a figure is
        shown to; without a battery they are 0 to rounding), so the balance adds up."""
        return self.battery_losses_kwh >= 0.5


@dataclass(frozen=True)
class BillSummary:
    """Year-1 electricity bills [currency per year].

    Attributes
    ----------
    baseline_annual : float
        The bill without the system.
    with_system_annual : float
        The bill with it (export credits deducted).
    savings_annual : float
        ``baseline_annual - with_system_annual``.
    currency : str
        ISO code of every money figure.
    energy_savings_annual, demand_savings_annual, export_revenue_annual : float
        The parts of the savings: energy charges avoided, demand/capacity charges avoided,
        export income.
    """

    baseline_annual: float
    with_system_annual: float
    savings_annual: float
    currency: str
    energy_savings_annual: float
    demand_savings_annual: float
    export_revenue_annual: float

    @property
    def demand_charge_raised(self) -> bool:
        """Whether the demand/capacity charges went up (a battery charging from the grid can
        raise a month's maximum demand), by at least the half unit a sum is shown to."""
        return self.demand_savings_annual <= -0.5


@dataclass(frozen=True)
class FinanceSummary:
    """Investment metrics over the analysis period (money in the currency).

    The perspective is the owner's (``ownership`` = ``owner`` or ``lease``) or, under an
    energy-management contract (``emc``), the investor's; the host's view is
    ``host_savings_lifetime``. Metrics are after income tax unless the name says
    ``pre_tax``.

    Attributes
    ----------
    ownership : str
        ``owner``, ``emc`` or ``lease``.
    capex : float
        Up-front investment (PV and battery, before subsidies).
    npv : float
        Net present value of the project cash flows at the discount rate, after tax.
    irr : float or None
        Project internal rate of return, after tax [fraction]; None when undefined.
    equity_irr : float or None
        Equity IRR (with debt), after tax [fraction].
    payback_years : float or None
        Simple (static) payback of the project cash flows AFTER income tax [years]; None if
        never.
    discounted_payback_years : float or None
        Discounted (dynamic) payback, after income tax [years].
    payback_years_pre_tax : float or None
        Simple (static) payback of the project cash flows BEFORE income tax (the cash flow
        without its income-tax column) [years]: the 静态投资回收期（税前） Chinese proposals
        quote. None if never, or in documents written before it.
    discounted_payback_years_pre_tax : float or None
        Discounted (dynamic) payback before income tax [years].
    lcoe_per_kwh : float or None
        Levelised cost of the PV energy [currency/kWh].
    benefit_cost_ratio : float or None
        Present value of benefits / present value of costs.
    host_savings_lifetime : float or None
        EMC and lease: the host's savings over the analysis period (during the contract and
        after it), before the host's income tax, undiscounted [currency]; the sum of
        ``Result.perspectives["host_savings"]``.
    investor_irr : float or None
        EMC: the investor's project IRR after its income tax; lease: the lessor's IRR before
        its income tax (``investor_tax_basis``) [fraction].
    perspective : str or None
        Whose view ``npv``, ``irr``, ``equity_irr``, the paybacks and ``Result.cash_flow``
        are: ``owner`` (self-investment: host and investor are one), ``investor`` (EMC) or
        ``host`` (lease, the lessee). None in documents written before it.
    host_savings_year1 : float or None
        EMC and lease: the host's net saving in year 1 [currency], before its income tax:
        EMC, the discount on the PV energy it buys plus the demand charges avoided (the bill
        falls by ``bills.savings_annual`` but the host pays the investor for the PV
        energy); lease, every saving less the lease payment and O&M.
    host_savings_contract : float or None
        EMC and lease: the host's savings over the contract years [currency].
    host_npv : float or None
        EMC and lease: present worth of the host's savings at the discount rate, before its
        income tax [currency].
    investor_npv : float or None
        EMC and lease: the investor's NPV [currency] (EMC: ``npv``; lease: the lessor's).
    investor_payback_years, investor_payback_years_pre_tax : float or None
        EMC and lease: the investor's simple payback on ``investor_tax_basis`` and before its
        income tax [years].
    investor_tax_basis : str or None
        ``after_tax`` (EMC investor) or ``pre_tax`` (lessor: its tax is not modelled).
    """

    ownership: str
    capex: float
    npv: float
    irr: float | None
    equity_irr: float | None
    payback_years: float | None
    discounted_payback_years: float | None
    lcoe_per_kwh: float | None
    benefit_cost_ratio: float | None
    host_savings_lifetime: float | None = None
    investor_irr: float | None = None
    payback_years_pre_tax: float | None = None
    discounted_payback_years_pre_tax: float | None = None
    perspective: str | None = None
    host_savings_year1: float | None = None
    host_savings_contract: float | None = None
    host_npv: float | None = None
    investor_npv: float | None = None
    investor_payback_years: float | None = None
    investor_payback_years_pre_tax: float | None = None
    investor_tax_basis: str | None = None


@dataclass(frozen=True)
class CarbonSummary:
    """Avoided emissions, Scope 2 and carbon assets.

    Attributes
    ----------
    emission_factor_tco2_per_mwh : float
        Location-based grid factor used [tCO2/MWh].
    emission_factor_source : str
        Its source (the factor's name and citation; details in ``Result.assumptions``).
    emission_factor_basis : str
        Why this factor: ``named`` (by the scenario), ``province`` (the latest average of
        the site's province, the default), ``region`` (the province has no factor of its
        own: its grid region's) or ``national`` (no known province); None in documents
        written before it.
    avoided_tco2_year1, avoided_tco2_lifetime : float
        Grid emissions avoided by all PV energy (self-consumed and exported), year 1 and
        over the analysis period [tCO2]; the lifetime figure with the grid factor declining
        by ``carbon.grid_factor_decline_percent_per_year`` (in ``Result.assumptions``).
    certificates_year1 : int
        Green certificates (GEC, 1 per MWh) issued in year 1: tradable + non-tradable.
    certificate_revenue_year1 : float
        Income from certificates sold in year 1 [currency] (tradable ones only).
    credits_tco2_year1 : float
        Carbon credits issued in year 1 [tCO2].
    credit_revenue_year1 : float
        Income from those credits [currency].
    scope2 : dict
        ``location_before_tco2``, ``location_after_tco2``, ``market_before_tco2``,
        ``market_after_tco2``, their reductions [tCO2/yr], the certificate choice and a note.
    double_counting_note : str
        How the attribute of each MWh is used once.
    avoided_tco2_self_consumed_year1, avoided_tco2_exported_year1 : float
        The year-1 avoided emissions of self-consumed and of exported PV energy [tCO2];
        they add up to ``avoided_tco2_year1`` (None in documents written before them).
    location_scope2_lowered_by : str
        Which of the two lowers the company's own location-based Scope 2:
        ``self_consumed``. Self-consumed PV replaces grid purchases, so it lowers the
        company's purchased electricity; exported power displaces grid generation
        elsewhere and does not lower the company's location-based Scope 2 (GHG Protocol
        Scope 2 Guidance: exports are not netted against purchases).
    certificates_tradable_year1, certificates_non_tradable_year1 : int
        Year-1 certificates by kind [count]: tradable ones for exported MWh outside the
        136号 mechanism, non-tradable ones for self-consumed MWh (国能发新能规〔2024〕67号);
        mechanism volume earns none. They add up to ``certificates_year1`` (None in
        documents written before them).
    reference_plant : dict or None
        A reference plant's quoted figure and the factor it implies
        (:func:`pvplanner.carbon.reference_plant_comparison`): ``generation_mwh``,
        ``avoided_tco2``, ``implied_tco2_per_mwh``, the closest published factor, what it
        and this plan's factor give [tCO2], source, date and status; None when the data
        name no reference plant or the site is not in its province.
    """

    emission_factor_tco2_per_mwh: float
    emission_factor_source: str
    avoided_tco2_year1: float
    avoided_tco2_lifetime: float
    certificates_year1: int
    certificate_revenue_year1: float
    credits_tco2_year1: float
    credit_revenue_year1: float
    scope2: dict[str, Any]
    double_counting_note: str
    avoided_tco2_self_consumed_year1: float | None = None
    avoided_tco2_exported_year1: float | None = None
    location_scope2_lowered_by: str = "self_consumed"
    certificates_tradable_year1: int | None = None
    certificates_non_tradable_year1: int | None = None
    reference_plant: dict[str, Any] | None = None
    emission_factor_basis: str | None = None

    @property
    def location_scope2_cut_tco2(self) -> float | None:
        """How much the company's location-based Scope 2 falls in year 1 [tCO2]: its grid
        purchases before less after, at the location factor (the Scope 2 table's figures);
        None where the document has no Scope 2 view."""
        before = self.scope2.get("location_before_tco2")
        after = self.scope2.get("location_after_tco2")
        if before is None or after is None:
            return None
        return float(before) - float(after)

    @property
    def battery_losses_tco2_year1(self) -> float:
        """Emissions of the grid purchases a battery's charging and discharging losses add in
        year 1 [tCO2] (including the losses on power it charges from the grid): the avoided
        CO2 of PV used on site less the fall of location-based Scope 2; 0 without a battery
        or where the document lacks either figure."""
        cut = self.location_scope2_cut_tco2
        own = self.avoided_tco2_self_consumed_year1
        if cut is None or own is None:
            return 0.0
        return max(own - cut, 0.0)

    @property
    def scope2_cut_short_by_battery(self) -> bool:
        """Whether location-based Scope 2 falls by visibly less than the CO2 of the PV used
        on site (a battery's losses of at least the half tonne a figure is shown to), so a
        reader is told both figures and the losses between them."""
        return self.location_scope2_cut_tco2 is not None and self.battery_losses_tco2_year1 >= 0.5


@dataclass(frozen=True)
class SolverSummary:
    """How the sizing was solved.

    Attributes
    ----------
    status : str
        ``optimal`` (proven within the solver's tolerance) or ``feasible`` (the time limit
        stopped the proof).
    seconds : float
        Wall time of the sizing [s].
    backend : str
        The solver used (``highs``, ``pv_only``, ``cbc``).
    objective : str
        ``max_npv`` or another objective of the scenario.
    objective_parts : dict
        The optimizer's NPV and its present-worth parts [currency].
    optimality_gap : float
        The most a better design could add to the NPV [currency] (0 when proven).
    year1_dispatch_gap : float
        The same bound for the year-1 dispatch of the chosen design [currency].
    binding_limits : tuple of str
        The limits the design reached, so that the limit and not the economics set that
        part of the size (empty when none did). Each names what sets it:
        ``roof:<plane name>`` (the plane's roof is full: ``roof_planes[].area_m2``),
        ``constraints.max_total_kwp``, ``project.capacity_limit`` (the project category's
        capacity limit, set by ``project.grid_voltage_kv``),
        ``constraints.interconnection_limit_kw``, ``constraints.capital_budget``,
        ``battery.max_energy_kwh`` (given, or one day of the load by default),
        ``battery.max_power_kw``, ``battery.max_c_rate``, ``constraints.export_limit_kw``
        or ``tariff.export`` (the export limit the user set, or the tariff's or project's
        rule of no export, where it stops the PV below every size limit), and
        ``curtailing.<one of those two>`` where the export limit curtails PV that its
        size limits hold anyway: it costs energy but sets no size.
    """

    status: str
    seconds: float
    backend: str
    objective: str
    objective_parts: dict[str, float]
    optimality_gap: float = 0.0
    year1_dispatch_gap: float = 0.0
    binding_limits: tuple[str, ...] = ()


#: Tables of a Result: attribute -> (index name, what a row is).
TABLES: dict[str, tuple[str | None, str]] = {
    "hourly": ("time", "one time step of year 1 (interval start, the site's standard time)"),
    "monthly": ("month", "one calendar month (1-12) of year 1"),
    "cash_flow": ("year", "one year of the analysis period (0 = investment)"),
    "carbon_ledger": ("year", "one year of the analysis period (1..N)"),
    "npv_curve": (None, "one total PV capacity of the NPV-versus-capacity curve"),
    "bill_baseline_monthly": ("month", "one month's bill without the system"),
    "bill_with_system_monthly": ("month", "one month's bill with the system"),
    "perspectives": ("year", "one year of the analysis period: the host's and the investor's "
                             "money (EMC and lease)"),
    "sensitivity": (None, "one input of the finance moved down and up (tornado)"),
}


@dataclass
class Result:
    """Everything :func:`pvplanner.plan` found; the CLI, app, reports and batch read this.

    Attributes
    ----------
    scenario_name : str
        The scenario's name.
    currency : str
        ISO code of every money figure.
    site : SiteSummary
        Where the plan is.
    pv, battery, energy, bills, finance, carbon, solver
        KPI groups (see their classes for units).
    weather : dict
        The weather dataset used: ``source``, ``dataset``, ``years``, ``station``,
        ``distance_km``, ``latitude``, ``longitude``, ``elevation_m``, ``utc_offset_hours``,
        ``attribution``, ``notes``.
    assumptions : list of Assumption
        Every resolved input the plan used, with unit, source, date and status.
    hourly : DataFrame
        Index ``time``, one row per step of the plan: 8,760 hours, or 35,040 quarter hours
        when the load is a meter file of 15-minute readings (the name stays ``hourly``; the
        step is ``index[1] - index[0]``). Columns [kW, mean power over the step]: ``load_kw``,
        ``pv_available_kw``, ``pv_to_load_kw``, ``pv_to_battery_kw``, ``pv_to_grid_kw``,
        ``curtailed_kw``, ``grid_to_load_kw``, ``grid_to_battery_kw``,
        ``battery_to_load_kw``, ``grid_import_kw``; ``soc_kwh`` [kWh at the step's end];
        ``period`` (time-of-use period name); ``import_price_per_kwh``,
        ``export_price_per_kwh`` [currency/kWh, as applied].
    monthly : DataFrame
        Index ``month`` (1-12). The hourly power columns summed to energy, named
        ``<flow>_kwh`` [kWh] (``load_kwh``, ``pv_available_kwh``, ``pv_to_load_kwh``, ...).
    cash_flow : DataFrame
        Index ``year`` (0..N). Money columns [currency, signed: income > 0, cost < 0]:
        ``capex``, ``capex_subsidy``, ``energy_savings``, ``export_revenue``,
        ``demand_savings``, ``generation_subsidy``, ``certificate_revenue``,
        ``credit_revenue``, ``om_cost``, ``replacement_cost``, ``lease_payment``,
        ``salvage``, ``tax_project``, ``tax``, ``debt_draw``, ``interest``, ``principal``,
        ``depreciation``, ``taxable_income_project``, ``taxable_income``,
        ``tax_loss_balance``, ``debt_balance``, ``battery_capex``, ``battery_om``,
        ``battery_replacement``, ``net_cash_flow_project``, ``net_cash_flow_equity``,
        ``cumulative_project``, ``cumulative_equity``; energy [kWh]: ``generation_kwh``,
        ``self_consumed_kwh``, ``exported_kwh``, ``battery_discharged_kwh``;
        ``degradation_factor`` [fraction of year-1 output].
    carbon_ledger : DataFrame
        Index ``year`` (1..N). ``generation_mwh``, ``self_consumed_mwh``, ``exported_mwh``,
        ``mechanism_mwh``, ``scope2_claimed_mwh``, ``credited_mwh`` [MWh];
        ``certificates_tradable``, ``certificates_non_tradable``, ``certificates_issued``
        (their sum), ``certificates_sold``, ``certificates_retained`` [count]; ``certificate_price``
        [currency/certificate]; ``certificate_revenue``, ``credit_revenue`` [currency];
        ``credits_tco2``, ``avoided_tco2`` [tCO2]; ``credit_price`` [currency/tCO2];
        ``credit_scheme``, ``credit_status`` (text).
    npv_curve : DataFrame
        One row per total PV size: ``total_kwp`` [kWp], ``npv``, ``capex`` [currency],
        ``battery_kwh`` [kWh], ``battery_kw`` [kW], ``self_sufficiency_ratio``,
        ``self_consumption_ratio`` [fraction], ``co2_avoided_tco2`` [tCO2/yr],
        ``feasible`` (bool), ``regime``, ``optimality_gap`` [currency], and
        ``kwp_<plane name>`` [kWp] per roof plane. Empty when not computed.
    bill_baseline_monthly, bill_with_system_monthly : DataFrame
        Index ``month``. ``import_kwh``, ``export_kwh``, ``kwh_<period>`` [kWh];
        ``max_demand_kw`` [kW]; ``cost_<period>``, ``energy_tier_adjustment``, ``energy``,
        ``demand``, ``capacity``, ``coincident_peak``, ``fixed``, ``export_credit``,
        ``net_metering``, ``total`` [currency].
    measures : list of MeasureResult
        The saving measures the scenario chose, applied to the load before the PV was
        sized, each with its energy, bill savings, cost, payback and CO2 (JSON
        ``measures[]``); empty without measures.
    measures_combined : MeasuresCombined or None
        Measures, PV and battery together against the load as it was (JSON
        ``measures_combined``); None without measures.
    footprint : FootprintSummary or None
        Electricity part of the product carbon footprint per unit, before and after the
        measures and the system; None when the scenario gives no production.
    warnings : list of str
        Notes the reader should see (load quality, weather fallbacks, solver limits), in
        English; each is a :class:`~pvplanner.messages.Message` when the plan made it (its
        catalogue key and values in :attr:`notes`).
    timings_s : dict
        Seconds spent per step.
    inputs : dict
        The validated scenario document the plan ran on (JSON form).
    perspectives : DataFrame
        EMC and lease (empty for self-investment): index ``year`` 0..N;
        ``host_savings`` [currency/yr, before the host's income tax], ``host_cumulative``
        and their parts (EMC: ``host_discount_savings``, ``host_demand_savings``,
        ``host_post_contract_savings``; lease: ``host_bill_savings``,
        ``host_lease_payment``, ``host_costs``, signed); ``investor_net`` (EMC: the
        investor's after-tax project flow, equal to ``cash_flow["net_cash_flow_project"]``;
        lease: the lessor's flow before tax) and ``investor_cumulative`` [currency/yr].
        See :mod:`pvplanner.finance.perspectives`.
    sensitivity : DataFrame
        The chosen design's NPV (``finance.npv``) with one input moved at a time, without
        re-sizing or re-dispatching (:func:`pvplanner.finance.sensitivity.design_tornado`):
        one row per factor (``capex``, ``tariff``, ``export_price``, ``yield``,
        ``discount_rate``), largest swing first; ``kind``, ``low_change``, ``high_change``
        (the moves: fractions of the planned value, or fractions/yr added to the discount
        rate), ``base_value``, ``low_value``, ``high_value``, ``base_result`` (= ``finance.npv``),
        ``result_low``, ``result_high``, ``swing`` [currency]. Empty when not computed.
    not_computed : tuple of str
        The tables the plan was asked not to compute (``npv_curve``, ``sensitivity``:
        batch runs skip what their table does not show); each such table is empty, not
        zero. JSON ``not_computed`` (a list, empty when everything was computed).
    """

    scenario_name: str
    currency: str
    pv: PVSummary
    battery: BatterySummary
    energy: EnergySummary
    bills: BillSummary
    finance: FinanceSummary
    carbon: CarbonSummary
    solver: SolverSummary
    weather: dict[str, Any]
    hourly: pd.DataFrame = field(repr=False)
    monthly: pd.DataFrame = field(repr=False)
    cash_flow: pd.DataFrame = field(repr=False)
    carbon_ledger: pd.DataFrame = field(repr=False)
    npv_curve: pd.DataFrame = field(repr=False)
    bill_baseline_monthly: pd.DataFrame = field(repr=False)
    bill_with_system_monthly: pd.DataFrame = field(repr=False)
    warnings: list[str] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)
    site: SiteSummary | None = None
    assumptions: list[Assumption] = field(default_factory=list)
    measures: list[MeasureResult] = field(default_factory=list)
    measures_combined: MeasuresCombined | None = None
    footprint: FootprintSummary | None = None
    inputs: dict[str, Any] = field(default_factory=dict, repr=False)
    perspectives: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    not_computed: tuple[str, ...] = ()


    @property
    def notes(self) -> list[Message]:
        """:attr:`warnings` with their catalogue keys and values, for readers in any language
        (:func:`pvplanner.display.messages.render`); a note without a key shows its English
        text. JSON: ``notes`` = ``[{key, params, text}]`` beside ``warnings``."""
        return [as_message(note) for note in self.warnings]

    def assumption(self, item: str) -> Assumption | None:
        """The assumption row with this ``item`` key, or None."""
        for row in self.assumptions:
            if row.item == item:
                return row
        return None

    def to_dict(self, *, tables: bool = False) -> dict[str, Any]:
        """JSON-ready dictionary with the DESIGN.md keys.

        Parameters
        ----------
        tables : bool, default False
            Add the tables (all but ``hourly``) as lists of records and the scenario
            document under ``inputs``, so :meth:`from_dict` can rebuild the Result.
        """
        out: dict[str, Any] = {
            "scenario": self.scenario_name,
            "currency": self.currency,
            "site": None if self.site is None else asdict(self.site),
            "pv": asdict(self.pv),
            "battery": asdict(self.battery),
            "energy": asdict(self.energy),
            "bills": asdict(self.bills),
            "finance": asdict(self.finance),
            "carbon": asdict(self.carbon),
            "solver": asdict(self.solver),
            "weather": self.weather,
            "assumptions": [row.to_dict() for row in self.assumptions],
            "warnings": [str(note) for note in self.warnings],
            "notes": [note.to_dict() for note in self.notes],
            "timings_s": self.timings_s,
            "measures": [asdict(row) for row in self.measures],
            "measures_combined": (None if self.measures_combined is None
                                  else asdict(self.measures_combined)),
            "footprint": None if self.footprint is None else asdict(self.footprint),
            "not_computed": list(self.not_computed),
        }
        if tables:
            for name in TABLES:
                if name != "hourly":
                    out[name] = _records(getattr(self, name))
            out["inputs"] = self.inputs
        return json_safe(out)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        """Rebuild a Result from :meth:`to_dict` output (``tables=True`` for the tables).

        The hourly table is not kept in the dictionary and comes back empty; other missing
        tables come back empty too, missing optional fields take their defaults.

        Examples
        --------
        >>> import pvplanner
        >>> result = pvplanner.plan(pvplanner.demo_scenario(), with_npv_curve=False)
        >>> again = Result.from_dict(result.to_dict(tables=True))
        >>> again.finance.npv == result.finance.npv
        True
        """
        pv = dict(data["pv"])
        pv["planes"] = [_build(PlaneResult, plane) for plane in pv.get("planes", [])]
        site = data.get("site")
        frames = {name: _frame(data.get(name), index) for name, (index, _) in TABLES.items()}
        return cls(
            scenario_name=data.get("scenario", ""),
            currency=data.get("currency", ""),
            site=None if site is None else _build(SiteSummary, site),
            pv=_build(PVSummary, pv),
            battery=_build(BatterySummary, data["battery"]),
            energy=_build(EnergySummary, data["energy"]),
            bills=_build(BillSummary, data["bills"]),
            finance=_build(FinanceSummary, data["finance"]),
            carbon=_build(CarbonSummary, data["carbon"]),
            solver=_build(SolverSummary, data["solver"]),
            weather=dict(data.get("weather") or {}),
            assumptions=[_build(Assumption, row) for row in data.get("assumptions", [])],
            warnings=_notes(data),
            timings_s=dict(data.get("timings_s") or {}),
            inputs=dict(data.get("inputs") or {}),
            measures=[_build(MeasureResult, row) for row in data.get("measures") or []],
            measures_combined=_optional(MeasuresCombined, data.get("measures_combined")),
            footprint=_optional(FootprintSummary, data.get("footprint")),
            not_computed=tuple(data.get("not_computed") or ()),
            **frames,
        )


def _notes(data: dict[str, Any]) -> list[str]:
    """The warnings of a :meth:`Result.to_dict` document, with their keys when it has
    ``notes`` (older documents: the English texts)."""
    notes = data.get("notes")
    if isinstance(notes, list) and len(notes) == len(data.get("warnings", notes)):
        return [Message.from_dict(note) for note in notes]
    return list(data.get("warnings", []))


def _optional(kind: type, data: dict[str, Any] | None) -> Any:
    """A dataclass from a dict, or None when the document has none."""
    return None if not data else _build(kind, data)


def _build(kind: type, data: dict[str, Any]) -> Any:
    """A dataclass from a dict, ignoring unknown keys (older or newer documents)."""
    names = {f.name for f in fields(kind)}
    values = {key: value for key, value in data.items() if key in names}
    for f in fields(kind):  # JSON turned NaN into None; float fields get NaN back
        if f.name in values and values[f.name] is None and f.type == "float":
            values[f.name] = float("nan")
    return kind(**values)


def _frame(records: list[dict[str, Any]] | None, index: str | None) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records or [])
    if index is not None and index in frame.columns:
        frame = frame.set_index(index)
    return frame


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    if frame is None or frame.empty:
        return []
    flat = frame.reset_index() if frame.index.name is not None else frame.reset_index(drop=True)
    for column in flat.columns:
        if pd.api.types.is_datetime64_any_dtype(flat[column]):
            flat[column] = flat[column].astype(str)
    return flat.to_dict(orient="records")
