"""Files of a batch run: per-site JSON (written as results arrive), the results table
(CSV, Parquet, XLSX summary) and the portfolio summary.

Layout of the output folder::

    DIR/sites/<slug>.json   Result.to_dict() of each planned site, plus a "batch" block
    DIR/results.csv         one row per site (columns in data/batch/README.md)
    DIR/results.parquet     the same table
    DIR/results.xlsx        sheets "portfolio" (summary figures), "sites", "failed"
    DIR/summary.json        the summary run_batch returns
    DIR/portfolio_results.xlsx, DIR/组合分析_结果.xlsx
                            the same for a reader (the command line writes it in the
                            operator's language: :func:`add_readable_workbook`)

``results.*`` are the machine's tables: stable English column ids and full precision, units
in ``data/batch/README.md``, the same in every language. What a person reads (the app's
downloads, the command line's readable workbook) is :mod:`pvplanner.batch.readable`.

Names, notes and error messages come from the sites file, so the tables are written by the
rules of :mod:`pvplanner.guard.cells`: text is a string cell in the workbook (never a
formula) and text starting like a formula gets an apostrophe in the CSV file.
"""

from __future__ import annotations

import errno
import json
import math
import os
import secrets
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.batch.task import PLAN_COLUMNS, TABLE_COLUMNS, TEXT_COLUMNS
from pvplanner.guard.cells import csv_safe_frame, write_frame

#: Table columns of whole numbers that are empty for some sites (typical days).
WHOLE_COLUMNS = frozenset(PLAN_COLUMNS)

#: Percentiles of the NPV distribution in :func:`portfolio_summary` [%].
NPV_PERCENTILES = (10, 25, 50, 75, 90)


def atomic_write(path: Path, payload: bytes | str) -> None:
    """Write a file so that readers (and a resumed run) never see half of it.

    The file gets the mode the umask gives any new file (``0644`` under umask ``022``), as
    the other commands' outputs do (:func:`temporary_file`).
    """
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = temporary_file(path)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def temporary_file(path: Path) -> tuple[int, Path]:
    """A new empty file beside ``path`` to write ``path``'s content into, then rename.

    Made as an ordinary file is (permissions ``0666`` less the umask), not as
    :func:`tempfile.mkstemp` makes one (``0600`` whatever the umask): the renamed output
    keeps its temporary's mode, and the operator's colleagues (the umask's group and
    others) read the batch's outputs as they read those of ``pvplanner report``.

    Parameters
    ----------
    path : Path
        The file that will be written.

    Returns
    -------
    handle : int
        The new file, open for writing (the caller closes it).
    temporary : Path
        Its path: a hidden name in ``path``'s folder, ending as ``path`` does.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(_TEMPORARY_ATTEMPTS):
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}{path.suffix}")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:  # another writer's: draw another name
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(path.parent))


#: Names :func:`temporary_file` tries (48 random bits each: one is always enough in practice).
_TEMPORARY_ATTEMPTS = 16


def site_json_path(out_dir: Path, slug: str) -> Path:
    """Where a site's result JSON lives."""
    return out_dir / "sites" / f"{slug}.json"


def stored_document(out_dir: Path, slug: str, input_hash: str) -> dict[str, Any] | None:
    """A site's stored JSON when it exists and was made from the same inputs, else ``None``."""
    path = site_json_path(out_dir, slug)
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None  # damaged (e.g. a disk filled up mid-write): plan the site again
    block = document.get("batch") if isinstance(document, dict) else None
    if not isinstance(block, dict) or block.get("input_hash") != input_hash:
        return None
    return document


def results_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The results table from row dicts, sorted by row, with stable dtypes."""
    frame = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    frame = frame.sort_values("row", kind="stable").reset_index(drop=True)
    for column in frame.columns:
        if column in TEXT_COLUMNS:
            # missing text (None, or NaN where pandas made it one) is empty, never "nan"
            frame[column] = frame[column].map(
                lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v))
                else str(v)).astype(object)
        elif column == "row":
            frame[column] = frame[column].astype("int64")
        elif column in WHOLE_COLUMNS:  # whole numbers that may be missing: "96" or empty
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
        else:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def portfolio_summary(results: pd.DataFrame) -> dict[str, Any]:
    """Portfolio figures from a results table (the one :func:`run_batch` writes).

    Parameters
    ----------
    results : pandas.DataFrame
        At least ``status`` and the columns ``pv.capacity_kwp``, ``pv.annual_generation_kwh``,
        ``carbon.avoided_tco2_year1``, ``finance.npv``, ``finance.capex``,
        ``bills.savings_annual``, ``energy.load_kwh``.

    Returns
    -------
    dict
        ``sites``, ``ok``, ``failed``; totals over the planned sites: ``total_kwp`` [kWp],
        ``total_generation_kwh`` [kWh/yr], ``total_load_kwh`` [kWh/yr],
        ``total_avoided_tco2_year1`` [tCO2], ``total_capex`` and ``total_savings_annual``
        [currency], ``total_npv`` [currency]; ``npv`` with ``mean``, ``min``, ``max`` and the
        percentiles ``p10``..``p90`` (linear interpolation, as numpy's default) over the
        planned sites; ``positive_npv_sites``; ``typical_days_sites`` (planned sites sized
        on typical days, so approximate); ``renewable_share`` (generation over load:
        above 1 where the sites export more than they use); ``self_sufficiency`` (the
        share of the load met by PV, directly or through a battery: each site's
        ``energy.self_sufficiency_ratio`` weighted by its load); ``currency`` (``""`` if the sites mix currencies). Figures are ``None`` when no
        site was planned.
    """
    status = results["status"].astype(str) if "status" in results else pd.Series([], dtype=str)
    ok = results.loc[status == "ok"]
    summary: dict[str, Any] = {
        "sites": len(results),
        "ok": len(ok),
        "failed": int((status == "failed").sum()),
    }

    def total(column: str) -> float | None:
        if ok.empty or column not in ok:
            return None
        return float(pd.to_numeric(ok[column], errors="coerce").fillna(0.0).sum())

    summary.update({
        "total_kwp": total("pv.capacity_kwp"),
        "total_generation_kwh": total("pv.annual_generation_kwh"),
        "total_load_kwh": total("energy.load_kwh"),
        "total_avoided_tco2_year1": total("carbon.avoided_tco2_year1"),
        "total_capex": total("finance.capex"),
        "total_savings_annual": total("bills.savings_annual"),
        "total_npv": total("finance.npv"),
    })
    npv = (pd.to_numeric(ok["finance.npv"], errors="coerce").dropna().to_numpy(dtype=float)
           if "finance.npv" in ok else np.array([]))
    if npv.size:
        distribution = {"mean": float(npv.mean()), "min": float(npv.min()),
                        "max": float(npv.max())}
        for percent in NPV_PERCENTILES:
            distribution[f"p{percent}"] = float(np.percentile(npv, percent))
        summary["npv"] = distribution
        summary["positive_npv_sites"] = int((npv > 0).sum())
    else:
        summary["npv"] = None
        summary["positive_npv_sites"] = 0
    # planned on typical days (pvplanner batch --aggregate): their figures are approximate
    summary["typical_days_sites"] = (int(pd.to_numeric(ok["typical_days"], errors="coerce")
                                         .notna().sum()) if "typical_days" in ok else 0)
    generation, load = summary["total_generation_kwh"], summary["total_load_kwh"]
    summary["renewable_share"] = generation / load if generation is not None and load else None
    summary["self_sufficiency"] = _load_weighted(ok, "energy.self_sufficiency_ratio")
    currencies = sorted({c for c in ok.get("bills.currency", pd.Series([], dtype=str))
                         if isinstance(c, str) and c})
    summary["currency"] = currencies[0] if len(currencies) == 1 else ""
    return _finite(summary)


def _load_weighted(ok: pd.DataFrame, column: str) -> float | None:
    """A per-site share of the load over the planned sites, weighted by their loads."""
    if ok.empty or column not in ok or "energy.load_kwh" not in ok:
        return None
    share = pd.to_numeric(ok[column], errors="coerce")
    load = pd.to_numeric(ok["energy.load_kwh"], errors="coerce")
    known = share.notna() & load.notna()
    total = float(load[known].sum())
    return float((share[known] * load[known]).sum()) / total if total > 0 else None


def _finite(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_summary(out_dir: Path, summary: dict[str, Any]) -> None:
    """Write ``summary.json``: the summary of a run, as :func:`run_batch` returns it."""
    atomic_write(out_dir / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2))


def readable_workbook_path(out_dir: Path, lang: str) -> Path:
    """Where the workbook for a reader of ``lang`` goes: next to the machine tables, named in
    ``lang`` as the app names its download (``portfolio_results.xlsx``, ``组合分析_结果.xlsx``),
    so the two languages' workbooks live side by side."""
    from pvplanner.display.messages import translate

    return out_dir / translate("portfolio.file.xlsx", lang)


def add_readable_workbook(summary: dict[str, Any], lang: str) -> dict[str, Any]:
    """Write the results for a reader of ``lang`` next to the machine tables.

    The workbook (:func:`pvplanner.batch.readable.readable_xlsx`: headers in ``lang`` with
    units, codes in words, text never a formula) is made from ``results.parquet`` and the
    portfolio summary; the machine tables are left as they are.

    Parameters
    ----------
    summary : dict
        What :func:`pvplanner.batch.run.run_batch` returned (``out_dir``, ``files``,
        ``portfolio``).
    lang : {"en", "zh"}
        The reader's language.

    Returns
    -------
    dict
        ``summary`` with the workbook's path in ``files["readable_xlsx"]``; ``summary.json``
        is written again with it.
    """
    from pvplanner.batch.readable import readable_xlsx

    out_dir = Path(summary["out_dir"])
    results = pd.read_parquet(summary["files"]["parquet"])
    path = readable_workbook_path(out_dir, lang)
    atomic_write(path, readable_xlsx(results, summary["portfolio"], lang))
    summary = {**summary, "files": {**summary["files"], "readable_xlsx": str(path)}}
    write_summary(out_dir, summary)
    return summary


def write_tables(frame: pd.DataFrame, summary: dict[str, Any], out_dir: Path) -> dict[str, str]:
    """Write ``results.csv``, ``results.parquet`` and ``results.xlsx``; returns their paths."""
    paths = {
        "csv": out_dir / "results.csv",
        "parquet": out_dir / "results.parquet",
        "xlsx": out_dir / "results.xlsx",
    }
    atomic_write(paths["csv"], csv_safe_frame(frame).to_csv(index=False, lineterminator="\n"))
    _write_via_temp(paths["parquet"], lambda target: frame.to_parquet(target, index=False))
    _write_via_temp(paths["xlsx"], lambda target: _write_xlsx(frame, summary, target))
    return {kind: str(path) for kind, path in paths.items()}


def _write_via_temp(path: Path, writer) -> None:
    """Let ``writer(name)`` write a temporary file, then rename it ``path``."""
    handle, temporary = temporary_file(path)
    os.close(handle)
    try:
        writer(str(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _summary_rows(summary: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for key, value in summary.items():
        if isinstance(value, dict):
            rows += [(f"{key}.{sub}", item) for sub, item in value.items()]
        else:
            rows.append((key, value))
    return pd.DataFrame(rows, columns=["figure", "value"]).astype({"value": object})


def _write_xlsx(frame: pd.DataFrame, summary: dict[str, Any], target: str) -> None:
    import xlsxwriter

    failed = frame.loc[frame["status"] == "failed",
                       ["row", "name", "error_type", "error_message", "error_message_zh"]]
    # No conversions of text: user text stays text (not formulas, numbers or links).
    book = xlsxwriter.Workbook(target, {
        "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        "nan_inf_to_errors": False})
    try:
        bold = book.add_format({"bold": True})
        for name, table in (("portfolio", _summary_rows(summary)), ("sites", frame),
                            ("failed", failed)):
            sheet = book.add_worksheet(name)
            write_frame(sheet, table, header_format=bold)
            sheet.freeze_panes(1, 1)
    finally:
        book.close()
