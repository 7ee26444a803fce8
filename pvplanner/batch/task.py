"""The work of one batch task: plan a group of sites of one weather cell, in one process.

Runs on a Dask worker (or in the calling process). Sites of a group share the weather point
of their cell, so :func:`pvplanner.pipeline.plan` fetches or synthesizes the weather for the
first site and hits its per-process memo for the others. A site that fails is returned with
its error type and message; the group goes on. Only small things travel back: the per-site
JSON text and nothing else (the hourly tables stay in the worker and are dropped).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

#: Result keys copied into the results table, in order (the DESIGN.md keys, dotted).
RESULT_COLUMNS = (
    "pv.capacity_kwp",
    "pv.max_capacity_kwp",
    "pv.annual_generation_kwh",
    "pv.specific_yield_kwh_per_kwp",
    "battery.energy_kwh",
    "battery.power_kw",
    "energy.load_kwh",
    "energy.self_consumed_kwh",
    "energy.exported_kwh",
    "energy.imported_kwh",
    "energy.curtailed_kwh",
    "energy.self_consumption_ratio",
    "energy.self_sufficiency_ratio",
    "bills.baseline_annual",
    "bills.with_system_annual",
    "bills.savings_annual",
    "bills.currency",
    "finance.capex",
    "finance.npv",
    "finance.irr",
    "finance.payback_years",
    "finance.lcoe_per_kwh",
    "carbon.avoided_tco2_year1",
    "carbon.avoided_tco2_lifetime",
    "carbon.certificates_year1",
    "solver.status",
    "solver.optimality_gap",
    "weather.source",
)

#: Columns describing the site and the run, before the result columns.
SITE_COLUMNS = (
    "row", "name", "slug", "status", "error_type", "error_message", "error_message_zh", "city",
    "province", "latitude", "longitude", "weather_latitude", "weather_longitude", "load_source",
    "template", "tariff", "notes", "input_hash",
)

#: Columns that say how a site was planned, after the result columns: ``typical_days``, the
#: number of typical days it was sized on (``pvplanner batch --aggregate``), empty when it
#: was planned on the exact year (every site without a battery, and every site without the
#: option), so an approximate row is told apart from an exact one.
PLAN_COLUMNS = ("typical_days",)

#: Column of the limits a site's design reached (``Result.solver.binding_limits``: a full
#: roof ``roof:<plane name>``, ``constraints.capital_budget``, ``battery.max_energy_kwh``,
#: ``battery.max_power_kw``, ``battery.max_c_rate``, ``constraints.export_limit_kw``...;
#: ``curtailing.<id>`` for one that only curtailed PV), their ids joined by
#: :data:`LIMITS_SEPARATOR` (:func:`limits_cell`); empty when none did. After the result
#: columns, before :data:`PLAN_COLUMNS` (``typical_days`` stays the last column).
LIMITS_COLUMN = "solver.binding_limits"

#: Between two limits of :data:`LIMITS_COLUMN`.
LIMITS_SEPARATOR = ";"

TABLE_COLUMNS = (*SITE_COLUMNS, *RESULT_COLUMNS, LIMITS_COLUMN, *PLAN_COLUMNS)

#: Key of the Result note that says a plan was sized on typical days (pvplanner.aggregate).
TYPICAL_DAYS_NOTE = "notes.plan.typical_days"

#: Table columns holding text (all others are numbers).
TEXT_COLUMNS = frozenset({
    "name", "slug", "status", "error_type", "error_message", "error_message_zh", "city",
    "province", "load_source", "template", "tariff", "notes", "input_hash", "bills.currency",
    "solver.status", "weather.source", LIMITS_COLUMN,
})


def plan_group(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Plan every site of a group; never raises for a site's own failure.

    Parameters
    ----------
    tasks : list of dict
        :meth:`pvplanner.batch.sites.SiteJob.to_task` of each site.

    Returns
    -------
    list of dict
        Per site: ``row``, ``slug``, ``input_hash``, ``status`` (``ok`` / ``failed``),
        ``payload`` (the JSON text of ``sites/<slug>.json``) and, for failures,
        ``error_type``, ``error_message`` and ``error_message_zh`` (the same in Chinese).
    """
    from pvplanner.pipeline import plan

    _stdout_to_stderr_in_workers()
    out = []
    for task in tasks:
        start, cpu_start = time.perf_counter(), time.process_time()
        try:
            # The table shows neither the NPV curve nor the tornado: both are skipped (the
            # site JSON names them in ``not_computed``); every figure it shows is the plan's.
            result = plan(task["scenario"], with_npv_curve=False, with_sensitivity=False,
                          aggregate_days=task.get("aggregate_days"))
            document = result.to_dict()
            del result  # the hourly tables are large: drop them before the next site
            preset = priced_preset(task["scenario"])
        except Exception as problem:  # noqa: BLE001 - a failing site must not stop the batch
            out.append(failure(task, problem))
            continue
        document["batch"] = batch_block(task, seconds=time.perf_counter() - start,
                                        cpu_seconds=time.process_time() - cpu_start,
                                        tariff_preset=preset)
        out.append({
            "row": task["row"], "slug": task["slug"], "input_hash": task["input_hash"],
            "status": "ok",
            "payload": json.dumps(document, ensure_ascii=False, allow_nan=False),
        })
    return out


def priced_preset(scenario: dict[str, Any]) -> str:
    """The tariff preset a plan of ``scenario`` prices: the one it names or, naming none,
    the site province's for its size (:func:`pvplanner.pipeline.scenario_tariff_decision`,
    the plan's own choice); ``custom`` for a custom tariff.

    Parameters
    ----------
    scenario : dict
        A site's scenario (JSON form), as planned.

    Returns
    -------
    str
        A preset id (``pvplanner.tariff.list_tariff_presets()``), or ``custom``.
    """
    from pvplanner.pipeline import scenario_tariff_decision
    from pvplanner.scenario.model import parse_scenario

    version = scenario_tariff_decision(parse_scenario(scenario)).resolved.version
    return "custom" if version is None else version.preset_id


_REDIRECTED = False


def _stdout_to_stderr_in_workers() -> None:
    """In a worker process, send what native code prints (solver banners) to stderr.

    Worker processes share the terminal's stdout with the command, whose stdout must stay
    one JSON object (``pvplanner batch`` prints its summary there). The calling process
    itself is left alone.
    """
    global _REDIRECTED
    import multiprocessing
    import os
    import sys

    if _REDIRECTED or multiprocessing.parent_process() is None:
        return
    try:
        sys.stdout.flush()
        os.dup2(sys.stderr.fileno(), 1)
    except (OSError, ValueError, AttributeError):
        pass  # no real file descriptors (e.g. captured streams): nothing to protect
    _REDIRECTED = True


def failure(task: dict[str, Any], problem: BaseException) -> dict[str, Any]:
    """The record of a site whose planning raised ``problem``: its English text, and the
    same in Chinese where the error has a catalogue key (else the English again)."""
    from pvplanner.display.messages import render
    from pvplanner.messages import error_message

    said = _in_sites_terms(problem) or error_message(problem)
    message = " ".join(str(said).split()) or type(problem).__name__
    chinese = " ".join(render(said, "zh").split()) or message
    return {
        "row": task["row"], "slug": task["slug"], "input_hash": task["input_hash"],
        "status": "failed", "error_type": type(problem).__name__,
        "error_message": message[:2000], "error_message_zh": chinese[:2000], "payload": None,
    }


#: Errors of a plan that tell the app's user to pick a tariff on a page: a sites file's user
#: writes it in the ``tariff`` column (its catalogue key in ``data/i18n/portfolio.toml``).
_TARIFF_CHOICES = {
    "errors.tariff.no_province_preset": (
        "portfolio.failure.no_province_preset", "the site's province {province} has no "
        "tariff preset (presets exist for {regions}); write one in the tariff column"),
    "errors.tariff.no_site_province": (
        "portfolio.failure.no_site_province", "the site's province is not known, so no tariff "
        "preset can follow it (presets exist for {regions}); fill the province column or "
        "write a preset in the tariff column"),
}


def _in_sites_terms(problem: BaseException) -> Any:
    """A plan's error said as the sites file's user mends it (the column to fill), where it
    asks for a choice the app makes on its pages; else None."""
    from pvplanner.messages import Message

    key = getattr(problem, "key", "")
    params = getattr(problem, "params", None)
    if key not in _TARIFF_CHOICES or not isinstance(params, dict):
        return None
    batch_key, english = _TARIFF_CHOICES[key]
    values = {name: params[name] for name in ("province", "regions") if name in params}
    try:
        return Message.of(batch_key, english, **values)
    except (KeyError, IndexError):  # the plan's error changed its values: say it as it is
        return None


def batch_block(task: dict[str, Any], *, seconds: float | None = None,
                cpu_seconds: float | None = None,
                tariff_preset: str | None = None) -> dict[str, Any]:
    """What the batch adds to a site's JSON: its input row, hash, weather point, run time
    (wall and CPU seconds of this process), the tariff preset it was priced on
    (:func:`priced_preset`; ``tariff`` is the sites file's cell, ``auto`` when empty) and
    the scenario planned."""
    site = task["scenario"]["site"]
    return {
        "row": task["row"],
        "name": task["name"],
        "slug": task["slug"],
        "input_hash": task["input_hash"],
        "city": task["city"],
        "province": task["province"],
        "notes": task["notes"],
        "template": task["template"],
        "tariff": task["tariff"],
        "tariff_preset": tariff_preset,
        "latitude": task["latitude"],
        "longitude": task["longitude"],
        "weather_cell": task["cell"],
        "weather_latitude": site["latitude"],
        "weather_longitude": site["longitude"],
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "aggregate_days": task.get("aggregate_days"),
        "scenario": task["scenario"],
    }


def site_fields(task: dict[str, Any]) -> dict[str, Any]:
    """The descriptive table columns of a site (from a task or a stored ``batch`` block)."""
    site = task.get("scenario", {}).get("site", {})
    # Where the load came from: the scenario's load kind (annual, bills or meter_file).
    site_load = task.get("scenario", {}).get("load")
    return {
        "row": task["row"], "name": task["name"], "slug": task["slug"],
        "city": task.get("city", ""), "province": task.get("province", ""),
        "latitude": task["latitude"], "longitude": task["longitude"],
        "weather_latitude": task.get("weather_latitude", site.get("latitude")),
        "weather_longitude": task.get("weather_longitude", site.get("longitude")),
        "load_source": (site_load.get("kind") or "") if isinstance(site_load, dict) else "",
        "template": task.get("template", ""), "tariff": task.get("tariff", ""),
        "notes": task.get("notes", ""), "input_hash": task["input_hash"],
    }


def table_row(task: dict[str, Any], document: dict[str, Any] | None,
              record: dict[str, Any] | None = None) -> dict[str, Any]:
    """One row of the results table.

    ``document`` is a site's parsed JSON (``None`` for a failure, then ``record`` carries the
    error). Rows of fresh and resumed sites are built from the same JSON text, so a resumed
    run writes the same table as a fresh one.
    """
    from pvplanner.display.numbers import invested_payback

    row: dict[str, Any] = dict.fromkeys(TABLE_COLUMNS)
    row.update(site_fields(task))
    if document is None:
        record = record or {}
        row["status"] = "failed"
        row["error_type"] = record.get("error_type", "")
        row["error_message"] = record.get("error_message", "")
        row["error_message_zh"] = record.get("error_message_zh") or row["error_message"]
        return row
    row["status"] = "ok"
    row["error_type"] = ""
    row["error_message"] = ""
    row["error_message_zh"] = ""
    for column in RESULT_COLUMNS:
        row[column] = _dig(document, column)
    # As every output shows it: no payback where nothing was invested net of subsidy.
    capex = row.get("finance.capex")
    row["finance.payback_years"] = invested_payback(
        row.get("finance.payback_years"), capex if isinstance(capex, (int, float)) else 0.0)
    # The preset the site was priced on, also where the file left it to the province.
    block = document.get("batch")
    preset = block.get("tariff_preset") if isinstance(block, dict) else None
    if isinstance(preset, str) and preset:
        row["tariff"] = preset
    row["typical_days"] = typical_days(document)
    limits = _dig(document, LIMITS_COLUMN)
    row[LIMITS_COLUMN] = limits_cell(limits if isinstance(limits, list) else ())
    return row


def limits_cell(keys: Iterable[str]) -> str:
    """The limits that held a design as one cell: their ids joined by ``;``.

    A roof's id carries its plane's name (``roof:<name>``); a ``;`` or ``%`` in that name is
    written ``%3B`` or ``%25``, so the cell splits back into the ids (:func:`limit_keys`).

    Parameters
    ----------
    keys : iterable of str
        ``Result.solver.binding_limits``.

    Returns
    -------
    str
        ``""`` when no limit held the design.

    Examples
    --------
    >>> limits_cell(["roof:South; east", "constraints.capital_budget"])
    'roof:South%3B east;constraints.capital_budget'
    >>> limit_keys(limits_cell(["roof:50%", "battery.max_c_rate"]))
    ['roof:50%', 'battery.max_c_rate']
    """
    return LIMITS_SEPARATOR.join(
        str(key).replace("%", "%25").replace(LIMITS_SEPARATOR, "%3B") for key in keys)


def limit_keys(cell: Any) -> list[str]:
    """The limit ids of a :data:`LIMITS_COLUMN` cell (see :func:`limits_cell`); none for an
    empty or missing cell."""
    if not isinstance(cell, str):
        return []  # a failed site, or a table written before the column existed
    return [unquote(part) for part in cell.split(LIMITS_SEPARATOR) if part]


def typical_days(document: dict[str, Any]) -> int | None:
    """The typical days a site's plan was sized on, from its Result note; ``None`` when the
    plan is the exact year's.

    The note, not the requested ``aggregate_days``, decides: a site without a battery is
    planned on the exact year even when the batch asks for typical days.

    Examples
    --------
    >>> typical_days({"notes": [{"key": "notes.plan.typical_days", "params": {"days": 96}}]})
    96
    >>> typical_days({"notes": []}) is None
    True
    """
    for note in document.get("notes") or ():
        if isinstance(note, dict) and note.get("key") == TYPICAL_DAYS_NOTE:
            days = (note.get("params") or {}).get("days")
            return int(days) if isinstance(days, (int, float)) else None
    return None


def _dig(document: dict[str, Any], dotted: str) -> Any:
    value: Any = document
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
