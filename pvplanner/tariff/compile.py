"""Tariff checks and compilation: schedules and prices as small integer / float tables.

:func:`compile_tariff` checks what a field constraint of :class:`~pvplanner.tariff.model.Tariff`
cannot (24 h coverage, overlaps, period and holiday names, months in exactly one season,
prices) and raises :class:`~pvplanner.errors.TariffError` naming the season, day type and
time at fault. Its result is what :mod:`pvplanner.tariff.schedule` indexes with whole arrays.
Schedules have a 15-minute resolution (Jiangsu's 19:30-21:30 sharp window needs it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pvplanner.errors import TariffError
from pvplanner.holidays import DAY_TYPES, holiday_table
from pvplanner.messages import Message
from pvplanner.tariff.coal import coal_benchmark_price
from pvplanner.tariff.kept import Kept

if TYPE_CHECKING:  # the model imports this module: types only, to avoid a cycle
    from pvplanner.tariff.model import DaySchedule, PeriodBlock, PriceLevels, Tariff

__all__ = [
    "PERIODS",
    "PERIODS_ZH",
    "SLOTS_PER_DAY",
    "SLOT_MINUTES",
    "CompiledOverride",
    "CompiledTariff",
    "compile_tariff",
]

#: Time-of-use period names, most expensive first (ties in a step's label go to the first).
PERIODS: tuple[str, ...] = ("sharp", "peak", "flat", "valley", "deep_valley")
#: Chinese names of :data:`PERIODS`, for reports.
PERIODS_ZH: dict[str, str] = {
    "sharp": "尖峰",
    "peak": "高峰",
    "flat": "平段",
    "valley": "低谷",
    "deep_valley": "深谷",
}
SLOT_MINUTES = 15
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES
_PERIOD_CODE = {name: code for code, name in enumerate(PERIODS)}

# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledOverride:
    """A :class:`PeriodOverride` as masks: which months / day types / holidays, which slots."""

    label: str
    months: np.ndarray  # (12,) bool, month 1 at index 0
    day_types: np.ndarray  # (3,) bool, order of DAY_TYPES
    holidays: frozenset[str] | None
    first_days: int | None
    month_days: np.ndarray | None  # sorted month * 100 + day codes; None = every day
    slots: np.ndarray  # (96,) int8 period code, -1 = unchanged


@dataclass(frozen=True)
class CompiledTariff:
    """Schedules and prices of a tariff as arrays."""

    table: np.ndarray  # (12, 3, 96) int8 period code per month, day type, quarter hour
    overrides: tuple[CompiledOverride, ...]
    prices: np.ndarray  # (5,) price per period [currency/kWh]; NaN where unused
    used_periods: frozenset[str]


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _parse_time(value: str | int, where: str, *, is_end: bool) -> int:
    """Minutes after midnight of ``"HH:MM"`` (or a whole hour), on a quarter hour."""
    if isinstance(value, bool):
        raise TariffError(Message.of("errors.tariff.time_not_time",
                                     "{where}: time {value} is not a time of day; write 'HH:MM'",
                                     where=where, value=repr(value)))
    if isinstance(value, int):
        minutes = value * 60
    else:
        text = str(value).strip()
        try:
            hours_text, minutes_text = text.split(":")
            minutes = int(hours_text) * 60 + int(minutes_text)
            if not 0 <= int(minutes_text) < 60:
                raise ValueError
        except ValueError:
            raise TariffError(Message.of("errors.tariff.time_format",
                                         "{where}: time {value} is not 'HH:MM' (e.g. '07:30')",
                                         where=where, value=repr(value))) from None
    upper = 24 * 60 if is_end else 24 * 60 - 1
    if not 0 <= minutes <= upper:
        raise TariffError(Message.of("errors.tariff.time_range",
                                     "{where}: time {value} is outside 00:00-24:00",
                                     where=where, value=repr(value)))
    if minutes % SLOT_MINUTES:
        raise TariffError(Message.of(
            "errors.tariff.time_quarter", "{where}: time {value} is not on a quarter hour; "
            "schedules have a {minutes}-minute resolution", where=where, value=repr(value),
            minutes=SLOT_MINUTES))
    return minutes


def _period_code(name: object, where: str) -> int:
    try:
        return _PERIOD_CODE[str(name)]
    except KeyError:
        raise TariffError(Message.of(
            "errors.tariff.unknown_period", "{where}: unknown period {name}; use one of {periods}",
            where=where, name=repr(name), periods=", ".join(PERIODS))) from None


def _block_slots(block: PeriodBlock, where: str) -> np.ndarray:
    start = _parse_time(block.start, where, is_end=False)
    end = _parse_time(block.end, where, is_end=True)
    if start == end:
        raise TariffError(Message.of(
            "errors.tariff.empty_block",
            "{where}: block {start}-{end} is empty; use '00:00'-'24:00' for a whole day",
            where=where, start=_clock(start), end=_clock(end)))
    first, last = start // SLOT_MINUTES, end // SLOT_MINUTES
    if end > start:
        return np.arange(first, last)
    # Wraps past midnight, e.g. Jiangsu spring/autumn flat 22:00-02:00.
    return np.concatenate([np.arange(first, SLOTS_PER_DAY), np.arange(0, last)])


def _describe(block: PeriodBlock) -> str:
    return f"{block.period!r} {block.start}-{block.end}"


def _compile_slots(entries: DaySchedule, where: str, *, full_day: bool) -> np.ndarray:
    """Period code per quarter hour (-1 where not given); checks overlaps and coverage."""
    codes = np.full(SLOTS_PER_DAY, -1, dtype=np.int8)
    if entries and all(isinstance(entry, str) for entry in entries):
        n = len(entries)
        if n not in (24, 48, 96):
            raise TariffError(Message.of(
                "errors.tariff.period_list_length", "{where}: a list of period names needs 24 "
                "(hourly), 48 (half-hourly) or 96 (quarter-hourly) entries, got {n}",
                where=where, n=n))
        width = SLOTS_PER_DAY // n
        for i, name in enumerate(entries):
            code = _period_code(name, Message.of("errors.tariff.where_at", "{where} at {time}",
                                                 where=where,
                                                 time=_clock(i * width * SLOT_MINUTES)))
            codes[i * width : (i + 1) * width] = code
        return codes
    blocks: list[PeriodBlock] = []
    for entry in entries:
        if isinstance(entry, str):  # a validated schedule never mixes the two forms
            raise TariffError(Message.of(
                "errors.tariff.mixed_schedule", "{where}: mixes period names and time blocks; "
                "give either 24, 48 or 96 period names or a list of blocks", where=where))
        blocks.append(entry)
    owner = np.full(SLOTS_PER_DAY, -1, dtype=int)
    for i, block in enumerate(blocks):
        code = _period_code(block.period, Message.of(
            "errors.tariff.where_block", "{where} block {block}", where=where,
            block=_describe(block)))
        slots = _block_slots(block, f"{where} block {_describe(block)}")
        taken = slots[owner[slots] >= 0]
        if len(taken):
            other = blocks[owner[taken[0]]]
            raise TariffError(Message.of(
                "errors.tariff.block_overlap", "{where}: block {block} overlaps {other} at "
                "{at}; each time of day needs exactly one period", where=where,
                block=_describe(block), other=_describe(other),
                at=_clock(int(taken[0]) * SLOT_MINUTES)))
        owner[slots] = i
        codes[slots] = code
    if full_day and (codes < 0).any():
        missing = np.flatnonzero(codes < 0)
        run_end = missing[0]
        while run_end + 1 < SLOTS_PER_DAY and codes[run_end + 1] < 0:
            run_end += 1
        raise TariffError(Message.of(
            "errors.tariff.not_covered",
            "{where}: {start}-{end} is not covered; the schedule must cover 24 h", where=where,
            start=_clock(int(missing[0]) * SLOT_MINUTES),
            end=_clock(int(run_end + 1) * SLOT_MINUTES)))
    return codes


def _month_mask(months: list[int]) -> np.ndarray:
    mask = np.zeros(12, dtype=bool)
    mask[np.asarray(months or range(1, 13), dtype=int) - 1] = True
    return mask


def _compile_table(tariff: Tariff) -> np.ndarray:
    table = np.full((12, len(DAY_TYPES), SLOTS_PER_DAY), -1, dtype=np.int8)
    names: set[str] = set()
    season_of_month: dict[int, str] = {}
    for s, season in enumerate(tariff.seasons):
        if season.name in names:
            raise TariffError(
                Message.of("errors.tariff.season_twice",
                           "season name {season} is used twice; season names must be unique",
                           season=repr(season.name)),
                field=f"tariff.seasons[{s}].name",
            )
        names.add(season.name)
        for month in season.months:
            if month in season_of_month:
                raise TariffError(
                    Message.of("errors.tariff.month_two_seasons",
                               "month {month} is in both season {first} and season {second}; "
                               "each month belongs to exactly one season", month=month,
                               first=repr(season_of_month[month]), second=repr(season.name)),
                    field=f"tariff.seasons[{s}].months",
                )
            season_of_month[month] = season.name
        for d, day_type in enumerate(DAY_TYPES):
            # the day type in the reader's language, from the app's own names
            where = Message.of("errors.tariff.where_season", "season {season}, {day_type}",
                               season=repr(season.name),
                               day_type=Message(f"common.day_types.{day_type}", day_type))
            codes = _compile_slots(season.schedule(day_type), where, full_day=True)
            table[np.asarray(season.months) - 1, d] = codes
    missing = sorted(set(range(1, 13)) - set(season_of_month))
    if missing:
        raise TariffError(
            Message.of("errors.tariff.months_no_season",
                       "months {months} are in no season; every month 1-12 needs a season",
                       months=str(missing)),
            field="tariff.seasons",
        )
    return table


def _compile_overrides(tariff: Tariff) -> tuple[CompiledOverride, ...]:
    known = set(holiday_table(tariff.country)["name"])
    compiled = []
    for i, rule in enumerate(tariff.overrides):
        if not rule.enabled:
            continue
        where = Message.of("errors.tariff.where_override", "override {label}",
                           label=repr(rule.label or i))
        unknown = sorted(set(rule.holidays) - known)
        if unknown:
            valid = ", ".join(sorted(known)) or Message.of(
                "errors.tariff.no_holiday_table", "none: country {country} has no table",
                country=repr(tariff.country))
            raise TariffError(
                Message.of("errors.tariff.unknown_holiday",
                           "{where}: unknown holiday {unknown}; valid names are {valid}",
                           where=where, unknown=str(unknown), valid=valid),
                field=f"tariff.overrides[{i}].holidays",
            )
        day_types = np.array(
            [not rule.day_types or d in rule.day_types for d in DAY_TYPES], dtype=bool
        )
        holiday_only = bool(rule.holidays) or rule.first_days is not None
        if holiday_only:
            day_types &= np.array([d == "holiday" for d in DAY_TYPES])
        compiled.append(
            CompiledOverride(
                label=rule.label,
                months=_month_mask(rule.months),
                day_types=day_types,
                holidays=frozenset(rule.holidays) if rule.holidays else None,
                first_days=rule.first_days,
                month_days=(
                    None
                    if rule.dates is None
                    else np.unique(np.array([d.month * 100 + d.day for d in rule.dates], int))
                ),
                slots=_compile_slots(rule.blocks, where, full_day=False),
            )
        )
    return tuple(compiled)


def _check_price(value: float, where: str) -> float:
    if not math.isfinite(value) or value < 0:
        raise TariffError(
            Message.of("errors.tariff.price_invalid",
                       "{where} = {value}: energy prices must be finite and >= 0 [currency/kWh]",
                       where=where, value=repr(value)),
            field=f"tariff.{where}",
        )
    return float(value)


def _compile_prices(prices: PriceLevels) -> np.ndarray:
    out = np.full(len(PERIODS), np.nan)
    if prices.mode == "explicit":
        if not prices.per_kwh:
            raise TariffError(
                Message.of("errors.tariff.explicit_no_prices",
                           "prices.mode is 'explicit' but prices.per_kwh is empty; give a price "
                           "per period, e.g. per_kwh = {{ peak = 1.14, flat = 0.67, "
                           "valley = 0.26 }}"),
                field="tariff.prices.per_kwh",
            )
        for name, value in prices.per_kwh.items():
            code = _period_code(name, "prices.per_kwh")
            out[code] = _check_price(value, f"prices.per_kwh[{name!r}]")
        return out
    if prices.floating_part_per_kwh is None or not prices.ratios:
        raise TariffError(
            Message.of("errors.tariff.ratio_missing",
                       "prices.mode is 'ratio' but floating_part_per_kwh or ratios is missing; "
                       "give the flat price's floating part and a ratio per period"),
            field="tariff.prices",
        )
    floating = _check_price(prices.floating_part_per_kwh, "prices.floating_part_per_kwh")
    fixed = _check_price(prices.fixed_part_per_kwh, "prices.fixed_part_per_kwh")
    for name, ratio in prices.ratios.items():
        code = _period_code(name, "prices.ratios")
        out[code] = fixed + floating * _check_price(ratio, f"prices.ratios[{name!r}]")
    return out


def _check_charges(tariff: Tariff) -> None:
    for i, charge in enumerate(tariff.demand_charges):
        for name in charge.periods:
            _period_code(name, f"demand_charges[{i}].periods")
        _check_tiers([t.max_kw for t in charge.tiers], f"demand_charges[{i}].tiers")
    _check_tiers([t.max_kwh_per_month for t in tariff.energy_tiers], "energy_tiers")
    if tariff.basic_charge_basis == "capacity":
        capacity = tariff.capacity_charge
        if capacity is None or capacity.contracted_kva <= 0:
            raise TariffError(
                Message.of("errors.tariff.capacity_no_kva",
                           "basic_charge_basis is 'capacity' but no capacity_charge with a "
                           "contracted_kva > 0 is given; set capacity_charge.contracted_kva to "
                           "the transformer capacity [kVA] or use basic_charge_basis = "
                           "'max_demand'"),
                field="tariff.capacity_charge.contracted_kva",
            )
    export = tariff.export
    if export.kind == "market" and export.mechanism_share > 0 and (
            export.mechanism_price_per_kwh is None or export.mechanism_years == 0):
        raise TariffError(
            Message.of("errors.tariff.mechanism_missing",
                       "export.mechanism_share is set but the mechanism price or its years are "
                       "missing; give mechanism_price_per_kwh (the price won in the province's "
                       "auction) and mechanism_years, or set mechanism_share to 0"),
            field="tariff.export.mechanism_price_per_kwh",
        )
    if export.kind == "series" or (export.kind == "market" and export.series_per_kwh):
        values = np.asarray(export.series_per_kwh or [], dtype=float)
        if values.size == 0 or not np.isfinite(values).all():
            raise TariffError(
                Message.of("errors.tariff.export_series_empty",
                           "export.kind is 'series' but series_per_kwh is empty or has "
                           "non-finite values; give 8760 hourly prices [currency/kWh]"),
                field="tariff.export.series_per_kwh",
            )
    if export.kind == "coal_benchmark":
        coal_benchmark_price(export.province or tariff.region)


def _check_tiers(bounds: list[float | None], where: str) -> None:
    if any(b is None for b in bounds[:-1]):
        raise TariffError(
            Message.of("errors.tariff.tier_unbounded",
                       "{where}: only the last tier may be unbounded (no max)", where=where),
            field=f"tariff.{where}"
        )
    finite = [b for b in bounds if b is not None]
    if any(b2 <= b1 for b1, b2 in zip(finite, finite[1:], strict=False)):
        raise TariffError(Message.of("errors.tariff.tier_order",
                                     "{where}: tier maxima {maxima} must increase", where=where,
                                     maxima=str(finite)), field=f"tariff.{where}")


def compile_tariff(tariff: Tariff) -> CompiledTariff:
    """Check a tariff and compile its schedules and prices into arrays.

    Parameters
    ----------
    tariff : Tariff

    Returns
    -------
    CompiledTariff
        ``table[month - 1, day_type, quarter_hour]`` period codes (index into
        :data:`PERIODS`), the enabled overrides as masks, and the price per period.

    Raises
    ------
    TariffError
        Schedules that leave part of a day uncovered or overlap, unknown period or holiday
        names, months in no season (or two), negative prices, periods used without a price.

    Notes
    -----
    The last few tariffs' compilations are kept, keyed by the tariff's JSON (a plan prices
    one tariff several times; a batch plans many sites on a few presets); their arrays are
    read-only.
    """
    key = tariff.model_dump_json()
    kept = _COMPILED.get(key)
    if kept is not None:
        return kept
    compiled = _compile(tariff)
    return _COMPILED.put(key, compiled, (
        compiled.table, compiled.prices,
        *(a for rule in compiled.overrides for a in (rule.months, rule.day_types,
                                                    rule.month_days, rule.slots)
          if a is not None)))


#: Compiled tariffs kept: the tariff's JSON -> its compilation.
_COMPILED: Kept[CompiledTariff] = Kept(16)


def _compile(tariff: Tariff) -> CompiledTariff:
    """:func:`compile_tariff` computed."""
    table = _compile_table(tariff)
    overrides = _compile_overrides(tariff)
    prices = _compile_prices(tariff.prices)
    used_codes = set(np.unique(table).tolist())
    for rule in overrides:
        used_codes |= set(np.unique(rule.slots[rule.slots >= 0]).tolist())
    for code in sorted(used_codes):
        if np.isnan(prices[code]):
            raise TariffError(
                Message.of("errors.tariff.period_no_price",
                           "period {period} is used in the schedule but has no price; add it "
                           "to prices.{table}", period=repr(PERIODS[code]),
                           table="per_kwh" if tariff.prices.mode == "explicit" else "ratios"),
                field="tariff.prices",
            )
    _check_charges(tariff)
    return CompiledTariff(
        table=table,
        overrides=overrides,
        prices=prices,
        used_periods=frozenset(PERIODS[c] for c in used_codes),
    )
