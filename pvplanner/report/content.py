"""Fill a :class:`~pvplanner.report.model.Proposal` from the Result of a plan.

Every figure comes from the :class:`~pvplanner.result.Result` — its KPIs, tables and
:attr:`~pvplanner.result.Result.assumptions`, the record of every input the plan resolved —
and is formatted once here with :class:`~pvplanner.display.numbers.NumberFormat`; the
renderers add no numbers of their own. Nothing is looked up again from the scenario or the
data tables, so the proposal states what the plan actually used.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

import pvplanner.report.charts as charts
import pvplanner.report.risk as risk
import pvplanner.report.tables as tables
import pvplanner.report.views as views
from pvplanner.display.limit_lines import held_lines
from pvplanner.display.messages import render
from pvplanner.display.names import location, template_name, weather_dataset, weather_station
from pvplanner.display.names import name as reader_name
from pvplanner.display.numbers import NumberFormat, invested_payback, utc_offset_label
from pvplanner.display.solver_notes import for_reader
from pvplanner.pv.models import module_azimuths_deg
from pvplanner.report.input_rows import source_text, tou_hours_blocks
from pvplanner.report.layout import PlaneSketch, roof_sketch_svg
from pvplanner.report.limits import battery_limit_notes, battery_limit_source
from pvplanner.report.measures import (
    footprint_tables,
    measure_item_label,
    measure_row_source,
    measures_section,
)
from pvplanner.report.model import (
    Figure,
    FigureRow,
    Kpi,
    KpiGrid,
    Paragraph,
    Proposal,
    Section,
    Table,
)
from pvplanner.report.seller import cover_note, seller_info, seller_rows
from pvplanner.report.text import Texts, date_label, period_text
from pvplanner.result import Assumption, Result

SECTION_KEYS: tuple[str, ...] = (
    "summary", "design", "energy", "bills", "finance", "sensitivity", "carbon", "assumptions",
    "disclaimer",
)


class _Ctx:
    """Shared look-ups of one proposal."""

    def __init__(self, result: Result, lang: str) -> None:
        self.result = result
        self.t = Texts(lang)
        self.f = NumberFormat(lang, result.currency)
        self.lang = lang

    def used(self, item: str) -> Any:
        """The value the plan used for an assumption item (None when not recorded)."""
        row = self.result.assumption(item)
        return None if row is None else row.value

    def text_value(self, row: Assumption) -> str:
        """A text assumption in the reader's language."""
        if self.lang == "zh" and row.value_zh:
            return row.value_zh
        return str(row.value)

    @property
    def money_unit(self) -> str:
        """Column-header unit of money: 元 for Chinese CNY, else the ISO code."""
        if self.lang == "zh" and self.f.currency in ("CNY", "RMB"):
            return "元"
        return self.f.currency

    def paren(self, label: str, unit: str) -> str:
        """``label (unit)`` with the language's brackets."""
        return f"{label}（{unit}）" if self.lang == "zh" else f"{label} ({unit})"

    def head(self, label: str, unit: str) -> str:
        """A column heading: the unit on its own line."""
        return f"{label}\n({unit})"


# --------------------------------------------------------------------------- helpers
def compass_name(azimuth_deg: float, texts: Texts) -> str:
    """Eight-wind name of a direction (0 = north, 90 = east, 180 = south)."""
    names = texts.raw("compass.names")
    return names[int(((azimuth_deg % 360) + 22.5) // 45) % 8]


def _is_zero(series: pd.Series | list[float]) -> bool:
    return all(abs(float(v)) < 0.5 for v in series)


def _customer(result: Result, lang: str = "en") -> str:
    """The customer's (site's) name, the demo's own names in the reader's language."""
    site_name = result.site.name if result.site is not None else ""
    return reader_name((site_name or result.scenario_name or "").strip(), lang)


def _location(result: Result, lang: str = "en") -> str:
    site = result.site
    if site is None:
        return ""
    return location(site.city, site.province, site.country, lang)


def _coordinates(latitude: float, longitude: float, lang: str = "en") -> str:
    if lang == "zh":  # 北纬 30.1800°，东经 120.2600°
        ns = "北纬" if latitude >= 0 else "南纬"
        ew = "东经" if longitude >= 0 else "西经"
        return f"{ns} {abs(latitude):.4f}°，{ew} {abs(longitude):.4f}°"
    ns = "N" if latitude >= 0 else "S"
    ew = "E" if longitude >= 0 else "W"
    return f"{abs(latitude):.4f}°{ns}, {abs(longitude):.4f}°{ew}"


# --------------------------------------------------------------------------- cover, summary
def _kpis(c: _Ctx) -> dict[str, Kpi]:
    r, t, f = c.result, c.t, c.f
    fin = r.finance
    return {
        "capacity": Kpi(t("kpi.capacity"), f.kwp(r.pv.capacity_kwp)),
        "generation": Kpi(t("kpi.generation"), f.kwh(r.pv.annual_generation_kwh),
                          _specific_yield(r, f, t) if r.pv.capacity_kwp > 0 else ""),
        "self_consumption": Kpi(t("kpi.self_consumption"), _self_consumption(r, f)),
        "self_sufficiency": Kpi(t("kpi.self_sufficiency"),
                                f.percent(r.energy.self_sufficiency_ratio)),
        "savings": Kpi(t(tables.bill_label_keys(r)[1] if not tables.exports_paid_to_investor(r)
                         else "kpi.savings"), f.money(r.bills.savings_annual),
                       f.money_wan(r.bills.savings_annual)),
        "capex": Kpi(t("kpi.capex"), f.money(fin.capex), f.money_wan(fin.capex)),
        "npv": Kpi(t("kpi.npv"), f.money(fin.npv), f.money_wan(fin.npv)),
        "irr": Kpi(t("kpi.irr"), f.percent(fin.irr)),
        # No investment, no payback: a zero-size design shows "n/a", not "0.0 years".
        # Paybacks before and after income tax, each labelled (Chinese proposals quote the
        # pre-tax static payback; NPV and IRR are after tax).
        "payback": Kpi(t("kpi.payback"), f.years(invested_payback(fin.payback_years, fin.capex))),
        "payback_pre_tax": Kpi(t("kpi.payback_pre_tax"), f.years(
            invested_payback(fin.payback_years_pre_tax, fin.capex))),
        "discounted_payback": Kpi(t("kpi.discounted_payback"), f.years(
            invested_payback(fin.discounted_payback_years, fin.capex))),
        "discounted_payback_pre_tax": Kpi(t("kpi.discounted_payback_pre_tax"), f.years(
            invested_payback(fin.discounted_payback_years_pre_tax, fin.capex))),
        "lcoe": Kpi(t("kpi.lcoe"), f.price(fin.lcoe_per_kwh)),
        "bcr": Kpi(t("kpi.bcr"), f.number(fin.benefit_cost_ratio, 2)),
        "avoided": Kpi(t("kpi.avoided"), f.tco2(r.carbon.avoided_tco2_year1)),
        "avoided_lifetime": Kpi(t("kpi.avoided_lifetime"),
                                f.tco2(r.carbon.avoided_tco2_lifetime)),
        "certificates": Kpi(t("kpi.certificates"), f.count(r.carbon.certificates_year1)),
        "credits": Kpi(t("kpi.credits"), f.tco2(r.carbon.credits_tco2_year1)),
    }


def _analysis_years(c: _Ctx) -> int:
    # The analysis period, not the cash table's length: an EMC investor's table ends with
    # the contract, the savings and avoided CO2 run on.
    ledger = c.result.carbon_ledger
    if ledger is not None and len(ledger):
        return int(max(ledger.index))
    cash = c.result.cash_flow
    if cash is not None and len(cash):
        return int(max(cash.index))
    return int(c.used("finance.analysis_years") or 0)


def design_limit_lines(result: Result, lang: str) -> list[str]:
    """The limits that held the design (a full roof, the budget, the export limit...) and
    those that only curtailed PV, as the Results page says them but in the customer's words;
    the battery's are said in their own box (:func:`battery_limit_notes`). None for a design
    of 0 kWp. The proposal's summary and the workbook's Summary sheet say these lines."""
    if result.pv.capacity_kwp <= 0:
        return []
    return held_lines(result, lang, lambda plane: reader_name(plane, lang),
                      leave_out=("battery.",), for_customer=True)


def _summary(c: _Ctx, kpis: dict[str, Kpi]) -> Section:
    r, t, f = c.result, c.t, c.f
    years = _analysis_years(c)
    text = t("summary.lead", customer=_customer(c.result, c.lang), kwp=f.kwp(r.pv.capacity_kwp),
             generation=f.kwh(r.pv.annual_generation_kwh),
             self_consumption=f.percent(r.energy.self_consumption_ratio),
             self_sufficiency=f.percent(r.energy.self_sufficiency_ratio))
    money = t("summary.money", savings=f.money(r.bills.savings_annual),
              baseline=f.money(r.bills.baseline_annual),
              with_system=f.money(r.bills.with_system_annual), capex=f.money(r.finance.capex),
              years=years, npv=f.money(r.finance.npv), irr=f.percent(r.finance.irr),
              payback=kpis["payback"].value, payback_pre_tax=kpis["payback_pre_tax"].value)
    money = views.summary_money(r, t, f, kpis) or money  # EMC, lease: each party's money
    carbon = t("summary.carbon", avoided=f.tco2(r.carbon.avoided_tco2_year1),
               avoided_lifetime=f.tco2(r.carbon.avoided_tco2_lifetime), years=years,
               certificates=f.number(r.carbon.certificates_year1))
    negligible = [note for note in r.notes
                  if getattr(note, "key", "") == "notes.plan.negligible_pv"]
    if r.pv.capacity_kwp <= 0:
        blocks: list[Any] = [Paragraph(t("summary.no_system"), "lead")]
    elif negligible:  # a design of a few watts is not proposed as a system
        blocks = [Paragraph(render(negligible[0], c.lang), "lead")]
    else:
        blocks = [Paragraph(text, "lead"), Paragraph(money), Paragraph(carbon)]
    if r.battery.energy_kwh > 0:
        blocks.append(Paragraph(t("summary.battery", energy=f.unit(r.battery.energy_kwh, "kWh"),
                                  power=f.unit(r.battery.power_kw, "kW"))))
    blocks.extend(battery_limit_notes(r, c.lang))
    blocks += [Paragraph(line) for line in design_limit_lines(r, c.lang)]
    objective = r.solver.objective
    blocks.append(Paragraph(t("summary.objective", objective=t.get(f"objective.{objective}",
                                                                    objective)), "note"))
    order = ["capacity", "generation", "self_consumption", "self_sufficiency", "savings",
             "capex", "npv", "irr", "payback_pre_tax", "payback", "avoided", "avoided_lifetime",
             "certificates"]
    blocks.insert(0, KpiGrid([kpis[k] for k in order], columns=4))
    if r.battery.energy_kwh > 0:
        blocks[0].items.append(Kpi(t("kpi.battery"),
                                   f"{f.unit(r.battery.energy_kwh, 'kWh')} / "
                                   f"{f.unit(r.battery.power_kw, 'kW')}"))
    # The two charts an owner asks about first, sized for half a page width each.
    blocks.append(FigureRow([
        Figure("summary_bills", spec=charts.bills_chart(
            tables.monthly_bills(r), t, f, width=250, height=150,
            with_system=t(tables.bill_label_keys(r)[0]))),
        Figure("summary_cash_flow", spec=charts.cash_flow_chart(
            tables.cash_flow_summary(r), t, f, width=250, height=150)),
    ]))
    warnings = _plan_notes(c)[1]
    if warnings:
        blocks.append(Paragraph("\n".join(f"• {w}" for w in warnings), "note",
                                title=t("summary.warnings")))
    return Section("summary", 0, t("sections.summary"), blocks)


# --------------------------------------------------------------------------- design
def _elevation(c: _Ctx) -> str:
    """The site's elevation, saying so where it is a grid estimate (neither entered nor the
    weather data's own)."""
    r = c.result
    value = c.f.unit(r.site.elevation_m if r.site else None, "m")
    entered = any(a.item == "site.elevation_m" and a.status == "user" for a in r.assumptions)
    if not entered and (r.weather or {}).get("elevation_source") == "altitude_grid":
        return c.t("design.elevation_grid", value=value)
    return value


def _self_consumption(result: Result, f: NumberFormat) -> str:
    """The share of the PV generation used on site, or n/a without generation (the monthly
    table says n/a for such a month too)."""
    return f.percent(tables.self_consumption_shown(result))


def _specific_yield(r: Any, f: Any, t: Any) -> str:
    """The system's year-1 yield per kWp, or n/a for a system of 0 kWp."""
    value = tables.specific_yield_shown(r)
    return t.na if value is None else f"{f.number(value)} kWh/kWp"


def _design(c: _Ctx) -> Section:
    r, t, f = c.result, c.t, c.f
    weather = r.weather or {}
    site = r.site
    site_rows = [
        [t("doc.customer"), _customer(r, c.lang)],
        [t("design.location"), _location(r, c.lang)],
        [t("design.coordinates"),
         _coordinates(site.latitude_deg, site.longitude_deg, c.lang) if site else t.na],
        [t("design.elevation"), _elevation(c)],
        [t("design.timezone"), utc_offset_label(site.utc_offset_hours if site else None)],
        [t("design.weather"), _weather_short(weather, c.lang)],
    ]
    capacity, max_kwp = r.pv.capacity_kwp, r.pv.max_capacity_kwp
    dc_ac = c.used("pv.dc_ac_ratio")
    battery = (f"{f.unit(r.battery.energy_kwh, 'kWh')} / {f.unit(r.battery.power_kw, 'kW')}"
               if r.battery.energy_kwh > 0 else t("design.no_battery"))
    system_rows = [
        [t("design.total_kwp"), f.kwp(capacity)],
        [t("design.max_kwp"), f.kwp(max_kwp)],
        [t("design.utilisation"), f.percent(capacity / max_kwp if max_kwp else None)],
        [t("design.inverter_kw"), f.unit(capacity / dc_ac if dc_ac else None, "kW", 1)],
        # a system of 0 kWp has no inverter to size and no yield of its own (the planes' are
        # in the roof table)
        [t("design.dc_ac_ratio"), f.number(dc_ac, 2) if capacity > 0 else t.na],
        [t("design.specific_yield"), _specific_yield(r, f, t)],
        [t("kpi.generation"), f.kwh(r.pv.annual_generation_kwh)],
        [t("design.battery"), battery],
    ]
    plane_rows = []
    sketches = []
    for plane in r.pv.planes:
        area = plane.area_m2
        mounting = t.get(f"mounting.{plane.mounting}", plane.mounting)
        azimuth = f"{f.number(plane.azimuth_deg)}° {compass_name(plane.azimuth_deg, t)}"
        faces = module_azimuths_deg(plane.mounting, plane.azimuth_deg)
        if len(faces) > 1:  # east-west racks: the modules' two faces, not the roof's azimuth
            azimuth = "/".join(f"{f.number(face)}°" for face in faces)
        plane_rows.append([
            reader_name(plane.name, c.lang), mounting, f"{f.number(plane.tilt_deg)}°", azimuth,
            f.number(area), f.number(plane.capacity_kwp, 1), f.number(plane.max_kwp, 1),
            f.number(plane.specific_yield_kwh_per_kwp), f.number(plane.annual_generation_kwh),
        ])
        sketches.append(PlaneSketch(
            name=reader_name(plane.name, c.lang),
            area_m2=area if math.isfinite(area) else max(plane.max_kwp, 1) * 5,
            capacity_kwp=plane.capacity_kwp, max_kwp=plane.max_kwp,
            azimuth_deg=plane.azimuth_deg, mounting=plane.mounting,
            label=t("design.layout_kwp", kwp=f.kwp(plane.capacity_kwp),
                    max=f.kwp(plane.max_kwp)),
        ))
    total_area = sum(p.area_m2 for p in r.pv.planes if math.isfinite(p.area_m2))
    # The planes' output before curtailment: where an export limit curtails some, the
    # table's total adds up its rows, then takes the curtailed energy off (two more rows).
    available = sum(p.annual_generation_kwh for p in r.pv.planes)
    curtailed = r.energy.curtailed_kwh if r.energy.curtailed_kwh >= 0.5 else 0.0
    plane_rows.append([
        t("year_total"), "", "", "", f.number(total_area), f.number(capacity, 1),
        f.number(max_kwp, 1),
        f.number(available / capacity if curtailed and capacity > 0
                 else r.pv.specific_yield_kwh_per_kwp),
        f.number(available if curtailed else r.pv.annual_generation_kwh),
    ])
    if curtailed:
        plane_rows.append([t("design.curtailed_row"), "", "", "", "", "", "", "",
                           f.number(-curtailed)])
        plane_rows.append([t("design.delivered_row"), "", "", "", "", "", "",
                           f.number(r.pv.specific_yield_kwh_per_kwp),
                           f.number(r.pv.annual_generation_kwh)])
    header = [
        t("design.plane"), t("design.mounting"), t("design.tilt"), t("design.azimuth"),
        c.head(t("design.area"), "m²"), c.head(t("design.capacity"), "kWp"),
        c.head(t("design.max_capacity"), "kWp"), c.head(t("design.yield"), "kWh/kWp"),
        c.head(t("design.generation"), "kWh"),
    ]
    blocks: list[Any] = [
        Table(t("design.site_table"), ["", ""], site_rows, ["L", "L"], [1, 2.6]),
        Table(t("design.system_table"), ["", ""], system_rows, ["L", "R"], [1, 1.2]),
        Table(t("design.planes_table"), header, plane_rows,
              ["L", "L", "R", "L", "R", "R", "R", "R", "R"],
              [2.3, 1.3, 0.55, 1.0, 0.85, 0.95, 0.95, 1.15, 1.1],
              total_rows=3 if curtailed else 1, font_size=7.5,
              note=t("design.utilisation_note")),
        Figure("layout", t("design.layout_caption"),
               svg_source=roof_sketch_svg(sketches, north_label=t.raw("compass.names")[0])),
    ]
    blocks[2:2] = battery_limit_notes(r, c.lang)
    return Section("design", 0, t("sections.design"), blocks)


def _weather_short(weather: dict[str, Any], lang: str = "en") -> str:
    """The weather data in a few words (no file names)."""
    dataset = weather_dataset(weather, lang) if weather else ""
    station = weather_station(weather, lang)
    parts = [p for p in (dataset, station) if p]
    return ("；" if lang == "zh" else "; ").join(dict.fromkeys(parts))


# --------------------------------------------------------------------------- energy
def _day_caption_key(result: Result) -> str:
    """Key of the representative days' caption: with or without a battery, and without
    exports where the design sends nothing to the grid (its PV surplus is curtailed)."""
    key = "energy.day_caption" if result.battery.energy_kwh > 0 else "energy.day_caption_pv"
    curtailed_only = result.energy.exported_kwh < 0.5 <= result.energy.curtailed_kwh
    return f"{key}_no_export" if curtailed_only else key


def _energy(c: _Ctx) -> Section:
    r, t, f = c.result, c.t, c.f
    monthly = tables.monthly_energy(r)
    months = t.raw("month.short")
    # With a battery, PV used on site and grid purchases exceed the use by what charging and
    # discharging lose: the sentence names it, so that the figures add up for the reader.
    losses = r.energy.battery_losses_kwh
    with_losses = r.energy.battery_losses_shown
    balance = t("energy.balance_battery" if with_losses else "energy.balance",
                load=f.kwh(r.energy.load_kwh), self_consumed=f.kwh(r.energy.self_consumed_kwh),
                exported=f.kwh(r.energy.exported_kwh), imported=f.kwh(r.energy.imported_kwh),
                losses=f.kwh(losses))
    grid = KpiGrid([
        Kpi(t("kpi.self_consumption"), _self_consumption(r, f)),
        Kpi(t("kpi.self_sufficiency"), f.percent(r.energy.self_sufficiency_ratio)),
        Kpi(t("energy.exported"), f.kwh(r.energy.exported_kwh)),
        Kpi(t("energy.imported"), f.kwh(r.energy.imported_kwh)),
    ], columns=4)
    high, low = tables.peak_months(r)
    # Real days (the months' representative days). A Result read back from the store keeps
    # no hourly table: no day then.
    days = ([(date_label(day.attrs["date"], t), day) for day in
             (tables.typical_day(r, m) for m in dict.fromkeys((high, low)))]
            if len(r.hourly) else [])
    show_curtailed = not _is_zero(monthly["curtailed_kwh"])
    header = [t("energy.month"), c.head(t("energy.load"), "kWh"),
              c.head(t("energy.pv"), "kWh"), c.head(t("energy.self_consumed"), "kWh"),
              c.head(t("energy.exported"), "kWh"), c.head(t("energy.imported"), "kWh")]
    if show_curtailed:
        header.append(c.head(t("energy.curtailed"), "kWh"))
    header.append(t("energy.self_consumption"))
    rows = []
    for m, row in monthly.iterrows():
        cells = [months[m - 1], f.number(row["load_kwh"]), f.number(row["pv_kwh"]),
                 f.number(row["self_consumed_kwh"]), f.number(row["exported_kwh"]),
                 f.number(row["imported_kwh"])]
        if show_curtailed:
            cells.append(f.number(row["curtailed_kwh"]))
        cells.append(f.percent(row["self_consumed_kwh"] / row["pv_kwh"] if row["pv_kwh"] > 0
                               else None))
        rows.append(cells)
    total = [t("year_total"), f.number(r.energy.load_kwh), f.number(r.pv.annual_generation_kwh),
             f.number(r.energy.self_consumed_kwh), f.number(r.energy.exported_kwh),
             f.number(r.energy.imported_kwh)]
    if show_curtailed:
        total.append(f.number(r.energy.curtailed_kwh))
    total.append(_self_consumption(r, f))
    rows.append(total)
    n = len(header)
    blocks: list[Any] = [
        grid,
        Paragraph(balance),
        Figure("monthly_energy", "", spec=charts.monthly_energy_chart(monthly, t)),
        *([Figure("typical_day", t(_day_caption_key(r)),
                  spec=charts.typical_day_chart(days, t))] if days else []),
        Table(t("energy.monthly_table"), header, rows, ["L"] + ["R"] * (n - 1),
              [0.8] + [1.0] * (n - 1), total_rows=1),
    ]
    return Section("energy", 0, t("sections.energy"), blocks)


# --------------------------------------------------------------------------- bills
def _breakdown_key(result: Result) -> str:
    """Key of the sentence that splits the year's saving into its parts.

    Under EMC the company's grid bill, without the investor's export income; with a raised
    demand charge the rise is taken off (not a negative saving); without export income no
    export figure is named (a zero-export design "earns" nothing).
    """
    if tables.exports_paid_to_investor(result):
        return "bills.breakdown_emc"
    key = "bills.breakdown_demand_up" if result.bills.demand_charge_raised else "bills.breakdown"
    return key if tables.earns_exports(result) else f"{key}_no_export"


def _months_demand_raised(result: Result, t: Texts, f: NumberFormat) -> str:
    """In how many months the system raises the maximum demand (by more than 0.05 kW), in
    words: "in 5 of 12 months", "of every month"."""
    before = result.bill_baseline_monthly["max_demand_kw"]
    after = result.bill_with_system_monthly["max_demand_kw"].reindex(before.index)
    count = int((after > before + 0.05).sum())
    return (t("bills.months_raised_all") if count == len(before) == 12
            else t("bills.months_raised", count=f.number(count)))


def _tariff_name(c: _Ctx) -> str:
    row = c.result.assumption("tariff.preset")
    if row is None:
        return c.t.na
    name = c.text_value(row)
    date = c.used("tariff.effective_date")
    return c.t("bills.tariff_dated", name=name, date=date) if date else name


def _bills(c: _Ctx) -> Section:
    r, t, f = c.result, c.t, c.f
    bills = tables.monthly_bills(r)
    baseline, with_system, savings = tables.annual_bills(r)
    emc = tables.exports_paid_to_investor(r)  # the company's own bill, without export income
    months = t.raw("month.short")
    rows = [[months[m - 1], f.number(row["baseline"]), f.number(row["with_system"]),
             f.number(row["savings"])] for m, row in bills.iterrows()]
    rows.append([t("year_total"), f.number(baseline), f.number(with_system),
                 f.number(savings)])
    unit = c.money_unit
    with_key, savings_key = tables.bill_label_keys(r)
    with_label, savings_label = t(with_key), t(savings_key)
    header = [t("bills.month"), c.head(t("bills.baseline"), unit),
              c.head(with_label, unit), c.head(t("bills.savings"), unit)]
    # A raised demand charge is said to have gone up, not to have saved a negative sum.
    breakdown = t(_breakdown_key(r),
                  savings=f.money(savings if emc else r.bills.savings_annual),
                  energy=f.money(r.bills.energy_savings_annual),
                  demand=f.money(r.bills.demand_savings_annual if emc
                                 else abs(r.bills.demand_savings_annual)),
                  export=f.money(r.bills.export_revenue_annual),
                  months=_months_demand_raised(r, t, f))
    blocks: list[Any] = [
        KpiGrid([
            Kpi(t("bills.baseline"), f.money(baseline), f.money_wan(baseline)),
            Kpi(with_label, f.money(with_system), f.money_wan(with_system)),
            Kpi(savings_label, f.money(savings), f.money_wan(savings)),
            Kpi(t("bills.savings_share"), f.percent(savings / baseline if baseline else None)),
        ], columns=4),
        Paragraph(breakdown),
        # A saving on demand charges by PV alone rests on the weather of its peak hours.
        *[Paragraph(text, "box") for text in (tables.demand_caveat(r, c.lang),) if text],
        *[note for note in (views.bills_note(r, t, f),) if note is not None],
        Paragraph(t("bills.tariff_line", tariff=_tariff_name(c)), "note"),
        *tou_hours_blocks(r, t),  # which hours are peak, valley...: most of the saving
        Figure("bills", "", spec=charts.bills_chart(bills, t, f, with_system=with_label)),
        Table(t("bills.table"), header, rows, ["L", "R", "R", "R"], [0.8, 1.2, 1.2, 1.2],
              total_rows=1),
        # Each month's maximum demand and its charge, where the tariff has one.
        *[table for table in (tables.demand_table(r, c.lang),) if table is not None],
    ]
    return Section("bills", 0, t("sections.bills"), blocks)


# --------------------------------------------------------------------------- finance
def _finance(c: _Ctx) -> Section:
    r, t, f = c.result, c.t, c.f
    fin = r.finance
    own = fin.ownership or c.used("finance.ownership")
    if own == "emc":
        ownership = t("finance.emc",
                      discount=f.percent_value(c.used("finance.emc_discount_percent"), 0),
                      years=c.used("finance.contract_years"))
    elif own == "lease":
        ownership = t("finance.lease", years=c.used("finance.contract_years"))
    else:
        ownership = t("finance.owner" if tables.earns_exports(r) else "finance.owner_no_export")
    kpis = _kpis(c)
    items = [kpis[k] for k in ("capex", "npv", "irr", "savings", "payback_pre_tax", "payback",
                               "discounted_payback_pre_tax", "discounted_payback", "lcoe",
                               "bcr")]
    if fin.equity_irr is not None and fin.irr is not None and abs(fin.equity_irr - fin.irr) > 1e-4:
        items.append(Kpi(t("kpi.equity_irr"), f.percent(fin.equity_irr)))
    if fin.investor_irr is not None:
        items.append(Kpi(t("kpi.investor_irr"), f.percent(fin.investor_irr)))
    if fin.host_savings_lifetime is not None:
        items.append(Kpi(t("kpi.host_savings"), f.money(fin.host_savings_lifetime),
                         f.money_wan(fin.host_savings_lifetime)))
    cash = tables.cash_flow_summary(r)
    columns = [("capex", "finance.capex"), ("savings", "finance.savings"),
               ("export", "finance.export"), ("assets", "finance.assets"),
               ("subsidy", "finance.subsidy"), ("costs", "finance.costs"),
               ("lease", "finance.lease_payment"), ("tax", "finance.tax")]
    shown = [(col, key) for col, key in columns if not _is_zero(cash[col])]
    if fin.perspective == "investor":  # EMC: the investor is paid for the PV energy
        shown = [(col, "finance.savings_emc" if col == "savings" else key)
                 for col, key in shown]
    header = [t("finance.year")] + [t(key) for _, key in shown] + [t("finance.net"),
                                                                  t("finance.cumulative")]
    def cell(value: float) -> str:
        return "–" if abs(value) < 0.5 else f.number(value)

    rows = []
    for year, row in cash.iterrows():
        rows.append([str(int(year))] + [cell(row[col]) for col, _ in shown]
                    + [f.number(row["net"]), f.number(row["cumulative"])])
    totals = cash.sum(axis=0)
    rows.append([t("year_total")] + [f.number(totals[col]) for col, _ in shown]
                + [f.number(totals["net"]), ""])
    n = len(header)
    blocks: list[Any] = [
        Paragraph(ownership, "box", title=t("finance.ownership")),
        *views.finance_grids(r, t, f, items),
        *_battery_money(c),
        Figure("cash_flow", "", spec=charts.cash_flow_chart(cash, t, f)),
        Table(c.paren(views.cash_table_title(r, t, t("finance.cash_table")), c.money_unit),
              header, rows,
              ["C"] + ["R"] * (n - 1), [0.55] + [1.0] * (n - 1), total_rows=1,
              font_size=7.5 if n > 8 else 8.0,
              note=t("finance.notes", rate=f.percent(c.used("finance.discount_rate")))),
    ]
    host = views.host_table(r, t, f, c.money_unit)  # EMC, lease: the company's own savings
    if host is not None:
        blocks.append(host)
    return Section("finance", 0, t("sections.finance"), blocks)


def _battery_money(c: _Ctx) -> list[Paragraph]:
    """The battery's part of the investment and its replacements, where it has one (the
    investment is one figure otherwise, and the replacement hides among the costs)."""
    r, t, f = c.result, c.t, c.f
    cash = r.cash_flow
    if "battery_capex" not in cash.columns:
        return []
    battery = -float(cash["battery_capex"].iloc[0])
    if battery < 0.5:
        return []
    text = t("finance.battery_capex", battery=f.money(battery),
             energy=f.unit(r.battery.energy_kwh, "kWh"), power=f.unit(r.battery.power_kw, "kW"),
             rest=f.money(r.finance.capex - battery))
    replaced = cash["battery_replacement"][cash["battery_replacement"] < -0.5]
    if len(replaced):
        years = "、".join(str(int(y)) for y in replaced.index) if c.lang == "zh" else \
            ", ".join(str(int(y)) for y in replaced.index)
        # Sentences follow one another with a space in English, none in Chinese.
        text += ("" if c.lang == "zh" else " ") + t("finance.battery_replacement", years=years,
                                                   cost=f.money(-float(replaced.sum())))
    return [Paragraph(text)]


# --------------------------------------------------------------------------- carbon
def _scope2_values(scope2: dict[str, Any]) -> dict[str, float | None]:
    def get(*names: str) -> float | None:
        for name in names:
            if name in scope2 and scope2[name] is not None:
                return float(scope2[name])
        return None

    return {
        "location_before": get("location_before_tco2"),
        "location_after": get("location_after_tco2"),
        "market_before": get("market_before_tco2"),
        "market_after": get("market_after_tco2"),
    }


def _carbon_split(c: _Ctx) -> list[Paragraph]:
    """Which avoided CO2 lowers the company's Scope 2, and the lifetime figure's factor trend."""
    r, t, f = c.result, c.t, c.f
    carbon = r.carbon
    out: list[Paragraph] = []
    own, exported = carbon.avoided_tco2_self_consumed_year1, carbon.avoided_tco2_exported_year1
    if own is not None and exported is not None:
        # A battery's losses are bought from the grid: Scope 2 falls by less than the CO2
        # of the PV used on site.
        key = ("carbon.split_battery" if carbon.scope2_cut_short_by_battery
               else "carbon.split" if r.energy.exported_kwh >= 0.5 else "carbon.split_no_export")
        out.append(Paragraph(t(key, total=f.tco2(carbon.avoided_tco2_year1),
                               self_consumed=f.tco2(own), exported=f.tco2(exported),
                               losses=f.tco2(carbon.battery_losses_tco2_year1),
                               cut=f.tco2(carbon.location_scope2_cut_tco2 or 0.0)),
                             "body", title=t("carbon.split_title")))
    rate = c.used("carbon.grid_factor_decline_percent_per_year")
    if rate is not None:
        lifetime = f.tco2(carbon.avoided_tco2_lifetime)
        out.append(Paragraph(t("carbon.decline", lifetime=lifetime,
                               rate=f.percent_value(float(rate), 2)) if float(rate) else
                             t("carbon.decline_none", lifetime=lifetime), "note"))
    return out


def _carbon(c: _Ctx) -> Section:
    r, t, f = c.result, c.t, c.f
    carbon = r.carbon
    kpis = _kpis(c)
    factor = r.assumption("carbon.location_factor")
    items = [kpis["avoided"], kpis["avoided_lifetime"], kpis["certificates"]]
    if carbon.certificate_revenue_year1:
        items.append(Kpi(t("carbon.revenue"), f.money(carbon.certificate_revenue_year1)))
    if carbon.credits_tco2_year1:
        items.append(kpis["credits"])
        items.append(Kpi(t("carbon.revenue"), f.money(carbon.credit_revenue_year1)))
    if len(items) < 4:
        items.append(Kpi(t("kpi.self_sufficiency"), f.percent(r.energy.self_sufficiency_ratio)))
    blocks: list[Any] = [
        KpiGrid(items, columns=4),
        Paragraph(t("carbon.factor", value=f.number(carbon.emission_factor_tco2_per_mwh, 4),
                    source=_factor_source(c, factor),
                    year=factor.date if factor and factor.date else t.na)
                  + t.get(f"carbon.basis_{carbon.emission_factor_basis}", ""), "note"),
        *_carbon_split(c),
    ]
    values = _scope2_values(carbon.scope2 or {})
    scope_rows = []
    chart_rows = []
    for key in ("location", "market"):
        before, after = values[f"{key}_before"], values[f"{key}_after"]
        if before is None or after is None:
            continue
        scope_rows.append([t(f"carbon.{key}"), f.number(before, None), f.number(after, None),
                           f.number(before - after, None),
                           f.percent((before - after) / before if before else None)])
        chart_rows.append((t(f"carbon.{key}"), before, after))
    if scope_rows:
        unit = t("carbon.unit")
        blocks.append(Table(
            t("carbon.scope2_table"),
            [t("carbon.method"), c.head(t("carbon.before"), unit),
             c.head(t("carbon.after"), unit), c.head(t("carbon.reduction"), unit), "%"],
            scope_rows, ["L", "R", "R", "R", "R"], [2.4, 1, 1, 1, 0.6]))
        blocks.append(Figure("scope2", "", spec=charts.scope2_chart(chart_rows, t)))
    policy = str(c.used("carbon.certificates") or (carbon.scope2 or {}).get("certificates", ""))
    note = t.get(f"certificates.{policy}", (carbon.scope2 or {}).get("note", ""))
    blocks.append(Paragraph(note, "body", title=t("carbon.certificates_policy")))
    tradable = carbon.certificates_tradable_year1
    non_tradable = carbon.certificates_non_tradable_year1
    if tradable is not None and non_tradable is not None:
        blocks.append(Paragraph(t("carbon.certificate_kinds", tradable=f.count(tradable),
                                  non_tradable=f.count(non_tradable)), "note"))
        if tables.exports_paid_to_investor(r) and tradable > 0:
            # EMC: the plant is the investor's; the tradable certificates of its exports are
            # issued to it, the non-tradable ones of self-consumed energy follow the energy
            blocks.append(Paragraph(t("carbon.certificates_emc", tradable=f.count(tradable),
                                      non_tradable=f.count(non_tradable)), "note"))
    ledger = tables.ledger_summary(r)
    if len(ledger):
        columns = [("generation_mwh", "carbon.generation", None),
                   ("certificates_issued", "carbon.issued", 0),
                   ("certificates_sold", "carbon.sold", 0),
                   ("certificates_retained", "carbon.retained", 0),
                   ("credits_tco2", "carbon.credits", None),
                   ("revenue", "carbon.revenue", 0)]
        if "avoided_tco2" in r.carbon_ledger.columns or "total_tco2" in r.carbon_ledger.columns:
            columns.insert(1, ("avoided_tco2", "carbon.avoided", None))
        shown = [col for col in columns if not _is_zero(ledger[col[0]])]
        # money in 元; counts of certificates in 张 (an English label names them already)
        count_unit = t("units.certificate") if c.lang == "zh" else ""
        header = [t("carbon.year")] + [
            c.head(t(key), c.money_unit) if name == "revenue"
            else c.head(t(key), count_unit) if name.startswith("certificates_") and count_unit
            else t(key) for name, key, _ in shown]
        rows = []
        for year, row in ledger.iterrows():
            label = t("carbon.total") if year == "total" else str(year)
            rows.append([label] + [f.number(row[name], d) for name, _, d in shown])
        n = len(header)
        blocks.append(Table(t("carbon.ledger_table"), header, rows, ["C"] + ["R"] * (n - 1),
                            [0.6] + [1.0] * (n - 1), total_rows=1, font_size=7.5,
                            note=t("carbon.ledger_note")))
    blocks.extend(footprint_tables(c.result, c.t, c.f))
    blocks.append(Paragraph(t("carbon.double_counting"), "box",
                            title=t("carbon.double_counting_title")))
    return Section("carbon", 0, t("sections.carbon"), blocks)


# --------------------------------------------------------------------------- notes
def _plan_notes(c: _Ctx) -> tuple[list[str], list[str]]:
    """The plan's notes in the reader's language: (about the weather data, the others)."""
    weather = {str(n) for n in (c.result.weather or {}).get("notes") or []}
    about_weather: list[str] = []
    others: list[str] = []
    for note in c.result.notes:
        is_weather = note.key.startswith("notes.weather.") or str(note) in weather
        # The proposal's reader has no solver settings to change: an unproven optimum is
        # told with its gap, without the advice the app's user gets.
        note = for_reader(note, c.result, "proposal")
        (about_weather if is_weather else others).append(render(note, c.lang))
    return list(dict.fromkeys(about_weather)), list(dict.fromkeys(others))


def _factor_source(c: _Ctx, factor: Assumption | None) -> str:
    """Where the grid emission factor comes from, the same citation in either language."""
    source = c.result.carbon.emission_factor_source
    return source if c.lang != "zh" else source_text(source, c.lang,
                                                     factor.status if factor else "")


# --------------------------------------------------------------------------- assumptions
def _status(t: Texts, status: str | None) -> str:
    if not status:
        return t.na
    return t.get(f"status.{status}", status)


#: Assumption category -> the proposal's category heading key.
_CATEGORY_KEYS = {
    "site": "assumptions.cat_site", "weather": "assumptions.cat_weather",
    "load": "assumptions.cat_load", "tariff": "assumptions.cat_tariff",
    "export": "assumptions.cat_export", "emission": "assumptions.cat_emission",
    "assets": "assumptions.cat_assets", "finance": "assumptions.cat_finance",
    "pv": "assumptions.cat_pv", "optimizer": "assumptions.cat_optimizer",
    "project": "assumptions.cat_project", "measures": "assumptions.cat_measures",
    "footprint": "assumptions.cat_footprint",
}


def _item_label(c: _Ctx, item: str) -> str:
    """The reader's name of an assumption item (``finance.discount_rate`` -> 折现率)."""
    t = c.t
    head, _, name = item.partition(".")
    if head == "finance":
        return t.get(f"finance_fields.{name}", name)
    if head in ("pv", "roof") and not item.endswith("total_percent"):
        return t.get(f"pv_fields.{name.rpartition('.')[2]}", name)
    if item.startswith("tariff.price."):
        period = item.rpartition(".")[2]
        return t("assumption_items.tariff_price", period=t.get(f"tou_period.{period}", period))
    if item.startswith(("tariff.demand_charge", "tariff.tou_override")):  # one row per tier
        return t(f"assumption_items.{'_'.join(item.split('.')[:2])}")
    if item.startswith("tariff.component."):
        key = item.rpartition(".")[2]
        return t("assumption_items.tariff_component",
                 component=t.get(f"tariff_component.{key}", key))
    if item.startswith("tariff.bill."):
        period = item.rpartition(".")[2]
        return t("assumption_items.tariff_bill", period=t.get(f"tou_period.{period}", period))
    measure = measure_item_label(item, t)
    if measure is not None:
        return measure
    return t.get(f"assumption_items.{item.replace('.', '_')}", item)


#: Units of time as a Chinese reader writes them (4 秒, not 4 s).
_ZH_TIME_UNITS = {"min": "分钟", "s": "秒", "h": "小时"}


def _unit_text(c: _Ctx, unit: str) -> str:
    """A unit for the reader (元 for CNY in Chinese, per-year words translated)."""
    if not unit:
        return ""
    if c.lang == "zh":  # 元, 张, 分钟, and the compass letters of a coordinate in words
        if unit in _ZH_TIME_UNITS:
            return _ZH_TIME_UNITS[unit]
        unit = unit.replace("CNY", "元").replace("/certificate", "/张")
        unit = unit.replace("°N", "°（北纬）").replace("°E", "°（东经）")
        unit = unit.replace("kgCO2e", c.t("units.kgco2e"))
    text = unit
    if c.lang == "zh":  # 元/kW/月 is written 元/(kW·月) in Chinese
        money, per, rest = text.partition("/")
        quantity, slash, period = rest.partition("/")
        if per and slash and period in ("year", "month"):
            word = c.t("units.per_year" if period == "year" else "units.per_month")
            return f"{money}/({quantity}·{word})"
    return text.replace("/year", "/" + c.t("units.per_year")).replace(
        "/month", "/" + c.t("units.per_month"))


def _named_value(c: _Ctx, row: Assumption) -> str | None:
    """A text value that is a name (a place, a template, the weather data), for the reader."""
    weather = c.result.weather or {}
    if row.item in ("site.province", "site.city", "site.country", "export.province"):
        return reader_name(row.value, c.lang)
    if row.item == "load.template":
        return template_name(str(row.value), c.lang)
    if row.item == "weather.dataset" and weather:
        return weather_dataset(weather, c.lang)
    if row.item == "weather.station" and weather:
        return weather_station(weather, c.lang)
    return None


def _assumption_value(c: _Ctx, row: Assumption) -> str:
    """A value in the reader's language and number format, with its unit."""
    t, f, value, unit = c.t, c.f, row.value, row.unit
    if value is None or value == "":
        return t.na
    if isinstance(value, bool):
        return t(f"assumption_values.{str(value).lower()}")
    if row.item == "site.utc_offset_hours":  # as the site table gives it: UTC+8, not 8 h
        return utc_offset_label(value) or t.na
    if isinstance(value, str):
        if row.value_zh and c.lang == "zh":
            return row.value_zh
        named = _named_value(c, row)
        if named is not None:
            return named
        return t.get(f"assumption_values.{value}", t.get(f"ownership.{value}",
                     t.get(f"tax_losses.{value}", t.get(f"objective.{value}", value))))
    number = float(value)
    if unit == "fraction" or unit == "fraction/year":
        shown = f.percent(number, 1)
        return shown + ("/" + t("units.per_year") if unit.endswith("/year") else "")
    if unit == "%":  # as many decimals as the value has, at most two (14.08 %, 2.0 %)
        return f.percent_value(number, 2 if round(number, 1) != round(number, 2) else 1)
    if unit in ("years", "year"):
        if row.item.endswith("_replacement_year"):
            return t("units.year_n", value=int(number)) if number else t.na
        return t("units.year_suffix", value=int(number))
    # Coordinates as the cover gives them (30.1800°, not 30 °); factors and prices per kWh
    # to four decimals.
    # Other figures as many decimals as they have, at most two: a capacity charge of 29.5
    # per kVA and month is not "30" (it read so for values of 10 and more).
    # Energies to the kWh: a year's 6,750,000 kWh summed from bills is not "6,750,000.0".
    decimals = 4 if ("tCO2" in unit or unit in ("°N", "°E")
                     or (unit.endswith("/kWh") and abs(number) < 10)) else (
        0 if number == int(number) or unit == "kWh" else 1
        if round(number, 1) == round(number, 2) else 2)
    return f"{f.number(number, decimals)} {_unit_text(c, unit)}".strip()


def _assumptions(c: _Ctx) -> Section:
    r, t = c.result, c.t
    rows: list[list[str]] = []
    last_category = None
    for row in r.assumptions:
        category = t.get(_CATEGORY_KEYS.get(row.category, ""), row.category)
        source = (t("user_input") if row.status == "user"
                  else measure_row_source(row, t)
                  or battery_limit_source(r, row.item, row.status, t, c.f)
                  or source_text(row.source, c.lang, row.status) or t.na)
        if row.date and row.date not in source and row.status != "user" \
                and row.date != str(row.value):  # a date's own row does not repeat it
            source = t("assumptions.dated", source=source, date=period_text(row.date, t))
        rows.append(["" if category == last_category else category, _item_label(c, row.item),
                     _assumption_value(c, row), source,
                     t.get(f"status.{row.status}", row.status) if row.status else t.na])
        last_category = category
    blocks: list[Any] = [
        Paragraph(t("assumptions.intro"), "note"),
        Table("", [t("assumptions.category"), t("assumptions.item"), t("assumptions.value"),
                   t("assumptions.source"), t("assumptions.status")], rows,
              ["L", "L", "L", "L", "L"], [0.8, 1.3, 1.9, 3.2, 0.62], font_size=7.0),
    ]
    notes, warnings = _plan_notes(c)
    if notes:
        blocks.append(Paragraph("\n".join(f"• {n}" for n in notes), "note",
                                title=t("assumptions.weather_notes_title")))
    if warnings:
        blocks.append(Paragraph("\n".join(f"• {n}" for n in warnings), "note",
                                title=t("assumptions.warnings")))
    return Section("assumptions", 0, t("sections.assumptions"), blocks)


# --------------------------------------------------------------------------- disclaimer
def _disclaimer(c: _Ctx) -> Section:
    lines = [line.strip() for line in c.t("disclaimer.text").strip().splitlines() if line.strip()]
    return Section("disclaimer", 0, c.t("sections.disclaimer"),
                   [Paragraph(line, "note") for line in lines], new_page=False)


# --------------------------------------------------------------------------- proposal
def build_proposal(
    result: Result,
    lang: str = "zh",
    *,
    preparer: str = "",
    date: dt.date | None = None,
    proposal: Any = None,
) -> Proposal:
    """The proposal document of a planned scenario in one language.

    Parameters
    ----------
    result : Result
        What :func:`pvplanner.plan` found: its KPIs, tables, site and assumptions are the
        only source of what the proposal states.
    lang : {"zh", "en"}
        Language of every word and number format.
    preparer : str
        Name of the person or company preparing the proposal (cover page).
    date : datetime.date, optional
        Date printed on the cover; today if omitted.
    proposal : ProposalInputs or mapping, optional
        The seller's company, contact, preparer, cover note and logo
        (:class:`pvplanner.scenario.proposal.ProposalInputs`); by default the ``proposal``
        section of the scenario the Result records.

    Raises
    ------
    PlannerInputError
        The seller's logo file is missing or not a PNG/JPEG image of a sensible size.
    """
    c = _Ctx(result, lang)
    t = c.t
    seller = seller_info(result, proposal, preparer=preparer)
    date = date or dt.date.today()
    date_text = (f"{date.year}年{date.month}月{date.day}日" if lang == "zh"
                 else date.strftime("%d %B %Y").lstrip("0"))
    # Under EMC and lease each figure names its party (the company's saving, the investor's
    # NPV...), on the cover and in the summary too.
    kpis = {**_kpis(c), **views.kpi_overrides(result, t, c.f)}
    sections = [_summary(c, kpis), _design(c), _energy(c), _bills(c), _finance(c),
                risk.sensitivity_section(result, t, c.f, c.money_unit),
                *measures_section(result, t, c.f, c.money_unit), _carbon(c),
                _assumptions(c), _disclaimer(c)]
    for number, section in enumerate(sections, start=1):
        section.number = number
    customer = _customer(result, lang)
    note = cover_note(seller, t, customer)
    if note is not None:
        sections[0].blocks.insert(0, note)
    site = _location(result, lang)
    coordinates = (_coordinates(result.site.latitude_deg, result.site.longitude_deg, lang)
                   if result.site is not None else "")
    cover_rows = [
        (t("doc.customer"), customer),
        (t("doc.site"), c.paren(site, coordinates) if site else coordinates),
        (t("doc.scenario"), reader_name(result.scenario_name, lang)),
        (t("doc.date"), date_text),
        # Who prepared it, only when someone is named: a cover does not say "n/a".
        *([(t("doc.preparer"), seller.preparer)] if seller.preparer else []),
        *seller_rows(seller, t),
    ]
    highlights = [kpis["capacity"], kpis["savings"], kpis["payback"], kpis["avoided"]]
    return Proposal(
        lang=lang,
        title=t("doc.title"),
        subtitle=t("doc.subtitle"),
        customer=customer,
        cover_rows=cover_rows,
        highlights=highlights,
        sections=sections,
        running_title=f"{customer} · {t('doc.title')}",
        page_label=t("doc.page", page="{page}", pages="{pages}"),
        footer_note=(t("seller.footer", seller=seller.company) if seller.company
                     else t("doc.prepared_with")),
        confidential=t("doc.confidential"),
        date=date_text,
        preparer=seller.preparer,
        contents_title=t("doc.contents"),
        seller=seller.company,
        logo_png=seller.logo_png,
    )


__all__ = ["SECTION_KEYS", "build_proposal", "compass_name", "design_limit_lines"]
