"""Portfolio page: upload a sites file, plan every site, explore the portfolio.

UI only: the sites file is validated by :func:`pvplanner.batch.run.parse_sites` (parsed as text,
never executed), planned by :func:`pvplanner.batch.run.run_jobs` (in this process for small
files, or on a local Dask cluster) into a folder keyed by the file's content, so planning the
same file again reuses the earlier results. Labels come from ``data/i18n/portfolio.toml``.

The table on the page and the downloads are the reader's (:mod:`pvplanner.batch.readable`):
headers in the page's language with units, rounded values, words instead of codes, no ids or
hashes. The output folder's machine tables (``results.csv``, ``results.xlsx``: stable English
column ids for scripts, as the command line writes them) stay on the server.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

import pvplanner.batch.readable as readable
from pvplanner.app.fmt import Fmt
from pvplanner.app.uploads import MAX_UPLOAD_MB, check_extension, check_upload, upload_dir
from pvplanner.app.widgets import advanced, kpi_row, label_map, lang, plain, t
from pvplanner.display.messages import render as in_language
from pvplanner.display.messages import translate
from pvplanner.display.names import name as reader_name
from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message

#: Above this many sites the page suggests the local Dask cluster.
IN_PROCESS_SITES = 50

_KEY = "portfolio:"
_EXAMPLE = ("batch", "example_sites.csv")

#: Columns of the on-screen table (ids of :data:`pvplanner.batch.readable.COLUMNS`, whose
#: headers, units and rounding it shares with the downloads; they have every column). How a
#: site was planned (``typical_days``) shows when some site was sized on typical days.
_SCREEN = (
    "row", "name", "status", "typical_days", "city", "province", "pv.capacity_kwp",
    "pv.annual_generation_kwh", "energy.load_kwh", "energy.self_consumption_ratio",
    "bills.savings_annual", "finance.capex", "finance.npv", "finance.irr",
    "finance.payback_years", "carbon.avoided_tco2_year1", "error_message",
)


def _t(key: str, **values: Any) -> str:
    return t(f"portfolio.{key}", **values)


# --------------------------------------------------------------------------- pure helpers
def sites_digest(content: bytes, base: dict[str, Any] | None, cell_deg: float,
                 meters: dict[str, bytes]) -> str:
    """Key of one sites file with its settings and meter files (names the output folder)."""
    digest = hashlib.sha256(content)
    digest.update(json.dumps(base, sort_keys=True).encode("utf-8"))
    digest.update(f"{cell_deg:.6f}".encode())
    for name in sorted(meters):
        digest.update(name.encode("utf-8"))
        digest.update(hashlib.sha256(meters[name]).digest())
    return digest.hexdigest()[:24]


def _money_unit(language: str, currency: str) -> tuple[float, str]:
    """Scale and unit of the table's money columns: 万元 in Chinese CNY, else thousands."""
    return readable.money_unit(language, currency)


def _label(key: str, language: str, currency: str) -> str:
    return readable.column_label(key, language, currency)


def _approximate(results: pd.DataFrame) -> int:
    """How many planned sites were sized on typical days (their figures are approximate)."""
    if "typical_days" not in results:
        return 0
    days = pd.to_numeric(results["typical_days"], errors="coerce")
    return int((days.notna() & (results["status"] == "ok")).sum())


def display_table(results: pd.DataFrame, language: str,
                  columns: tuple[str, ...] = _SCREEN) -> pd.DataFrame:
    """The results table as the reader sees it (:func:`pvplanner.batch.readable.readable_table`:
    headers with units, status and places in words, numbers rounded and sortable); the
    "planned on" column only when some site was sized on typical days."""
    if not _approximate(results):
        columns = tuple(c for c in columns if c != "typical_days")
    return readable.readable_table(results, language, columns=columns)


def table_config(language: str, currency: str = "CNY") -> dict[str, Any]:
    """Column settings of :func:`display_table`: thousands separators, the precision the
    values were rounded to, the site's name pinned."""
    config: dict[str, Any] = {}
    for column in readable.COLUMNS:
        if column.id not in _SCREEN:
            continue
        label = _label(column.key, language, currency)
        decimals = readable.column_decimals(column.kind, language, currency)
        if decimals is not None:
            grouping = "" if column.kind == "int" else ","
            config[label] = st.column_config.NumberColumn(
                label, format=f"%{grouping}.{decimals}f")
        elif column.id == "name":
            config[label] = st.column_config.TextColumn(label, pinned=True)
    return config


def npv_histogram(results: pd.DataFrame, language: str, currency: str) -> alt.Chart:
    """Bars of how many sites fall in each NPV bin (planned sites only), NPV in 万元 (Chinese
    CNY) or thousands of the currency."""
    scale, unit = _money_unit(language, currency)
    ok = results.loc[results["status"] == "ok", ["name", "finance.npv"]].rename(
        columns={"finance.npv": "npv"})
    ok["npv"] = pd.to_numeric(ok["npv"], errors="coerce") / scale
    return alt.Chart(ok, title=translate("portfolio.chart.npv_hist", language)).mark_bar(
    ).encode(
        x=alt.X("npv:Q", bin=alt.Bin(maxbins=30),
                title=translate("portfolio.chart.npv_axis", language, currency=unit)),
        y=alt.Y("count():Q", title=translate("portfolio.chart.count_axis", language),
                axis=alt.Axis(tickMinStep=1, format="d")),
    )


def capacity_scatter(results: pd.DataFrame, language: str) -> alt.Chart:
    """PV capacity against annual load, one point per planned site, coloured by province;
    its tooltip names each figure with its unit (NPV in 万元 or thousands)."""
    currency = readable.table_currency(results)
    scale, _ = _money_unit(language, currency)
    ok = results.loc[results["status"] == "ok"].copy()
    frame = pd.DataFrame({
        "name": ok["name"].astype(str).map(lambda v: reader_name(v, language)),
        "province": ok["province"].astype(str).map(lambda v: reader_name(v, language)),
        "load_mwh": pd.to_numeric(ok["energy.load_kwh"], errors="coerce") / 1000.0,
        "kwp": pd.to_numeric(ok["pv.capacity_kwp"], errors="coerce"),
        "npv": pd.to_numeric(ok["finance.npv"], errors="coerce") / scale,
    })
    province = translate("portfolio.chart.province", language)
    load = translate("portfolio.chart.load_axis", language)
    kwp = translate("portfolio.chart.kwp_axis", language)
    return alt.Chart(frame, title=translate("portfolio.chart.scatter", language)).mark_circle(
        size=60, opacity=0.75
    ).encode(
        x=alt.X("load_mwh:Q", title=load),
        y=alt.Y("kwp:Q", title=kwp),
        color=alt.Color("province:N", title=province),
        tooltip=[alt.Tooltip("name:N", title=_label("name", language, currency)),
                 alt.Tooltip("province:N", title=province),
                 alt.Tooltip("load_mwh:Q", title=load, format=",.0f"),
                 alt.Tooltip("kwp:Q", title=kwp, format=",.1f"),
                 alt.Tooltip("npv:Q", title=_label("npv", language, currency),
                             format=",.1f")],
    )


def map_frame(results: pd.DataFrame) -> pd.DataFrame:
    """Points for ``st.map``: planned sites, radius growing with the square root of kWp."""
    ok = results.loc[results["status"] == "ok"]
    kwp = pd.to_numeric(ok["pv.capacity_kwp"], errors="coerce").fillna(0.0).clip(lower=0.0)
    return pd.DataFrame({
        "lat": pd.to_numeric(ok["latitude"], errors="coerce"),
        "lon": pd.to_numeric(ok["longitude"], errors="coerce"),
        # area of the circle proportional to capacity: 1 MWp -> about 3 km radius
        "size": 100.0 * kwp.pow(0.5) + 300.0,
    }).dropna()


def sites_map(results: pd.DataFrame, language: str, currency: str, *, online: bool
              ) -> alt.LayerChart:
    """The planned sites on a map fitted to them (OpenStreetMap tiles when ``online``, else a
    1° grid): circles by PV capacity, coloured by NPV; names where they do not overlap, and
    name, city, capacity and NPV in each tooltip."""
    import pvplanner.app.site_map as site_map

    ok = results.loc[results["status"] == "ok"]
    frame = pd.DataFrame({
        "name": ok["name"].astype(str).map(lambda v: reader_name(v, language)),
        "city": ok["city"].astype(str).map(lambda v: reader_name(v, language) if v else v),
        "lat": pd.to_numeric(ok["latitude"], errors="coerce"),
        "lon": pd.to_numeric(ok["longitude"], errors="coerce"),
        "kwp": pd.to_numeric(ok["pv.capacity_kwp"], errors="coerce"),
        "npv": pd.to_numeric(ok["finance.npv"], errors="coerce") / _money_unit(
            language, currency)[0],
    }).dropna(subset=["lat", "lon"]).reset_index(drop=True)
    zoom = site_map.fit_zoom(frame["lat"], frame["lon"], width_px=700, height_px=site_map.
                             HEIGHT_PX)
    lat = (frame["lat"].max() + frame["lat"].min()) / 2
    lon = (frame["lon"].max() + frame["lon"].min()) / 2
    cx, cy = site_map.world_px(lat, lon, zoom)
    where = [site_map.world_px(a, b, zoom) for a, b in zip(frame["lat"], frame["lon"],
                                                           strict=True)]
    frame["x_px"] = [x - cx for x, _ in where]
    frame["y_px"] = [y - cy for _, y in where]
    frame["label"] = frame["name"]
    frame["shown"] = site_map.place_labels(frame, site_map.CITY_FONT_PX, -12.0)
    money = _label("npv", language, currency)
    base = alt.Chart(frame).encode(longitude="lon:Q", latitude="lat:Q")
    points = base.mark_circle(opacity=0.85, stroke="white", strokeWidth=0.8, clip=True).encode(
        size=alt.Size("kwp:Q", title=_label("kwp", language, currency),
                      scale=alt.Scale(range=[40, 600])),
        color=alt.Color("npv:Q", title=money, scale=alt.Scale(scheme="redyellowgreen",
                                                              domainMid=0)),
        tooltip=[alt.Tooltip("name:N", title=_label("name", language, currency)),
                 alt.Tooltip("city:N", title=_label("city", language, currency)),
                 alt.Tooltip("kwp:Q", title=_label("kwp", language, currency),
                             format=",.1f"),
                 alt.Tooltip("npv:Q", title=money, format=",.1f")])
    names = base.mark_text(dy=-12, fontSize=site_map.CITY_FONT_PX, color="#333",
                           clip=True).encode(text="shown:N")
    return alt.layer(site_map.basemap(lat, lon, online=online, zoom=zoom), points, names
                     ).project(**site_map.view_projection(lat, lon, zoom)).properties(
        height=site_map.HEIGHT_PX)


# --------------------------------------------------------------------------- inputs
def _inputs() -> tuple[bytes | None, str, dict[str, bytes]]:
    from weather.datafiles import data_path

    example = data_path(*_EXAMPLE)
    left, right = st.columns([3, 2])
    upload = left.file_uploader(_t("upload", mb=MAX_UPLOAD_MB), key=_KEY + "file",
                                help=_t("upload_help"))
    meters = left.file_uploader(_t("meters"), accept_multiple_files=True, key=_KEY + "meters")
    if right.button(_t("example"), key=_KEY + "use_example", icon=":material/science:"):
        st.session_state[_KEY + "example"] = True
    right.download_button(_t("template_download"), example.read_bytes(),
                          file_name="sites_template.csv", mime="text/csv",
                          key=_KEY + "template")
    meter_bytes: dict[str, bytes] = {}
    for item in meters or []:
        data = item.getvalue()
        check_upload(data, item.name, "meter")
        bare = Path(item.name).name  # a bare name: no folders from the browser
        if bare and not bare.startswith("."):
            meter_bytes[bare] = data
    if upload is not None:
        st.session_state.pop(_KEY + "example", None)
        check_extension(upload.name, "sites")
        data = upload.getvalue()
        if len(data) > MAX_UPLOAD_MB * 1_000_000:
            raise PlannerInputError(Message.of(
                "errors.batch.sites_too_large", "{name} is {size_mb:.1f} MB; sites files up "
                "to {limit_mb} MB are accepted (split it, or use pvplanner batch)",
                name=upload.name, size_mb=len(data) / 1e6, limit_mb=MAX_UPLOAD_MB))
        return data, upload.name, meter_bytes
    if st.session_state.get(_KEY + "example"):
        return example.read_bytes(), example.name, meter_bytes
    return None, "", meter_bytes


def _base_document() -> dict[str, Any] | None:
    options = ["demo", "current"]
    choice = st.radio(_t("base"), options, horizontal=True, key=_KEY + "base",
                      format_func=label_map(options, lambda v: _t(f"base_{v}")))
    if choice == "demo":
        return None
    import pvplanner.app.state as state

    scenario = state.scenario()
    return None if scenario is None else scenario.model_dump(mode="json")


def _parse(content: bytes, name: str, base: dict[str, Any] | None, cell_deg: float,
           meters: dict[str, bytes], digest: str):
    """Validated jobs, remembered per content so a rerun of the page does not re-parse."""
    from pvplanner.batch.run import parse_sites
    from pvplanner.scenario.model import parse_scenario

    cache = st.session_state.setdefault(_KEY + "parsed", {})
    if digest in cache:
        return cache[digest]
    folder = upload_dir() / "batch" / digest / "inputs"
    folder.mkdir(parents=True, exist_ok=True)
    for meter_name, data in meters.items():
        (folder / meter_name).write_bytes(data)
    base_scenario = parse_scenario(base) if base is not None else None
    # Every file a row names must be one of this user's uploads (files_root).
    jobs = parse_sites(content, origin=name, folder=folder, base=base_scenario,
                       cell_deg=cell_deg, files_root=upload_dir())
    cache.clear()  # keep one parsed file per session
    cache[digest] = jobs
    return jobs


def _show_invalid(problem: PlannerInputError) -> None:
    """The sites file's problems, one row a line, in the reader's language."""
    lines = [plain(line) for line in in_language(problem, lang()).splitlines()] or [""]
    # A header line with rows under it, else one problem said once (it stood twice, as the
    # heading and as its only item).
    text = (f"{lines[0]}\n\n" + "\n".join(f"- {line}" for line in lines[1:])
            if len(lines) > 1 else lines[0])
    st.error(f"**{_t('invalid')}**\n\n{text}", icon="⚠️")


# --------------------------------------------------------------------------- run
def _run(jobs, digest: str, settings: Any) -> None:
    from pvplanner.batch.run import IN_PROCESS, run_jobs

    cores = os.cpu_count() or 1
    modes = ["inprocess", "dask"]
    default = 0 if len(jobs) <= IN_PROCESS_SITES else 1
    a, b = settings.columns([3, 1])
    mode = a.radio(_t("mode"), modes, index=default, horizontal=True, key=_KEY + "mode",
                   format_func=label_map(modes, lambda v: _t(f"mode_{v}")))
    workers = b.number_input(_t("workers"), min_value=1, max_value=max(1, cores), value=cores,
                             step=1, key=_KEY + "workers", disabled=mode != "dask",
                             help=_t("workers_help"))
    if mode == "inprocess" and len(jobs) > IN_PROCESS_SITES:
        st.info(_t("too_many_inprocess", n=len(jobs)), icon="ℹ️")
    if not st.button(_t("run"), type="primary", key=_KEY + "run", icon=":material/play_arrow:"):
        return
    bar = st.progress(0.0, text=_t("running", done=0, total=len(jobs), failed=0))

    def progress(done: int, total: int, failed: int) -> None:
        bar.progress(done / max(total, 1),
                     text=_t("running", done=done, total=total, failed=failed))

    out_dir = upload_dir() / "batch" / digest / "results"
    (out_dir / "sites").mkdir(parents=True, exist_ok=True)
    summary = run_jobs(jobs, out_dir, scheduler=IN_PROCESS if mode == "inprocess" else None,
                       workers=int(workers), progress=progress)
    bar.empty()
    results = pd.read_parquet(summary["files"]["parquet"])
    st.session_state[_KEY + "results"] = {"frame": results, "summary": summary}


# --------------------------------------------------------------------------- results
def _kpis(summary: dict[str, Any], f: Fmt) -> None:
    portfolio = summary["portfolio"]
    npv = portfolio.get("npv") or {}
    # Three a row: totals such as "944.2万 kWh" need the width (pvplanner.app.card_width).
    # "planned" counts only sites with a plan, as the table's status and the summary line
    kpi_row([
        (_t("kpi.sites"), f"{f.number(portfolio['ok'])} / {f.number(portfolio['sites'])}",
         _t("kpi.sites_help", ok=portfolio["ok"], sites=portfolio["sites"],
            failed=portfolio["failed"])),
        (_t("kpi.kwp"), f.kwp(portfolio["total_kwp"])),
        (_t("kpi.generation"), f.energy(portfolio["total_generation_kwh"])),
        (_t("kpi.co2"), f.tco2(portfolio["total_avoided_tco2_year1"], 0)),
        (_t("kpi.npv"), f.money_compact(portfolio["total_npv"])),
        (_t("kpi.npv_median"), f.money_compact(npv.get("p50"))),
        (_t("kpi.positive"), f"{portfolio['positive_npv_sites']} / {portfolio['ok']}",
         _t("kpi.positive_help", positive=portfolio["positive_npv_sites"],
            planned=portfolio["ok"])),
    ], border=True, per_row=3)


def _explore(stored: dict[str, Any]) -> None:
    results: pd.DataFrame = stored["frame"]
    summary = stored["summary"]
    language = lang()
    currency = summary["portfolio"].get("currency") or "CNY"
    f = Fmt(language, currency)
    st.subheader(_t("results"))
    portfolio = summary["portfolio"]
    st.success(_t("done", sites=portfolio["sites"], ok=portfolio["ok"],
                  failed=portfolio["failed"], computed=summary["planned"],
                  resumed=summary["resumed"], seconds=f.number(summary["seconds"], 1)),
               icon="✅")
    _kpis(summary, f)
    if not map_frame(results).empty:
        from pvplanner.app.online import tiles_online

        tiles = tiles_online()
        st.altair_chart(sites_map(results, language, currency, online=tiles), width="stretch")
        credit = t("site.location.osm_credit") if tiles else ""
        st.caption(" ".join(part for part in (_t("map"), credit) if part))
    if (results["status"] == "ok").any():
        left, right = st.columns(2)
        left.altair_chart(npv_histogram(results, language, currency), width="stretch")
        right.altair_chart(capacity_scatter(results, language), width="stretch")
    approximate = _approximate(results)
    if approximate:
        st.warning(_t("method_note", n=approximate), icon="⚠️")
    st.dataframe(display_table(results, language), hide_index=True, width="stretch",
                 column_config=table_config(language, currency))
    failed = results.loc[results["status"] == "failed"]
    if not failed.empty:
        st.subheader(_t("failed_title"))
        st.dataframe(display_table(failed, language, ("row", "name", "error_message")),
                     hide_index=True, width="stretch")
    csv_bytes, xlsx_bytes = _downloads(stored, language)
    a, b = st.columns(2)
    a.download_button(_t("download_csv"), csv_bytes, file_name=_t("file.csv"),
                      mime="text/csv", key=_KEY + "dl_csv", help=_t("download_csv_help"))
    b.download_button(_t("download_xlsx"), xlsx_bytes, file_name=_t("file.xlsx"),
                      key=_KEY + "dl_xlsx", help=_t("download_xlsx_help"),
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _downloads(stored: dict[str, Any], language: str) -> tuple[bytes, bytes]:
    """The downloads in the reader's language (made once per language and results): the
    machine tables of the output folder keep English ids for scripts, a reader gets these."""
    made = stored.setdefault("downloads", {})
    if language not in made:
        results = stored["frame"]
        made[language] = (readable.readable_csv(results, language),
                          readable.readable_xlsx(results, stored["summary"]["portfolio"],
                                                 language))
    return made[language]


# --------------------------------------------------------------------------- page
def render() -> None:
    """Draw the page."""
    st.title(_t("title"))
    st.caption(_t("intro"))
    content, name, meters = _inputs()
    base = _base_document()
    settings = advanced()
    cell_deg = settings.number_input(_t("cell"), min_value=0.0, max_value=5.0, value=0.25,
                                     step=0.05, format="%.2f", key=_KEY + "cell",
                                     help=_t("cell_help"))
    if content is not None:
        digest = sites_digest(content, base, float(cell_deg), meters)
        try:
            jobs = _parse(content, name, base, float(cell_deg), meters, digest)
        except PlannerInputError as problem:
            _show_invalid(problem)
            jobs = None
        if jobs:
            st.info(_t("parsed", n=len(jobs), cells=len({job.cell for job in jobs})),
                    icon="📋")
            _run(jobs, digest, settings)
    stored = st.session_state.get(_KEY + "results")
    if stored is None:
        st.caption(_t("no_results"))
        return
    _explore(stored)
