"""Input of the sizing optimisation: arrays, costs and constraints, validated.

The solver sees one *representative year* of ``T`` equal time steps of ``step_hours`` each
(8760 hourly or 35040 quarter-hourly for a full year; any ``T`` works, tests use a few days).
Everything is in kW (power, mean over the step), kWh, kWp and the caller's currency. Nothing
here knows about pvlib, tariffs or the planner: the caller turns weather into
``production_kw_per_kwp`` and a tariff into price arrays and :class:`DemandCharge` windows.

The optimisation problem
------------------------
Decision variables: PV capacity ``x_p`` [kWp] on each roof plane ``p``; battery energy ``E``
[kWh] and power ``B`` [kW]; and, for every step ``t``, the flows pv_to_load ``l``, pv_to_grid
``e``, pv_to_battery ``c_pv``, grid_to_battery ``c_g``, battery_to_load ``d`` [kW], the
state of charge and the peak grid import ``D_k`` [kW] of every demand-charge window ``k``.

Physics, each step (``g_t = lambda * sum_p f_tp x_p`` is the available PV power, ``lambda``
= ``Costs.production_levelization``)::

    l + e + c_pv <= g_t                        (the rest is curtailed)
    l + d + grid_to_load = load_t              (grid import = load - l - d + c_g >= 0)
    soc_t = soc_{t-1} + eta_c (c_pv + c_g) dt - d dt / eta_d,   soc_0 = soc_T (cyclic)
    min_soc_fraction * E <= soc_t <= E         (cyclic over the year, or over each block
                                                of ``soc_cycle_steps`` steps, blocks of
                                                one length or of several)
    c_pv + c_g + d <= B                        (charge plus discharge within the power
                                                rating; with prices >= 0 charging and
                                                discharging at once never pays, so this
                                                loses nothing and rules it out, except
                                                under a binding self-consumption floor,
                                                see below)
    B <= max_c_rate * E,   0 <= e <= export_limit_kw,   c_g = 0 without grid charging
    D_k >= load_t - l - d + c_g   for every t in window k

The battery neither exports nor serves anything but the load.

Behind-the-meter rule (default): the meter sees the *net* flow, so in no step may the site
both import and export (``grid import x export = 0``): PV serves the load first and only the
surplus is exported; while anything is exported, PV and battery cover the whole load and the
battery does not charge from the grid. The LP above breaks this only in steps whose export
price exceeds the import price (elsewhere moving an exported kWh to the load, or to the
battery in place of a grid-charged kWh, never lowers the objective; proof in
:mod:`solver.physical`). In those *conflict steps* a binary ``z_t`` chooses between "export
allowed, no import" and "no export"; :mod:`solver.physical` solves the resulting MILP
exactly, mostly without branching. ``allow_simultaneous_import_export=True`` drops the rule
and solves the plain LP (a meter that nets nothing, or tests of the old model).

Global constraints (each
optional): total kWp bounds, capital budget, self-consumption, renewable share, CO2, simple
payback and net metering, as documented on :class:`SizingProblem` and in
:mod:`solver.api`.

The self-consumption floor ``r`` (``min_self_consumption``) bounds the share of the PV
*generated* that is used on site, curtailed PV not being generated::

    onsite >= r (onsite + exported),   i.e.   (1 - r) onsite - r exported >= 0
    onsite = sum_t (l + c_pv) dt,   exported = sum_t e dt

It is the share China's rule for 自发自用余电上网 bounds: under 国能发新能规〔2025〕7号 the
province sets the minimum 年自发自用电量占发电量比例, the year's self-used energy over the
year's *generated* energy (the project's policy reference china-pv-policy-2026.md,
sections 1.2-1.3: secondary sources, four agreeing).
PV charged into the battery counts as self-used when it is charged (its round-trip losses
are consumed on site, as the meter at the grid connection sees them): the definition of
the reports (``pvplanner.flows``: self-consumed = PV to load + PV to battery, generation =
available - curtailed) and of ``SizingResult.totals["self_consumption_ratio"]``. So
``r = 1`` is zero export (the optimum of ``export_limit_kw = 0``), and the floor alone can
always be met by curtailing: it conflicts only with constraints that need exports (a CO2
target counting exports, a payback bound, ...). The physical dispatches of
:mod:`solver.physical` export no more than the floor allows (best-paid steps first).

Curtailing to meet the floor opens no degenerate optimum: every kWp costs capex and O&M
in the objective (the ``max_self_sufficiency`` objective ranks its ties by NPV), so the
optimum builds PV that ends up curtailed only where those kWp pay for themselves, by their
self-use in weaker hours and the exports it then allows - the trade-off an export limit
poses (only free PV, zero capex and O&M, leaves the size open, floor or not). One effect is the definition's own: battery losses count as self-used, so where
the floor binds the optimum may pass PV that would be curtailed through the battery (also
charging and discharging in one step, within the power rating) to gain ``(1 - r) / r`` kWh
of exports per kWh lost; a real battery can do the same, and the reports count it alike.

Objective ``max_npv`` (the default) maximises the lifecycle net present value::

    NPV = pwf_energy * (energy_savings + export_revenue + demand_savings)
          - capex - pwf_om * om_per_year

    energy_savings  = sum_t import_price_t (l + d - c_g) dt    (year-1 bill value)
    export_revenue  = sum_t export_price_t e dt
    demand_savings  = sum_k rate_k (max_{t in k} load_t - D_k)
    capex           = pv_capex x + battery_capex_kwh E + battery_capex_kw B (+ fixed if x>0)
    om_per_year     = pv_om x + battery_om_kwh E + battery_om_kw B

i.e. it minimises the lifecycle cost of electricity plus the system. Present-worth factors
are the caller's: pass *after-tax* factors (e.g. REopt's ``pwf_e * (1 - tax)``) and an
effective capex net of incentives and depreciation tax shields; the solver applies no tax.
``production_levelization`` scales PV output in the representative year so that its value
times ``pwf_energy`` is the lifetime value of a degrading array (REopt's convention), so the
returned dispatch is that of the levelised year (year 1 when the factor is 1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from solver.errors import SolverInputError

__all__ = ["BatteryOptions", "Costs", "DemandCharge", "SizingProblem"]

_INF = math.inf


def _float(value: object, name: str, *, lo: float = -_INF, hi: float = _INF,
           lo_open: bool = False, allow_inf: bool = False) -> float:
    """Return ``value`` as float or raise SolverInputError naming ``name``."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SolverInputError(f"{name} must be a number, got {value!r}") from None
    if math.isnan(v) or (math.isinf(v) and not allow_inf):
        raise SolverInputError(f"{name} must be a finite number, got {value!r}")
    if v < lo or (lo_open and v == lo) or v > hi:
        lo_txt = f"> {lo:g}" if lo_open else f">= {lo:g}"
        raise SolverInputError(f"{name} must be {lo_txt} and <= {hi:g}, got {v:g}")
    return v


def _array(value: object, name: str, length: int | None, *, lo: float = -_INF) -> np.ndarray:
    """Return a read-only 1-D float array, checked for length, NaN/inf and lower bound."""
    try:
        a = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise SolverInputError(f"{name} must be an array of numbers") from None
    if a.ndim == 0 and length is not None:
        a = np.full(length, float(a))
    if a.ndim != 1:
        raise SolverInputError(f"{name} must be one-dimensional, got shape {a.shape}")
    if length is not None and a.shape[0] != length:
        raise SolverInputError(
            f"{name} has {a.shape[0]} values but the problem has {length} time steps"
        )
    bad = ~np.isfinite(a)
    if bad.any():
        i = int(np.argmax(bad))
        raise SolverInputError(f"{name}[{i}] is {a[i]!r}; every value must be finite")
    if (a < lo).any():
        i = int(np.argmax(a < lo))
        raise SolverInputError(f"{name}[{i}] = {a[i]:g} is below the minimum {lo:g}")
    a.setflags(write=False)
    return a


def _cycle_steps(value: object, n_t: int) -> int | tuple[int, ...]:
    """``SizingProblem.soc_cycle_steps`` checked against ``n_t`` steps: an int dividing
    ``n_t``, or lengths >= 1 summing to ``n_t`` (an int when they are all equal)."""
    def whole(k: object) -> bool:
        return not isinstance(k, bool) and isinstance(k, int | np.integer) and int(k) >= 1

    if whole(value):
        k = int(value)  # type: ignore[call-overload]
        if n_t % k:
            raise SolverInputError(
                f"soc_cycle_steps must be a whole number of steps dividing the {n_t} "
                f"steps, or the lengths of the cycles, got {value!r}")
        return k
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
        raise SolverInputError(
            f"soc_cycle_steps must be a whole number of steps dividing the {n_t} steps, "
            f"or the lengths of the cycles, got {value!r}")
    lengths = list(value)
    if not lengths or not all(whole(k) for k in lengths) or sum(int(k) for k in lengths) != n_t:
        raise SolverInputError(
            f"soc_cycle_steps: the lengths of the cycles must be whole numbers of steps >= 1 "
            f"summing to the {n_t} steps, got {len(lengths)} lengths summing to "
            f"{sum(k for k in lengths if whole(k))}")
    if len(set(lengths)) == 1:
        return int(lengths[0])
    return tuple(int(k) for k in lengths)


@dataclass(frozen=True)
class DemandCharge:
    """A charge on the maximum grid import within a window of time steps.

    One window per month gives the usual monthly maximum-demand charge (China's
    需量电费 on the monthly 15-min maximum); coincident-peak or TOU-demand charges are more
    windows. The charge is ``rate_per_kw * max_{t in window} grid_import_t`` (year-1 value).

    Parameters
    ----------
    window : array of bool, shape (T,)
        True for the time steps the charge looks at.
    rate_per_kw : float
        Charge per kW of the window's maximum import [currency/kW], >= 0.
    name : str, optional
        Label used in results and messages.
    """

    window: np.ndarray
    rate_per_kw: float
    name: str = ""

    def __post_init__(self) -> None:
        w = np.asarray(self.window)
        if w.ndim != 1 or w.dtype.kind not in "bui":
            raise SolverInputError(
                f"demand charge {self.name!r}: window must be a 1-D boolean array"
            )
        w = w.astype(bool)
        w.setflags(write=False)
        object.__setattr__(self, "window", w)
        object.__setattr__(
            self, "rate_per_kw", _float(self.rate_per_kw, f"demand charge {self.name!r} rate_per_kw", lo=0.0)
        )


@dataclass(frozen=True)
class Costs:
    """Costs and present-worth factors (all supplied by the caller).

    Parameters
    ----------
    pv_capex_per_kwp : float
        Effective PV capital cost after incentives/tax shields [currency/kWp].
    pwf_energy : float
        Present-worth factor turning year-1 energy, export and demand values into lifecycle
        values, after tax [-] (REopt: ``pwf_e * (1 - offtaker_tax)``).
    pwf_om : float, optional
        Present-worth factor of year-1 O&M, after tax [-]. Default 0.
    pv_om_per_kwp_year : float, optional
        PV O&M [currency/kWp/yr].
    battery_capex_per_kwh, battery_capex_per_kw : float, optional
        Effective battery capital cost per kWh and per kW [currency/kWh], [currency/kW];
        fold replacements into them.
    battery_om_per_kwh_year, battery_om_per_kw_year : float, optional
        Battery O&M [currency/kWh/yr], [currency/kW/yr].
    fixed_capex : float, optional
        One-off cost incurred if any PV is built [currency]. It is not in the LP: the solver
        compares the best system with PV (LP optimum minus this cost, budget reduced by it)
        with the best system without PV, which is exact.
    production_levelization : float, optional
        Factor on PV output in the representative year (degradation levelised over the
        life, REopt's ``levelization_factor``) [-]. Default 1.
    """

    pv_capex_per_kwp: float
    pwf_energy: float
    pwf_om: float = 0.0
    pv_om_per_kwp_year: float = 0.0
    battery_capex_per_kwh: float = 0.0
    battery_capex_per_kw: float = 0.0
    battery_om_per_kwh_year: float = 0.0
    battery_om_per_kw_year: float = 0.0
    fixed_capex: float = 0.0
    production_levelization: float = 1.0

    def __post_init__(self) -> None:
        for name in (
            "pv_capex_per_kwp", "pv_om_per_kwp_year", "battery_capex_per_kwh",
            "battery_capex_per_kw", "battery_om_per_kwh_year", "battery_om_per_kw_year",
            "fixed_capex", "pwf_om",
        ):
            object.__setattr__(self, name, _float(getattr(self, name), f"costs.{name}", lo=0.0))
        object.__setattr__(
            self, "pwf_energy", _float(self.pwf_energy, "costs.pwf_energy", lo=0.0, lo_open=True)
        )
        object.__setattr__(
            self,
            "production_levelization",
            _float(self.production_levelization, "costs.production_levelization",
                   lo=0.0, hi=2.0, lo_open=True),
        )


@dataclass(frozen=True)
class BatteryOptions:
    """Whether a battery may be built and how it behaves.

    Parameters
    ----------
    allowed : bool
        False (default) solves PV only.
    min_kwh, max_kwh, min_kw, max_kw : float
        Bounds on the energy [kWh] and power [kW] ratings.
    charge_efficiency, discharge_efficiency : float
        One-way efficiencies in (0, 1] [-].
    min_soc_fraction : float
        Lowest state of charge as a fraction of the energy rating [-].
    max_c_rate : float
        Upper bound on power / energy [1/h]; ``inf`` for none.
    grid_charging : bool
        Whether the battery may charge from the grid.
    """

    allowed: bool = False
    min_kwh: float = 0.0
    max_kwh: float = _INF
    min_kw: float = 0.0
    max_kw: float = _INF
    charge_efficiency: float = 0.95
    discharge_efficiency: float = 0.95
    min_soc_fraction: float = 0.1
    max_c_rate: float = _INF
    grid_charging: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed", bool(self.allowed))
        object.__setattr__(self, "grid_charging", bool(self.grid_charging))
        for name in ("min_kwh", "max_kwh", "min_kw", "max_kw"):
            object.__setattr__(
                self, name, _float(getattr(self, name), f"battery.{name}", lo=0.0, allow_inf=True)
            )
        for lo_name, hi_name in (("min_kwh", "max_kwh"), ("min_kw", "max_kw")):
            if getattr(self, lo_name) > getattr(self, hi_name):
                raise SolverInputError(
                    f"battery.{lo_name} ({getattr(self, lo_name):g}) exceeds "
                    f"battery.{hi_name} ({getattr(self, hi_name):g})"
                )
        if math.isinf(self.min_kwh) or math.isinf(self.min_kw):
            raise SolverInputError("battery minimum sizes must be finite")
        for name in ("charge_efficiency", "discharge_efficiency"):
            object.__setattr__(
                self, name, _float(getattr(self, name), f"battery.{name}", lo=0.0, hi=1.0, lo_open=True)
            )
        object.__setattr__(
            self, "min_soc_fraction",
            _float(self.min_soc_fraction, "battery.min_soc_fraction", lo=0.0, hi=0.99),
        )
        object.__setattr__(
            self, "max_c_rate",
            _float(self.max_c_rate, "battery.max_c_rate", lo=0.0, lo_open=True, allow_inf=True),
        )

    @property
    def active(self) -> bool:
        """True when a battery of non-zero size can be built."""
        return self.allowed and self.max_kwh > 0.0 and self.max_kw > 0.0


@dataclass(frozen=True)
class SizingProblem:
    """Everything the optimiser needs; validated on construction.

    Parameters
    ----------
    production_kw_per_kwp : array, shape (T, P) or (T,)
        AC output per kWp of each roof plane, mean over each step [kW/kWp], >= 0.
    load_kw : array, shape (T,)
        Site load [kW], >= 0.
    import_price_per_kwh : array, shape (T,)
        Energy price of grid imports [currency/kWh], >= 0.
    export_price_per_kwh : array, shape (T,) or float
        Value of exported energy [currency/kWh], >= 0 (0 for no compensation).
    step_hours : float
        Step length [h] (1 hourly, 0.25 for 15 min).
    costs : Costs
        Cost inputs and present-worth factors.
    demand_charges : sequence of DemandCharge, optional
        Charges on the window maximum of grid import.
    plane_names : sequence of str, optional
        Labels of the P planes.
    plane_min_kwp, plane_max_kwp : array, shape (P,), optional
        Bounds per plane [kWp] (roof area limits go in ``plane_max_kwp``).
    min_total_kwp, max_total_kwp : float, optional
        Bounds on the total PV capacity [kWp].
    capital_budget : float, optional
        Upper bound on the money spent up front, in the budget's own terms [currency]: the
        constraint is ``capex (fixed capex included) <= capital_budget_scale x
        capital_budget``. Messages quote this figure.
    export_limit_kw : float, optional
        Upper bound on PV export power [kW]; 0 means zero export (防逆流), common in China.
    interconnection_limit_kw : float, optional
        Upper bound on the total PV capacity [kWp] imposed by the grid connection (as REopt's
        ``interconnection_limit_kw`` bounds the system size).
    battery : BatteryOptions, optional
        Battery options; PV only by default.
    min_self_consumption : float, optional
        Lower bound on the self-consumption ratio, (PV to load + PV to battery) / (PV
        generated = PV to load + PV to battery + PV exported; curtailed PV is not
        generated) [-], the share China's 7号 rule bounds (module docstring).
    min_renewable_share : float, optional
        Lower bound on the share of the load served by PV, directly or through the battery
        (battery energy counted after round-trip losses) [-]. Equals self-sufficiency.
    grid_tco2_per_kwh : array, shape (T,) or float, optional
        Grid emission factor [tCO2/kWh], needed for a CO2 target and CO2 results.
    min_co2_reduction_tco2 : float, optional
        Lower bound on the year's avoided emissions [tCO2/yr] =
        ``sum_t ef_t (l + d - c_g) dt`` (reduction of grid imports; plus exports if
        ``co2_counts_exports``).
    co2_counts_exports : bool, optional
        Whether exported PV also counts as avoided emissions.
    net_metering_limit_kw : float, optional
        If set, net metering is available to systems of total PV capacity up to this size
        [kWp]: exports earn ``net_metering_credit_per_kwh`` and the year's exports may not
        exceed the year's imports (REopt). The solver solves the net-metered and the
        non-net-metered (``export_price_per_kwh``) regimes and keeps the better.
    net_metering_credit_per_kwh : array, shape (T,) or float, optional
        Credit for net-metered exports [currency/kWh]; default the import price.
    allow_simultaneous_import_export : bool, optional
        False (default): a behind-the-meter system never imports and exports in the same
        step (see the module docstring). True: the plain LP, which may sell PV and buy the
        load back in steps where the export price exceeds the import price.
    capital_budget_scale : float, optional
        Capex units of :class:`Costs` per unit of ``capital_budget`` [-], > 0; default 1.
        A caller whose capex coefficients are effective costs (after subsidies, tax shields,
        replacements) while its budget is money spent up front passes their ratio
        (``pvplanner.sizing`` passes the smallest effective/nominal ratio of its cost
        items); the diagnosis then quotes the budget, and the budget the cheapest allowed
        system needs, in the budget's own terms (divided by this scale).
    soc_cycle_steps : int or sequence of int, optional
        The battery's state of charge returns to its starting value at the end of every
        block of steps, so each block is a cycle of its own (from a level of its own) and no
        energy moves between blocks. An int ``k``: blocks of ``k`` steps (``soc_0 = soc_k``, ``soc_k = soc_2k``,
        ...); must divide ``T``. A sequence: the lengths of the successive blocks in steps,
        each >= 1, summing to ``T`` (typical days and multi-day typical runs of
        :mod:`pvplanner.aggregate`, which stand for different numbers of real days). Held
        as an int when all lengths are equal, else as a tuple. Default None: one cycle
        over all ``T`` steps (a year).
    """

    production_kw_per_kwp: np.ndarray
    load_kw: np.ndarray
    import_price_per_kwh: np.ndarray
    # Annotated as held after __post_init__ (arrays, a tuple of names); the constructor also
    # takes what the docstring lists (a float price, sequences, None for the defaults).
    export_price_per_kwh: np.ndarray
    step_hours: float
    costs: Costs
    demand_charges: Sequence[DemandCharge] = ()
    plane_names: Sequence[str] = None  # type: ignore[assignment]
    plane_min_kwp: np.ndarray = None  # type: ignore[assignment]
    plane_max_kwp: np.ndarray = None  # type: ignore[assignment]
    min_total_kwp: float = 0.0
    max_total_kwp: float = _INF
    capital_budget: float = _INF
    export_limit_kw: float = _INF
    interconnection_limit_kw: float = _INF
    battery: BatteryOptions = field(default_factory=BatteryOptions)
    min_self_consumption: float = 0.0
    min_renewable_share: float = 0.0
    grid_tco2_per_kwh: np.ndarray | float | None = None
    min_co2_reduction_tco2: float = 0.0
    co2_counts_exports: bool = False
    net_metering_limit_kw: float | None = None
    net_metering_credit_per_kwh: np.ndarray | float | None = None
    allow_simultaneous_import_export: bool = False
    capital_budget_scale: float = 1.0
    soc_cycle_steps: int | tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        try:
            f = np.array(self.production_kw_per_kwp, dtype=float)
        except (TypeError, ValueError):
            raise SolverInputError("production_kw_per_kwp must be an array of numbers") from None
        if f.ndim == 1:
            f = f[:, None]
        if f.ndim != 2 or f.shape[0] == 0 or f.shape[1] == 0:
            raise SolverInputError(
                f"production_kw_per_kwp must have shape (T, P) with T, P >= 1, got {f.shape}"
            )
        if not np.isfinite(f).all():
            t, p = np.argwhere(~np.isfinite(f))[0]
            raise SolverInputError(f"production_kw_per_kwp[{t}, {p}] is not finite")
        if (f < 0).any():
            t, p = np.argwhere(f < 0)[0]
            raise SolverInputError(
                f"production_kw_per_kwp[{t}, {p}] = {f[t, p]:g} is negative; clip night-time "
                "inverter consumption to 0"
            )
        f = np.ascontiguousarray(f)
        f.setflags(write=False)
        set_(self, "production_kw_per_kwp", f)
        n_t, n_p = f.shape
        set_(self, "load_kw", _array(self.load_kw, "load_kw", n_t, lo=0.0))
        set_(self, "import_price_per_kwh",
             _array(self.import_price_per_kwh, "import_price_per_kwh", n_t, lo=0.0))
        set_(self, "export_price_per_kwh",
             _array(self.export_price_per_kwh, "export_price_per_kwh", n_t, lo=0.0))
        set_(self, "step_hours", _float(self.step_hours, "step_hours", lo=0.0, hi=24.0, lo_open=True))
        if not isinstance(self.costs, Costs):
            raise SolverInputError("costs must be a solver.Costs instance")
        if not isinstance(self.battery, BatteryOptions):
            raise SolverInputError("battery must be a solver.BatteryOptions instance")

        charges = tuple(self.demand_charges)
        for k, dc in enumerate(charges):
            if not isinstance(dc, DemandCharge):
                raise SolverInputError(f"demand_charges[{k}] must be a solver.DemandCharge")
            if dc.window.shape[0] != n_t:
                raise SolverInputError(
                    f"demand_charges[{k}] ({dc.name or 'unnamed'}) window has "
                    f"{dc.window.shape[0]} steps but the problem has {n_t}"
                )
        set_(self, "demand_charges", charges)

        names = (tuple(str(s) for s in self.plane_names) if self.plane_names is not None
                 else tuple(f"plane_{i + 1}" for i in range(n_p)))
        if len(names) != n_p:
            raise SolverInputError(f"plane_names has {len(names)} names for {n_p} planes")
        set_(self, "plane_names", names)
        pmin = np.zeros(n_p) if self.plane_min_kwp is None else self.plane_min_kwp
        pmax = np.full(n_p, _INF) if self.plane_max_kwp is None else self.plane_max_kwp
        pmin = _array(pmin, "plane_min_kwp", None, lo=0.0)
        try:
            pmax = np.array(pmax, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            raise SolverInputError("plane_max_kwp must be an array of numbers") from None
        if pmin.shape[0] != n_p or pmax.shape[0] != n_p:
            raise SolverInputError(
                f"plane_min_kwp/plane_max_kwp need one value per plane ({n_p})"
            )
        if np.isnan(pmax).any() or (pmax < 0).any():
            raise SolverInputError("plane_max_kwp must be >= 0 (inf for no limit)")
        if (pmin > pmax).any():
            i = int(np.argmax(pmin > pmax))
            raise SolverInputError(
                f"plane {names[i]!r}: plane_min_kwp {pmin[i]:g} exceeds plane_max_kwp {pmax[i]:g}"
            )
        pmax.setflags(write=False)
        set_(self, "plane_min_kwp", pmin)
        set_(self, "plane_max_kwp", pmax)

        for name in ("min_total_kwp",):
            set_(self, name, _float(getattr(self, name), name, lo=0.0))
        for name in ("max_total_kwp", "capital_budget", "export_limit_kw", "interconnection_limit_kw"):
            set_(self, name, _float(getattr(self, name), name, lo=0.0, allow_inf=True))
        set_(self, "capital_budget_scale",
             _float(self.capital_budget_scale, "capital_budget_scale", lo=0.0, lo_open=True))
        if self.soc_cycle_steps is not None:
            set_(self, "soc_cycle_steps", _cycle_steps(self.soc_cycle_steps, n_t))
        if self.min_total_kwp > self.max_total_kwp:
            raise SolverInputError(
                f"min_total_kwp ({self.min_total_kwp:g}) exceeds max_total_kwp "
                f"({self.max_total_kwp:g})"
            )
        for name in ("min_self_consumption", "min_renewable_share"):
            set_(self, name, _float(getattr(self, name), name, lo=0.0, hi=1.0))
        set_(self, "min_co2_reduction_tco2",
             _float(self.min_co2_reduction_tco2, "min_co2_reduction_tco2", lo=0.0))
        set_(self, "co2_counts_exports", bool(self.co2_counts_exports))
        set_(self, "allow_simultaneous_import_export",
             bool(self.allow_simultaneous_import_export))
        if self.grid_tco2_per_kwh is not None:
            set_(self, "grid_tco2_per_kwh",
                 _array(self.grid_tco2_per_kwh, "grid_tco2_per_kwh", n_t, lo=0.0))
        elif self.min_co2_reduction_tco2 > 0:
            raise SolverInputError(
                "min_co2_reduction_tco2 is set but grid_tco2_per_kwh is missing: give the "
                "grid emission factor per step [tCO2/kWh]"
            )
        if self.net_metering_limit_kw is not None:
            set_(self, "net_metering_limit_kw",
                 _float(self.net_metering_limit_kw, "net_metering_limit_kw", lo=0.0))
            credit = (self.import_price_per_kwh if self.net_metering_credit_per_kwh is None
                      else self.net_metering_credit_per_kwh)
            set_(self, "net_metering_credit_per_kwh",
                 _array(credit, "net_metering_credit_per_kwh", n_t, lo=0.0))
        elif self.net_metering_credit_per_kwh is not None:
            raise SolverInputError(
                "net_metering_credit_per_kwh is set but net_metering_limit_kw is not"
            )

    # Convenience views -------------------------------------------------------------------
    @property
    def n_steps(self) -> int:
        """Number of time steps T."""
        return int(self.production_kw_per_kwp.shape[0])

    @property
    def n_planes(self) -> int:
        """Number of roof planes P."""
        return int(self.production_kw_per_kwp.shape[1])

    @property
    def soc_cycle_lengths(self) -> np.ndarray:
        """Steps of each state-of-charge cycle, in order (int array summing to T)."""
        k = self.soc_cycle_steps
        if k is None:
            return np.array([self.n_steps], dtype=np.int64)
        if isinstance(k, int):
            return np.full(self.n_steps // k, k, dtype=np.int64)
        return np.array(k, dtype=np.int64)

    @property
    def soc_step_before(self) -> np.ndarray:
        """For each step, the step whose state of charge it starts from: the step before,
        or at the first step of a cycle the cycle's last step (int array, shape (T,))."""
        lengths = self.soc_cycle_lengths
        before = np.arange(self.n_steps, dtype=np.int64) - 1
        starts = np.cumsum(lengths) - lengths
        before[starts] = starts + lengths - 1
        return before

    @property
    def load_kwh(self) -> float:
        """Energy of the load over the representative year [kWh]."""
        return float(self.load_kw.sum() * self.step_hours)

    @property
    def capex_budget(self) -> float:
        """The capital budget in the capex units of :class:`Costs` [currency] (inf: none)
        = ``capital_budget_scale x capital_budget``."""
        return self.capital_budget_scale * self.capital_budget

    def max_total_pv_kwp(self) -> float:
        """Tightest upper bound on total PV capacity implied by the inputs [kWp] (may be inf)."""
        ub = min(float(self.plane_max_kwp.sum()), self.max_total_kwp,
                 self.interconnection_limit_kw)
        if self.costs.pv_capex_per_kwp > 0 and math.isfinite(self.capital_budget):
            ub = min(ub, self.capex_budget / self.costs.pv_capex_per_kwp)
        return ub
