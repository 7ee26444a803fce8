"""Typical days: a year's sizing problem on a few dozen representative days (portfolios).

A battery makes the sizing LP a full year of coupled steps; for a portfolio of thousands of
sites :func:`typical_days` picks ``N`` representative days, each standing for a group of
real days (its *weight*), and :meth:`TypicalDays.reduce` hands the solver those days
(``N x 24`` steps instead of 8,760), each a state-of-charge cycle of its own (or, for a
load that rests at weekends, a Sunday and its Monday one cycle); then
:meth:`TypicalDays.expand` copies each typical day's dispatch onto every real day it stands
for, so the bills, cash flows and carbon of the Result are computed on a full year of real
dates as usual. The exact year stays the default of :func:`pvplanner.plan`;
``pvplanner batch --aggregate N`` asks for this (``N`` from 24 to 365; 365 is the exact
year again). A site without a battery is always planned exactly (it is fast already).

Measured (``benchmarks/bench_batch_aggregate.py``, 24 varied sites, 20 with batteries,
2026-12-06, with the Sunday-Monday runs below): with 84 days the NPV is within 0.37 % of
the exact plan's on average and 0.91 % at worst (no site above 1 %), PV sizes equal,
battery energy within 7.3 % and power within 14 %, for 5.1-5.2x less CPU per site than
the exact plan (0.21-0.24 s against 1.07-1.25 s in two runs, each plan made as a batch makes
it: no NPV curve, no tornado, the site's JSON; 5.9x before the exact plan's sizing started
from one day in eight instead of four; with the tornado in both, as measured before,
4.9-5.2x). Before the runs (every day its own cycle) 84 days gave 0.46 % and 1.18 %, three
sites above 1 % (one- and two-shift and office loads without demand charges, -1.11 % to
-1.18 %: their battery carries weekend PV into Monday); 96 days 0.43 % and 1.34 % for
4.6x. The sizes are better than the NPV shown: dispatched on the exact year, the
typical-day sizes lose 0.057 % of the exact optimum's NPV on average and 0.23 % at worst
(the *regret*, ``--regret``; 84 days), although battery energy differs by up to 7.3 % and
power by 14 % (a battery's NPV is flat near its optimum). The exact optimum itself is
well defined: with the battery's price per kWh 1 % higher or lower, its sizes move by at
most 1.4 % (energy) and 1.2 % (power), median 0.2 % and 0.0 % (``--conditioning``,
2026-12-07), so the size differences are the method's. Most of the energy's comes from the
battery cycling within each typical day: with 360 typical days (hardly any grouping) energy
is still up to 7.5 % and power 8.8 % off (NPV 1.58 %); leaving the typical days' PV (or PV
and load) unscaled to their group's mean energy gave NPV up to 2.9 % / 2.4 %, energy 10 % /
8.5 % and power 15 % off: worse. The NPV error is that of the synthetic year the Result
describes (below), not of the sizes. The chain of equal-weight
copies used before (a battery's charge carried between typical days) gave 0.41 % (mean
over all 24 sites) / 1.71 % at 96 days for 4.4x against the slower exact plan of then
(2.23 s a site).

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
  weekend PV into Monday, and nothing measurable elsewhere: hence the runs below. Two ways
  to keep the carry were measured and dropped: Kotzur et al.'s
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
  exactly needs cycles of different lengths in one problem, as the runs below have.
* **Sunday-Monday runs** (a load with a weekly pattern and no demand charge): the last
  rest day of a run of rest days and the workday after it, in the same month, are one
  *run*, a battery cycle of two days (``SizingProblem.soc_cycle_steps`` takes the
  lengths of the cycles), so Sunday's PV can serve Monday morning; every other day is a
  typical day as above. A month's runs form groups of their own (k-medoids on the two
  days' features; the medoid is a real Sunday and Monday, both weighted by the runs the
  group stands for, so no kWh moves between days of different weights, and each day of
  it scaled to the mean of its members' same day). A group of runs costs two of the
  month's typical days (one group, more when the runs cover a larger share of the month
  than one group's share of the budget); when the month's budget cannot give the runs
  one group and the other days one, the month keeps single days. Rest days are read from
  the load (:data:`REST_DAY_LOAD_RATIO`, :data:`MIN_REST_DAYS`): a day below 80 % of
  its month's upper-quartile day, where a year has 40 or more (three shifts and cold
  storage have none but the Spring Festival stop and keep single days); the holiday
  calendar is not needed (holidays are lighter days too). Measured at 84 days: the three
  sites that were 1.1-1.2 % low are 0.41-0.50 % high, their regret 0.04-0.05 % (was
  0.03-0.10 %), their typical-day CPU unchanged (0.25-0.37 s). Where a demand rate is
  charged the runs are not used: the month's peak and dullest days already take two
  typical days, and a run two more, which leaves one group for a month's workdays: NPV
  2.0-3.8 % high on one-shift and office loads (a reduced year misses peaks the
  battery cannot shave), up to 1.8 % at 120 days, against 0.3-0.9 % with single days at
  84 (their daily cycle offsets part of that). Runs of the last two rest days with the
  workday (Saturday-Sunday-Monday, three days) were worse on every weekly site: 0.6-1.1 %
  without demand charges, up to 4.6 % with (84 days).

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

#: A rest day: load energy below this fraction of the month's upper-quartile day.
REST_DAY_LOAD_RATIO = 0.8
#: A load with fewer rest days a year has no weekly pattern (a three-shift factory's
#: Spring Festival stop is ~20 days).
MIN_REST_DAYS = 40
#: Rest days kept in one battery cycle with the workday after them.
RUN_REST_DAYS = 1


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
    cycle_days : numpy.ndarray, shape (C,)
        Typical days of each battery cycle, in order (sum K): 1 for a typical day, more
        for a typical run of rest days with the workday after it.
    """

    steps_per_day: int
    days: np.ndarray
    weights: np.ndarray
    members: np.ndarray
    load_kw: np.ndarray
    production_kw_per_kwp: np.ndarray
    cycle_days: np.ndarray

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
        cycles = (None if len(self.days) == DAYS_PER_YEAR
                  else tuple((self.cycle_days * self.steps_per_day).tolist()))
        return on_weighted_days(
            problem, self.steps, self.step_weights, cycles,
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
            "day, or over a Sunday and the Monday after it where the load rests at weekends "
            "and no demand is charged, the month's peak-load day kept where demand is "
            "charged), not on the exact year: NPV about 0.4 % (at worst about 1.2 % on the "
            "sites tried), battery energy up to about 7 % and power up to about 14 % from the "
            "exact plan's; on the real year these sizes lose at most about 0.25 % of the best "
            "NPV", days=len(self.days))


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
        raise PlannerInputError(Message.of(
            "errors.plan.aggregate_days", "aggregate_days = {days}: give a whole number of "
            "typical days from {min} (two a month) to 365 (the exact year); 96 is a good start",
            days=repr(n_days), min=MIN_DAYS), field="aggregate_days")
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
    # Runs of rest days only where no demand is charged: there the peak days come first
    # and runs would take the month's typical days from the workdays (module docstring).
    rest = (_rest_days(load_d.sum(axis=1), month_of) if n_days < DAYS_PER_YEAR
            and not peak_days else np.zeros(DAYS_PER_YEAR, dtype=bool))
    runs: list[tuple[int, int, list[int]]] = []  # (first day, length, members' first days)
    for month, n in enumerate(days_per_month(n_days)):
        in_month = np.flatnonzero(month_of == month)
        block = features[in_month]
        distance = ((block[:, None, :] - block[None, :, :]) ** 2).sum(axis=2)
        singles = (_extreme_days(load_d[in_month], net_d[in_month], int(n)) if peak_days
                   else [])
        units = _units(rest[in_month], singles)
        shares = _shares(units, int(n) - len(singles))
        if shares is None:  # too few typical days for the month's runs: days as before
            units = [(d, 1) for d in range(len(in_month)) if d not in singles]
            shares = {1: int(n) - len(singles)}
        groups = [(d, 1, [d]) for d in singles]
        for length, k in shares.items():
            starts = np.array([a for a, b in units if b == length])
            medoids, assign = _medoids(_run_distance(distance, starts, length), k)
            groups += [(int(starts[m]), length, starts[assign == j].tolist())
                       for j, m in enumerate(medoids)]
        runs += [(int(in_month[a]), b, [int(in_month[u]) for u in c])
                 for a, b, c in sorted(groups)]
    reps_a = np.concatenate([np.arange(a, a + b) for a, b, _ in runs])
    cycle_days = np.array([b for _, b, _ in runs])
    group = np.empty(DAYS_PER_YEAR, dtype=int)  # each day's typical day
    weights = np.repeat([float(len(c)) for _, _, c in runs], cycle_days)
    first = np.cumsum(cycle_days) - cycle_days
    for (_, b, c), f in zip(runs, first, strict=True):
        for j in range(b):
            group[np.array(c) + j] = f + j
    group_load = _scaled(load_d[:, :, None], reps_a, group)[:, :, 0]
    group_prod = _scaled(prod_d, reps_a, group)
    return TypicalDays(
        steps_per_day=s, days=reps_a, weights=weights, members=group,
        load_kw=group_load.reshape(-1),
        production_kw_per_kwp=group_prod.reshape(-1, prod.shape[1]), cycle_days=cycle_days)


def _rest_days(energy_kwh: np.ndarray, month_of: np.ndarray) -> np.ndarray:
    """Rest days of a load with a weekly pattern: days whose energy is below
    :data:`REST_DAY_LOAD_RATIO` of their month's upper-quartile day; none (all False) when
    fewer than :data:`MIN_REST_DAYS` are (a load without rest days, such as three shifts
    or cold storage)."""
    top = np.array([np.quantile(energy_kwh[month_of == m], 0.75) for m in range(12)])
    rest = energy_kwh < REST_DAY_LOAD_RATIO * top[month_of]
    return rest if rest.sum() >= MIN_REST_DAYS else np.zeros_like(rest)


def _units(rest: np.ndarray, singles: list[int]) -> list[tuple[int, int]]:
    """A month's days (positions) as ``(first day, length)``: the last
    :data:`RUN_REST_DAYS` rest days of a run with the workday after it (in the month) are
    one unit, every other day a unit of its own; ``singles`` (kept apart) in none."""
    units, d, n = [], 0, len(rest)
    while d < n:
        end = d
        while end < n and rest[end]:
            end += 1
        start = max(d, end - RUN_REST_DAYS)
        inside = set(range(start, end + 1))
        if end > d and end < n and not inside & set(singles):
            units += [(k, 1) for k in range(d, start)] + [(start, end + 1 - start)]
        else:
            units += [(k, 1) for k in range(d, min(end + 1, n))]
        d = end + 1
    return [(a, b) for a, b in units if not (b == 1 and a in singles)]


def _shares(units: list[tuple[int, int]], budget: int) -> dict[int, int] | None:
    """Groups for each unit length of a month within ``budget`` typical days (a group of
    runs of ``L`` days costs ``L``), shared out by the days each length covers; None when
    the budget cannot give every length one group."""
    days: dict[int, int] = {}
    for _, b in units:
        days[b] = days.get(b, 0) + b
    if sum(days) > budget:
        return None
    total = sum(days.values())
    count = {b: sum(1 for _, c in units if c == b) for b in days}
    shares = {b: int(min(count[b], max(1, round(budget * days[b] / total / b))))
              for b in days if b > 1}
    left = budget - sum(b * k for b, k in shares.items())
    while 1 in days and left < 1:  # the single days keep one group at least
        longest = max(b for b in shares if shares[b] > 1)
        shares[longest] -= 1
        left += longest
    if 1 in days:
        shares[1] = min(count[1], left)
    return dict(sorted(shares.items()))


def _run_distance(distance: np.ndarray, starts: np.ndarray, length: int) -> np.ndarray:
    """Distance between runs of ``length`` days starting at ``starts``: the sum of their
    days' distances, day by day."""
    return sum((distance[np.ix_(starts + j, starts + j)] for j in range(length)),
               np.zeros((len(starts), len(starts))))


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
