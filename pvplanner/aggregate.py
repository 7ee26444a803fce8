"""Typical days: a year's sizing problem on a few dozen representative days (portfolios).

A battery makes the sizing LP a full year of coupled steps; for a portfolio of thousands of
sites :func:`typical_days` picks ``N`` representative days, each standing for a group of
real days (its *weight*), and :meth:`TypicalDays.reduce` hands the solver those days
(``N x 24`` steps instead of 8,760), each a state-of-charge cycle of its own; then
:meth:`TypicalDays.expand` copies each typical day's dispatch onto every real day it stands
for, so the bills, cash flows and carbon of the Result are computed on a full year of real
dates as usual. The exact year stays the default of :func:`pvplanner.plan`;
``pvplanner batch --aggregate N`` asks for this (``N`` from 24 to 365; 365 is the exact
year again). A site without a battery is always planned exactly (it is fast already).

Measured (``benchmarks/bench_batch_aggregate.py``, 24 varied sites, 20 with batteries,
2026-12-06): with 84 days the NPV is within 0.46 % of the exact plan's on average and
1.18 % at worst, with 96 days 0.43 % and 1.34 % (3 sites above 1 % at either: one- and
two-shift and office loads, below), PV sizes equal, battery energy within 7.3 % and power
within 14 % (84 days),
for 5.2x (84 days) and 4.6x (96 days) less CPU per site than the exact plan (1.34 s a
site). The sizes are better than the NPV shown: dispatched on the exact year, the
typical-day sizes lose 0.06 % of the exact optimum's NPV on average and 0.23 % at worst
(the *regret*, ``--regret``; 84 days, 2026-12-06), although battery energy differs by up
to 7.3 % and power by 14 % (a battery's NPV is flat near its optimum). The NPV error is
that of the synthetic year the Result describes (below), not of the sizes. The chain of equal-weight copies used before (a battery's charge carried between
typical days) gave 0.41 % (mean over all 24 sites) / 1.71 % at 96 days for 4.4x against
the slower exact plan of then (2.23 s a site).

How the days are chosen
-----------------------
Each month gets ``n_m`` typical days (``N`` shared out by month length) and is clustered
on its own: days are compared on their hourly load, load net of the roof's largest PV, and
import price (squared Euclidean distance; load terms over the year's peak load, prices over
the highest price). k-medoids (PAM's BUILD step, then assignment and medoid update until
nothing changes) forms the groups, each represented by its *medoid*, a real day, so prices,
periods and demand windows are that day's own.

* **Demand charges** (tsam's "extreme periods"; only when a demand or capacity rate is
  charged): the day holding the month's highest load step is a group of its own, and so
  is the day with the highest load net of the largest PV (a dull day at full load, where a
  battery has the most to shave) when the month has four typical days or more; both are
  kept as they are. The baseline's monthly maximum demand is therefore exact. What is
  not: the month's peak *with* a battery can fall on a day no typical day stands for.
  Coincident-peak windows that miss every typical day drop out of the reduced problem.
* **Energy**: a group's day is scaled, its load and each plane's PV per kWp separately, to
  the group's mean daily energy (capped at the year's highest value), so the expanded
  year's load and PV energy equal the real ones unless a cap binds.
* **Weights and the state of charge (cyclic per day)**: a typical day's prices and
  emission factors are multiplied by its weight (demand rates not: a month's charge is on
  one maximum), and the battery's state of charge returns to its starting value at the
  end of every typical day (``SizingProblem.soc_cycle_steps``), so no energy moves between
  typical days of different weights. (Linking the days in a chain instead, with unequal
  weights, pays the battery for carrying a kWh bought on a light day into a heavy one: NPV
  up to 27 % too high, which is why the previous version used equal-weight copies.)
  Measured on the exact year (``soc_cycle_steps = 24`` on 365 days), a daily cycle costs
  1.2-1.5 % of the NPV of one- and two-shift and office loads whose battery carries
  weekend PV into Monday, and nothing measurable elsewhere: that is the error left on
  those sites. Two ways to keep the carry were measured and dropped: Kotzur et al.'s
  inter-period state of charge (2018, Appl. Energy 213; a level per real day, the typical
  day's profile on top) made every member of a group share one day-to-day change (NPV
  2.6 % low on an office load, the LP 2x slower), and energy passed between typical days
  that follow each other in the year, averaged over a group's members, was 4 % high.
  Measured and dropped on 2026-12-06 (84 days, the 20 battery sites): *typical weeks*
  (per month one chain of seven typical days, each the medoid of the month's days of one
  weekday, one battery cycle over the week) keep the weekend carry but give each weekday
  one day of weather scaled to the mean, which loses the dull workdays a battery's peak
  shaving is sized on: NPV 4.5-15 % high on every site with a weekly load, mean 5.3 %;
  typical days starting at 06:00, 09:00 or 12:00 instead of midnight (so that Sunday's
  afternoon and Monday's morning share a cycle) cut the morning PV off from the evening:
  mean 1.25 %, 1.15 % and 2.2 %. Dispatching the real year with the typical-day sizes
  fixed would leave only the regret (at most 0.23 %) but costs 0.5 s a site as one LP and
  0.31-0.35 s as month-long LPs solved apart (HiGHS, lazy rows off), more than the
  typical-day sizing itself (0.1-0.17 s): the CPU target rules it out. Keeping the carry
  exactly needs cycles of different lengths in one problem (a run of rest days with the
  workday after it as one cycle, every other day its own), which
  ``SizingProblem.soc_cycle_steps`` (one length) cannot express.

Why not ``tsam``
----------------
tsam 4.1.1 (the newest) pins ``highspy<=1.15.1`` and ``pandas<=3.0.5``, against our
``highspy>=1.16`` and pandas 3.1. The clustering here is ~150 lines.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message
from pvplanner.sizing import SizingInputs
from solver.problem import SizingProblem
from solver.result import Dispatch
from solver.warm import on_weighted_days

__all__ = ["DAYS_PER_YEAR", "MIN_DAYS", "TypicalDays",
           "days_per_month", "typical_days", "typical_days_of"]

#: Days of the typical year (non-leap).
DAYS_PER_YEAR = 365

#: Fewest typical days: two a month (a month's peak-load day and one group).
MIN_DAYS = 24

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

#: Most rounds of assignment and medoid update per month (they settle in a few).
_MAX_ROUNDS = 25


@dataclass(frozen=True)
class TypicalDays:
    """The typical days the solver sees, and how the year maps onto them.

    Attributes
    ----------
    steps_per_day : int
        24 (hourly) or 96 (15-minute).
    days : numpy.ndarray, shape (K,)
        Day of the year (0-based) of each typical day (a group's medoid), in the solver's
        order (by month, then date).
    weights : numpy.ndarray, shape (K,)
        Real days each typical day stands for (its group's size) [days]; they sum to 365.
    members : numpy.ndarray, shape (365,)
        Position in ``days`` of the typical day each day of the year follows.
    load_kw : numpy.ndarray, shape (K * steps_per_day,)
        Load of the typical days, scaled to their group's mean energy [kW].
    production_kw_per_kwp : numpy.ndarray, shape (K * steps_per_day, P)
        PV output per kWp of each plane on the typical days, scaled likewise [kW/kWp].
    """

    steps_per_day: int
    days: np.ndarray
    weights: np.ndarray
    members: np.ndarray
    load_kw: np.ndarray
    production_kw_per_kwp: np.ndarray

    @property
    def steps(self) -> np.ndarray:
        """Steps of the full year (0-based) that the typical days occupy, in order."""
        s = self.steps_per_day
        return (self.days[:, None] * s + np.arange(s)[None, :]).reshape(-1)

    @property
    def step_weights(self) -> np.ndarray:
        """Days each reduced step stands for, shape (K * steps_per_day,)."""
        return np.repeat(self.weights.astype(float), self.steps_per_day)

    def reduce(self, problem: SizingProblem) -> SizingProblem:
        """The problem on the typical days (same sizes, costs and constraints).

        Prices and emission factors are multiplied by each day's weight; demand windows
        keep the typical days' steps (windows that keep none are dropped); the battery's
        state of charge is cyclic over each typical day, or over the year when every day
        is its own (365 days: the exact problem).
        """
        return on_weighted_days(
            problem, self.steps, self.step_weights,
            None if len(self.days) == DAYS_PER_YEAR else self.steps_per_day,
            production_kw_per_kwp=self.production_kw_per_kwp, load_kw=self.load_kw)

    def expand(self, values: np.ndarray) -> np.ndarray:
        """Values on the typical days' steps -> the full year (each day its typical day's).

        ``values`` has shape (K * steps_per_day, ...); the result (365 * steps_per_day, ...)
        in calendar order from 1 January 00:00.
        """
        array = np.asarray(values)
        per_day = array.reshape(len(self.days), self.steps_per_day, *array.shape[1:])
        return per_day[self.members].reshape(-1, *array.shape[1:])

    def expand_dispatch(self, dispatch: Dispatch) -> Dispatch:
        """A dispatch of the typical days copied onto the full year."""
        return Dispatch(**{f.name: self.expand(getattr(dispatch, f.name))
                           for f in fields(Dispatch)})

    def expand_inputs(self, inputs: SizingInputs) -> SizingInputs:
        """The sizing inputs with the load and PV of the expanded typical days (the year the
        Result describes; prices, windows and limits stay the real year's)."""
        index = inputs.load_kw.index
        production = inputs.production_kw_per_kwp
        return replace(
            inputs,
            production_kw_per_kwp=type(production)(
                self.expand(self.production_kw_per_kwp), index=index, columns=production.columns),
            load_kw=type(inputs.load_kw)(self.expand(self.load_kw), index=index,
                                         name=inputs.load_kw.name),
        )

    def note(self) -> Message:
        """What a reader of the Result is told about the aggregation (both languages)."""
        return Message.of(
            "notes.plan.typical_days", "sized and dispatched on {days} typical days (each "
            "month's days grouped by load, PV and prices, each group represented by one of "
            "its days weighted by the group's size, the battery cycling within each typical "
            "day, the month's peak-load day kept where demand is charged), not on the exact "
            "year: NPV about 0.5 % (at worst a little over 1 %) and battery size a few "
            "percent from the exact plan's; on the real year these sizes lose at most about "
            "0.25 % of the best NPV", days=len(self.days))


def days_per_month(n_days: int) -> np.ndarray:
    """Typical days of each month for ``n_days`` in all (at least one a month), shared out
    by month length with the largest remainders.

    Examples
    --------
    >>> days_per_month(48).tolist()
    [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]
    >>> int(days_per_month(365).sum()), int(days_per_month(365)[1])
    (365, 28)
    """
    if not MIN_DAYS <= n_days <= DAYS_PER_YEAR:
        raise ValueError(f"typical days must be {MIN_DAYS}..365, got {n_days}")
    lengths = np.array(_MONTH_DAYS, dtype=float)
    share = 1 + (n_days - 12) * (lengths - 1) / (DAYS_PER_YEAR - 12)
    counts = np.floor(share).astype(int)
    order = np.argsort(-(share - counts), kind="stable")
    counts[order[: n_days - counts.sum()]] += 1
    return np.minimum(counts, np.array(_MONTH_DAYS))


def typical_days_of(inputs: SizingInputs, n_days: int) -> TypicalDays:
    """:func:`typical_days` of a scenario's sizing inputs."""
    return typical_days(inputs.load_kw.to_numpy(dtype=float),
                        inputs.production_kw_per_kwp.to_numpy(dtype=float),
                        inputs.import_price_per_kwh, n_days,
                        capacity_kwp=np.asarray(inputs.plane_max_kwp, dtype=float),
                        peak_days=any(rate > 0 for _, rate, _ in inputs.demand_windows))


def typical_days(load_kw: np.ndarray, production_kw_per_kwp: np.ndarray,
                 import_price_per_kwh: np.ndarray, n_days: int, *,
                 capacity_kwp: np.ndarray | None = None, peak_days: bool = True
                 ) -> TypicalDays:
    """Choose ``n_days`` typical days of a 365-day year and scale their arrays.

    Parameters
    ----------
    load_kw : numpy.ndarray, shape (T,)
        The year's load [kW], T = 365 x 24 or 365 x 96 steps from 1 January.
    production_kw_per_kwp : numpy.ndarray, shape (T, P)
        PV output per kWp of each plane [kW/kWp].
    import_price_per_kwh : numpy.ndarray, shape (T,)
        Import price [currency/kWh] (its shape over the day and year).
    n_days : int
        Typical days in all, 24..365 (365 gives the exact year back).
    capacity_kwp : numpy.ndarray, shape (P,), optional
        The largest PV of each plane [kWp]: days are compared on the load net of that PV
        as well (default 1 kWp each).
    peak_days : bool, optional
        Keep each month's peak-load day (and its dullest full-load day) as a group of its
        own, for demand charges (default True; :func:`typical_days_of` passes whether a
        demand rate is charged).

    Returns
    -------
    TypicalDays

    Raises
    ------
    PlannerInputError
        When ``n_days`` is not a whole number of 24..365.
    """
    if isinstance(n_days, bool) or not isinstance(n_days, int | np.integer) or not (
            MIN_DAYS <= n_days <= DAYS_PER_YEAR):
        raise PlannerInputError(
            f"aggregate_days = {n_days!r}: give a whole number of typical days from "
            f"{MIN_DAYS} (two a month) to 365 (the exact year); 96 is a good start",
            field="aggregate_days")
    load = np.asarray(load_kw, dtype=float)
    prod = np.asarray(production_kw_per_kwp, dtype=float)
    prod = prod[:, None] if prod.ndim == 1 else prod
    price = np.asarray(import_price_per_kwh, dtype=float)
    if load.shape[0] % DAYS_PER_YEAR:
        raise ValueError(f"{load.shape[0]} steps are not whole days of a 365-day year")
    s = load.shape[0] // DAYS_PER_YEAR
    load_d = load.reshape(DAYS_PER_YEAR, s)
    prod_d = prod.reshape(DAYS_PER_YEAR, s, -1)
    month_of = np.repeat(np.arange(12), _MONTH_DAYS)
    kwp = np.ones(prod.shape[1]) if capacity_kwp is None else np.asarray(capacity_kwp, float)
    net_d = load_d - prod_d @ kwp
    features = _day_features(load_d, prod_d @ kwp, price.reshape(DAYS_PER_YEAR, s))
    reps: list[int] = []  # each group's representative day, by date within each month
    group = np.empty(DAYS_PER_YEAR, dtype=int)  # each day's group
    for month, n in enumerate(days_per_month(n_days)):
        in_month = np.flatnonzero(month_of == month)
        block = features[in_month]
        distance = ((block[:, None, :] - block[None, :, :]) ** 2).sum(axis=2)
        singles = (_extreme_days(load_d[in_month], net_d[in_month], int(n)) if peak_days
                   else [])
        # The extreme days are groups of their own; the other days form the other groups.
        rest = np.delete(np.arange(len(in_month)), singles)
        medoids, assign = _medoids(distance[np.ix_(rest, rest)], int(n) - len(singles))
        medoids = [*singles, *rest[medoids].tolist()]
        labels = np.empty(len(in_month), dtype=int)
        labels[singles] = np.arange(len(singles))
        labels[rest] = assign + len(singles)
        order = sorted(range(len(medoids)), key=lambda j: medoids[j])  # by date
        rank = np.empty(len(order), dtype=int)
        rank[order] = np.arange(len(order))
        group[in_month] = len(reps) + rank[labels]
        reps += [int(in_month[medoids[j]]) for j in order]
    reps_a = np.array(reps)
    group_load = _scaled(load_d[:, :, None], reps_a, group)[:, :, 0]
    group_prod = _scaled(prod_d, reps_a, group)
    return TypicalDays(
        steps_per_day=s, days=reps_a,
        weights=np.bincount(group, minlength=len(reps)).astype(float), members=group,
        load_kw=group_load.reshape(-1),
        production_kw_per_kwp=group_prod.reshape(-1, prod.shape[1]))


def _day_features(load: np.ndarray, pv: np.ndarray, price: np.ndarray) -> np.ndarray:
    """Per day: hourly load, load net of PV and import price, each over its year maximum."""
    per_hour = load.shape[1] // 24

    def hourly(values: np.ndarray) -> np.ndarray:
        return values.reshape(DAYS_PER_YEAR, 24, per_hour).mean(axis=2)

    def scaled(values: np.ndarray) -> np.ndarray:
        top = float(np.abs(values).max(initial=0.0))
        return values / top if top > 0 else values

    top = float(np.abs(load).max(initial=0.0)) or 1.0
    return np.hstack([hourly(load) / top, hourly(load - pv) / top, scaled(hourly(price))])


def _extreme_days(load: np.ndarray, net: np.ndarray, typical: int) -> list[int]:
    """Days of a month kept as they are (positions in the month): the one with the month's
    highest load step and, if another, the one with the highest load net of the largest PV
    (a dull day at full load: where a battery has the most peak to shave). Only the first
    when the month has fewer than four typical days."""
    out = [int(np.argmax(load.max(axis=1)))]
    dull = int(np.argmax(net.max(axis=1)))
    if typical >= 4 and dull not in out:
        out.append(dull)
    return out


def _medoids(distance: np.ndarray, n: int) -> tuple[list[int], np.ndarray]:
    """k-medoids (PAM's BUILD, then assignment and medoid update until nothing changes).

    Returns the medoids (positions in ``distance``) and each day's group (0..n-1).
    """
    d = distance.shape[0]
    n = max(1, min(n, d))
    medoids = [int(np.argmin(distance.sum(axis=1)))]
    while len(medoids) < n:  # PAM BUILD: add the day that lowers the total cost most
        current = distance[:, medoids].min(axis=1)
        gain = np.maximum(current[:, None] - distance, 0.0).sum(axis=0)
        gain[medoids] = -1.0
        medoids.append(int(np.argmax(gain)))
    assign = np.zeros(d, dtype=int)
    for _ in range(_MAX_ROUNDS):
        cost = distance[:, medoids].copy()
        cost[medoids, np.arange(n)] = -1.0  # every medoid in its own group
        assign = np.argmin(cost, axis=1)
        updated = [_medoid(distance, np.flatnonzero(assign == j)) for j in range(n)]
        if updated == medoids:
            break
        medoids = updated
    return medoids, assign


def _medoid(distance: np.ndarray, group: np.ndarray) -> int:
    """The member closest in total to the others."""
    return int(group[np.argmin(distance[np.ix_(group, group)].sum(axis=1))])


def _scaled(daily: np.ndarray, reps: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Each group's day, shape (K, s, C), scaled column by column to the group's mean daily
    energy and capped at the column's highest value of the year (a group of one day, such
    as a month's peak day, is its own day)."""
    k = len(reps)
    energy = daily.sum(axis=1)  # (365, C)
    counts = np.bincount(group, minlength=k).astype(float)
    mean = np.stack([np.bincount(group, weights=energy[:, c], minlength=k)
                     for c in range(energy.shape[1])], axis=1) / counts[:, None]
    own = energy[reps]
    scale = np.divide(mean, own, out=np.ones_like(mean), where=own > 0)
    cap = daily.max(axis=(0, 1))
    return np.minimum(daily[reps] * scale[:, None, :], cap[None, None, :])
