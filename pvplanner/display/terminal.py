"""What the ``pvplanner`` command prints for people, in the operator's language.

Each function turns one answer into a few lines of text through the ``cli.*`` texts of the
message catalogue (``data/i18n/cli.toml``) and :class:`~pvplanner.display.numbers.NumberFormat`:
a plan (:func:`plan_summary`), a simulated array (:func:`simulation_summary`), a meter
file's inspection (:func:`inspection_summary`), a monitoring report
(:func:`monitor_summary`), a batch run (:func:`batch_summary`) and a weather year's notes
(:func:`weather_note_lines`). Notes and warnings made deep in the domain are messages with
catalogue keys and are rendered in the same language; a note without a text in the reader's
language is counted, not shown in English; no id or hash is printed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pvplanner.display.limit_lines import held_lines
from pvplanner.display.messages import LANGUAGES, Texts, catalogue, render, translate
from pvplanner.display.names import name, weather_dataset
from pvplanner.display.numbers import NumberFormat, invested_payback
from pvplanner.display.solver_notes import for_reader
from pvplanner.messages import as_message, weather_notes

__all__ = ["batch_summary", "inspection_summary", "monitor_summary", "plan_summary",
           "simulation_summary", "weather_note_lines", "weather_obtained"]

#: Catalogue key of the note that synthetic weather replaced the source asked for: the
#: ``simulate`` command says it as a warning of its own.
FALLBACK_NOTE = "notes.weather.source.fallback"


def _speaks(note: Any, lang: str) -> bool:
    """True when ``note`` can be shown in ``lang``: English always (a note's text is
    English), another language where the catalogue has the note's key in it."""
    if lang == LANGUAGES[0]:
        return True
    key = as_message(note).key
    return bool(key) and isinstance(catalogue().get(key, {}).get(lang), str)


def _notes(notes: Iterable[Any], lang: str) -> list[str]:
    """Each note (a message, its dict form or a text) rendered in ``lang`` on its line; the
    notes that have no text in ``lang`` (English only, no catalogue key) are counted on one
    line instead of shown in English."""
    t = Texts(lang, "cli.summary")
    notes = list(notes)
    lines = [t("note", note=render(note, lang)) for note in notes if _speaks(note, lang)]
    untold = sum(not _speaks(note, lang) for note in notes)
    if untold:
        lines.append(t("untranslated", count=untold))
    return lines


def weather_note_lines(weather: Any, lang: str = "en") -> list[str]:
    """The notes of a weather year (the far station, the method, the dataset...) in
    ``lang``, one a line, except the fallback to synthetic weather (:data:`FALLBACK_NOTE`,
    which the command warns of itself).

    Parameters
    ----------
    weather : weather.meta.WeatherMeta
        The weather's metadata.
    lang : {"en", "zh"}
        The reader's language.

    Returns
    -------
    list of str
    """
    notes = [note for note in weather_notes(weather.to_dict()) if note.key != FALLBACK_NOTE]
    return _notes(notes, lang)


def weather_obtained(weather: Any, lang: str = "en") -> str:
    """How a weather year was obtained, in ``lang``: the command line's own words where the
    app's do not fit (a file is read, not uploaded), else the app's.

    Parameters
    ----------
    weather : weather.meta.WeatherMeta
        The weather's metadata (its ``obtained``: ``online``, ``cache``, ``file``...).
    lang : {"en", "zh"}
        The reader's language.

    Returns
    -------
    str

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> weather_obtained(SimpleNamespace(obtained="file"), "en")
    'read from the file'
    >>> weather_obtained(SimpleNamespace(obtained="cache"), "en")
    'from the cache'
    """
    obtained = str(weather.obtained)
    app = Texts(lang, "site.weather.obtained").get(obtained, obtained)
    return Texts(lang, "cli.simulate.obtained").get(obtained, app)


def plan_summary(result: Any, lang: str = "en") -> str:
    """A plan's design, money, carbon, the limits that held it and its notes in a few lines.

    Parameters
    ----------
    result : pvplanner.result.Result
        The plan.
    lang : {"en", "zh"}
        The reader's language.
    """
    t, f = Texts(lang, "cli.summary"), NumberFormat(lang, result.currency)
    e, money, c = result.energy, result.finance, result.carbon
    status_key = f"results.solver_status.{result.solver.status}"
    words = Texts(lang)
    status = words.get(status_key, words("results.solver_status.other"))
    lines = [
        name(result.scenario_name, lang),
        t("pv", kwp=f.kwp(result.pv.capacity_kwp), generation=f.kwh(result.pv.annual_generation_kwh),
          specific=f.number(result.pv.specific_yield_kwh_per_kwp)),
        # A battery the scenario allowed, even if none pays: "0 kWh" is then the answer.
        *([t("battery", energy=f.kwh(result.battery.energy_kwh),
             power=f.unit(result.battery.power_kw, "kW"))]
          if result.battery.energy_kwh > 0 or result.battery.max_power_kw is not None else []),
        t("shares", self_consumption=f.percent(e.self_consumption_ratio),
          self_sufficiency=f.percent(e.self_sufficiency_ratio)),
        t("bill", before=f.money(result.bills.baseline_annual),
          after=f.money(result.bills.with_system_annual), saves=f.money(result.bills.savings_annual)),
        t("money", capex=f.money(money.capex), npv=f.money(money.npv), irr=f.percent(money.irr)),
        t("payback", before_tax=f.years(invested_payback(money.payback_years_pre_tax,
                                                         money.capex)),
          after_tax=f.years(invested_payback(money.payback_years, money.capex))),
        t("carbon", year1=f.tco2(c.avoided_tco2_year1, 0), lifetime=f.tco2(c.avoided_tco2_lifetime, 0),
          certificates=f.number(c.certificates_year1)),
        t("solver", status=status, seconds=f.number(result.solver.seconds, 2)),
        # What held the design (a full roof, the budget...) and what only curtailed PV.
        *(t("limits", text=line) for line in held_lines(
            result, lang, lambda plane: name(plane, lang))),
    ]
    # The operator edits the scenario file: an unproven optimum names the field that gives
    # the solver more time (the app's note points at its input).
    lines += _notes((for_reader(note, result, "cli") for note in result.notes), lang)
    return "\n".join(lines)


def simulation_summary(simulation: Any, weather: Any, lang: str = "en") -> str:
    """One array's year: energy, specific yield, the months, the weather used and its notes
    (:func:`weather_note_lines`).

    Parameters
    ----------
    simulation : pvplanner.pv.simulation.PVSimulation
        The simulated array (``capacity_kwp``, ``annual_ac_kwh``,
        ``specific_yield_kwh_per_kwp``, ``monthly_ac_kwh``).
    weather : weather.meta.WeatherMeta
        The weather it ran on.
    lang : {"en", "zh"}
    """
    t, f = Texts(lang, "cli.simulate"), NumberFormat(lang)
    obtained = weather_obtained(weather, lang)
    return "\n".join([
        t("annual", kwp=f.kwp(simulation.capacity_kwp), generation=f.kwh(simulation.annual_ac_kwh),
          specific=f.number(simulation.specific_yield_kwh_per_kwp)),
        t("monthly", months=" ".join(f.number(v) for v in simulation.monthly_ac_kwh)),
        t("weather", dataset=weather_dataset(weather.to_dict(), lang), obtained=obtained),
        *weather_note_lines(weather, lang),
    ])


def inspection_summary(report: dict[str, Any], lang: str = "en", *, offset_origin: str,
                       tariff_origin: str) -> str:
    """A meter file's load, time axis, tariff, data quality and recommendations.

    Parameters
    ----------
    report : dict
        :func:`pvplanner.load.inspect_meter_file`'s answer, with ``utc_offset_hours``
        (``value``) and ``tariff`` (``name``) as the ``load inspect`` command adds them.
    lang : {"en", "zh"}
    offset_origin, tariff_origin : str
        Where the time zone and the tariff came from: keys of ``cli.inspect.origin``.
    """
    t, f = Texts(lang, "cli.inspect"), NumberFormat(lang)
    origin = Texts(lang, "cli.inspect.origin")
    load, quality = report["load"], report["quality"]
    offset, tariff = report["utc_offset_hours"], report["tariff"]
    labels = Texts(lang, "load.meter")
    lines = [
        t("load", steps=f.number(load["steps"]), interval=load["interval_minutes"],
          energy=f.kwh(load["annual_kwh"]), peak=f.unit(load["peak_kw"], "kW", 1),
          mean=f.unit(load["mean_kw"], "kW", 1)),
        t("time_axis", offset=f"{offset['value']:+g}", origin=origin(offset_origin)),
        t("tariff", name=(lang == "zh" and tariff.get("name_zh")) or tariff["name"],
          origin=origin(tariff_origin)) if tariff["name"] else t("no_tariff"),
        t("quality"),
        t("item", label=labels("rows"), value=f.number(quality["rows_read"])),
        t("item", label=labels("interval"),
          value=t("minutes", value=f.number(quality["interval_minutes"]))),
        t("item", label=labels("units"),
          value=labels(f"unit_names.{quality['units']}")
          if quality["units"] in ("kw", "kwh", "kwh_cumulative") else str(quality["units"])),
        t("item", label=labels("label"), value=labels(f"label_names.{quality['interval_label']}")),
        t("item", label=labels("coverage"), value=f.percent_value(quality["coverage_percent"])),
        t("item", label=labels("year_coverage"),
          value=f.percent_value(quality["year_coverage_percent"])),
        t("item", label=labels("filled"), value=f.number(quality["filled_intervals"])),
        t("item", label=labels("outliers"), value=f.number(quality["outliers"])),
        t("item", label=labels("duplicates"), value=f.number(quality["duplicates"])),
    ]
    lines += _notes(report.get("notes", []), lang)
    text_key = "text_zh" if lang == "zh" else "text_en"
    advice = [t("recommendation", text=item[text_key]) for item in report["recommendations"]]
    if advice:  # no heading over nothing
        lines += [t("recommendations"), *advice]
    return "\n".join(lines)


def _minute(stamp: str) -> str:
    """An ISO time as ``YYYY-MM-DD HH:MM`` (the site's local time, as written)."""
    return str(stamp)[:16].replace("T", " ")


def _last_day(end: str) -> str:
    """The last day of a period whose ``end`` is the hour after its last one."""
    return (datetime.fromisoformat(str(end)) - timedelta(seconds=1)).date().isoformat()


def monitor_summary(report: dict[str, Any], lang: str = "en") -> str:
    """Metered generation against the plan: energy, performance, losses, carbon, notes.

    Parameters
    ----------
    report : dict
        :meth:`pvplanner.monitor.records.MonitorReport.to_dict` in ``lang``.
    lang : {"en", "zh"}
    """
    t, f = Texts(lang, "cli.monitor"), NumberFormat(lang)
    period = report["period"]
    basis = Texts(lang, "monitor.basis").get(str(report["basis"]), str(report["basis"]))
    lines = [
        t("period", name=name(report["scenario_name"], lang), start=period["start"][:10],
          end=_last_day(period["end"]), days=period["days"], kwp=f.kwp(report["capacity_kwp"]),
          basis=basis),
        t("energy", expected=f.kwh(report["expected_kwh"]), metered=f.kwh(report["actual_kwh"])),
        t("index", index=f.number(report["performance_index"], 3),
          excluding=f.number(report["performance_index_excluding_outages"], 3)),
        t("losses", outages=len(report["outages"]), outage_kwh=f.kwh(report["outage_lost_kwh"]),
          curtailments=len(report["curtailment"]),
          curtailed_kwh=f.kwh(report["curtailment_lost_kwh"]), gaps=len(report["data_gaps"])),
        t("carbon", avoided=f.tco2(report["avoided_tco2"], 1),
          plan=f.tco2(report["avoided_tco2_plan"], 1), certificates=report["certificates"],
          certificates_plan=report["certificates_plan"]),
    ]
    lines += [t("outage", start=_minute(outage["start"]), end=_minute(outage["end"]),
                lost=f.kwh(outage["lost_kwh"])) for outage in report["outages"]]
    trend = report.get("degradation")
    if trend:
        lines.append(t("degradation", rate=f"{trend['rate_percent_per_year']:+.2f}",
                       low=f"{trend['low_percent_per_year']:+.2f}",
                       high=f"{trend['high_percent_per_year']:+.2f}"))
    # the report's notes are texts in ``lang`` already (MonitorReport.to_dict(lang))
    lines += [Texts(lang, "cli.summary")("note", note=note) for note in report["notes"]]
    return "\n".join(lines)


def batch_summary(summary: dict[str, Any], lang: str = "en") -> str:
    """A batch run in a few lines: the sites planned and failed, the portfolio's totals
    with their units, and where the outputs are.

    Parameters
    ----------
    summary : dict
        :func:`pvplanner.batch.run.run_batch`'s answer (``sites``, ``ok``, ``failed``,
        ``planned``, ``resumed``, ``seconds``, ``workers``, ``files``, ``portfolio``,
        ``aggregate_days``).
    lang : {"en", "zh"}
        The reader's language.

    Returns
    -------
    str
    """
    t = Texts(lang, "cli.batch.summary")
    portfolio = summary.get("portfolio") or {}
    currency = portfolio.get("currency") or ""
    f = NumberFormat(lang, currency or "CNY")
    lines = [t("sites", sites=f.number(summary["sites"]), ok=f.number(summary["ok"]),
               failed=f.number(summary["failed"]), planned=f.number(summary["planned"]),
               resumed=f.number(summary["resumed"]))]
    if summary["planned"]:
        lines.append(t("time", seconds=f.number(summary["seconds"], 1),
                       workers=f.number(summary["workers"]),
                       rate=f.number(summary.get("sites_per_second"), 2)))
    if summary.get("aggregate_days"):
        lines.append(t("aggregate", days=summary["aggregate_days"]))
    if summary["ok"]:
        lines.append(t("pv", kwp=f.kwp(portfolio.get("total_kwp")),
                       generation=f.kwh(portfolio.get("total_generation_kwh")),
                       load=f.kwh(portfolio.get("total_load_kwh")),
                       share=f.percent(portfolio.get("renewable_share"))))
        if currency:
            lines.append(t("money", capex=f.money(portfolio.get("total_capex")),
                           savings=f.money(portfolio.get("total_savings_annual")),
                           npv=f.money(portfolio.get("total_npv"))))
            npv = portfolio.get("npv") or {}
            lines.append(t("npv", median=f.money(npv.get("p50")), low=f.money(npv.get("min")),
                           high=f.money(npv.get("max")),
                           positive=f.number(portfolio.get("positive_npv_sites")),
                           ok=f.number(summary["ok"])))
        else:  # sums of several currencies mean nothing
            lines.append(t("mixed_currencies"))
        lines.append(t("carbon", year1=f.tco2(portfolio.get("total_avoided_tco2_year1"), 0)))
    files = summary.get("files") or {}
    if summary["failed"]:
        # The reasons in words are in the readable workbook's sheet of failed sites; the
        # machine tables (results.xlsx, .csv) hold codes.
        readable = files.get("readable_xlsx")
        lines.append(translate("portfolio.cli_failed", lang, path=readable,
                               sheet=translate("portfolio.sheet.failed", lang)) if readable
                     else t("failed", path=files.get("xlsx") or files.get("csv", "")))
    tables = [files[kind] for kind in ("csv", "xlsx", "parquet") if files.get(kind)]
    lines.append(t("outputs", tables=t("list_separator").join(tables),
                   sites=files.get("sites", ""),
                   summary=str(Path(summary["out_dir"]) / "summary.json")))
    return "\n".join(lines)
