"""The proposal's saving measures and product footprint, in the reader's language.

:func:`measures_section` is the section 节能措施 / Saving measures (only when the plan
applied any): each measure's energy, bill savings, cost, payback and CO2, the combined plan
(today, after the measures, with measures + PV + battery) and where each measure's figures
come from; :func:`footprint_tables` is the product footprint per unit in the carbon section.
Names, sources and notes of measures are the catalogue's own in the reader's language
(``name_zh``, ``source_zh`` of ``data/measures/catalogue.toml``,
:func:`pvplanner.load.measures.measure_text`); the footprint factor's source is cited by
:func:`pvplanner.display.sources.citation`.
"""

from __future__ import annotations

from typing import Any

from pvplanner.display.numbers import NumberFormat
from pvplanner.display.sources import citation
from pvplanner.load.measures import measure_text
from pvplanner.report.model import Paragraph, Section, Table
from pvplanner.report.text import Texts
from pvplanner.result import Result

__all__ = [
    "footprint_tables",
    "measure_item_label",
    "measure_row_source",
    "measure_source",
    "measures_section",
]


def _status(t: Texts, status: str | None) -> str:
    return t.get(f"status.{status}", status) if status else t.na


def _head(label: str, unit: str) -> str:
    return f"{label}\n({unit})"


def measure_source(measure: Any, lang: str, field: str = "source") -> str:
    """Where a measure's figures come from, in ``lang``: the catalogue's Chinese text for a
    Chinese reader while the plan used the catalogue's, else the citation of what the plan
    recorded (:class:`~pvplanner.result_records.MeasureResult` ``source``, or with
    ``field="cost_source"`` where its cost comes from)."""
    recorded = str(getattr(measure, field))
    if lang == "zh" and measure_text(measure.id, field, "en") == recorded:
        return measure_text(measure.id, field, "zh")
    status = measure.cost_status if field == "cost_source" else measure.status
    return citation(recorded, lang, status)


def measure_item_label(item: str, t: Texts) -> str | None:
    """The reader's name of a measure's assumption row (``measures.<id>`` -> the measure's
    name, ``measures.<id>.<parameter>`` -> name and parameter); None for other rows."""
    head, _, rest = item.partition(".")
    if head != "measures" or not rest:
        return None
    measure_id, _, parameter = rest.partition(".")
    name = measure_text(measure_id, "name", t.lang, default=measure_id)
    if not parameter:
        return name
    return t("assumption_items.measure_param", measure=name,
             param=t.get(f"measure_params.{parameter}", parameter))


def measure_row_source(row: Any, t: Texts) -> str | None:
    """The source of a measure's assumption row in the reader's words: for a Chinese reader
    the catalogue's Chinese text (or the derived investment with it), the company's load
    data in either language; None when the row is not a measure's, for other English
    sources, and for a source that is not the catalogue's (each cited as recorded)."""
    if not row.item.startswith("measures."):
        return None
    from pvplanner.assumptions import FROM_LOAD_DATA

    measure_id = row.item.split(".")[1]
    if row.source == FROM_LOAD_DATA:
        return t("assumption_sources.from_load_data")
    if t.lang != "zh":  # the English as recorded, cited without its bookkeeping
        return None
    for name in ("source", "cost_source"):
        english = measure_text(measure_id, name, "en")
        if english and row.source == english:
            return measure_text(measure_id, name, t.lang)
        if english and row.source.endswith(f"; {english}"):
            return t("assumption_sources.measure_capex",
                     source=measure_text(measure_id, name, t.lang))
    return None


def _name(measure: Any, lang: str) -> str:
    return measure.name_zh if lang == "zh" else measure.name_en


def measures_section(result: Result, t: Texts, f: NumberFormat,
                     money_unit: str) -> list[Section]:
    """节能措施 / Saving measures, or nothing when the plan applied none.

    Parameters
    ----------
    result : Result
        The plan (``measures``, ``measures_combined``).
    t : Texts
        The proposal's texts in the reader's language.
    f : NumberFormat
        Number formats of that language.
    money_unit : str
        Column-heading unit of money (元 / CNY).
    """
    combined = result.measures_combined
    if not result.measures or combined is None:
        return []
    lang = t.lang
    rows = [[_name(m, lang), f.number(m.kwh_saved_per_year), f.number(m.kwh_shifted_per_year),
             f.number(m.bill_savings_per_year), f.number(m.capex),
             f.years(m.simple_payback_years), f.number(m.tco2_avoided_per_year, 1),
             _status(t, m.status)] for m in result.measures]
    rows.append([t("measures.total"), f.number(combined.kwh_saved_per_year),
                 f.number(sum(m.kwh_shifted_per_year for m in result.measures)),
                 f.number(combined.bill_savings_measures_annual),
                 f.number(combined.capex_measures),
                 f.years(combined.simple_payback_measures_years),
                 f.number(combined.tco2_avoided_measures_per_year, 1), ""])
    year = t("units.per_year")
    header = [t("measures.name"), _head(t("measures.saved"), f"kWh/{year}"),
              _head(t("measures.shifted"), f"kWh/{year}"), _head(t("measures.savings"), money_unit),
              _head(t("measures.capex"), money_unit), t("measures.payback"),
              _head(t("measures.co2"), f"tCO2/{year}"), t("measures.status")]
    plan_rows = [
        [t("measures.bill"), f.money(combined.bill_baseline_annual),
         f.money(combined.bill_after_measures_annual),
         f.money(combined.bill_with_measures_and_system_annual)],
        [t("measures.bill_savings"), "", f.money(combined.bill_savings_measures_annual),
         f.money(combined.bill_savings_total_annual)],
        [t("measures.investment"), "", f.money(combined.capex_measures),
         f.money(combined.capex_total)],
        [t("measures.payback"), "", f.years(combined.simple_payback_measures_years),
         f.years(combined.simple_payback_total_years)],
        [t("measures.co2_avoided"), "", f.tco2(combined.tco2_avoided_measures_per_year),
         f.tco2(combined.tco2_avoided_total_per_year)],
    ]
    colon = "：" if lang == "zh" else ": "
    sources = "\n".join(
        f"• {_name(m, lang)}{colon}{measure_source(m, lang)}"
        + (f" ({m.date})" if m.date else "") + f" [{_status(t, m.status)}]"
        for m in result.measures)
    blocks: list[Any] = [
        Paragraph(t("measures.intro", before=f.energy(combined.load_baseline_kwh),
                    after=f.energy(combined.load_after_measures_kwh)), "body"),
        Table(t("measures.table"), header, rows, ["L"] + ["R"] * 7,
              [2.4, 1, 1, 1, 1, 0.8, 0.8, 0.8], total_rows=1, font_size=7.5),
        Table(t("measures.combined_table"),
              ["", t("measures.today"), t("measures.after_measures"), t("measures.with_all")],
              plan_rows, ["L", "R", "R", "R"], [2.0, 1, 1, 1]),
        Paragraph(sources, "note", title=t("measures.sources")),
    ]
    return [Section("measures", 0, t("measures.title"), blocks)]


def footprint_tables(result: Result, t: Texts, f: NumberFormat) -> list[Table]:
    """The product footprint per unit (``Result.footprint``) as one table of the carbon
    section; nothing when the scenario gives no production."""
    fp = result.footprint
    if fp is None:
        return []
    names = {"baseline": t("footprint.baseline"), "measures": t("footprint.measures"),
             "system": t("footprint.system")}
    rows = [[names.get(s["stage"], s["stage"]), f.number(s["kwh_per_unit"], 2),
             f.number(s["grid_kwh_per_unit"], 2),
             f.number(s["footprint_location_kgco2e_per_unit"], 2),
             f.number(s["footprint_market_kgco2e_per_unit"], 2),
             f.number(s["scope2_location_kgco2_per_unit"], 2),
             f.number(s["scope2_market_kgco2_per_unit"], 2)] for s in fp.stages]
    unit, kg_e, kg = fp.unit, t("units.kgco2e"), t("units.kgco2")
    header = [t("footprint.stage"), _head(t("footprint.kwh"), f"kWh/{unit}"),
              _head(t("footprint.grid_kwh"), f"kWh/{unit}"),
              _head(t("footprint.location"), f"{kg_e}/{unit}"),
              _head(t("footprint.market"), f"{kg_e}/{unit}"),
              _head(t("footprint.scope2_location"), f"{kg}/{unit}"),
              _head(t("footprint.scope2_market"), f"{kg}/{unit}")]
    note = t("footprint.note", units=f.number(fp.annual_units), unit=unit,
             factor=f.number(fp.factor_kgco2e_per_kwh, 4),
             source=citation(fp.factor_source, t.lang, fp.factor_status),
             date=fp.factor_date or t.na, status=_status(t, fp.factor_status),
             location=f.number(fp.scope2_location_kgco2_per_kwh, 4),
             residual=f.number(fp.scope2_residual_kgco2_per_kwh, 4))
    return [Table(t("footprint.table"), header, rows, ["L"] + ["R"] * 6,
                  [1.8, 1, 1, 1, 1, 1, 1], font_size=7.5, note=note)]
