"""Saving measures: what each does to a load profile, and what it saves.

The catalogue ``data/measures/catalogue.toml`` (explained in ``data/measures/README.md``)
lists the measures a company can take before it buys PV: HVAC controls, compressed-air
leaks and pressure, LED lighting, variable-speed drives, switching idle equipment off
outside working hours and shifting flexible load to the valley. Each has one effect on the
load:

``share``
    ``end_use_share x saving_fraction`` of the load in the chosen hours is removed:
    ``after = load x (1 - s f)`` there. Energy saved = ``sum(load x s x f) dt`` over them.
``kw_cut``
    ``cut_kw`` is removed from every step of the window, never below zero:
    ``after = load - min(cut_kw, load)``. Energy saved = ``sum(min(cut_kw, load)) dt``.
``shift``
    ``shift_fraction`` of each day's load in ``from_periods`` (time-of-use labels) moves to
    the same day's ``to_periods``, spread evenly over them. The energy of every day is kept;
    a day without any target step keeps its load.

:func:`apply_measures` applies a list of measures in order, each to the load the previous
left; :func:`value_measures` prices each step with the caller's bill function (the tariff's
``compute_bill``) and the grid factor, so a measure's saving is the bill of the load before
it minus the bill after it; :func:`combined_plan` puts the measures beside the PV system.
Everything here is pure: arrays and numbers in, arrays and records out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.errors import PlannerInputError
from pvplanner.guard.toml_words import read_data_toml
from pvplanner.holidays import day_types
from pvplanner.load.meter.common import meter_rules
from pvplanner.messages import Message, bilingual, comma_list
from pvplanner.result import MeasureResult, MeasuresCombined

__all__ = [
    "EFFECTS",
    "OVERRIDABLE",
    "WINDOWS",
    "Measure",
    "MeasureApplication",
    "MeasureStep",
    "apply_measure",
    "apply_measures",
    "combined_plan",
    "measure_catalogue",
    "measure_text",
    "resolve_measure",
    "value_measures",
    "window_masks",
]

#: Effects a measure may have on the load.
EFFECTS = ("share", "kw_cut", "shift")
#: Hours a measure acts in (:func:`window_masks`).
WINDOWS = ("all", "working", "offhours", "night", "daylight")
#: How a measure's cost scales.
COST_BASES = ("per_annual_kwh", "per_kw", "per_site")
#: Parameters a scenario may override, per effect (plus ``cost``, ``capex``, ``life_years``).
OVERRIDABLE: dict[str, tuple[str, ...]] = {
    "share": ("end_use_share", "saving_fraction"),
    "kw_cut": ("cut_kw",),
    "shift": ("shift_fraction",),
}
_COMMON_OVERRIDES = ("cost", "capex", "life_years")
_FRACTIONS = ("end_use_share", "saving_fraction", "shift_fraction")


@dataclass(frozen=True)
class Measure:
    """One saving measure with its parameters resolved (catalogue, scenario, data).

    Attributes
    ----------
    id, name_en, name_zh : str
        Catalogue id and names.
    effect : {"share", "kw_cut", "shift"}
        What it does to the load (module docstring).
    window : str
        Hours it acts in (:data:`WINDOWS`).
    months : tuple of int
        Months it acts in (1-12).
    periods : tuple of str
        Time-of-use periods it acts in (``share`` only; empty = all).
    end_use_share, saving_fraction : float or None
        ``share``: the end use's share of the load in those hours and the share of the end
        use saved [fraction].
    cut_kw : float or None
        ``kw_cut``: power removed [kW]; None until given or taken from the data.
    shift_fraction : float or None
        ``shift``: share of the day's load in ``from_periods`` moved [fraction].
    from_periods, to_periods : tuple of str
        ``shift``: time-of-use periods moved from and to.
    from_data : dict
        Parameter -> load-analytics metric that gives it from the company's data.
    recommended_by : tuple of str
        Recommendation rules that propose it.
    cost_basis : {"per_annual_kwh", "per_kw", "per_site"}
        Cost per kWh a year saved (moved, for a shift), per kW cut or per site.
    cost : float
        Cost on that basis [currency per unit of the basis].
    capex : float or None
        A total cost given by the user [currency], replacing ``cost``.
    life_years : float
        Service life [years].
    source, date, status, note : str
        Where the effect's figures come from.
    cost_source, cost_status : str
        Where the cost comes from.
    source_zh, note_zh, cost_source_zh : str
        ``source``, ``note`` and ``cost_source`` for a Chinese reader.
    data_parameters, user_parameters : tuple of str
        Parameters taken from the company's data / set by the scenario.
    """

    id: str
    name_en: str
    name_zh: str
    effect: str
    window: str = "all"
    months: tuple[int, ...] = tuple(range(1, 13))
    periods: tuple[str, ...] = ()
    end_use_share: float | None = None
    saving_fraction: float | None = None
    cut_kw: float | None = None
    shift_fraction: float | None = None
    from_periods: tuple[str, ...] = ("sharp", "peak")
    to_periods: tuple[str, ...] = ("valley", "deep_valley")
    from_data: dict[str, str] = field(default_factory=dict)
    recommended_by: tuple[str, ...] = ()
    cost_basis: str = "per_site"
    cost: float = 0.0
    capex: float | None = None
    life_years: float = 10.0
    source: str = ""
    date: str = ""
    status: str = "unverified"
    note: str = ""
    cost_source: str = ""
    cost_status: str = "unverified"
    source_zh: str = ""
    note_zh: str = ""
    cost_source_zh: str = ""
    data_parameters: tuple[str, ...] = ()
    user_parameters: tuple[str, ...] = ()

    @property
    def missing(self) -> tuple[str, ...]:
        """Parameters the effect needs that are still unknown."""
        return tuple(name for name in OVERRIDABLE[self.effect] if getattr(self, name) is None)

    def parameters(self) -> dict[str, Any]:
        """The effect's parameters as used (for the record)."""
        out: dict[str, Any] = {"window": self.window}
        out.update({name: getattr(self, name) for name in OVERRIDABLE[self.effect]})
        if self.effect == "shift":
            out.update(from_periods=list(self.from_periods), to_periods=list(self.to_periods))
        if tuple(self.months) != tuple(range(1, 13)):
            out["months"] = list(self.months)
        if self.periods:
            out["periods"] = list(self.periods)
        return out

    def with_data(self, figures: Mapping[str, float | None]) -> Measure:
        """This measure with the parameters still unknown taken from the company's data.

        Parameters
        ----------
        figures : mapping
            Parameter -> value from the load analytics (:data:`from_data` names the metric).
        """
        updates: dict[str, Any] = {
            name: float(value) for name, value in figures.items()
            if name in self.missing and value is not None and math.isfinite(value)}
        if not updates:
            return self
        return replace(self, **updates,
                       data_parameters=tuple(sorted({*self.data_parameters, *updates})))


# --------------------------------------------------------------------------- catalogue
def _catalogue_error(measure_id: str, message: str) -> ValueError:
    return ValueError(f"data/measures/catalogue.toml: measure {measure_id!r}: {message}")


def _fraction(entry: Mapping[str, Any], name: str) -> float | None:
    value = entry.get(name)
    if value is None:
        return None
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise _catalogue_error(entry["id"], f"{name} = {value} must be within 0..1")
    return value


def _measure_from_entry(entry: Mapping[str, Any]) -> Measure:
    mid = str(entry.get("id", ""))
    effect = entry.get("effect")
    if effect not in EFFECTS:
        raise _catalogue_error(mid, f"effect {effect!r} is not one of {EFFECTS}")
    window = entry.get("window", "all")
    if window not in WINDOWS:
        raise _catalogue_error(mid, f"window {window!r} is not one of {WINDOWS}")
    if entry.get("cost_basis") not in COST_BASES:
        raise _catalogue_error(mid, f"cost_basis must be one of {COST_BASES}")
    for name in ("name_en", "name_zh", "source", "source_zh", "status", "cost_source",
                 "cost_source_zh", "cost_status"):
        if not str(entry.get(name, "")).strip():
            raise _catalogue_error(mid, f"{name} is missing")
    from_data = dict(entry.get("from_data") or {})
    unknown = [p for p in from_data if p not in OVERRIDABLE[effect]]
    if unknown:
        raise _catalogue_error(mid, f"from_data names {unknown}, not parameters of {effect}")
    measure = Measure(
        id=mid, name_en=entry["name_en"], name_zh=entry["name_zh"], effect=effect,
        window=window, months=tuple(int(m) for m in entry.get("months", range(1, 13))),
        periods=tuple(entry.get("periods", ())),
        end_use_share=_fraction(entry, "end_use_share"),
        saving_fraction=_fraction(entry, "saving_fraction"),
        cut_kw=None if entry.get("cut_kw") is None else float(entry["cut_kw"]),
        shift_fraction=_fraction(entry, "shift_fraction"),
        from_periods=tuple(entry.get("from_periods", ("sharp", "peak"))),
        to_periods=tuple(entry.get("to_periods", ("valley", "deep_valley"))),
        from_data=from_data, recommended_by=tuple(entry.get("recommended_by", ())),
        cost_basis=entry["cost_basis"], cost=float(entry.get("cost", 0.0)),
        life_years=float(entry.get("life_years", 10)), source=entry["source"],
        date=str(entry.get("date", "")), status=entry["status"], note=entry.get("note", ""),
        cost_source=entry["cost_source"], cost_status=entry["cost_status"],
        source_zh=entry["source_zh"], note_zh=entry.get("note_zh", ""),
        cost_source_zh=entry["cost_source_zh"],
    )
    absent = [p for p in measure.missing if p not in from_data]
    if absent:
        raise _catalogue_error(mid, f"{effect} needs {absent} (a value or from_data)")
    if not all(1 <= m <= 12 for m in measure.months):
        raise _catalogue_error(mid, f"months {list(measure.months)} must be within 1..12")
    return measure


def measure_text(measure_id: str, name: str, lang: str, default: str = "") -> str:
    """A catalogue text of a measure in the reader's language.

    Parameters
    ----------
    measure_id : str
        Catalogue id.
    name : {"name", "source", "note", "cost_source"}
        Which text.
    lang : {"en", "zh"}
        The reader's language (``zh``: the ``_zh`` form).
    default : str
        Returned for an id the catalogue does not hold (a measure of an older plan).

    Examples
    --------
    >>> measure_text("valley_shift", "name", "zh")
    '可调节负荷由高峰时段转移至低谷时段'
    """
    measure = measure_catalogue().get(measure_id)
    if measure is None:
        return default
    if name == "name":
        return measure.name_zh if lang == "zh" else measure.name_en
    return str(getattr(measure, f"{name}_zh" if lang == "zh" else name))


@cache
def measure_catalogue() -> dict[str, Measure]:
    """The measures of ``data/measures/catalogue.toml`` by id, checked (read once).

    Returns
    -------
    dict of str to Measure
        In the file's order. ``cut_kw`` of a measure that takes it from the data is None.
    """
    document = read_data_toml("measures", "catalogue.toml")
    out: dict[str, Measure] = {}
    for entry in document.get("measure", []):
        measure = _measure_from_entry(entry)
        if measure.id in out:
            raise _catalogue_error(measure.id, "the id is used twice")
        out[measure.id] = measure
    return out


def resolve_measure(measure_id: str, overrides: Mapping[str, float | None] | None = None,
                    *, field: str = "measures") -> Measure:
    """A catalogue measure with the scenario's overrides.

    Parameters
    ----------
    measure_id : str
        Catalogue id.
    overrides : mapping, optional
        Parameter -> value (None = keep the catalogue's): the effect's parameters
        (:data:`OVERRIDABLE`), ``cost``, ``capex`` [currency] and ``life_years``.
    field : str
        Scenario field named by errors (``measures[1]``).

    Raises
    ------
    PlannerInputError
        An unknown id (the message lists the ids) or a parameter the effect does not have.
    """
    catalogue = measure_catalogue()
    if measure_id not in catalogue:
        raise PlannerInputError(Message.of(
            "errors.load.unknown_measure", "{field}.id: unknown saving measure {measure}; choose "
            "one of {ids}", field=field, measure=repr(measure_id),
            ids=", ".join(catalogue)), field=f"{field}.id")
    measure = catalogue[measure_id]
    given = {name: value for name, value in (overrides or {}).items() if value is not None}
    allowed = (*OVERRIDABLE[measure.effect], *_COMMON_OVERRIDES)
    wrong = sorted(name for name in given if name not in allowed)
    if wrong:
        raise PlannerInputError(Message.of(
            "errors.load.measure_parameter", "{field}: measure {measure} ({effect}) has no "
            "parameter {wrong}; it takes {allowed}", field=field, measure=repr(measure_id),
            effect=str(measure.effect), wrong=", ".join(wrong), allowed=", ".join(allowed)),
            field=f"{field}.{wrong[0]}")
    for name, value in given.items():
        if not math.isfinite(float(value)) or float(value) < 0 or (
                name in _FRACTIONS and float(value) > 1):
            limit = (bilingual("within 0..1", "在 0..1 范围内") if name in _FRACTIONS
                     else bilingual(">= 0", "不小于 0"))
            raise PlannerInputError(Message.of("errors.load.measure_value",
                                               "{field}.{name} = {value} must be {limit}",
                                               field=field, name=name, value=repr(value),
                                               limit=limit), field=f"{field}.{name}")
    values: dict[str, Any] = {name: float(value) for name, value in given.items()}
    return replace(measure, **values,
                   user_parameters=tuple(sorted(n for n in values if n in OVERRIDABLE[
                       measure.effect])))


# --------------------------------------------------------------------------- time windows
def window_masks(index: pd.DatetimeIndex, settings: Mapping[str, Any] | None = None,
                 kinds: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Boolean masks of the hours measures and the load analytics talk about.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Local-time labels of the load's steps.
    settings : mapping, optional
        ``data/load_templates/load_rules.toml`` ``[analytics]`` (read when omitted):
        ``night_start_hour``/``night_end_hour``, ``working_start_hour``/``working_end_hour``,
        ``daylight_start_hour``/``daylight_end_hour``.
    kinds : numpy.ndarray, optional
        Day type of each step (``workday``/``weekend``/``holiday``); computed when omitted.

    Returns
    -------
    dict of str to numpy.ndarray
        ``all``; ``night`` (night hours of any day); ``offhours`` (weekends, public holidays
        and workday nights); ``working`` (workday working hours); ``daylight``.
    """
    s = settings if settings is not None else meter_rules()["analytics"]
    hour = pd.DatetimeIndex(index).hour.to_numpy()
    if kinds is None:
        kinds = day_types(index)["day_type"].to_numpy(dtype=object)
    night = (hour >= s["night_start_hour"]) | (hour < s["night_end_hour"])
    working = ((kinds == "workday") & (hour >= s["working_start_hour"])
               & (hour < s["working_end_hour"]))
    return {
        "all": np.ones(len(hour), dtype=bool),
        "night": night,
        "offhours": (kinds != "workday") | night,
        "working": working,
        "daylight": (hour >= s["daylight_start_hour"]) & (hour < s["daylight_end_hour"]),
    }


# --------------------------------------------------------------------------- effects
@dataclass(frozen=True)
class MeasureStep:
    """One measure applied to the load the previous ones left.

    Attributes
    ----------
    measure : Measure
    before_kw, after_kw : numpy.ndarray
        The load before and after it [kW per step].
    kwh_saved : float
        Energy removed [kWh over the series].
    kwh_shifted : float
        Energy moved to other hours (``shift``) [kWh over the series].
    notes : tuple of Message
        What the reader should know (e.g. a shift that found no valley hours).
    """

    measure: Measure
    before_kw: np.ndarray
    after_kw: np.ndarray
    kwh_saved: float
    kwh_shifted: float = 0.0
    notes: tuple[Message, ...] = ()

    @property
    def kw_affected(self) -> float:
        """Largest power removed or moved at any step [kW] (the ``per_kw`` cost basis)."""
        return float(np.max(np.abs(self.before_kw - self.after_kw), initial=0.0))


@dataclass(frozen=True)
class MeasureApplication:
    """A load and the measures applied to it, in order.

    Attributes
    ----------
    baseline_kw : pandas.Series
        The load without measures [kW].
    load_kw : pandas.Series
        The load after all of them [kW], same index.
    steps : tuple of MeasureStep
    step_hours : float
        Length of a step [h].
    """

    baseline_kw: pd.Series
    load_kw: pd.Series
    steps: tuple[MeasureStep, ...]
    step_hours: float

    @property
    def notes(self) -> list[Message]:
        """The notes of every step."""
        return [note for step in self.steps for note in step.notes]


def _step_hours(index: pd.DatetimeIndex) -> float:
    if len(index) < 2:
        raise PlannerInputError(Message.of(
            "errors.load.measures_two_steps", "the load needs at least two steps to apply "
            "measures"), field="load")
    return float((index[1] - index[0]).total_seconds() / 3600.0)


def _labels(periods: pd.Series | np.ndarray | None, n: int, measure: Measure) -> np.ndarray:
    if periods is None:
        raise PlannerInputError(Message.of(
            "errors.load.measure_needs_periods", "measure {measure} acts on time-of-use periods: "
            "the tariff's period of each step is needed (plan the scenario with a time-of-use "
            "tariff)", measure=repr(measure.id)), field="measures")
    labels = np.asarray(periods, dtype=object).astype(str)
    if len(labels) != n:
        raise PlannerInputError(Message.of("errors.load.measure_labels",
                                           "the period labels have {count} steps, the load {n}",
                                           count=len(labels), n=n), field="measures")
    return labels


def _known(value: float | None) -> float:
    """A parameter :attr:`Measure.missing` has already checked."""
    if value is None:
        raise ValueError("a measure parameter is still unknown")
    return float(value)


def apply_measure(load_kw: pd.Series, measure: Measure,
                  periods: pd.Series | np.ndarray | None = None, *,
                  masks: Mapping[str, np.ndarray] | None = None) -> MeasureStep:
    """One measure's effect on a load.

    Parameters
    ----------
    load_kw : pandas.Series
        Mean power of each step [kW] on a regular local-time DatetimeIndex (hourly or
        15-minute typical year).
    measure : Measure
        With every parameter of its effect known (:attr:`Measure.missing` empty).
    periods : pandas.Series or numpy.ndarray, optional
        Time-of-use period label of each step (needed by ``shift`` and by ``share`` measures
        limited to periods).
    masks : mapping, optional
        :func:`window_masks` of the index (computed when omitted).

    Returns
    -------
    MeasureStep
        ``share`` removes ``sum(load x s x f) dt``; ``kw_cut`` removes
        ``sum(min(cut_kw, load)) dt``; ``shift`` removes nothing and keeps every day's energy.

    Examples
    --------
    >>> import pandas as pd
    >>> index = pd.date_range("2026-01-05", periods=48, freq="h", tz="Etc/GMT-8")
    >>> lights = resolve_measure("led_lighting", {"end_use_share": 0.2, "saving_fraction": 0.5})
    >>> step = apply_measure(pd.Series(100.0, index=index), lights)
    >>> round(step.kwh_saved, 6)  # 48 h x 100 kW x 0.2 x 0.5
    480.0
    """
    if measure.missing:
        names = [Message.of(f"load.measures.{name}", name) for name in measure.missing]
        raise PlannerInputError(Message.of(
            "errors.load.measure_missing", "the measure “{measure}” needs “{missing}”: the "
            "load data do not give it; enter it with the measure",
            measure=bilingual(measure.name_en, measure.name_zh),
            missing=comma_list(names)), field="measures")
    index = pd.DatetimeIndex(load_kw.index)
    dt = _step_hours(index)
    load = load_kw.to_numpy(dtype=float)
    masks = masks if masks is not None else window_masks(index)
    where = masks[measure.window] & np.isin(index.month.to_numpy(), measure.months)
    notes: tuple[Message, ...] = ()
    if measure.effect == "share":
        if measure.periods:
            where &= np.isin(_labels(periods, len(load), measure), measure.periods)
        share = _known(measure.end_use_share) * _known(measure.saving_fraction)
        cut = np.where(where, load * share, 0.0)
        return MeasureStep(measure, load, load - cut, float(cut.sum() * dt))
    if measure.effect == "kw_cut":
        cut = np.where(where, np.minimum(_known(measure.cut_kw), np.clip(load, 0.0, None)), 0.0)
        return MeasureStep(measure, load, load - cut, float(cut.sum() * dt))
    labels = _labels(periods, len(load), measure)
    source = where & np.isin(labels, measure.from_periods)
    target = np.isin(labels, measure.to_periods)
    local = index.tz_localize(None) if index.tz is not None else index
    _, day = np.unique(local.normalize().asi8, return_inverse=True)
    target_hours = np.bincount(day, weights=target * dt)
    moved = np.where(source & (target_hours[day] > 0), load * _known(measure.shift_fraction),
                     0.0)
    moved_kwh = np.bincount(day, weights=moved * dt, minlength=len(target_hours))
    added = np.where(target, moved_kwh[day] / np.where(target_hours[day] > 0,
                                                       target_hours[day], 1.0), 0.0)
    if not moved.any():
        notes = (Message.of("load.measures.notes.nothing_shifted",
                            "{name}: the tariff has no {source} hours with {target} hours the "
                            "same day, so no load was shifted", name=measure.name_en,
                            source="/".join(measure.from_periods),
                            target="/".join(measure.to_periods)),)
    return MeasureStep(measure, load, load - moved + added, 0.0,
                       kwh_shifted=float(moved.sum() * dt), notes=notes)


def apply_measures(load_kw: pd.Series, measures: Sequence[Measure],
                   periods: pd.Series | np.ndarray | None = None) -> MeasureApplication:
    """Apply measures in order, each to the load the previous ones left.

    Parameters
    ----------
    load_kw : pandas.Series
        The load without measures [kW per step].
    measures : sequence of Measure
        Resolved measures (an empty list returns the load unchanged).
    periods : pandas.Series or numpy.ndarray, optional
        Time-of-use period label of each step.

    Returns
    -------
    MeasureApplication
        The total energy saved is the sum of the steps' ``kwh_saved``.
    """
    index = pd.DatetimeIndex(load_kw.index)
    steps: list[MeasureStep] = []
    current = load_kw.astype(float)
    masks = window_masks(index) if measures else None
    for measure in measures:
        step = apply_measure(current, measure, periods, masks=masks)
        steps.append(step)
        current = pd.Series(step.after_kw, index=index, name=load_kw.name)
    dt = _step_hours(index) if len(index) > 1 else 1.0
    return MeasureApplication(baseline_kw=load_kw.astype(float), load_kw=current,
                              steps=tuple(steps), step_hours=dt)


# --------------------------------------------------------------------------- money and CO2
def _capex(step: MeasureStep) -> float:
    m = step.measure
    if m.capex is not None:
        return float(m.capex)
    if m.cost_basis == "per_annual_kwh":
        return m.cost * (step.kwh_saved + step.kwh_shifted)
    if m.cost_basis == "per_kw":
        return m.cost * step.kw_affected
    return m.cost


def value_measures(application: MeasureApplication, bill_total: Callable[[np.ndarray], float],
                   tco2_per_kwh: float, *, years: float = 1.0) -> list[MeasureResult]:
    """Bill savings, CO2, cost and payback of each applied measure.

    Parameters
    ----------
    application : MeasureApplication
        From :func:`apply_measures` on one year's load.
    bill_total : callable
        The year's bill of a load array [kW per step] -> [currency] (the plan passes the
        tariff's ``compute_bill(...).total``), so demand charges count too.
    tco2_per_kwh : float
        Location-based grid factor [tCO2/kWh] for the energy saved.
    years : float, default 1
        Years the load series spans (its figures are divided by it).

    Returns
    -------
    list of MeasureResult
        In the order applied. Each saving is incremental: the bill of the load before the
        measure minus the bill after it, so the savings add up to the measures' total.
        ``simple_payback_years`` = capex / bill savings (None when nothing is saved).
    """
    out: list[MeasureResult] = []
    before = bill_total(application.baseline_kw.to_numpy(dtype=float))
    for step in application.steps:
        after = bill_total(step.after_kw)
        m = step.measure
        savings = (before - after) / years
        capex = _capex(step)
        out.append(MeasureResult(
            id=m.id, name_en=m.name_en, name_zh=m.name_zh, effect=m.effect,
            parameters=m.parameters(), kwh_saved_per_year=step.kwh_saved / years,
            kwh_shifted_per_year=step.kwh_shifted / years, bill_savings_per_year=savings,
            capex=capex, simple_payback_years=capex / savings if savings > 0 else None,
            life_years=m.life_years, tco2_avoided_per_year=step.kwh_saved / years
            * tco2_per_kwh, source=m.source, date=m.date, status=m.status,
            cost_source=m.cost_source, cost_status=m.cost_status,
            from_data=list(m.data_parameters), user_set=list(m.user_parameters),
            notes=[str(note) for note in step.notes],
        ))
        before = after
    return out


def combined_plan(measures: Sequence[MeasureResult], *, baseline_load_kwh: float,
                  bill_baseline: float, bill_with_system: float, capex_system: float,
                  tco2_system: float) -> MeasuresCombined:
    """The measures beside the PV system: one bill, one investment, one CO2 figure.

    Parameters
    ----------
    measures : sequence of MeasureResult
        From :func:`value_measures`.
    baseline_load_kwh : float
        The year's load without measures [kWh].
    bill_baseline : float
        The year's bill of the load without measures and without the system [currency].
    bill_with_system : float
        The bill with measures, PV and battery [currency].
    capex_system : float
        Investment in PV and battery [currency].
    tco2_system : float
        Year-1 CO2 avoided by the PV [tCO2].
    """
    saved = sum(m.kwh_saved_per_year for m in measures)
    measure_savings = sum(m.bill_savings_per_year for m in measures)
    capex_measures = sum(m.capex for m in measures)
    total_savings = bill_baseline - bill_with_system
    capex = capex_measures + capex_system
    tco2_measures = sum(m.tco2_avoided_per_year for m in measures)
    return MeasuresCombined(
        load_baseline_kwh=baseline_load_kwh, load_after_measures_kwh=baseline_load_kwh - saved,
        kwh_saved_per_year=saved, bill_baseline_annual=bill_baseline,
        bill_after_measures_annual=bill_baseline - measure_savings,
        bill_with_measures_and_system_annual=bill_with_system,
        bill_savings_measures_annual=measure_savings,
        bill_savings_system_annual=total_savings - measure_savings,
        bill_savings_total_annual=total_savings, capex_measures=capex_measures,
        capex_system=capex_system, capex_total=capex,
        simple_payback_measures_years=(capex_measures / measure_savings
                                       if measure_savings > 0 else None),
        simple_payback_total_years=capex / total_savings if total_savings > 0 else None,
        tco2_avoided_measures_per_year=tco2_measures, tco2_avoided_system_per_year=tco2_system,
        tco2_avoided_total_per_year=tco2_measures + tco2_system,
    )
