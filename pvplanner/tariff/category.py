"""Project category and grid-connection mode of a C&I rooftop plant (国能发新能规〔2025〕7号).

The NEA's 《分布式光伏发电开发建设管理办法》 (7号, 2025-01-17) sorts distributed PV into
categories by the voltage of the grid connection and the total capacity, and lets each
category use some grid-connection modes (上网模式) only:

=================  =====================  ==========  ==============================
category           connection             capacity    modes
=================  =====================  ==========  ==============================
general C&I        10 kV (20 kV) or below <= 6 MW     full self-use, or self-use with
                                                      surplus export (the province
                                                      sets a minimum self-consumption
                                                      share); never full export
large C&I          35 kV                  <= 20 MW    full self-use; surplus export
                   66 / 110 kV            <= 50 MW    only where the spot market runs
                                                      continuously
=================  =====================  ==========  ==============================

The thresholds are data (``data/pv_categories.csv``: inclusive bounds, "不超过"; each row
with source, date, validity and status), and so are the provinces' minimum shares and
spot-market status (``data/pv_province_rules.csv``; a row without a value says why it is
unknown, and the ``*`` row covers provinces without their own). Household categories are
outside a C&I planner and not listed.

:func:`category_for` classifies a connection voltage and capacity, refusing what no C&I
category allows with a message naming the rule; :func:`project_rules` decides the
category, the mode, the capacity limit and the minimum self-consumption share a plan must
respect.

Examples
--------
>>> category_for(10, 6000).category
'general_ci'
>>> category_for(35).max_capacity_kwp()
20000.0
>>> category_for(10, 7000)
Traceback (most recent call last):
...
pvplanner.errors.PlannerInputError: a 7,000 kWp plant connected at 10 kV is not general C&I distributed PV: 国能发新能规〔2025〕7号 Art. 4 allows general C&I at 10 kV (20 kV) or below up to 6 MW; build at most 6,000 kWp, or connect at 35 kV (large C&I, up to 20 MW)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import pandas as pd

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message, bilingual
from pvplanner.tariff.province import province_label
from pvplanner.tariff.province_names import same_province
from weather.datafiles import data_path

__all__ = [
    "CategoryRow",
    "ProjectRules",
    "ProvinceRule",
    "category_for",
    "category_table",
    "larger_category",
    "other_text",
    "project_rules",
    "province_rule",
    "province_rules_table",
]

Mode = Literal["self_use", "surplus_export", "full_export"]

#: The document every row of ``data/pv_categories.csv`` rests on, as messages name it.
RULE = "国能发新能规〔2025〕7号"

#: Short names of the categories in messages.
_SHORT = {"general_ci": "general C&I", "large_ci": "large C&I"}


@dataclass(frozen=True)
class CategoryRow:
    """One row of ``data/pv_categories.csv``: a category at a range of connection voltages.

    Attributes
    ----------
    id, category : str
        Row id (``general_ci``, ``large_ci_35kv``...) and category (``general_ci`` or
        ``large_ci``).
    name, name_zh : str
    voltage_min_kv, voltage_max_kv : float
        Connection voltages of the row [kV], both inclusive.
    max_capacity_mw : float
        Largest total capacity [MW], inclusive ("原则上不超过").
    capacity_basis : {"dc", "ac"}
        Which capacity the limit counts: module (DC, kWp) or inverter (AC, kW).
    surplus_export : {"yes", "spot_market_only"}
    full_export : {"no", "yes"}
    min_self_consumption : {"province", "none"}
        Whether the province's minimum self-consumption share applies to surplus export.
    assumed_without_voltage : bool
        The category assumed when the scenario does not give the voltage.
    source, date, validity, status, reason : str
        Provenance of the thresholds and modes.
    capacity_basis_status, capacity_basis_reason : str
        Provenance of the DC/AC reading.
    """

    id: str
    category: str
    name: str
    name_zh: str
    voltage_min_kv: float
    voltage_max_kv: float
    max_capacity_mw: float
    capacity_basis: str
    surplus_export: str
    full_export: str
    min_self_consumption: str
    assumed_without_voltage: bool
    source: str
    date: str
    valid_from: dt.date
    valid_until: dt.date | None
    status: str
    reason: str
    capacity_basis_status: str
    capacity_basis_reason: str

    @property
    def validity(self) -> str:
        """``"2025-01-17/"`` (open) or ``"from/until"``."""
        until = self.valid_until.isoformat() if self.valid_until else ""
        return f"{self.valid_from.isoformat()}/{until}"

    @property
    def short_name(self) -> str:
        """``general C&I`` or ``large C&I`` (messages)."""
        return _SHORT.get(self.category, self.name)

    @property
    def voltage_text(self) -> str:
        """The connection as the rule words it (``10 kV (20 kV) or below``, ``35 kV``)."""
        if self.voltage_min_kv <= 0:
            return "10 kV (20 kV) or below"
        if self.voltage_min_kv == self.voltage_max_kv:
            return f"{self.voltage_max_kv:g} kV"
        return f"{self.voltage_max_kv:g} kV ({self.voltage_min_kv:g} kV)"

    @property
    def voltage_name(self) -> dict[str, str]:
        """:attr:`voltage_text` in both languages (a message value)."""
        if self.voltage_min_kv <= 0:
            return bilingual(self.voltage_text, "10（20）千伏及以下")
        if self.voltage_min_kv == self.voltage_max_kv:
            return bilingual(self.voltage_text, f"{self.voltage_max_kv:g} 千伏")
        return bilingual(self.voltage_text,
                         f"{self.voltage_max_kv:g}（{self.voltage_min_kv:g}）千伏")

    @property
    def category_name(self) -> dict[str, str]:
        """``general C&I distributed PV`` / ``一般工商业分布式光伏`` (a message value)."""
        return bilingual(f"{self.short_name} distributed PV", self.name_zh)

    def holds_on(self, day: dt.date) -> bool:
        """True if the row is in force on ``day``."""
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def covers(self, voltage_kv: float) -> bool:
        """True if a connection at ``voltage_kv`` belongs to this row."""
        return self.voltage_min_kv <= voltage_kv <= self.voltage_max_kv

    def max_capacity_kwp(self, dc_ac_ratio: float = 1.0) -> float:
        """The capacity limit in the planner's unit, module kWp.

        Parameters
        ----------
        dc_ac_ratio : float
            Module kWp per inverter kW; used when the limit counts AC capacity.
        """
        kw = self.max_capacity_mw * 1000.0
        return kw * dc_ac_ratio if self.capacity_basis == "ac" else kw


@dataclass(frozen=True)
class ProvinceRule:
    """One rule of a province from ``data/pv_province_rules.csv`` (``value`` '' = unknown)."""

    province: str
    province_zh: str
    rule: str
    value: str
    source: str
    date: str
    valid_from: dt.date
    valid_until: dt.date | None
    status: str
    reason: str

    @property
    def known(self) -> bool:
        return bool(self.value)

    @property
    def validity(self) -> str:
        until = self.valid_until.isoformat() if self.valid_until else ""
        return f"{self.valid_from.isoformat()}/{until}"

    def holds_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class ProjectRules:
    """What 7号 and the province require of a plan.

    Attributes
    ----------
    category : CategoryRow or None
        None when 7号 is not in force on the analysis start date.
    voltage_kv : float or None
        The scenario's connection voltage [kV]; None when not given.
    mode : {"self_use", "surplus_export"}
        The grid-connection mode the plan uses (self-use: zero export).
    mode_reason : str
        Why that mode (chosen by the user, forced by the export limit, or by the rule).
    capacity_limit_kwp : float
        The category's capacity limit [kWp] (inf when 7号 does not apply).
    min_self_consumption_share : float or None
        The share of the year's generation the site must use itself [fraction] that the
        plan enforces (None: no minimum).
    share_source, share_status, share_date : str
        Where that minimum comes from.
    province_share : ProvinceRule or None
        The province's rule (also when unknown), for categories the province's share applies to.
    spot_market : ProvinceRule or None
        The province's spot-market row, for large C&I.
    spot_market_continuous : bool
    spot_market_source : str
        "data", "user" (``project.spot_market_continuous``) or "" when not used.
    capacity_binding : bool
        Set by the pipeline when the sized design sits on the capacity limit.
    notes : tuple of str
        What the decision changed, for ``Result.warnings``.
    """

    category: CategoryRow | None
    voltage_kv: float | None
    mode: str
    mode_reason: str
    capacity_limit_kwp: float = math.inf
    min_self_consumption_share: float | None = None
    share_source: str = ""
    share_status: str = ""
    share_date: str = ""
    province_share: ProvinceRule | None = None
    spot_market: ProvinceRule | None = None
    spot_market_continuous: bool = False
    spot_market_source: str = ""
    capacity_binding: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def export_allowed(self) -> bool:
        return self.mode != "self_use"


# --------------------------------------------------------------------------- tables
def _day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _first_day(text: str, where: str) -> dt.date:
    """A row's ``valid_from``, which every rule needs."""
    day = _day(text)
    if day is None:
        raise PlannerInputError(Message.of(
            "errors.project.no_valid_from", "{where}: valid_from is empty; give the first day "
            "the row applies as YYYY-MM-DD", where=where))
    return day


@cache
def category_table() -> tuple[CategoryRow, ...]:
    """The rows of ``data/pv_categories.csv``, in file order."""
    table = pd.read_csv(data_path("pv_categories.csv"), dtype=str, keep_default_na=False)
    rows = []
    for rec in table.to_dict(orient="records"):
        rows.append(CategoryRow(
            id=rec["id"], category=rec["category"], name=rec["name"], name_zh=rec["name_zh"],
            voltage_min_kv=float(rec["voltage_min_kv"]),
            voltage_max_kv=float(rec["voltage_max_kv"]),
            max_capacity_mw=float(rec["max_capacity_mw"]),
            capacity_basis=rec["capacity_basis"], surplus_export=rec["surplus_export"],
            full_export=rec["full_export"], min_self_consumption=rec["min_self_consumption"],
            assumed_without_voltage=rec["assumed_without_voltage"] == "yes",
            source=rec["source"], date=rec["date"], valid_from=_first_day(
                rec["valid_from"], f"data/pv_categories.csv row {rec['id']}"),
            valid_until=_day(rec["valid_until"]), status=rec["status"], reason=rec["reason"],
            capacity_basis_status=rec["capacity_basis_status"],
            capacity_basis_reason=rec["capacity_basis_reason"],
        ))
    return tuple(rows)


@cache
def province_rules_table() -> tuple[ProvinceRule, ...]:
    """The rows of ``data/pv_province_rules.csv``, in file order."""
    table = pd.read_csv(data_path("pv_province_rules.csv"), dtype=str, keep_default_na=False)
    return tuple(
        ProvinceRule(province=rec["province"], province_zh=rec["province_zh"], rule=rec["rule"],
                     value=rec["value"], source=rec["source"], date=rec["date"],
                     valid_from=_first_day(rec["valid_from"], "data/pv_province_rules.csv row "
                                           f"{rec['province']} {rec['rule']}"),
                     valid_until=_day(rec["valid_until"]),
                     status=rec["status"], reason=rec["reason"])
        for rec in table.to_dict(orient="records"))


def province_rule(province: str | None, rule: str, on_date: dt.date | None = None
                  ) -> ProvinceRule:
    """A province's row of ``rule`` in force on ``on_date`` (the ``*`` row if it has none).

    Parameters
    ----------
    province : str or None
        English or Chinese name (``"Jiangsu"``, ``"江苏"``, ``"江苏省"``).
    rule : {"min_self_consumption_share", "spot_market_continuous"}
    on_date : datetime.date, optional
        Rows not yet in force that day are skipped; default: any row.

    Examples
    --------
    >>> province_rule("辽宁", "min_self_consumption_share").value
    '0.5'
    >>> province_rule("Zhejiang", "min_self_consumption_share").known
    False
    >>> province_rule("Zhejiang", "spot_market_continuous", dt.date(2025, 1, 1)).province
    '*'
    """
    rows = [row for row in province_rules_table() if row.rule == rule
            and (on_date is None or row.holds_on(on_date))]
    for row in rows:
        if (province or "").strip() and row.province != "*" and same_province(province,
                                                                                row.province):
            return row
    fallback = [row for row in province_rules_table() if row.rule == rule
                and row.province == "*"]
    return fallback[0]


# --------------------------------------------------------------------------- categories
def _rows_on(on_date: dt.date | None) -> list[CategoryRow]:
    return [row for row in category_table() if on_date is None or row.holds_on(on_date)]


def _voltage_text(voltage_kv: float) -> str:
    return f"{voltage_kv:g} kV"


def category_for(voltage_kv: float | None, capacity_kwp: float | None = None, *,
                 on_date: dt.date | None = None, dc_ac_ratio: float = 1.0) -> CategoryRow:
    """The 7号 category of a C&I plant connected at ``voltage_kv`` with ``capacity_kwp``.

    Parameters
    ----------
    voltage_kv : float or None
        Voltage of the grid connection point [kV]; None: the category assumed without one
        (general C&I, 10 kV (20 kV) or below).
    capacity_kwp : float, optional
        Total module capacity [kWp]; checked against the category's limit (inclusive).
    on_date : datetime.date, optional
        The analysis start date (rows in force that day); default: any row.
    dc_ac_ratio : float
        Module kWp per inverter kW, for limits that count AC capacity.

    Returns
    -------
    CategoryRow

    Raises
    ------
    PlannerInputError
        A voltage no C&I category uses (above 110 kV: centralized PV), or a capacity above
        the category's limit; the message names the rule and how to fix it
        (field ``project.grid_voltage_kv`` or ``constraints.min_total_kwp``).
    """
    rows = _rows_on(on_date)
    if not rows:
        raise PlannerInputError(Message.of(
            "errors.project.not_in_force", "{rule} is not in force on {day}: no categories apply",
            rule=RULE, day=str(on_date)))
    if voltage_kv is None:
        row = next(r for r in rows if r.assumed_without_voltage)
    else:
        matches = [r for r in rows if r.covers(float(voltage_kv))]
        if not matches:
            top = max(r.voltage_max_kv for r in rows)
            levels = bilingual(
                "; ".join(f"{r.short_name} at {r.voltage_text} (up to {r.max_capacity_mw:g} MW)"
                          for r in rows),
                "；".join(f"{r.voltage_name['zh']}为{r.name_zh}（不超过 {r.max_capacity_mw:g} "
                         "兆瓦）" for r in rows))
            key, text = (
                ("errors.project.voltage_centralized", "project.grid_voltage_kv = {voltage:g}: "
                 "a connection above {top:g} kV is centralized PV, not distributed PV ({rule} "
                 "Art. 4); C&I distributed PV connects as {levels}")
                if voltage_kv > top else
                ("errors.project.voltage_not_distributed", "project.grid_voltage_kv = "
                 "{voltage:g}: {voltage:g} kV is not a connection voltage of {rule} Art. 4; C&I "
                 "distributed PV connects as {levels}"))
            raise PlannerInputError(Message.of(key, text, voltage=float(voltage_kv),
                                               top=float(top), rule=RULE, levels=levels),
                                    field="project.grid_voltage_kv")
        row = matches[0]
    limit = row.max_capacity_kwp(dc_ac_ratio)
    if capacity_kwp is not None and capacity_kwp > limit * (1 + 1e-9):
        raise PlannerInputError(_too_large(row, voltage_kv, capacity_kwp, limit, rows),
                                field="constraints.min_total_kwp")
    return row


def larger_category(row: CategoryRow, capacity_kwp: float | None = None,
                    rows: list[CategoryRow] | None = None) -> CategoryRow | None:
    """The category of the next connection voltage up that takes ``capacity_kwp`` (any
    larger one if not given), or None."""
    rows = list(category_table()) if rows is None else rows
    larger = [r for r in rows if r.voltage_min_kv > row.voltage_max_kv
              and (capacity_kwp is None or r.max_capacity_kwp() >= capacity_kwp)]
    return min(larger, key=lambda r: r.voltage_min_kv) if larger else None


def other_text(row: CategoryRow) -> Message:
    """``connect at 35 kV (large C&I, up to 20 MW)``, in both languages."""
    return Message.of("errors.project.connect_at",
                      "connect at {voltage} ({category}, up to {mw:g} MW)",
                      voltage=row.voltage_name,
                      category=bilingual(row.short_name, row.name_zh), mw=row.max_capacity_mw)


def _too_large(row: CategoryRow, voltage_kv: float | None, capacity_kwp: float, limit: float,
               rows: list[CategoryRow]) -> Message:
    where = (bilingual(f"connected at {_voltage_text(voltage_kv)}", f"接入 {voltage_kv:g} 千伏")
             if voltage_kv is not None else
             bilingual("with no connection voltage given (10 kV (20 kV) or below assumed)",
                       "未给出并网电压（按 10（20）千伏及以下）"))
    other = larger_category(row, capacity_kwp, rows)
    values = {"capacity": float(capacity_kwp), "where": where, "rule": RULE,
              "category": bilingual(row.short_name, row.name_zh), "voltage": row.voltage_name,
              "mw": row.max_capacity_mw, "limit": float(limit)}
    text = ("a {capacity:,.0f} kWp plant {where} is not {category} distributed PV: {rule} "
            "Art. 4 allows {category} at {voltage} up to {mw:g} MW; build at most {limit:,.0f} "
            "kWp")
    if other is None:
        return Message.of("errors.project.too_large", text, **values)
    return Message.of("errors.project.too_large_or", text + ", or {other}", other=other_text(other),
                      **values)


# --------------------------------------------------------------------------- decision
def project_rules(
    *,
    province: str | None,
    voltage_kv: float | None,
    country: str | None = "CN",
    mode: Mode | None = None,
    spot_market_continuous: bool | None = None,
    user_min_share: float | None = None,
    export_requested: bool = False,
    export_forced_off: bool = False,
    min_total_kwp: float = 0.0,
    dc_ac_ratio: float = 1.0,
    on_date: dt.date | None = None,
) -> ProjectRules:
    """The category, mode, capacity limit and minimum self-consumption share of a plan.

    Parameters
    ----------
    province : str or None
        The site's province (the minimum share and the spot market are the province's).
    voltage_kv : float or None
        ``project.grid_voltage_kv``; None: general C&I at 10 kV (20 kV) or below assumed.
    country : str, optional
        ISO code of the site's country; 7号 applies in China (``"CN"``) only.
    mode : {"self_use", "surplus_export", "full_export"}, optional
        ``project.connection_mode``; None: surplus export where the category allows it and
        the scenario does not forbid exports, else full self-use.
    spot_market_continuous : bool, optional
        ``project.spot_market_continuous``; None: the province's row (unknown counts as no).
    user_min_share : float, optional
        ``constraints.min_self_consumption_ratio`` [fraction]; the plan enforces the larger
        of it and the province's share.
    export_requested : bool
        The scenario names an export rule that pays for exports (``tariff.export``).
    export_forced_off : bool
        The scenario forbids exports (export limit 0 kW or a zero-export rule).
    min_total_kwp : float
        ``constraints.min_total_kwp`` [kWp]: refused above the category's limit.
    dc_ac_ratio : float
        Module kWp per inverter kW.
    on_date : datetime.date, optional
        The analysis start date; before 7号 no category applies.

    Returns
    -------
    ProjectRules

    Raises
    ------
    PlannerInputError
        Full export for a C&I plant; surplus export for large C&I where the spot market does
        not run continuously; self-use with an export rule; a voltage or a minimum capacity
        no category allows. Each message names the rule and the field.

    Examples
    --------
    >>> rules = project_rules(province="Jiangsu", voltage_kv=35)
    >>> rules.category.category, rules.mode, rules.capacity_limit_kwp
    ('large_ci', 'self_use', 20000.0)
    >>> project_rules(province="Liaoning", voltage_kv=10).min_self_consumption_share
    0.5
    """
    rows = _rows_on(on_date)
    if not rows or (country or "CN").upper() != "CN":
        mode_used = "self_use" if export_forced_off else "surplus_export"
        note = (Message.of("notes.project.not_in_force", "{rule} is not in force on {day}: its "
                           "categories and modes are not checked", rule=RULE, day=str(on_date))
                if not rows else
                Message.of("notes.project.not_china", "{rule} governs distributed PV in China, "
                           "not in {country}: its categories and modes are not checked",
                           rule=RULE, country=Message(f"names.country.{str(country).upper()}",
                                                      str(country))))
        return ProjectRules(None, voltage_kv, mode_used, note,
                            min_self_consumption_share=user_min_share or None,
                            share_source="user input" if user_min_share else "",
                            share_status="user" if user_min_share else "",
                            notes=() if rows else (note,))
    row = category_for(voltage_kv, min_total_kwp or None, on_date=on_date,
                       dc_ac_ratio=dc_ac_ratio)
    category = row.category_name
    if mode == "full_export" and row.full_export != "yes":
        raise PlannerInputError(Message.of(
            "errors.project.full_export",
            "full export: {rule} does not let {category} export all its output; choose the "
            "grid-connection mode “self-use, surplus exported” or “full self-use (no export)”",
            rule=RULE, category=category),
            field="project.connection_mode")
    if mode == "self_use" and export_requested:
        raise PlannerInputError(Message.of(
            "errors.project.self_use_with_export",
            "the grid-connection mode “full self-use (no export)” exports nothing, but what "
            "exported energy earns is set to a rule that pays for exports: set it to “As the "
            "rules of the commissioning date” or “No export allowed”, or choose the mode "
            "“self-use, surplus exported”"),
            field="project.connection_mode")
    spot_row, spot, spot_from = None, False, ""
    if row.surplus_export == "spot_market_only":
        spot_row = province_rule(province, "spot_market_continuous", on_date)
        if spot_market_continuous is not None:
            spot, spot_from = bool(spot_market_continuous), "user"
        else:
            spot, spot_from = spot_row.value == "yes", "data"
    may_export = row.surplus_export == "yes" or spot
    wants_export = mode == "surplus_export" or export_requested
    place = _province_label(province)
    if wants_export and not may_export:
        field_name = ("project.connection_mode" if mode == "surplus_export"
                      else "tariff.export")
        raise PlannerInputError(Message.of(
            "errors.project.export_needs_spot", "{category} (connected at {voltage}) "
            "may export only where the spot market runs continuously ({rule}), and "
            "{province}'s is {spot}; plan it as full self-use (project.connection_mode = "
            "'self_use', no export rule), or set project.spot_market_continuous = true if the "
            "grid company accepts its surplus as a spot-market participant",
            category=category, voltage=row.voltage_name, rule=RULE, province=place,
            spot=_spot_text(spot_row, spot_from)), field=field_name)
    notes: list[str] = []
    if mode == "self_use":
        mode_used, reason = "self_use", "chosen in the scenario (project.connection_mode)"
    elif export_forced_off:
        mode_used = "self_use"
        reason = "exports are forbidden by the scenario (zero export, 防逆流)"
    elif not may_export:
        mode_used = "self_use"
        reason = Message.of(
            "notes.project.self_use_forced",
            "{rule}: {category} may export only where the spot market runs continuously, and "
            "{province}'s is {spot}: the plan is full self-use with zero export (if the grid "
            "company accepts the surplus, set “Spot market runs continuously” to yes)",
            rule=RULE, category=category, province=place,
            spot=_spot_text(spot_row, spot_from))
        notes.append(reason)
    else:
        mode_used = "surplus_export"
        reason = ("chosen in the scenario (project.connection_mode)" if mode
                  else f"the category allows it ({RULE})")
    share_row = None
    share, share_source, share_status, share_date = None, "", "", ""
    if row.min_self_consumption == "province" and mode_used == "surplus_export":
        share_row = province_rule(province, "min_self_consumption_share", on_date)
        if share_row.known:
            share = float(share_row.value)
            share_source = f"{share_row.source} ({RULE}: the province sets it)"
            share_status, share_date = share_row.status, share_row.date
    if user_min_share is not None and user_min_share > 0 and (share is None
                                                               or user_min_share > share):
        share, share_source, share_status, share_date = (
            float(user_min_share), "user input (constraints.min_self_consumption_ratio)",
            "user", "")
    return ProjectRules(
        category=row, voltage_kv=voltage_kv, mode=mode_used, mode_reason=reason,
        capacity_limit_kwp=row.max_capacity_kwp(dc_ac_ratio),
        min_self_consumption_share=share, share_source=share_source,
        share_status=share_status, share_date=share_date, province_share=share_row,
        spot_market=spot_row, spot_market_continuous=spot, spot_market_source=spot_from,
        notes=tuple(notes))


def _province_label(province: str | None) -> dict[str, str] | Message:
    if province and province.strip():
        return province_label(province)
    return Message.of("notes.project.site_province", "the site's province")


def _spot_text(row: ProvinceRule | None, origin: str = "data") -> Message:
    """How the province's spot market runs, as a message value."""
    if origin == "user":
        return Message.of("notes.project.spot_user_no", "not running continuously (as set in the "
                                                        "scenario)")
    if row is not None and row.value == "yes":
        return Message.of("notes.project.spot_yes", "running continuously")
    if row is None or row.value == "no":
        return Message.of("notes.project.spot_no", "not running continuously")
    return Message.of("notes.project.spot_unknown", "not known to run continuously")
