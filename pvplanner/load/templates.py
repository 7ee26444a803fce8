"""Bill-based load profiles: an industry template scaled to a company's monthly kWh.

No openly licensed hourly load data of Chinese commercial and industrial sites exists, so a
company without a meter export describes its load by 12 monthly bills and the kind of
operation it runs. A template (``data/load_templates/<name>.toml``) holds the daily shapes
of a production day and an idle day, the share of production on each day type, seasonal
factors, a climate (cooling/heating) load and the Spring Festival closure; the method and the
sources are in ``data/load_templates/README.md``.

:func:`load_from_monthly_bills` builds the template's year on the typical-year axis and scales
each month to the bill exactly; with a bill's time-of-use split (sharp/peak/flat/valley kWh per
month) it scales each period within each month as well.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.errors import PlannerInputError
from pvplanner.guard.files import ENCODING_ADVICE, decode_text, os_reason
from pvplanner.guard.toml_words import toml_detail
from pvplanner.holidays import day_types, holiday_dates
from pvplanner.messages import Message, bilingual, listing
from weather.datafiles import data_path
from weather.timeaxis import TYPICAL_YEAR, typical_year_index

__all__ = [
    "PERIODS",
    "LoadProfile",
    "LoadTemplate",
    "get_template",
    "list_templates",
    "load_from_annual_kwh",
    "load_from_monthly_bills",
    "template_monthly_shares",
    "template_shape",
]

#: Time-of-use period labels, most to least expensive.
PERIODS = ("sharp", "peak", "flat", "valley", "deep_valley")

_TEMPLATE_DIR = ("load_templates",)
_NOT_TEMPLATES = {"load_rules"}
# Bills whose period kWh and total differ by more than this are rejected (relative);
# smaller differences (rounding on the bill) are resolved in favour of the period values.
_PERIOD_TOTAL_TOLERANCE = 0.02


@dataclass(frozen=True)
class LoadTemplate:
    """An industry load template (see ``data/load_templates/README.md``).

    Shapes are relative power per hour of day (hour 0 = 00:00-01:00 local standard time).
    """

    name: str
    name_zh: str
    description: str
    description_zh: str
    industries: tuple[str, ...]
    source: str
    year: int
    status: str
    operating: np.ndarray  # (24,) production day
    idle: np.ndarray  # (24,) production stopped
    day_activity: Mapping[str, float]  # workday, saturday, sunday, holiday
    production: np.ndarray  # (12,) production level by month
    climate: np.ndarray  # (12,) climate load by month, relative mean power
    climate_shape: np.ndarray  # (24,) normalised to mean 1
    climate_follows_activity: bool
    spring_festival: Mapping[str, float]
    #: The template's name in English (``Three shifts, continuous``); empty: made from its id.
    name_en: str = ""

    def summary(self) -> dict[str, Any]:
        """Name, Chinese name, descriptions, industries, source and status."""
        return {
            "name": self.name,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "description": self.description,
            "description_zh": self.description_zh,
            "industries": list(self.industries),
            "source": self.source,
            "status": self.status,
        }


@dataclass
class LoadProfile:
    """A load built from bills and a template, on the typical-year axis.

    Attributes
    ----------
    load_kw : pandas.Series
        Average power of each interval [kW] on ``typical_year_index(offset, interval)``.
    template : str
        Template name.
    monthly_kwh : list of float
        Energy of each month of the profile [kWh] (equal to the bills).
    period_kwh : dict, optional
        Energy per time-of-use period and month [kWh] when periods were given.
    notes : list of str
        What was assumed or resolved (closures, bill rounding...).
    """

    load_kw: pd.Series
    template: str
    monthly_kwh: list[float]
    period_kwh: dict[str, list[float]] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def interval_minutes(self) -> int:
        """Step of :attr:`load_kw` [min]."""
        step = self.load_kw.index[1] - self.load_kw.index[0]
        return int(step.total_seconds() // 60)

    @property
    def annual_kwh(self) -> float:
        """Energy of the year [kWh]."""
        return float(self.load_kw.sum() * self.interval_minutes / 60.0)

    def to_hourly(self) -> LoadProfile:
        """The same profile as hourly means; ``self`` if already hourly."""
        if self.interval_minutes == 60:
            return self
        per_hour = 60 // self.interval_minutes
        values = self.load_kw.to_numpy(dtype=float).reshape(-1, per_hour).mean(axis=1)
        offset = self.load_kw.index[0].utcoffset().total_seconds() / 3600.0
        index = typical_year_index(offset, 60)
        return replace(self, load_kw=pd.Series(values, index=index, name="load_kw"))


# --------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------


def _template_paths() -> dict[str, Path]:
    folder = data_path(*_TEMPLATE_DIR)
    return {p.stem: p for p in sorted(folder.glob("*.toml")) if p.stem not in _NOT_TEMPLATES}


def list_templates() -> list[dict[str, Any]]:
    """The shipped templates: name, name_zh, description (en, zh), industries, status."""
    return [get_template(name).summary() for name in _template_paths()]


def get_template(template: str | LoadTemplate) -> LoadTemplate:
    """A template by name (``list_templates()``) or by path of a TOML file of the same form."""
    if isinstance(template, LoadTemplate):
        return template
    paths = _template_paths()
    name = str(template).strip()
    if name in paths:
        return _load_template_file(str(paths[name]))
    # A file only by a name that ends in ".toml" as written: the test the app confines
    # template paths by (pvplanner.guard.paths.is_template_path). Path() would also take
    # "x.toml/" or "x.toml/." for x.toml, a file the app never checked.
    if name.lower().endswith(".toml") and "\0" not in name and Path(name).is_file():
        return _load_template_file(str(Path(name).resolve()))
    raise PlannerInputError(
        Message.of("errors.load.unknown_template",
                   "unknown load template {template!r}: choose one of {ids} or give the path of "
                   "a template .toml file", template=name, ids=listing(paths)),
        field="template",
    )


def _load_template_file(path: str) -> LoadTemplate:
    stat = Path(path).stat()
    return _parse_template_file(path, stat.st_mtime_ns, stat.st_size)


@cache
def _parse_template_file(path: str, mtime_ns: int, size: int) -> LoadTemplate:
    """Parse and check a template file (cached per path and modification time)."""
    where = Path(path).name
    try:
        with open(path, "rb") as handle:
            text, _ = decode_text(handle.read(), where, advice=ENCODING_ADVICE["text"])
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlannerInputError(
            Message.of("errors.load.template_toml", "load template {where} is not valid "
                       "TOML{detail}", where=where, detail=toml_detail(exc, text)),
            field="template"
        ) from None
    except OSError as exc:
        raise PlannerInputError(
            Message.of("errors.load.template_unreadable",
                       "load template {where} cannot be read: {detail}", where=where,
                       detail=os_reason(exc)), field="template"
        ) from None

    def get(section: dict, key: str, what: str) -> Any:
        if key not in section:
            raise PlannerInputError(Message.of("errors.load.template_missing",
                                               "load template {where}: '{what}' is missing",
                                               where=where, what=what), field="template")
        return section[key]

    def vector(
        section: dict, key: str, length: int, what: str, positive: bool = False
    ) -> np.ndarray:
        values = get(section, key, what)
        try:
            array = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            array = np.array([])
        if array.shape != (length,) or not np.all(np.isfinite(array)) or (array < 0).any():
            raise PlannerInputError(
                Message.of("errors.load.template_numbers",
                           "load template {where}: '{what}' must be {length} non-negative numbers",
                           where=where, what=what, length=length),
                field="template",
            )
        if positive and not array.sum() > 0:
            raise PlannerInputError(
                Message.of("errors.load.template_all_zero",
                           "load template {where}: '{what}' must not be all zero", where=where,
                           what=what), field="template"
            )
        return array

    activity = get(raw, "day_activity", "day_activity")
    seasonal = get(raw, "seasonal", "seasonal")
    festival = get(raw, "spring_festival", "spring_festival")
    day_activity = {}
    for key in ("workday", "saturday", "sunday", "holiday"):
        value = float(get(activity, key, f"day_activity.{key}"))
        if not 0 <= value <= 1:
            raise PlannerInputError(
                Message.of("errors.load.template_activity",
                           "load template {where}: day_activity.{key}={value} is outside 0..1",
                           where=where, key=key, value=value),
                field="template",
            )
        day_activity[key] = value
    sf = {}
    for key in (
        "close_days_before",
        "reopen_days_after",
        "ramp_down_days",
        "ramp_up_days",
        "activity",
    ):
        value = float(get(festival, key, f"spring_festival.{key}"))
        if value < 0 or (key == "activity" and value > 1) or (key != "activity" and value > 60):
            raise PlannerInputError(
                Message.of("errors.load.template_festival",
                           "load template {where}: spring_festival.{key}={value} is out of range",
                           where=where, key=key, value=value),
                field="template",
            )
        sf[key] = value
    shape = vector(seasonal, "climate_shape", 24, "seasonal.climate_shape", positive=True)
    return LoadTemplate(
        name=str(get(raw, "name", "name")),
        name_zh=str(raw.get("name_zh", "")),
        name_en=str(raw.get("name_en", "")),
        description=str(raw.get("description", "")),
        description_zh=str(raw.get("description_zh", "")),
        industries=tuple(str(i) for i in raw.get("industries", [])),
        source=str(get(raw, "source", "source")),
        year=int(raw.get("year", TYPICAL_YEAR)),
        status=str(get(raw, "status", "status")),
        operating=vector(raw, "operating", 24, "operating", positive=True),
        idle=vector(raw, "idle", 24, "idle"),
        day_activity=day_activity,
        production=vector(seasonal, "production", 12, "seasonal.production"),
        climate=vector(seasonal, "climate", 12, "seasonal.climate"),
        climate_shape=shape / shape.mean(),
        climate_follows_activity=bool(seasonal.get("climate_follows_activity", True)),
        spring_festival=sf,
    )


def daily_activity(
    template: str | LoadTemplate, year: int = TYPICAL_YEAR
) -> tuple[pd.DatetimeIndex, np.ndarray, list[str]]:
    """Share of production (0..1) on each day of ``year`` and notes.

    A day's activity is ``day_activity`` of its day type (Saturdays and Sundays apart; make-up
    workdays are workdays). Around the Spring Festival the plant is closed from
    ``close_days_before`` days before the official holiday to ``reopen_days_after`` days
    after it at ``activity``, with linear ramps of ``ramp_down_days`` and ``ramp_up_days``.
    """
    tpl = get_template(template)
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    info = day_types(days)
    kind = info["day_type"].to_numpy(dtype=object)
    weekday = days.day_of_week.to_numpy()
    a = tpl.day_activity
    activity = np.where(
        kind == "workday",
        a["workday"],
        np.where(
            kind == "holiday", a["holiday"], np.where(weekday == 5, a["saturday"], a["sunday"])
        ),
    ).astype(float)
    notes: list[str] = []
    sf = tpl.spring_festival
    block = holiday_dates(year, "Spring Festival")
    if not len(block):
        notes.append(Message.of(
            "notes.load.no_holiday_table",
            "the holiday table does not cover {year}: no Spring Festival closure modelled",
            year=year,
        ))
        return days, activity, notes
    level = sf["activity"]
    first = days.get_loc(block[0]) - int(sf["close_days_before"])
    last = days.get_loc(block[-1]) + int(sf["reopen_days_after"])
    if level < 1.0:
        lo, hi = max(first, 0), min(last, len(days) - 1)
        activity[lo : hi + 1] = np.minimum(activity[lo : hi + 1], level)
        n_down, n_up = int(sf["ramp_down_days"]), int(sf["ramp_up_days"])
        for p in range(1, n_down + 1):  # p = 1 is the first ramp day, far from the closure
            k = first - n_down - 1 + p
            if 0 <= k < len(days):
                activity[k] *= 1.0 - (1.0 - level) * p / (n_down + 1)
        for q in range(1, n_up + 1):
            k = last + q
            if 0 <= k < len(days):
                activity[k] *= level + (1.0 - level) * q / (n_up + 1)
        notes.append(Message.of(
            "notes.load.spring_festival",
            "Spring Festival closure {start} to {end} at {percent:.0f}% activity (ramp-down "
            "days before it: {down}; ramp-up days after it: {up})",
            start=_day_of_year(days[lo]), end=_day_of_year(days[hi]), percent=100 * level,
            down=n_down, up=n_up,
        ))
    return days, activity, notes


#: English month abbreviations (not the machine's locale).
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day_of_year(day: pd.Timestamp) -> dict[str, str]:
    """A day of the typical year without its year (``12 Feb``, ``2月12日``): the typical
    year stands for every year of the plan, and its calendar's year (2026) read beside a
    later commissioning date looked like a closure before the plant exists."""
    return bilingual(f"{day.day} {_MONTHS[day.month - 1]}", f"{day.month}月{day.day}日")


def template_shape(
    template: str | LoadTemplate,
    *,
    utc_offset_hours: float = 8.0,
    interval_minutes: int = 60,
    year: int = TYPICAL_YEAR,
) -> pd.Series:
    """The template's unscaled year [relative kW] on the typical-year axis.

    ``load(d, h) = production[m] * w_d * operating[h] + (1 - w_d) * idle[h]
    + climate[m] * c_d * climate_shape[h]`` with ``w_d`` the day's activity
    (:func:`daily_activity`) and ``c_d = w_d`` if the climate load follows activity, else 1.
    """
    tpl = get_template(template)
    _check_interval(interval_minutes)
    days, activity, _ = daily_activity(tpl, year)
    month = days.month.to_numpy() - 1
    w = activity[:, None]
    climate_weight = w if tpl.climate_follows_activity else np.ones_like(w)
    hourly = (
        tpl.production[month][:, None] * w * tpl.operating[None, :]
        + (1.0 - w) * tpl.idle[None, :]
        + tpl.climate[month][:, None] * climate_weight * tpl.climate_shape[None, :]
    )
    values = np.repeat(hourly.reshape(-1), 60 // interval_minutes)
    index = typical_year_index(float(utc_offset_hours), interval_minutes, year)
    return pd.Series(values, index=index, name="load_kw")


def template_monthly_shares(template: str | LoadTemplate, year: int = TYPICAL_YEAR) -> np.ndarray:
    """Share of the year's energy in each month (12 values summing to 1) of the template."""
    shape = template_shape(template, year=year)
    monthly = shape.groupby(shape.index.month).sum().to_numpy(dtype=float)
    return monthly / monthly.sum()


# --------------------------------------------------------------------------------------
# Scaling to bills
# --------------------------------------------------------------------------------------


def load_from_monthly_bills(
    monthly_kwh: Sequence[float],
    template: str | LoadTemplate,
    *,
    utc_offset_hours: float = 8.0,
    monthly_period_kwh: Mapping[str, Sequence[float]] | None = None,
    period_labels: pd.Series | None = None,
    interval_minutes: int = 60,
) -> LoadProfile:
    """A load profile whose months match 12 electricity bills exactly.

    Parameters
    ----------
    monthly_kwh : sequence of 12 floats
        Consumption of January..December [kWh].
    template : str or LoadTemplate
        Template name (:func:`list_templates`) or a template file path.
    utc_offset_hours : float, default 8.0
        Local standard time of the site [h].
    monthly_period_kwh : mapping, optional
        Bill split by time-of-use period: ``{"peak": [12 values], "valley": [...], ...}``
        [kWh] with keys from :data:`PERIODS`. Periods not given share the rest of the month's
        total in the template's proportions.
    period_labels : pandas.Series, optional
        Time-of-use period of each step of the profile (same length and axis; hourly labels
        are repeated for a 15-minute profile). Required with ``monthly_period_kwh``.
    interval_minutes : {60, 15}
        Step of the result [min].

    Returns
    -------
    LoadProfile

    Raises
    ------
    PlannerInputError
        For a wrong number of months, negative or non-finite kWh, an unknown template or
        period, a period billed in a month where it has no hours, or period kWh that do not
        add up to the month's total.
    """
    bills = _check_monthly(monthly_kwh, "monthly_kwh")
    tpl = get_template(template)
    shape = template_shape(
        tpl, utc_offset_hours=utc_offset_hours, interval_minutes=interval_minutes
    )
    _, _, notes = daily_activity(tpl)
    hours = interval_minutes / 60.0
    month = shape.index.month.to_numpy() - 1
    energy = shape.to_numpy(dtype=float) * hours
    if monthly_period_kwh is None:
        template_month = np.bincount(month, weights=energy, minlength=12)
        factor = bills / template_month
        values = shape.to_numpy(dtype=float) * factor[month]
        period_out = None
    else:
        labels = _check_labels(period_labels, shape.index, interval_minutes)
        split = {
            k: _check_monthly(v, f"monthly_period_kwh.{k}", allow_zero=True)
            for k, v in _check_period_keys(monthly_period_kwh).items()
        }
        values, period_out, bills, more = _scale_by_period(
            shape, energy, month, labels, bills, split
        )
        notes += more
    load = pd.Series(values, index=shape.index, name="load_kw")
    monthly = np.bincount(month, weights=values * hours, minlength=12)
    return LoadProfile(
        load_kw=load,
        template=tpl.name,
        monthly_kwh=[float(v) for v in monthly],
        period_kwh=period_out,
        notes=notes,
    )


def load_from_annual_kwh(
    annual_kwh: float,
    template: str | LoadTemplate,
    *,
    utc_offset_hours: float = 8.0,
    interval_minutes: int = 60,
) -> LoadProfile:
    """A load profile of ``annual_kwh`` [kWh] split over months by the template's shares.

    See :func:`template_monthly_shares` and :func:`load_from_monthly_bills`.
    """
    try:
        total = float(annual_kwh)
    except (TypeError, ValueError):
        total = float("nan")
    if not math.isfinite(total) or total <= 0:
        raise PlannerInputError(
            Message.of("errors.load.annual_kwh",
                       "annual consumption {value} kWh must be a positive number",
                       value=repr(annual_kwh)),
            field="annual_kwh",
        )
    shares = template_monthly_shares(template)
    profile = load_from_monthly_bills(
        list(total * shares),
        template,
        utc_offset_hours=utc_offset_hours,
        interval_minutes=interval_minutes,
    )
    profile.notes.append(Message.of(
        "notes.load.template_shares", "monthly split from the template's shares: {shares}",
        shares=", ".join(f"{100 * s:.1f}%" for s in shares),
    ))
    return profile


def _check_interval(interval_minutes: int) -> None:
    if interval_minutes not in (15, 60):
        raise PlannerInputError(
            Message.of("errors.load.interval", "interval_minutes={minutes} is not 60 or 15",
                       minutes=str(interval_minutes)), field="interval_minutes"
        )


def _check_monthly(values: Sequence[float], name: str, allow_zero: bool = True) -> np.ndarray:
    try:
        array = np.asarray(list(values), dtype=float)
    except (TypeError, ValueError):
        raise PlannerInputError(
            Message.of("errors.load.monthly_numbers",
                       "{name} must be 12 numbers (January..December) in kWh", name=name),
            field=name
        ) from None
    if array.shape != (12,):
        raise PlannerInputError(
            Message.of("errors.load.monthly_count",
                       "{name} must have 12 values (January..December), got {count}", name=name,
                       count=int(array.size)), field=name
        )
    for k, value in enumerate(array):
        if not math.isfinite(value) or value < 0:
            raise PlannerInputError(
                Message.of("errors.load.monthly_value",
                           "{name}[{k}] (month {month}) = {value} kWh: must be a number >= 0",
                           name=name, k=k, month=k + 1, value=float(value)),
                field=f"{name}[{k}]",
            )
    if name == "monthly_kwh" and not array.sum() > 0:
        raise PlannerInputError(Message.of("errors.load.monthly_zero",
                                           "monthly_kwh are all zero: enter the bills' kWh"),
                                field=name)
    return array


def _check_period_keys(split: Mapping[str, Sequence[float]]) -> dict[str, Sequence[float]]:
    out = {}
    for key, value in split.items():
        name = str(key).strip().lower().replace("-", "_").replace(" ", "_")
        if name not in PERIODS:
            raise PlannerInputError(
                Message.of("errors.load.unknown_period",
                           "monthly_period_kwh has an unknown period {period}: use {periods}",
                           period=repr(key), periods=", ".join(PERIODS)),
                field=f"monthly_period_kwh.{key}",
            )
        out[name] = value
    return out


def _check_labels(
    labels: pd.Series | None, index: pd.DatetimeIndex, interval_minutes: int
) -> np.ndarray:
    if labels is None:
        raise PlannerInputError(
            Message.of("errors.load.needs_labels",
                       "monthly_period_kwh needs period_labels: the time-of-use period of every "
                       "step (from the tariff)"),
            field="period_labels",
        )
    values = np.asarray(pd.Series(labels).astype(str).str.strip().str.lower(), dtype=object)
    if len(values) * (60 // interval_minutes) == len(index) and interval_minutes == 15:
        values = np.repeat(values, 4)
    if len(values) != len(index):
        raise PlannerInputError(
            Message.of("errors.load.labels_length",
                       "period_labels has {count} steps but the profile has {n} ({minutes}-minute "
                       "steps of the typical year): build both on the same axis (use "
                       "interval_minutes=15 for 15-minute labels)", count=len(values),
                       n=len(index), minutes=interval_minutes),
            field="period_labels",
        )
    unknown = sorted(set(values) - set(PERIODS))
    if unknown:
        k = int(np.flatnonzero(~np.isin(values, PERIODS))[0])
        raise PlannerInputError(
            Message.of("errors.load.label_unknown",
                       "period_labels[{k}] = {label} is not a period; use {periods}", k=k,
                       label=repr(unknown[0]), periods=", ".join(PERIODS)),
            field="period_labels",
        )
    return values


def _scale_by_period(
    shape: pd.Series,
    energy: np.ndarray,
    month: np.ndarray,
    labels: np.ndarray,
    bills: np.ndarray,
    split: dict[str, np.ndarray],
) -> tuple[np.ndarray, dict[str, list[float]], np.ndarray, list[str]]:
    """Scale each (month, period) block of the template to its billed kWh."""
    values = shape.to_numpy(dtype=float).copy()
    hours_per_step = energy[0] / values[0] if values[0] else 1.0
    out = {k: [0.0] * 12 for k in PERIODS}
    notes: list[str] = []
    bills = bills.copy()
    for m in range(12):
        in_month = month == m
        present = [k for k in PERIODS if np.any(in_month & (labels == k))]
        for k, series in split.items():
            if series[m] > 0 and k not in present:
                # the period's name in the reader's language, from the app's own names
                raise PlannerInputError(
                    Message.of("errors.load.bill_period_no_hours",
                               "month {month}: the bill has {kwh:g} kWh in period '{period}' but "
                               "the tariff has no '{period}' hours in that month: check the "
                               "bill or the tariff", month=m + 1, kwh=float(series[m]),
                               period=Message(f"common.periods.{k}", k)),
                    field=f"monthly_period_kwh.{k}[{m}]",
                )
        given = {k: float(split[k][m]) for k in split if k in present}
        rest = [k for k in present if k not in split]
        targets: dict[str, float] = dict(given)
        given_total = sum(given.values())
        if rest:
            remainder = bills[m] - given_total
            if remainder < -1e-9 * max(bills[m], 1.0):
                raise PlannerInputError(
                    Message.of("errors.load.period_exceed",
                               "month {month}: the period kWh ({given:,.1f}) exceed the month's "
                               "total ({total:,.1f} kWh): check monthly_kwh and "
                               "monthly_period_kwh", month=m + 1, given=float(given_total),
                               total=float(bills[m])),
                    field=f"monthly_kwh[{m}]",
                )
            remainder = max(remainder, 0.0)
            base = {k: energy[in_month & (labels == k)].sum() for k in rest}
            base_total = sum(base.values())
            for k in rest:
                targets[k] = remainder * (base[k] / base_total if base_total > 0 else 1 / len(rest))
        else:
            difference = given_total - bills[m]
            if abs(difference) > 1e-9 * max(bills[m], 1.0):
                if abs(difference) > _PERIOD_TOTAL_TOLERANCE * max(bills[m], 1.0):
                    raise PlannerInputError(
                        Message.of("errors.load.period_mismatch",
                                   "month {month}: the period kWh add up to {given:,.1f} but the "
                                   "month's total is {total:,.1f} kWh (more than "
                                   "{tolerance:g}% apart): check the bill", month=m + 1,
                                   given=float(given_total), total=float(bills[m]),
                                   tolerance=100 * _PERIOD_TOTAL_TOLERANCE),
                        field=f"monthly_kwh[{m}]",
                    )
                notes.append(Message.of(
                    "notes.load.period_total",
                    "month {month}: the period kWh add up to {periods:,.1f}, the total is "
                    "{total:,.1f} kWh: the period values were used",
                    month=m + 1, periods=float(given_total), total=float(bills[m]),
                ))
                bills[m] = given_total
        for k, target in targets.items():
            block = in_month & (labels == k)
            current = energy[block].sum()
            if current > 0:
                values[block] *= target / current
            elif target > 0:
                values[block] = target / (block.sum() * hours_per_step)
            out[k][m] = float(target)
    used = {k: v for k, v in out.items() if any(v) or k in split}
    return values, used, bills, notes
