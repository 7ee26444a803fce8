"""Page 1 - site and roof: location (map, city search, coordinates), roof planes, weather."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

import pvplanner.app.online as online
import pvplanner.app.site_map as site_map
import pvplanner.app.site_rules as site_rules
import pvplanner.app.state as state
from pvplanner.app.state import get_path, set_path
from pvplanner.app.uploads import MAX_UPLOAD_MB, check_upload, save_upload
from pvplanner.app.widgets import (
    advanced,
    check,
    choice,
    fmt,
    label_map,
    lang,
    next_page,
    number,
    plain,
    slot,
    t,
    table_editor,
    text,
)
from pvplanner.display.messages import render as in_language
from pvplanner.display.names import name as reader_name

_ROOF_COLUMNS = ("name", "area_m2", "mounting", "tilt_deg", "azimuth_deg", "rack_tilt_deg",
                 "gcr", "usable_fraction", "module_power_density_w_m2", "max_kwp")
_MOUNTINGS = ("flush", "tilted_rows", "east_west")
_WEATHER_SOURCES = ("auto", "pvgis", "nasa-power", "synthetic", "file")


# --------------------------------------------------------------------------- cities
@st.cache_data(show_spinner=False)
def _cities() -> pd.DataFrame:
    from weather.climatology import list_cities

    return list_cities()


def _city_label(name: str) -> str:
    table = _cities()
    row = table.loc[table["city"] == name]
    if row.empty:
        return name
    row = row.iloc[0]
    where = row["province"] or row["country"]
    ghi = fmt().number(row["annual_ghi_kwh_m2"], 0)
    if lang() == "zh":  # Chinese names only (province and country too)
        return f"{row['city_zh'] or name} · {reader_name(where, 'zh')} · {ghi} kWh/m²"
    return f"{name} {row['city_zh']} · {where} · {ghi} kWh/m²"


def _apply_city(name: str | None) -> None:
    """Move the site to a city of the built-in table (a callback: runs before the page)."""
    if not name:
        return
    from weather.climatology import find_city

    try:
        city = find_city(name)
    except Exception as exc:  # noqa: BLE001 - shown next to the search box
        # kept as its message (with its key): shown in the language of the page that shows it
        st.session_state["_city_error"] = state.problem_from_exception(exc).message
        return
    doc = state.doc()
    set_path(doc, "site.latitude", round(city.lat, 4))
    set_path(doc, "site.longitude", round(city.lon, 4))
    set_path(doc, "site.city", city.city)
    if city.country == "China":
        set_path(doc, "site.country", "CN")
        set_path(doc, "site.province", city.province or None)
    set_path(doc, "site.elevation_m", None)
    set_path(doc, "site.utc_offset_hours", None)
    # Carbon accounting follows the site's province (emission factors, local schemes).
    set_path(doc, "carbon.site_province", city.province or None)
    set_path(doc, "carbon.site_city", city.city)
    state.reset_inputs("site.")
    st.session_state.pop("_city_error", None)


def _on_city_pick() -> None:
    _apply_city(st.session_state.get("city_search"))


def _on_map_pick() -> None:
    selection = (st.session_state.get("site_map") or {}).get("selection", {})
    points = selection.get("city") or []
    if points and isinstance(points[0], dict) and points[0].get("city"):
        _apply_city(points[0]["city"])


def _use_province(province: str, city: str) -> None:
    doc = state.doc()
    set_path(doc, "site.province", province)
    set_path(doc, "site.city", city)
    set_path(doc, "carbon.site_province", province)
    set_path(doc, "carbon.site_city", city)
    state.reset_inputs("site.")


def _nearest_city_hint() -> None:
    """Name the nearest city of the table; offer its province when the site's differs (the
    province sets the export price and the grid emission factor); warn, where the weather
    may be made offline, that its station cannot stand for the site (other hemisphere, too
    far), before a plan is refused for it."""
    from weather.climatology import nearest_city, nearest_usable_city
    from weather.errors import WeatherInputError

    doc = state.doc()
    try:
        latitude = float(get_path(doc, "site.latitude"))
        longitude = float(get_path(doc, "site.longitude"))
        city = nearest_city(latitude, longitude)
    except Exception:  # noqa: BLE001 - invalid coordinates are reported by validation
        return
    name = city.city_zh if lang() == "zh" and city.city_zh else city.city
    st.caption(t("site.location.nearest", city=name,
                 km=fmt().number(city.distance_km or 0.0)))
    if get_path(doc, "weather.source") in ("auto", "synthetic", None):
        try:  # the generator takes the nearest station that can stand for the site
            nearest_usable_city(latitude, longitude)
        except WeatherInputError as refused:
            st.warning(plain(in_language(state.problem_from_exception(refused).message,
                                         lang())))
    current = get_path(doc, "site.province")
    if city.country == "China" and city.province and current != city.province:
        st.button(t("site.location.use_province", province=reader_name(city.province, lang()),
                    current=reader_name(current, lang()) or t("common.none")),
                  on_click=_use_province, args=(city.province, city.city),
                  key="use_nearest_province")


def _map() -> None:
    """The site in its region: on OpenStreetMap tiles when they can be reached (a background
    check, :mod:`pvplanner.app.online`), else on a dot map drawn from coordinates."""
    doc = state.doc()
    lat = get_path(doc, "site.latitude")
    lon = get_path(doc, "site.longitude")
    if not (isinstance(lat, (int, float)) and isinstance(lon, (int, float))):
        return
    tiles = online.tiles_online()
    chart = site_map.location_map(_cities(), float(lat), float(lon), lang(),
                                  t("site.location.site_marker"), online=tiles,
                                  titles={"ghi": t("site.location.ghi_legend")})
    st.altair_chart(chart, key="site_map", on_select=_on_map_pick, selection_mode="city",
                    width="stretch")
    note = t("site.location.map_note")
    note += " " + (t("site.location.osm_credit") if tiles else t("site.location.map_offline"))
    st.caption(note)
    if tiles:
        with st.expander(t("site.location.street_map")):
            st.map(pd.DataFrame({"lat": [lat], "lon": [lon]}), zoom=14, height=300)


def _location() -> None:
    st.subheader(t("site.location.title"))
    left, right = st.columns([2, 3], gap="large")
    with left:
        names = list(_cities()["city"])
        st.selectbox(t("site.location.search"), names, index=None, key="city_search",
                     format_func=label_map(names, _city_label), placeholder=t("site.location.search_hint"),
                     on_change=_on_city_pick)
        if st.session_state.get("_city_error"):
            st.error(plain(in_language(st.session_state["_city_error"], lang())))
        a, b = st.columns(2)
        number("site.latitude", t("site.location.latitude"), min_value=-90, max_value=90,
               step=0.01, format="%.4f", where=a)
        number("site.longitude", t("site.location.longitude"), min_value=-180, max_value=180,
               step=0.01, format="%.4f", where=b)
        st.caption(t("site.location.coordinates_note"))
        _nearest_city_hint()
        with st.expander(t("site.location.more")):
            # A place the data knows reads in the reader's language (Zhejiang as 浙江);
            # the stored name is kept unless the user types another.
            def in_reader_language(stored: str) -> str:
                return reader_name(stored, lang())

            text("site.province", t("site.location.province"), optional=True,
                 shown=in_reader_language)
            text("site.city", t("site.location.city"), optional=True, shown=in_reader_language)
            text("site.country", t("site.location.country"), max_chars=2)
            number("site.elevation_m", t("site.location.elevation"), optional=True,
                   min_value=-500, max_value=9000, step=10.0, format="%.0f",
                   placeholder=t("site.location.from_weather"))
            number("site.utc_offset_hours", t("site.location.utc_offset"), optional=True,
                   min_value=-12, max_value=14, step=0.5, format="%.1f",
                   placeholder=t("site.location.from_location"),
                   help=t("site.location.utc_offset_help"))
    with right:
        _map()
    # The tariff follows the province: a move switches it, and says so.
    site_rules.follow_province()


# --------------------------------------------------------------------------- roof planes
def _plane_max(row: dict[str, Any]) -> float | None:
    from pvplanner.pv.simulation import RoofPlane, plane_max_kwp

    try:
        return plane_max_kwp(RoofPlane.model_validate(row))
    except Exception:  # noqa: BLE001 - an invalid row shows no capacity; its error is shown
        return None


def _clean_row(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in _ROOF_COLUMNS:
        value = row.get(column)
        if isinstance(value, float) and math.isnan(value):
            value = None
        if value is None and column in ("name",):
            value = ""
        if value is None and column in ("mounting",):
            value = "flush"
        if value is None and column in ("usable_fraction", "module_power_density_w_m2",
                                        "tilt_deg", "azimuth_deg"):
            continue  # the model's default
        out[column] = value
    return out


def _roof_frame(planes: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for plane in planes:
        row = {column: plane.get(column) for column in _ROOF_COLUMNS}
        row["computed_kwp"] = _plane_max(plane)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*_ROOF_COLUMNS, "computed_kwp"])
    for column in _ROOF_COLUMNS:
        if column not in ("name", "mounting"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["computed_kwp"] = pd.to_numeric(frame["computed_kwp"], errors="coerce").astype(float)
    return frame


def _apply_roof(frame: pd.DataFrame) -> None:
    planes = []
    defaults = _new_plane_defaults()
    for index, record in enumerate(frame.to_dict(orient="records")):
        row = _clean_row(record)
        if not row.get("name"):
            row["name"] = f"{defaults['name']} {index + 1}"
        if row.get("area_m2") is None:
            row["area_m2"] = defaults["area_m2"]
        planes.append(row)
    set_path(state.doc(), "roof_planes", planes)


def _new_plane_defaults() -> dict[str, Any]:
    return {"name": t("site.roof.new_plane"), "area_m2": 1000.0}


#: The roof table's columns a first look needs; the others appear with "all columns".
_ROOF_KEY_COLUMNS = ("name", "computed_kwp", "area_m2", "mounting", "tilt_deg", "azimuth_deg")
_ROOF_MORE_COLUMNS = ("rack_tilt_deg", "gcr", "usable_fraction", "module_power_density_w_m2",
                      "max_kwp")


def mounting_label(mounting: str) -> str:
    """A mounting's name in the reader's language (``east_west`` -> 东西向支架)."""
    return t(f"site.roof.mountings.{mounting}")


def roof_columns() -> dict[str, Any]:
    """The roof table's column settings: names in the reader's language, mountings by name
    (the table still holds and returns their ids), units in the headers."""
    column = st.column_config
    return {
        "name": column.TextColumn(t("site.roof.name"), required=True, max_chars=80,
                                  width="medium"),
        "area_m2": column.NumberColumn(t("site.roof.area"), min_value=1, max_value=1e7,
                                       format="localized", required=True, width="small"),
        "mounting": column.SelectboxColumn(
            t("site.roof.mounting"), options=list(_MOUNTINGS), required=True, width="small",
            help=t("site.roof.mounting_help"),
            format_func=label_map(_MOUNTINGS, mounting_label)),
        "tilt_deg": column.NumberColumn(t("site.roof.tilt"), min_value=0, max_value=90,
                                        format="%.0f°", width="small"),
        "azimuth_deg": column.NumberColumn(t("site.roof.azimuth"), min_value=0, max_value=360,
                                           format="%.0f°", help=t("site.roof.azimuth_help"),
                                           width="small"),
        "rack_tilt_deg": column.NumberColumn(t("site.roof.rack_tilt"), min_value=0,
                                             max_value=60, format="%.0f°", width="small"),
        "gcr": column.NumberColumn(t("site.roof.gcr"), min_value=0.1, max_value=0.95,
                                   format="%.2f", help=t("site.roof.gcr_help"), width="small"),
        "usable_fraction": column.NumberColumn(t("site.roof.usable"), min_value=0.01,
                                               max_value=1.0, format="%.2f", width="small",
                                               help=t("site.roof.usable_help")),
        "module_power_density_w_m2": column.NumberColumn(t("site.roof.density"), min_value=51,
                                                         max_value=400, format="%.0f",
                                                         width="small"),
        "max_kwp": column.NumberColumn(t("site.roof.override"), min_value=0, format="%.1f",
                                       help=t("site.roof.override_help"), width="small"),
        "computed_kwp": column.NumberColumn(t("site.roof.computed"), format="%,.1f",
                                            help=t("site.roof.computed_help"), width="small"),
    }


def _roof() -> None:
    st.subheader(t("site.roof.title"))
    st.caption(t("site.roof.intro"))
    planes = get_path(state.doc(), "roof_planes", []) or []
    frame = _roof_frame(planes)
    every = st.toggle(t("site.roof.all_columns"), key="roof_all_columns",
                      help=t("site.roof.all_columns_help"))
    order = [*_ROOF_KEY_COLUMNS, *(_ROOF_MORE_COLUMNS if every else ())]
    table_editor("roof_planes", frame, _apply_roof, column_config=roof_columns(),
                 num_rows="dynamic", disabled=["computed_kwp"], hide_index=True,
                 width="stretch", column_order=order, placeholder=t("site.roof.default"))
    slot("roof_planes")
    known = frame["computed_kwp"].dropna()
    st.caption(t("site.roof.total", kwp=fmt().kwp(float(known.sum())), planes=len(frame)))


# --------------------------------------------------------------------------- weather
@st.cache_data(show_spinner=False, max_entries=8)
def _read_weather_upload(data: bytes, filename: str, latitude: float | None,
                         longitude: float | None) -> dict[str, Any]:
    from weather.readers import read_weather_file

    _, meta = read_weather_file(data, filename=filename, latitude=latitude, longitude=longitude)
    return meta.to_dict()


def _weather_upload() -> None:
    doc = state.doc()
    uploaded = st.file_uploader(
        t("site.weather.upload", mb=MAX_UPLOAD_MB), key="weather_upload", max_upload_size=MAX_UPLOAD_MB, help=t("site.weather.upload_help"))
    slot("upload.weather")
    # The scenario's own error about its weather file (none uploaded while the source is
    # "Uploaded file") belongs at the upload too: the file is given here.
    slot("weather.file")
    if uploaded is None:
        return
    if st.session_state.get("_weather_upload_id") == uploaded.file_id:
        return
    data = uploaded.getvalue()
    try:
        check_upload(data, uploaded.name, "weather")
        _read_weather_upload(data, uploaded.name, get_path(doc, "site.latitude"),
                             get_path(doc, "site.longitude"))
        path = save_upload(data, uploaded.name, "weather")
    except Exception as exc:  # noqa: BLE001 - shown under the uploader
        problem = state.problem_from_exception(exc)
        problem.field = "upload.weather"
        state.report(problem)
        return
    from pvplanner.app.page_load import remember_upload_name
    from pvplanner.app.uploads import upload_reference

    st.session_state["_weather_upload_id"] = uploaded.file_id
    remember_upload_name(path, uploaded.name)
    set_path(doc, "weather.source", "file")
    # Relative to the upload folder, with the name the user gave it: the scenario a user
    # downloads or saves names no server folder and no hashed name.
    set_path(doc, "weather.file", upload_reference(path))
    set_path(doc, "weather.file_name", uploaded.name)
    state.reset_inputs("weather.")
    st.rerun()


def _weather_status() -> None:
    valid = state.scenario()
    if valid is None:
        return
    from pvplanner.pv.site_weather import load_weather

    choice_ = valid.weather
    try:
        with st.spinner(t("site.weather.loading")):
            _, meta = load_weather(
                valid.site.latitude, valid.site.longitude,
                source=choice_.source if choice_.source != "file" else "auto",
                file=choice_.file if choice_.source == "file" else None, seed=choice_.seed)
    except Exception as exc:  # noqa: BLE001 - shown next to the source choice
        problem = state.problem_from_exception(exc)
        problem.field = problem.field or "weather.source"
        state.report(problem)
        return
    from pvplanner.display.messages import render as render_message
    from pvplanner.display.names import weather_dataset, weather_station
    from pvplanner.messages import weather_notes

    obtained = meta.obtained
    badge = {"online": "blue", "cache": "green", "file": "violet", "synthetic": "orange"}
    st.markdown(
        f":{badge.get(obtained, 'gray')}-badge[{t('site.weather.obtained.' + obtained)}] "
        f"**{plain(weather_dataset(meta.to_dict(), lang()))}**")
    f = fmt()
    rows = {
        t("site.weather.source_name"): weather_dataset(meta.to_dict(), lang()),
        t("site.weather.station"): weather_station(meta.to_dict(), lang()) or "—",
        t("site.weather.distance"): f.unit(meta.distance_km, "km") if meta.distance_km else "—",
        t("site.weather.elevation"): f.unit(meta.elevation_m, "m"),
        t("site.weather.utc_offset"): f"UTC{meta.utc_offset_hours:+g}",
    }
    st.dataframe(pd.DataFrame({t("common.item"): list(rows), t("common.value"): list(rows.values())}),
                 hide_index=True, width="stretch")
    if meta.attribution:
        from pvplanner.display.sources import citation

        st.caption(t("site.weather.attribution") + " " + plain(citation(meta.attribution, lang())))
    for note in weather_notes(meta.to_dict()):  # in the reader's language
        st.info(plain(render_message(note, lang())), icon="ℹ️")


def _weather() -> None:
    st.subheader(t("site.weather.title"))
    left, right = st.columns([2, 3], gap="large")
    with left:
        source = choice("weather.source", t("site.weather.source"), _WEATHER_SOURCES,
                        labels=lambda s: t(f"site.weather.sources.{s}"),
                        help=t("site.weather.source_help"))
        if source == "synthetic":
            with advanced():
                number("weather.seed", t("site.weather.seed"), integer=True, min_value=0,
                       help=t("site.weather.seed_help"))
        if source == "file" and get_path(state.doc(), "weather.file"):
            # The name the user gave the file, never its stored (hashed) name or folder.
            name = get_path(state.doc(), "weather.file_name") or t("site.files.weather_unnamed")
            st.caption(t("site.weather.current_file", name=plain(str(name))))
        _weather_upload()
    with right:
        _weather_status()


# --------------------------------------------------------------------------- PV model
def _pv_settings() -> None:
    with st.expander(t("site.pv.title")):
        a, b, c = st.columns(3)
        number("pv.dc_ac_ratio", t("site.pv.dc_ac"), min_value=0.5, max_value=2.5, step=0.05,
               format="%.2f", where=a)
        number("pv.inverter_efficiency_percent", t("site.pv.inverter"), min_value=80,
               max_value=99.5, step=0.1, format="%.1f", where=b)
        number("pv.temperature_coefficient_percent_per_c", t("site.pv.temp_coeff"),
               min_value=-1.0, max_value=0.0, step=0.01, format="%.2f", where=c)
        number("pv.degradation_first_year_percent", t("site.pv.degradation_first"),
               min_value=0, max_value=20, step=0.1, format="%.1f", where=a)
        number("pv.degradation_annual_percent", t("site.pv.degradation_annual"),
               min_value=0, max_value=5, step=0.05, format="%.2f", where=b)
        number("pv.albedo", t("site.pv.albedo"), min_value=0, max_value=1, step=0.05,
               format="%.2f", where=c)
        st.markdown("**" + t("site.pv.losses") + "**")
        columns = st.columns(5)
        for i, name in enumerate(("soiling", "shading", "snow", "mismatch", "wiring",
                                  "connections", "lid", "nameplate", "availability", "age")):
            number(f"pv.losses.{name}_percent", t(f"site.pv.loss.{name}"), min_value=0,
                   max_value=100, step=0.5, format="%.1f", where=columns[i % 5])
        check("pv.spectral_correction", t("site.pv.spectral"), help=t("site.pv.spectral_help"))
        valid = state.scenario()
        if valid is not None:
            st.caption(t("site.pv.total_losses",
                         value=fmt().number(valid.pv.losses.total_percent, 1)))


def render() -> None:
    """Draw the page."""
    st.title(t("site.title"))
    st.caption(t("site.intro"))
    a, b = st.columns(2)
    text("name", t("site.scenario_name"), where=a, max_chars=200)
    text("site.name", t("site.company"), where=b, max_chars=200)
    _location()
    st.divider()
    _roof()
    _pv_settings()
    st.divider()
    _weather()
    next_page("load")
