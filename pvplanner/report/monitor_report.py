"""The monthly monitoring report as an A4 PDF, in Chinese or English.

What :func:`pvplanner.monitor.monitor` found, laid out by the proposal's own machinery: the
report is a :class:`~pvplanner.report.model.Proposal` document (cover, numbered sections of
paragraphs, key figures, tables and one chart) that :func:`pvplanner.report.pdf.
render_proposal_pdf` sets in the embedded font. Sections: the period against the plan, plan
and actual month by month, the outages, curtailment and data gaps found with the energy lost
to each, the carbon account as measured (self-consumed and exported energy, avoided CO2,
tradable and non-tradable certificates, Scope 2), the years and the degradation trend when
more than a year is given, and how the figures were computed.

Every word comes from the ``monitor.pdf`` messages (``data/i18n/monitor.toml``) and every
number from the :class:`~pvplanner.monitor.MonitorResult`, formatted once here with
:class:`~pvplanner.display.numbers.NumberFormat`. Nothing internal reaches the reader: no
file name, emission-factor id or path (the factor's source is cited in the reader's
language by :func:`pvplanner.display.sources.citation`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from pvplanner.display.messages import translate
from pvplanner.display.names import name as reader_name
from pvplanner.display.numbers import NumberFormat
from pvplanner.display.sources import citation
from pvplanner.report.model import Figure, Kpi, KpiGrid, Paragraph, Proposal, Section, Table
from pvplanner.report.text import check_lang

if TYPE_CHECKING:
    from pvplanner.monitor.records import MonitorResult

__all__ = ["build_monitor_report", "render_monitor_pdf", "write_monitor_pdf"]


class _Words:
    """The report's texts and number formats in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = check_lang(lang)
        self.f = NumberFormat(lang)

    def __call__(self, key: str, **values: Any) -> str:
        return translate(f"monitor.pdf.{key}", self.lang, **values)

    def monitor(self, key: str, **values: Any) -> str:
        """A text of the Monitor page's catalogue (kinds, basis, notes), with CO2 written
        as the PDF font has it (no subscript two)."""
        return translate(f"monitor.{key}", self.lang, **values).replace("₂", "2")

    def head(self, key: str, unit: str = "") -> str:
        """A column heading with its unit on a second line."""
        label = self(f"columns.{key}")
        return f"{label}\n({unit})" if unit else label

    def kwh(self, value: Any) -> str:
        return self.f.number(value)

    def ratio(self, value: Any) -> str:
        return self.f.number(value, 3)


def _day(stamp: str) -> str:
    return stamp[:10]


def _last_day(result: MonitorResult) -> str:
    """The last metered day (``end`` is the hour after the last hour)."""
    return str((pd.Timestamp(result.end) - pd.Timedelta(hours=1)).date())


def _time(stamp: str) -> str:
    """``2025-06-10T08:00:00+08:00`` -> ``2025-06-10 08:00`` (site standard time)."""
    return stamp[:16].replace("T", " ")


def _lost(result: MonitorResult, kind: str) -> float:
    return float(sum(e.lost_kwh for e in getattr(result, kind)))


def _gap_hours(result: MonitorResult) -> int:
    return int(sum(e.hours for e in result.data_gaps))


# --------------------------------------------------------------------------- sections
def _summary(result: MonitorResult, w: _Words) -> Section:
    f = w.f
    start, end = _day(result.start), _last_day(result)
    blocks: list[Any] = [
        Paragraph(w("text.lead", start=start, end=end, kwp=f.kwp(result.capacity_kwp),
                    actual=f.kwh(result.actual_kwh), expected=f.kwh(result.expected_kwh),
                    pi=w.ratio(result.performance_index),
                    pi_ok=w.ratio(result.performance_index_excluding_outages)), "lead"),
        Paragraph(w("text.losses", outage=f.kwh(_lost(result, "outages")),
                    curtailment=f.kwh(_lost(result, "curtailment")),
                    gaps=f.number(_gap_hours(result)))),
        Paragraph(w("text.carbon", avoided=f.tco2(result.avoided_tco2),
                    plan=f.tco2(result.total("plan_avoided_tco2")),
                    certificates=f.count(result.certificates),
                    plan_certificates=f.count(result.total("plan_certificates")))),
    ]
    from pvplanner.monitor.workbook import summary_rows

    rows = []
    for label, actual, planned, unit in summary_rows(result, w.lang):
        shown = {"-": w.ratio, "tCO2/MWh": lambda v: f.number(v, 4),
                 "tCO2": lambda v: f.number(v, 1)}.get(unit, w.kwh)
        label = re.sub(r"\s*\[[^\]]*\]$", "", label.replace("₂", "2"))  # unit: own column
        rows.append([label, shown(actual), w("none") if planned is None else shown(planned),
                     "" if unit == "-" else unit])
    blocks.append(Table(w("text.summary_table"), [w("columns.item"), w.monitor("xlsx.actual"),
                                                  w.monitor("xlsx.plan"), w("columns.unit")],
                        rows, ["L", "R", "R", "L"], [3.2, 1.2, 1.2, 0.9], font_size=8))
    return Section("summary", 0, w("sections.summary"), blocks)


def _month_rows(monthly: pd.DataFrame, w: _Words) -> list[list[str]]:
    rows = []
    for period, m in monthly.iterrows():
        rows.append([str(period), w.kwh(m["plan_generation_kwh"]), w.kwh(m["expected_kwh"]),
                     w.kwh(m["actual_kwh"]), w.ratio(m["performance_index"]),
                     w.ratio(m["performance_index_excluding_outages"]),
                     w.kwh(m["outage_lost_kwh"]), w.kwh(m["curtailment_lost_kwh"]),
                     w.f.percent_value(m["coverage_percent"], 1)])
    return rows


def _months(result: MonitorResult, w: _Words) -> Section:
    monthly = result.monthly
    labels = {"plan_generation_kwh": w("columns.plan"), "expected_kwh": w("columns.expected"),
              "actual_kwh": w("columns.actual")}
    from pvplanner.report.charts import metered_months_chart

    chart = Figure("monitor_months", spec=metered_months_chart(
        monthly, labels, w("energy_axis"), w("chart_title")))
    rows = _month_rows(monthly, w)
    rows.append([w("total"), w.kwh(result.total("plan_generation_kwh")),
                 w.kwh(result.expected_kwh), w.kwh(result.actual_kwh),
                 w.ratio(result.performance_index),
                 w.ratio(result.performance_index_excluding_outages),
                 w.kwh(_lost(result, "outages")), w.kwh(_lost(result, "curtailment")), ""])
    header = [w("columns.month"), w.head("plan", "kWh"), w.head("expected", "kWh"),
              w.head("actual", "kWh"), w.head("pi"), w.head("pi_excluding"),
              w.head("outage", "kWh"), w.head("curtailment", "kWh"), w.head("coverage", "%")]
    table = Table(w("text.months_table"), header, rows, ["L"] + ["R"] * 8,
                  [0.95, 1.1, 1.1, 1.1, 1.25, 1.05, 1.1, 1.1, 0.9], total_rows=1, font_size=7.2,
                  note=w("text.months_note"))
    return Section("months", 0, w("sections.months"), [chart, table])


def _events(result: MonitorResult, w: _Words) -> Section:
    events = [*result.outages, *result.curtailment, *result.data_gaps]
    if not events:
        return Section("events", 0, w("sections.events"),
                       [Paragraph(w("text.no_events"))], new_page=False)
    rows = [[w.monitor(f"kinds.{e.kind}"), _time(e.start), _time(e.end), w.f.number(e.hours),
             w.kwh(e.expected_kwh),
             w("none") if e.kind == "data_gap" else w.kwh(e.lost_kwh)] for e in events]
    header = [w("columns.kind"), w("columns.start"), w("columns.end"), w("columns.hours"),
              w.head("expected", "kWh"), w.head("lost", "kWh")]
    kpis = KpiGrid([
        Kpi(w.monitor("kpi.outage_lost"), w.f.kwh(_lost(result, "outages")),
            f"{len(result.outages)} × {w.monitor('kinds.outage')}"),
        Kpi(w.monitor("kpi.curtailment_lost"), w.f.kwh(_lost(result, "curtailment")),
            f"{len(result.curtailment)} × {w.monitor('kinds.curtailment')}"),
        Kpi(w.monitor("kinds.data_gap"), w.f.unit(_gap_hours(result), "h"),
            f"{len(result.data_gaps)} × {w.monitor('kinds.data_gap')}"),
    ], columns=3)
    return Section("events", 0, w("sections.events"), [
        kpis, Table(w("text.events_table"), header, rows, ["L", "L", "L", "R", "R", "R"],
                    [1.0, 1.6, 1.6, 0.7, 1.1, 1.1], font_size=7.5, note=w("text.events_note"))],
        new_page=False)


def _account(result: MonitorResult, w: _Words) -> Section:
    f, monthly = w.f, result.monthly

    def tonnes(value: Any) -> str:
        return f.number(value, 1)

    rows = [[str(period), w.kwh(m["self_consumed_kwh"]), w.kwh(m["exported_kwh"]),
             tonnes(m["avoided_tco2"]), tonnes(m["plan_avoided_tco2"]),
             f.number(m["certificates_tradable"]), f.number(m["certificates_non_tradable"]),
             f.number(m["plan_certificates"])] for period, m in monthly.iterrows()]
    total = result.total
    rows.append([w("total"), w.kwh(total("self_consumed_kwh")), w.kwh(total("exported_kwh")),
                 tonnes(total("avoided_tco2")), tonnes(total("plan_avoided_tco2")),
                 f.number(total("certificates_tradable")),
                 f.number(total("certificates_non_tradable")),
                 f.number(total("plan_certificates"))])
    count = w("columns.count")
    header = [w("columns.month"), w.head("self_consumed", "kWh"), w.head("exported", "kWh"),
              w.head("avoided", "tCO2"), w.head("avoided_plan", "tCO2"),
              w.head("tradable", count), w.head("non_tradable", count),
              w.head("certificates_plan", count)]
    scope = [[str(period), w.kwh(m["load_kwh"]), w.kwh(m["grid_import_kwh"]),
              tonnes(m["scope2_location_before_tco2"]), tonnes(m["scope2_location_after_tco2"]),
              tonnes(m["scope2_market_after_tco2"])] for period, m in monthly.iterrows()]
    scope.append([w("total"), w.kwh(total("load_kwh")), w.kwh(total("grid_import_kwh")),
                  tonnes(total("scope2_location_before_tco2")),
                  tonnes(total("scope2_location_after_tco2")),
                  tonnes(total("scope2_market_after_tco2"))])
    ef = result.emission_factor
    region = ef.get("region_zh") if w.lang == "zh" and ef.get("region_zh") else ef.get("region")
    status = translate(f"report.status.{ef.get('status')}", w.lang) if ef.get("status") else ""
    note = w("text.account_note", factor=f.number(monthly["factor_tco2_per_mwh"].iloc[0], 4)
             if len(monthly) else w("none"), region=reader_name(str(region or ""), w.lang),
             year=ef.get("data_year") or w("none"),
             source=citation(str(ef.get("source", "")), w.lang, str(ef.get("status", ""))),
             status=status, decline=f.number(ef.get("decline_percent_per_year"), 1))
    if result.self_consumption_basis == "plan_ratio":
        note = f"{note} {w('text.split_plan')}"
    blocks: list[Any] = [
        KpiGrid([Kpi(w("kpi.avoided"), f.tco2(result.avoided_tco2),
                     w.monitor("kpi.avoided_plan", value=f.tco2(total("plan_avoided_tco2")))),
                 Kpi(w("kpi.certificates"), f.count(result.certificates),
                     w.monitor("kpi.certificates_split",
                               tradable=f.number(total("certificates_tradable")),
                               non_tradable=f.number(total("certificates_non_tradable")))),
                 Kpi(w("columns.self_consumed"), f.kwh(total("self_consumed_kwh"))),
                 Kpi(w("columns.exported"), f.kwh(total("exported_kwh")))], columns=4),
        Table(w("text.account_table"), header, rows, ["L"] + ["R"] * 7,
              [1.0, 1.3, 1.3, 1.0, 1.0, 1.0, 1.0, 1.0], total_rows=1, font_size=7.2),
        Table(w("text.scope2_table"), [w("columns.month"), w.head("load", "kWh"),
                                       w.head("grid", "kWh"), w.head("location_before", "tCO2"),
                                       w.head("location_after", "tCO2"),
                                       w.head("market_after", "tCO2")],
              scope, ["L"] + ["R"] * 5, [1.0, 1.3, 1.3, 1.3, 1.2, 1.2], total_rows=1,
              font_size=7.2, note=note),
    ]
    return Section("account", 0, w("sections.account"), blocks)


def yearly_table(monthly: pd.DataFrame) -> pd.DataFrame:
    """Expected and metered energy and the performance index of each calendar year.

    Parameters
    ----------
    monthly : pandas.DataFrame
        :attr:`MonitorResult.monthly` (index ``YYYY-MM``; ``expected_kwh``, ``actual_kwh``,
        ``outage_lost_kwh`` [kWh]).

    Returns
    -------
    pandas.DataFrame
        Index ``year`` (``YYYY``): ``expected_kwh``, ``actual_kwh``, ``outage_lost_kwh``
        [kWh] and ``performance_index`` = actual / expected [-].

    Examples
    --------
    >>> months = pd.DataFrame({"expected_kwh": [100.0, 100.0, 200.0],
    ...                        "actual_kwh": [90.0, 80.0, 150.0],
    ...                        "outage_lost_kwh": [0.0, 10.0, 0.0]},
    ...                       index=pd.Index(["2025-11", "2025-12", "2026-01"], name="period"))
    >>> yearly_table(months)["performance_index"].round(3).tolist()
    [0.85, 0.75]
    """
    years = pd.Index([str(p)[:4] for p in monthly.index], name="year")
    table = monthly[["expected_kwh", "actual_kwh", "outage_lost_kwh"]].groupby(years).sum()
    expected = table["expected_kwh"].where(table["expected_kwh"] > 0)
    table["performance_index"] = table["actual_kwh"] / expected
    return table


def _trend(result: MonitorResult, w: _Words) -> list[Section]:
    """Years and the degradation trend: only when more than a year was metered."""
    span = pd.Timestamp(result.end) - pd.Timestamp(result.start)
    if span.days <= 366:
        return []
    f, trend = w.f, result.degradation
    years = yearly_table(result.monthly)
    rows = [[str(year), w.kwh(y["expected_kwh"]), w.kwh(y["actual_kwh"]),
             w.ratio(y["performance_index"]), w.kwh(y["outage_lost_kwh"])]
            for year, y in years.iterrows()]
    blocks: list[Any] = []
    if trend is not None:
        blocks.append(Paragraph(w("text.trend", rate=f.number(trend.rate_percent_per_year, 2),
                                  low=f.number(trend.low_percent_per_year, 2),
                                  high=f.number(trend.high_percent_per_year, 2),
                                  confidence=f.number(100 * trend.confidence, 0),
                                  pairs=f.number(trend.pairs)), "lead"))
    else:
        blocks.append(Paragraph(w("text.no_trend")))
    blocks.append(Table(w("text.years_table"), [
        w("columns.year"), w.head("expected", "kWh"), w.head("actual", "kWh"), w.head("pi"),
        w.head("outage", "kWh")], rows, ["L", "R", "R", "R", "R"], [0.8, 1.3, 1.3, 1.0, 1.2],
        font_size=8))
    return [Section("trend", 0, w("sections.trend"), blocks, new_page=False)]


def _notes(result: MonitorResult, w: _Words) -> Section:
    text = "\n".join(f"• {note.text(w.lang)}" for note in result.notes)
    return Section("notes", 0, w("sections.notes"), [Paragraph(text, "note")], new_page=False)


# --------------------------------------------------------------------------- the document
def build_monitor_report(result: MonitorResult, lang: str = "zh", *,
                         date: dt.date | None = None) -> Proposal:
    """The monitoring report as a document the proposal's renderers lay out.

    Parameters
    ----------
    result : MonitorResult
        What :func:`pvplanner.monitor.monitor` found.
    lang : {"zh", "en"}
        Language of every word and number format.
    date : datetime.date, optional
        Date on the cover; today if omitted.

    Returns
    -------
    Proposal
        Cover, highlights and numbered sections.
    """
    w = _Words(lang)
    f = w.f
    date = date or dt.date.today()
    date_text = (f"{date.year}年{date.month}月{date.day}日" if w.lang == "zh"
                 else date.strftime("%d %B %Y").lstrip("0"))
    sections = [_summary(result, w), _months(result, w), _events(result, w),
                _account(result, w), *_trend(result, w), _notes(result, w)]
    for number, section in enumerate(sections, start=1):
        section.number = number
    plant = reader_name(result.scenario_name, w.lang)
    generation = result.quality.get("generation", {}) if result.quality else {}
    hours = int(result.hourly["actual_kw"].notna().sum()) if len(result.hourly) else 0
    days = int(len(result.daily))
    cover_rows = [
        (w("site"), plant),
        (w("period"), w("period_value", start=_day(result.start), end=_last_day(result),
                        days=f.number(days))),
        (w("capacity"), f.kwp(result.capacity_kwp)),
        (w("basis"), w.monitor(f"basis.{result.basis}")),
        (w("coverage"), w("coverage_value", hours=f.number(hours), minutes=f.number(
            generation.get("interval_minutes")))),
        (w("date"), date_text),
    ]
    highlights = [
        Kpi(w("kpi.actual"), f.energy(result.actual_kwh)),
        Kpi(w("kpi.pi"), w.ratio(result.performance_index),
            f"{w('kpi.pi_excluding')} {w.ratio(result.performance_index_excluding_outages)}"),
        Kpi(w("kpi.lost"), f.energy(_lost(result, "outages") + _lost(result, "curtailment"))),
        Kpi(w("kpi.avoided"), f.tco2(result.avoided_tco2)),
    ]
    title = w("title")
    return Proposal(
        lang=w.lang, title=title, subtitle=w("subtitle"), customer=plant,
        cover_rows=cover_rows, highlights=highlights, sections=sections,
        running_title=f"{plant} · {title}",
        page_label=w("page", page="{page}", pages="{pages}"),
        footer_note=w("prepared_with"), confidential=w("confidential"), date=date_text,
        preparer="", contents_title=w("contents"), highlights_title=w("highlights"))


def render_monitor_pdf(result: MonitorResult, lang: str = "zh", *,
                       date: dt.date | None = None) -> bytes:
    """The monitoring report as A4 PDF bytes (see :func:`build_monitor_report`)."""
    from pvplanner.report.pdf import render_proposal_pdf

    return render_proposal_pdf(build_monitor_report(result, lang, date=date))


def write_monitor_pdf(result: MonitorResult, target: str | os.PathLike[str] | None = None, *,
                      lang: str = "zh", date: dt.date | None = None) -> bytes | None:
    """Write the monitoring report as PDF to ``target``, or return its bytes when ``target``
    is None (a download); the counterpart of :func:`pvplanner.monitor.write_monitor_xlsx`,
    with the cover's ``date`` (today if omitted) in ``lang``."""
    data = render_monitor_pdf(result, lang, date=date)
    if target is None:
        return data
    with open(os.fspath(target), "wb") as handle:
        handle.write(data)
    return None
