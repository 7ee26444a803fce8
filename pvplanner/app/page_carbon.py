"""Page 5 - carbon assets: accounting choices, avoided emissions, Scope 2 before and after,
certificate and credit revenue, the ledger and the double-counting rule."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import pvplanner.app.charts as charts
import pvplanner.app.state as state
from pvplanner.app.fmt import Fmt
from pvplanner.app.state import get_path, set_path
from pvplanner.app.widgets import (
    choice,
    fmt,
    kpi,
    kpi_row,
    lang,
    multi,
    next_page,
    number,
    plain,
    slot,
    t,
    table_editor,
)
from pvplanner.carbon.accounting import CARBON_PRICE_LIMITS
from pvplanner.report.tables import ledger_for_reader

_CERTIFICATES = ("retain", "retain_self_consumed", "sell", "none")


@st.cache_data(show_spinner=False)
def _factors() -> pd.DataFrame:
    from pvplanner.carbon.accounting import load_emission_factors

    return load_emission_factors()


@st.cache_data(show_spinner=False)
def _assets() -> pd.DataFrame:
    from pvplanner.carbon.accounting import load_carbon_assets

    return load_carbon_assets()


def _factor_label(factor_id: str) -> str:
    """A factor as the reader knows it: region, year and kind, and its value (no id)."""
    from pvplanner.display.names import emission_factor_name

    table = _factors()
    row = table.loc[table["id"] == factor_id]
    if row.empty:
        return t("carbon.inputs.unknown_factor")
    row = row.iloc[0]
    return (f"{emission_factor_name(row.to_dict(), lang())} · "
            f"{float(row['factor_tco2_per_mwh']):.4f} tCO₂/MWh")


def _asset_row(asset_id: str) -> dict | None:
    table = _assets()
    row = table.loc[table["id"] == asset_id]
    return None if row.empty else row.iloc[0].to_dict()


def _asset_name(asset_id: str) -> str:
    """A certificate or credit scheme's name in the reader's language (no id)."""
    from pvplanner.display.names import carbon_asset_name

    row = _asset_row(asset_id)
    return carbon_asset_name(row, lang()) if row else t("carbon.inputs.unknown_asset")


def _asset_label(asset_id: str) -> str:
    """An asset's name with its reference price, if the data has one."""
    from pvplanner.display.names import carbon_price_unit

    row = _asset_row(asset_id)
    if row is None or not str(row["price"]).strip():
        return _asset_name(asset_id)
    price = fmt().number(float(row["price"]), 2)
    return t("carbon.inputs.asset_price", name=_asset_name(asset_id), price=price,
             unit=carbon_price_unit(row["unit"], lang()))


def _factor_source(result) -> str:
    """Where the plan's location-based factor comes from, cited for the reader.

    The factor the doc's choice resolves to, when it is the one the result used; else the
    result's recorded citation.
    """
    from pvplanner.carbon.accounting import location_factor_for
    from pvplanner.display.names import emission_factor_name
    from pvplanner.display.sources import citation

    doc = state.doc()
    c = result.carbon
    try:
        factor = location_factor_for(_followed_province(),
                                     get_path(doc, "carbon.location_factor_id")).factor
    except Exception:  # noqa: BLE001 - the recorded citation is shown instead
        factor = None
    if factor is None or abs(factor.factor_tco2_per_mwh - c.emission_factor_tco2_per_mwh) > 1e-9:
        return citation(c.emission_factor_source, lang())
    return t("carbon.kpi.source_named", factor=emission_factor_name(factor.to_dict(), lang()),
             source=citation(factor.source, lang(), factor.status))


def _followed_province() -> str | None:
    """The province the plan's factor follows: the site's, or for a site without one its
    nearest city's, as the plan decides (:func:`pvplanner.scenario.province.site_province`)."""
    from pvplanner.scenario.province import site_province

    valid = state.scenario()
    if valid is None:
        return get_path(state.doc(), "site.province")
    return site_province(valid)[0]


def _site_factor_label(province: str | None) -> str:
    """The "follow the site" option, naming the factor it resolves to now."""
    from pvplanner.carbon.accounting import location_factor_for

    choice = location_factor_for(province, None)
    basis = t(f"carbon.inputs.follow_basis.{choice.basis}")
    return t("carbon.inputs.follow_site", factor=_factor_label(choice.factor.id), basis=basis)


def _inputs() -> None:
    doc = state.doc()
    factors = _factors()
    left, right = st.columns(2, gap="large")
    with left:
        choice("carbon.certificates", t("carbon.inputs.certificates"), _CERTIFICATES,
               labels=lambda k: t(f"carbon.inputs.certificate_kinds.{k}"), radio=True,
               help=t("carbon.inputs.certificates_help"))
        location = factors.loc[factors["kind"].isin(["location_average", "combined_margin"]),
                               "id"].tolist()
        # None (the default) follows the site: its province's latest average factor.
        province = _followed_province()
        choice("carbon.location_factor_id", t("carbon.inputs.location_factor"),
               [None, *location],
               labels=lambda k: _site_factor_label(province) if k is None else _factor_label(k),
               help=t("carbon.inputs.location_factor_help"))
        residual = factors.loc[factors["kind"] == "residual_mix", "id"].tolist()
        choice("carbon.residual_factor_id", t("carbon.inputs.residual_factor"), residual,
               labels=_factor_label, help=t("carbon.inputs.residual_factor_help"))
        number("carbon.grid_factor_decline_percent_per_year", t("carbon.inputs.decline"),
               min_value=0, max_value=20, step=0.5, format="%.1f",
               help=t("carbon.inputs.decline_help"))
    with right:
        assets = _assets()
        certificates = assets.loc[assets["asset_type"] == "certificate", "id"].tolist()
        choice("carbon.certificate_price_id", t("carbon.inputs.certificate_price"),
               certificates, labels=_asset_label)
        number("carbon.certificate_price_per_mwh", t("carbon.inputs.certificate_override"),
               optional=True, min_value=0,
               max_value=CARBON_PRICE_LIMITS["certificate_price_per_mwh"], step=1.0, format="%.2f",
               placeholder=t("carbon.inputs.from_table"))
        credits = assets.loc[assets["asset_type"] == "credit", "id"].tolist()
        multi("carbon.credit_scheme_ids", t("carbon.inputs.credit_schemes"), credits,
              labels=_asset_label, help=t("carbon.inputs.credit_schemes_help"))
        if get_path(doc, "carbon.credit_scheme_ids"):
            a, b = st.columns(2)
            number("carbon.credit_price_per_tco2", t("carbon.inputs.credit_price"),
                   optional=True, min_value=0,
                   max_value=CARBON_PRICE_LIMITS["credit_price_per_tco2"], step=5.0, format="%.2f", where=a,
                   placeholder=t("carbon.inputs.from_table"))
            number("carbon.crediting_period_years", t("carbon.inputs.crediting_period"),
                   optional=True, integer=True, min_value=1, max_value=40, where=b,
                   placeholder=t("carbon.inputs.from_table"))
            _credit_factor_choice(factors)
        number("carbon.asset_price_escalation_rate", t("carbon.inputs.escalation"), scale=100,
               min_value=-50, max_value=50, step=1.0, format="%.1f")


#: Kinds of factor a credit scheme may ask for, first in the credit factor's list (a
#: residual mix is for the market-based Scope 2 only, never a crediting baseline).
_CREDIT_FACTOR_KINDS = ("combined_margin", "scheme_baseline", "operating_margin", "build_margin",
                        "location_average", "fossil")


def _credit_factor_choice(factors: pd.DataFrame) -> None:
    """The emission factor that turns credited MWh into credits: the scheme's own (or the
    grid factor) unless one is chosen; a scheme asking for a kind of factor is told so at
    this input (``errors.carbon.scheme_factor_kind``)."""
    rank = factors["kind"].map({kind: k for k, kind in enumerate(_CREDIT_FACTOR_KINDS)})
    ordered = factors.assign(rank=rank).dropna(subset=["rank"]).sort_values(
        "rank", kind="stable")["id"].tolist()
    choice("carbon.credit_factor_id", t("carbon.inputs.credit_factor"), [None, *ordered],
           labels=lambda k: t("carbon.inputs.credit_factor_default") if k is None
           else _factor_label(k), help=t("carbon.inputs.credit_factor_help"))


def _outputs(result) -> None:
    f = fmt()
    c = result.carbon
    # Three cards a row: "25,592 tCO₂" and the Scope 2 labels are cut at four.
    kpi_row([
        (t("carbon.kpi.avoided_year1"), f.tco2(c.avoided_tco2_year1, 0),
         t("carbon.kpi.factor", value=f.number(c.emission_factor_tco2_per_mwh, 4))),
        (t("carbon.kpi.avoided_lifetime"), f.tco2(c.avoided_tco2_lifetime, 0), None),
        (t("carbon.kpi.certificates"), f.number(c.certificates_year1),
         t("carbon.kpi.certificates_help")),
    ], border=True, per_row=3)
    row = st.columns(3)
    kpi(t("carbon.kpi.certificate_revenue"), f.money(c.certificate_revenue_year1), where=row[0],
        per_row=3, border=True)
    kpi(t("carbon.kpi.credits"), f.tco2(c.credits_tco2_year1), where=row[1], per_row=3,
        border=True)
    kpi(t("carbon.kpi.credit_revenue"), f.money(c.credit_revenue_year1), where=row[2],
        per_row=3, border=True)
    scope2 = c.scope2
    # The reduction as a positive figure ("1,120 tCO2 less") with a green down arrow, not a
    # negative number under an arrow that already points down.
    row = st.columns(3)
    for column, method in ((row[0], "location"), (row[1], "market")):
        reduction = float(scope2[f"{method}_reduction_tco2"] or 0.0)
        kpi(t(f"carbon.kpi.scope2_{method}"), f.tco2(scope2[f"{method}_after_tco2"], 0),
            delta=t("carbon.kpi.reduction" if reduction > 0 else "carbon.kpi.increase",
                    value=f.tco2(abs(reduction), 0)) if round(reduction) else None,
            delta_color="green" if reduction > 0 else "red",
            delta_arrow="down" if reduction > 0 else "up", where=column, per_row=3,
            border=True)
    st.caption(t("carbon.kpi.source", source=plain(_factor_source(result))))
    if c.avoided_tco2_self_consumed_year1 is not None:
        own, exported = c.avoided_tco2_self_consumed_year1, c.avoided_tco2_exported_year1
        key = "carbon.kpi.split_battery" if c.scope2_cut_short_by_battery else \
            "carbon.kpi.split"
        st.caption(t(key, self_consumed=f.tco2(own, 0), exported=f.tco2(exported, 0),
                     losses=f.tco2(c.battery_losses_tco2_year1, 0),
                     cut=f.tco2(c.location_scope2_cut_tco2 or 0.0, 0)))

    _credit_notes(result)

    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(t("carbon.sections.scope2"))
        rows = [(t("carbon.scope2.location"), scope2["location_before_tco2"],
                 scope2["location_after_tco2"]),
                (t("carbon.scope2.market"), scope2["market_before_tco2"],
                 scope2["market_after_tco2"])]
        titles = {"before": t("results.charts.before"), "after": t("results.charts.after"),
                  "unit": t("carbon.scope2.axis")}
        st.altair_chart(charts.scope2(rows, titles), width="stretch")
        from pvplanner.carbon.accounting import scope2_note
        from pvplanner.display.messages import render as render_message

        certificates = str(scope2.get("certificates") or "")
        note = (render_message(scope2_note(certificates), lang())
                if certificates in _CERTIFICATES else c.double_counting_note)
        st.info(t("carbon.sections.double_counting") + "  \n" + plain(note),
                icon=":material/verified:")
        st.caption(t("carbon.scope2.explain"))
    with right:
        st.subheader(t("carbon.sections.revenue"))
        ledger = result.carbon_ledger
        columns = {"certificate_revenue": t("carbon.ledger.certificate_revenue"),
                   "credit_revenue": t("carbon.ledger.credit_revenue")}
        if float(ledger[list(columns)].abs().to_numpy().sum()) > 0:
            money = Fmt(lang(), result.currency).currency_unit()  # 元 in Chinese
            st.altair_chart(charts.by_year(ledger, columns, {"year": t("common.year"),
                                                             "value": money}),
                            width="stretch")
        else:
            st.info(t("carbon.sections.no_revenue"))
        st.altair_chart(charts.by_year(ledger, {"avoided_tco2": t("carbon.ledger.avoided")},
                                       {"year": t("common.year"), "value": "tCO₂"},
                                       colors=("#1a9850",)), width="stretch")

    st.subheader(t("carbon.sections.ledger"))
    shown = {
        "generation_mwh": t("carbon.ledger.generation"),
        "self_consumed_mwh": t("carbon.ledger.self_consumed"),
        "exported_mwh": t("carbon.ledger.exported"),
        "avoided_tco2": t("carbon.ledger.avoided"),
        "certificates_non_tradable": t("carbon.ledger.non_tradable"),
        "certificates_tradable": t("carbon.ledger.tradable"),
        "certificates_issued": t("carbon.ledger.issued"),
        "certificates_sold": t("carbon.ledger.sold"),
        "certificates_retained": t("carbon.ledger.retained"),
        "certificate_revenue": t("carbon.ledger.certificate_revenue"),
        "scope2_claimed_mwh": t("carbon.ledger.scope2_claimed"),
        "credits_tco2": t("carbon.ledger.credits"),
        "credit_revenue": t("carbon.ledger.credit_revenue"),
        "credit_scheme": t("carbon.ledger.scheme"),
    }
    table = _rounded(ledger[[c for c in shown if c in ledger.columns]])
    if "credit_scheme" in table.columns:  # scheme ids -> their names
        table["credit_scheme"] = ledger_for_reader(table[["credit_scheme"]], lang())[
            "credit_scheme"]
    table = table.rename(columns=shown)
    table.index.name = t("common.year")
    st.dataframe(table, width="stretch",
                 column_config={name: st.column_config.NumberColumn(format="localized")
                                for key, name in shown.items()
                                if key not in ("credit_scheme",)})
    from pvplanner.guard.cells import csv_safe_frame

    st.download_button(t("carbon.ledger.download"),
                       csv_safe_frame(_ledger_download(ledger, shown)).to_csv()
                       .encode("utf-8-sig"),
                       file_name=t("carbon.ledger.file_name"), mime="text/csv",
                       key="ledger_csv", icon=":material/download:")


def _ledger_download(ledger: pd.DataFrame, shown: dict[str, str]) -> pd.DataFrame:
    """The whole ledger for the reader: every column headed in their language, schemes by
    name, the per-year credit notes in the reader's language (``credit_status_zh`` in
    Chinese)."""
    headings = {**shown,
                "mechanism_mwh": t("carbon.ledger.mechanism"),
                "certificate_price": t("carbon.ledger.certificate_price"),
                "credited_mwh": t("carbon.ledger.credited"),
                "credit_price": t("carbon.ledger.credit_price"),
                "credit_status": t("carbon.ledger.credit_status")}
    out = ledger_for_reader(ledger, lang()).rename(columns=headings)
    out.index.name = t("common.year")
    return out


def _credit_notes(result) -> None:
    """Whether each chosen credit scheme credits this plan, and why (a warning if not)."""
    from pvplanner.assemble import carbon_inputs_at_site
    from pvplanner.carbon.accounting import carbon_asset, credit_eligibility
    from pvplanner.display.messages import render as render_message
    from pvplanner.errors import PlannerInputError

    valid = state.scenario()
    if valid is None:
        return
    inputs = carbon_inputs_at_site(valid)
    for scheme_id in inputs.credit_scheme_ids:
        try:
            scheme = carbon_asset(scheme_id)
        except PlannerInputError:
            continue  # the plan reports an unknown scheme next to its input
        ok, reason = credit_eligibility(  # checked where the plan checks it: at the site
            scheme, result.pv.capacity_kwp, site_province=inputs.site_province,
            site_city=inputs.site_city)
        shown = plain(render_message(reason, lang()))
        if ok:
            st.caption(shown)
        else:
            st.warning(shown, icon=":material/block:")


# --------------------------------------------------------------------------- product footprint
#: Stages of the footprint table -> their labels.
_STAGE_KEYS = {"baseline": "carbon.footprint.stage_baseline",
               "measures": "carbon.footprint.stage_measures",
               "system": "carbon.footprint.stage_system"}


@st.cache_data(show_spinner=False)
def _footprint_factors() -> pd.DataFrame:
    from pvplanner.carbon.footprint import footprint_factors

    return footprint_factors()


def _footprint_factor_label(factor_id: str | None) -> str:
    table = _footprint_factors()
    if factor_id is None:
        years = pd.to_numeric(table["data_year"], errors="coerce")
        return t("carbon.footprint.latest_factor",
                 factor=_footprint_factor_label(str(table.loc[years.idxmax(), "id"])))
    row = table.loc[table["id"] == factor_id]
    if row.empty:
        return t("carbon.inputs.unknown_factor")
    row = row.iloc[0]
    region = row["region_zh"] if lang() == "zh" and row["region_zh"] else row["region"]
    return t("carbon.footprint.factor_label", region=region, year=row["data_year"],
             value=f"{float(row['factor_kgco2e_per_kwh']):.4f}",
             status=t("common.status." + row["status"]))


def _draft() -> dict:
    """The production being entered (written to the scenario once it is a year's output)."""
    key = state.INPUT_PREFIX + "production.draft"
    if key not in st.session_state:
        stored = get_path(state.doc(), "production")
        st.session_state[key] = dict(stored) if stored else {
            "unit": t("carbon.footprint.default_unit"), "monthly_units": [0.0] * 12}
    return st.session_state[key]


def _store_draft() -> None:
    draft = _draft()
    units = [float(v) for v in draft["monthly_units"]]
    valid = str(draft.get("unit") or "").strip() and sum(units) > 0 and min(units) >= 0
    current = get_path(state.doc(), "production")
    if valid:
        kept = (current or {}).get("footprint_factor_id")
        set_path(state.doc(), "production", {"unit": str(draft["unit"]).strip()[:40],
                                             "monthly_units": units,
                                             "footprint_factor_id": kept})
    elif current is not None:
        set_path(state.doc(), "production", None)


def _apply_production(frame: pd.DataFrame) -> None:
    values = pd.to_numeric(frame["units"], errors="coerce").fillna(0.0).clip(lower=0.0)
    _draft()["monthly_units"] = values.astype(float).tolist()
    _store_draft()


def _production_inputs() -> bool:
    """The monthly production, in a toggle; True when the footprint is asked for."""
    key = state.INPUT_PREFIX + "production"
    if key not in st.session_state:
        st.session_state[key] = get_path(state.doc(), "production") is not None
    on = st.toggle(t("carbon.footprint.enable"), key=key, help=t("carbon.footprint.enable_help"))
    if not on:
        if get_path(state.doc(), "production") is not None:
            set_path(state.doc(), "production", None)
        return False
    draft = _draft()
    left, right = st.columns([2, 3], gap="large")
    with left:
        unit = st.text_input(t("carbon.footprint.unit"), value=str(draft.get("unit") or ""),
                             max_chars=40, key=state.INPUT_PREFIX + "production.unit",
                             help=t("carbon.footprint.unit_help"))
        if unit != draft.get("unit"):
            draft["unit"] = unit
            _store_draft()
        if get_path(state.doc(), "production") is not None:
            choice("production.footprint_factor_id", t("carbon.footprint.factor"),
                   [None, *_footprint_factors()["id"].tolist()],
                   labels=_footprint_factor_label, help=t("carbon.footprint.factor_help"))
    with right:
        frame = pd.DataFrame({"month": charts.month_names(lang()),
                              "units": [float(v) for v in draft["monthly_units"]]})
        column = st.column_config
        table_editor("production", frame, _apply_production, hide_index=True,
                     num_rows="fixed", width="stretch", column_config={
                         "month": column.TextColumn(t("carbon.footprint.month"), disabled=True),
                         "units": column.NumberColumn(
                             t("carbon.footprint.units", unit=plain(draft.get("unit") or "")),
                             min_value=0, format="localized")})
    slot("production")
    return True


def _footprint_section(result) -> None:
    st.subheader(t("carbon.footprint.title"))
    st.caption(t("carbon.footprint.intro"))
    if not _production_inputs():
        return
    footprint = result.footprint
    if footprint is None:
        st.info(t("carbon.footprint.enter"))
        return
    from pvplanner.display.sources import citation

    f = fmt()
    unit = plain(footprint.unit)
    rows = [{
        t("carbon.footprint.stage"): t(_STAGE_KEYS[row["stage"]]),
        t("carbon.footprint.kwh_per_unit", unit=unit): f.number(row["kwh_per_unit"], 2),
        t("carbon.footprint.grid_kwh_per_unit", unit=unit): f.number(row["grid_kwh_per_unit"],
                                                                     2),
        t("carbon.footprint.footprint_location", unit=unit):
            f.number(row["footprint_location_kgco2e_per_unit"], 2),
        t("carbon.footprint.footprint_market", unit=unit):
            f.number(row["footprint_market_kgco2e_per_unit"], 2),
        t("carbon.footprint.scope2_location", unit=unit):
            f.number(row["scope2_location_kgco2_per_unit"], 2),
        t("carbon.footprint.scope2_market", unit=unit):
            f.number(row["scope2_market_kgco2_per_unit"], 2),
    } for row in footprint.stages if row["stage"] in _STAGE_KEYS]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(t("carbon.footprint.factors",
                 factor=f.number(footprint.factor_kgco2e_per_kwh, 4),
                 source=plain(citation(footprint.factor_source, lang(),
                                       footprint.factor_status)),
                 date=footprint.factor_date or t("common.none"),
                 status=t("common.status." + footprint.factor_status),
                 location=f.number(footprint.scope2_location_kgco2_per_kwh, 4),
                 residual=f.number(footprint.scope2_residual_kgco2_per_kwh, 4)))
    st.caption(t("carbon.footprint.explain"))
    monthly = pd.DataFrame(footprint.monthly)
    if not monthly.empty:
        with st.expander(t("carbon.footprint.monthly")):
            table = monthly.pivot(index="month", columns="stage",
                                  values="footprint_location_kgco2e_per_unit")
            table = table[[s for s in _STAGE_KEYS if s in table.columns]]
            table.columns = [t(_STAGE_KEYS[s]) for s in table.columns]
            table.index = charts.month_names(lang())[:len(table)]
            st.caption(t("carbon.footprint.monthly_caption", unit=unit))
            st.dataframe(table, width="stretch", column_config={
                name: st.column_config.NumberColumn(format="%.2f") for name in table.columns})


def _rounded(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger at the precision it is read at (display only): MWh and tCO2 to about
    three significant digits and whole figures from 100 up, counts and money whole."""
    from pvplanner.display.numbers import sensible_decimals

    out = ledger.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            continue
        if column.endswith(("_mwh", "_tco2")):
            largest = float(out[column].abs().max() or 0.0)
            out[column] = out[column].round(sensible_decimals(largest, most=1))
        elif column.startswith("certificates_") or column.endswith("_revenue"):
            out[column] = out[column].round(0)
    return out


def render() -> None:
    """Draw the page."""
    st.title(t("carbon.title"))
    st.caption(t("carbon.intro"))
    with st.expander(t("carbon.inputs.title"), expanded=True):
        _inputs()
    result = state.result()
    if result is None:
        st.info(t("results.no_result"))
        return
    _outputs(result)
    _footprint_section(result)
    next_page("compare")
