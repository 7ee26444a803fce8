"""Page 6 - compare scenarios: save the current scenario, open, rename, duplicate and delete
saved ones (with undo and a trash), compare them side by side, import and export.

Saved scenarios live in :class:`pvplanner.store.repository.ScenarioStore` (``$PVPLANNER_STORE_URL`` or
the default SQLite file): every change is a transaction and deletion only moves a scenario
to the trash, so nothing saved is ever lost from here. Every operation of this page acts on
the session's workspace only (:func:`pvplanner.app.state.store`): another browser's saved
scenarios are neither listed nor found by their id, and files are read only from the
session's own upload folder.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pandas as pd
import streamlit as st

import pvplanner.app.charts as charts
import pvplanner.app.state as state
from pvplanner.app.state import get_path
from pvplanner.app.uploads import (
    MAX_UPLOAD_MB,
    check_upload,
    outside_files,
    refused_files,
    shareable_document,
    shareable_export,
    shared_workspace,
    upload_dir,
)
from pvplanner.app.widgets import fmt, lang, plain, t
from pvplanner.display.messages import render as in_language
from pvplanner.display.names import name as reader_name
from pvplanner.display.numbers import invested_payback
from pvplanner.guard.files import TOO_LARGE_ADVICE, check_size
from pvplanner.messages import Message
from pvplanner.scenario.model import MAX_SCENARIO_BYTES

LOG = logging.getLogger(__name__)

CURRENT = "__current__"


def _store():
    # Imported here: the store's package loads SQLAlchemy (0.4 s), which the app's first
    # page does not need.
    from pvplanner.store import StoreError, StoreSetupError

    try:
        return state.store()
    except StoreSetupError as exc:
        # The store's URL and the database's words are the operator's: logged, not shown.
        LOG.warning("scenario store unavailable: %s", exc)
        state.report(state.problem_from_exception(StoreError(Message.of(
            "errors.store.unavailable", "The scenario store cannot be opened right now; ask "
            "the person who runs this app to check its settings. Your current scenario is "
            "kept."))))
        return None
    except Exception as exc:  # noqa: BLE001 - an unreachable store is shown, not raised
        state.report(state.problem_from_exception(exc))
        return None


def _file_fields(fields: list[str]) -> str:
    """The scenario's file fields (``load.meter_file``) as the reader knows them
    (电表数据文件), listed in the reader's language."""
    from pvplanner.display.field_labels import field_label

    names = [field_label(field, lang()) or field for field in fields]
    return ("、" if lang() == "zh" else ", ").join(names)


def _flash(kind: str, text: str) -> None:
    """Keep a message for the next run (Markdown: user text in it must be :func:`plain`)."""
    st.session_state["_compare_flash"] = (kind, text)


def _failed(exc: BaseException) -> None:
    """Keep an action's error for the next run: the message as text, an internal error
    only with its log reference."""
    _flash("error", plain(in_language(state.problem_from_exception(exc).message, lang())))


def _show_flash() -> None:
    flash = st.session_state.pop("_compare_flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])


def _result_dict() -> dict[str, Any] | None:
    result = state.result()
    return None if result is None else result.to_dict(tables=True)


# --------------------------------------------------------------------------- damaged rows
#: The part of a stored scenario that is its inputs (its scenario document): when it cannot
#: be read the scenario cannot be opened. Every other part, its result included, is a
#: detail: the scenario opens without it and saving it again repairs it.
_INPUTS = "scenario"


def _name(item) -> str:
    """A saved scenario's name as the reader sees it (the demo's in Chinese), or words
    saying that it cannot be read (damaged in the database)."""
    return reader_name(item.name, lang()) if item.name else t("compare.damaged.unnamed")


def _marked(item) -> str:
    """:func:`_name`, marked as damaged when any part of the stored scenario is."""
    name = _name(item)
    return t("compare.damaged.mark", name=name) if item.damaged else name


def _joined(texts) -> str:
    return ("、" if lang() == "zh" else ", ").join(texts)


def _label(name: str) -> str:
    """A stored name as the reader sees it, in quotes; the words saying that it cannot be
    read (``""``) are not a name, and are not quoted."""
    return f"“{reader_name(name, lang())}”" if name else t("compare.damaged.unnamed")


def _quoted(item) -> str:
    """A saved scenario's name in quotes, or the unquoted words of :func:`_label`."""
    return _label(item.name)


def _listed(items) -> str:
    """Saved scenarios by their quoted names, listed in the reader's language (Markdown
    escaped)."""
    return plain(_joined(_quoted(item) for item in items))


def _parts(item) -> str:
    """The damaged parts of a saved scenario in the reader's words (最近保存时间、版本号);
    one word for each of :data:`pvplanner.store.records.DAMAGE_PARTS`. An unreadable name
    is not listed where the scenario is already called "(name unreadable)"."""
    words = {
        "id": t("compare.damaged.part.id"),
        "name": t("compare.damaged.part.name"),
        "created": t("compare.damaged.part.created"),
        "updated": t("compare.damaged.part.updated"),
        "deleted": t("compare.damaged.part.deleted"),
        "revision": t("compare.damaged.part.revision"),
        "figures": t("compare.damaged.part.figures"),
        "scenario": t("compare.damaged.part.scenario"),
        "result": t("compare.damaged.part.result"),
    }
    return _joined(words[part] for part in item.damaged if item.name or part != "name")


def _detailed(item) -> str:
    """A saved scenario and what of it cannot be read: “Plant A” (last save time)."""
    parts = _parts(item)
    return t("compare.damaged.item", name=_quoted(item), parts=parts) if parts else \
        _quoted(item)


def _when(moment, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time as shown, or "not available" when it cannot be read."""
    return moment.strftime(pattern) if moment is not None else fmt().na


def _with_document_damage(items, damaged) -> list:
    """``items`` with the damage to their documents (found by the export) added to what
    the list line found."""
    from dataclasses import replace

    documents = {item.id: item.damaged for item in damaged}
    return [replace(item, damaged=documents[item.id]) if item.id in documents else item
            for item in items]


def _damage_notes(items) -> None:
    """Say which saved scenarios are damaged in the database and what the reader can do:
    open and save them (their inputs can be read: a damaged result too is a detail),
    restore or delete them (their inputs cannot be read), or ask the operator (the store
    cannot even address them)."""
    unreachable = [i for i in items if "id" in i.damaged]
    inputs = [i for i in items if i.id and _INPUTS in i.damaged]
    details = [i for i in items if i.damaged and i not in unreachable and i not in inputs]
    if details:
        st.warning(t("compare.damaged.details", items=plain(_joined(map(_detailed, details))),
                     na=fmt().na), icon=":material/warning:")
    if inputs:
        st.warning(t("compare.damaged.inputs", names=_listed(inputs)),
                   icon=":material/warning:")
    if unreachable:
        st.warning(t("compare.damaged.unreachable", names=_listed(unreachable)),
                   icon=":material/warning:")


# --------------------------------------------------------------------------- actions
def _save(as_new: bool) -> None:
    store = _store()
    if store is None:
        return
    name = (st.session_state.get("save_name") or "").strip() or get_path(state.doc(), "name",
                                                                         "Scenario")
    origin = state.origin()
    try:
        if not as_new and origin.get("kind") == "store":
            saved = store.save(name, state.doc(), _result_dict(), scenario_id=origin["id"],
                               expected_revision=origin.get("revision"))
        else:
            saved = store.save(name, state.doc(), _result_dict())
    except Exception as exc:  # noqa: BLE001 - e.g. a conflict: shown, nothing overwritten
        _failed(exc)
        return
    st.session_state["doc_origin"] = {"kind": "store", "id": saved.id,
                                      "revision": saved.revision, "name": saved.name}
    _flash("success", t("compare.saved", name=plain(reader_name(saved.name, lang())),
                        revision=saved.revision))


def _open(scenario_id: str) -> None:
    store = _store()
    if store is None:
        return
    try:
        saved = store.load(scenario_id)
        document = dict(saved.scenario)
        cleared = outside_files(document)
        from pvplanner.scenario.model import parse_scenario

        if not cleared:
            parse_scenario(document)  # refuse a broken document before replacing the work
    except Exception as exc:  # noqa: BLE001
        _failed(exc)
        return
    state.replace_doc(document, origin={"kind": "store", "id": saved.id,
                                        "revision": saved.revision, "name": saved.name})
    st.session_state.pop("save_name", None)
    if cleared:
        _flash("warning", t("compare.files.outside", fields=_file_fields(cleared)))
    elif saved.damaged:  # details lost in the database: saving it again repairs them
        parts = _parts(saved)
        if parts:
            _flash("warning", t("compare.damaged.opened", name=plain(_quoted(saved)),
                                parts=parts))
        else:  # only its name: the scenario is already called "(name unreadable)"
            _flash("warning", t("compare.damaged.opened_unnamed", name=plain(_quoted(saved)),
                                field=t("compare.current.name")))
    else:
        _flash("success", t("compare.opened", name=plain(_name(saved))))


def _rename(scenario_id: str) -> None:
    store = _store()
    new_name = (st.session_state.get("rename_to") or "").strip()
    if store is None:
        return
    if not new_name:  # a scenario keeps its name rather than losing it to a blank
        _flash("warning", t("compare.rename_blank"))
        return
    try:
        saved = store.rename(scenario_id, new_name)
    except Exception as exc:  # noqa: BLE001
        _failed(exc)
        return
    origin = state.origin()
    if origin.get("id") == scenario_id:
        st.session_state["doc_origin"] = {**origin, "revision": saved.revision,
                                          "name": saved.name}
    _flash("success", t("compare.renamed", name=plain(reader_name(saved.name, lang()))))


def _duplicate(scenario_id: str) -> None:
    store = _store()
    if store is None:
        return
    try:
        saved = store.duplicate(scenario_id, copy_word=t("compare.copy_word"))
    except Exception as exc:  # noqa: BLE001
        _failed(exc)
        return
    _flash("success", t("compare.duplicated", name=plain(reader_name(saved.name, lang()))))


def _delete(scenario_id: str) -> None:
    store = _store()
    if store is None:
        return
    try:
        # The name from the list: a damaged scenario cannot be loaded, but can be deleted.
        name = next((_quoted(item) for item in store.list() if item.id == scenario_id), "")
        store.delete(scenario_id)
    except Exception as exc:  # noqa: BLE001
        _failed(exc)
        return
    st.session_state["_undo_delete"] = (scenario_id, name)
    origin = state.origin()
    if origin.get("id") == scenario_id:
        st.session_state["doc_origin"] = {"kind": "new"}


def _restore(scenario_id: str) -> None:
    store = _store()
    if store is None:
        return
    try:
        saved = store.restore(scenario_id)
    except Exception as exc:  # noqa: BLE001
        _failed(exc)
        return
    st.session_state.pop("_undo_delete", None)
    if _INPUTS in saved.damaged:  # back in the list, as damaged as before
        _flash("warning", t("compare.damaged.restored", name=plain(_quoted(saved))))
    else:
        _flash("success", t("compare.restored", name=plain(_quoted(saved))))


def _new_from_demo() -> None:
    state.replace_doc(state.demo_doc(lang()), origin={"kind": "demo"})
    st.session_state.pop("save_name", None)
    _flash("success", t("compare.demo_loaded"))


# --------------------------------------------------------------------------- sections
def _current_section() -> None:
    st.subheader(t("compare.current.title"))
    origin = state.origin()
    doc = state.doc()
    if origin.get("kind") == "store":
        name = _label(origin.get("name", ""))
        if origin.get("revision") is None:  # damaged in the database: no revision to show
            st.caption(t("compare.current.from_store_unversioned", name=plain(name)))
        else:
            st.caption(t("compare.current.from_store", name=plain(name),
                         revision=origin.get("revision", "")))
    elif origin.get("kind") == "demo":
        st.caption(t("compare.current.demo"))
    else:
        st.caption(t("compare.current.unsaved"))
    if "save_name" not in st.session_state:
        st.session_state["save_name"] = reader_name(  # the demo's name in Chinese
            origin.get("name") or get_path(doc, "name", ""), lang())
    a, b, c, d = st.columns([3, 1.3, 1.3, 1.7], vertical_alignment="bottom")
    a.text_input(t("compare.current.name"), key="save_name", max_chars=200)
    b.button(t("compare.current.save_new"), on_click=_save, args=(True,), key="save_new",
             type="primary", icon=":material/save:")
    if origin.get("kind") == "store":
        c.button(t("compare.current.save"), on_click=_save, args=(False,), key="save_update",
                 icon=":material/save_as:")
    d.button(t("compare.current.demo_button"), on_click=_new_from_demo, key="new_demo",
             icon=":material/restart_alt:", help=t("compare.current.demo_help"))


def _summary_frame(items) -> pd.DataFrame:
    from pvplanner.app.fmt import Fmt

    f = fmt()
    rows = []
    for item in items:
        currency = item.currency or get_path(state.doc(), "currency", "CNY")
        rows.append({
            t("compare.table.name"): _marked(item),
            t("compare.table.capacity"): f.kwp(item.capacity_kwp),
            t("compare.table.npv"): Fmt(lang(), currency).money(item.npv),
            t("compare.table.avoided"): f.tco2(item.avoided_tco2_year1, 0),
            t("compare.table.updated"): _when(item.updated),
            # Text, as the other columns: a revision damaged in the database is "n/a".
            t("compare.table.revision"): f.na if item.revision is None else str(item.revision),
        })
    return pd.DataFrame(rows)


def _saved_section(items) -> None:
    undo = st.session_state.get("_undo_delete")
    if undo:
        a, b = st.columns([4, 1], vertical_alignment="center")
        a.warning(t("compare.deleted", name=plain(undo[1])), icon=":material/delete:")
        b.button(t("compare.undo"), on_click=_restore, args=(undo[0],), key="undo_delete",
                 icon=":material/undo:")
    if not items:
        st.info(t("compare.saved_list.empty"))
        return
    _damage_notes(items)
    st.dataframe(_summary_frame(items), hide_index=True, width="stretch")
    labels = _labels(items)
    # A row whose id was damaged in the database cannot be addressed: listed, not offered.
    options = [i.id for i in items if i.id]
    if not options:
        return
    left, right = st.columns([2, 3], gap="large")
    with left:
        chosen = st.selectbox(t("compare.saved_list.pick"), options,
                              format_func=lambda i: labels.get(i, ""), key="pick_saved",
                              placeholder=t("common.choose"))
    with right:
        a, b, c = st.columns(3)
        a.button(t("compare.actions.open"), on_click=_open, args=(chosen,), key="open_saved",
                 icon=":material/folder_open:", width="stretch")
        b.button(t("compare.actions.duplicate"), on_click=_duplicate, args=(chosen,),
                 key="duplicate_saved", icon=":material/content_copy:", width="stretch")
        c.button(t("compare.actions.delete"), on_click=_delete, args=(chosen,),
                 key="delete_saved", icon=":material/delete:", width="stretch")
    with st.expander(t("compare.actions.rename")):
        a, b = st.columns([3, 1], vertical_alignment="bottom")
        a.text_input(t("compare.actions.new_name"), key="rename_to", max_chars=200)
        b.button(t("compare.actions.rename_button"), on_click=_rename, args=(chosen,),
                 key="rename_saved")


def _labels(items) -> dict[str, str]:
    """Each saved scenario by its name in the reader's language (the demo's in Chinese); a
    name saved more than once also says when (and, if that too is the same, its revision)."""
    items = [item for item in items if item.id]  # only rows the store can address
    names = [i.name for i in items]
    labels = {}
    for item in items:
        label = _marked(item)
        if names.count(item.name) > 1:
            label = t("compare.saved_list.same_name", name=label,
                      time=_when(item.updated, "%Y-%m-%d %H:%M:%S"))
        labels[item.id] = label
    repeated = list(labels.values())
    revision = t("compare.table.revision")

    def numbered(label: str, item) -> str:
        number = fmt().na if item.revision is None else item.revision
        return label if repeated.count(label) == 1 else f"{label} · {revision} {number}"

    return {key: numbered(label, item)
            for (key, label), item in zip(labels.items(), items, strict=True)}


@st.cache_data(show_spinner=False, max_entries=64)
def _planned(document_key: str) -> dict[str, Any]:
    import json

    from pvplanner.pipeline import plan

    # The comparison shows no NPV curve: with a battery it would cost as much as the plan.
    return plan(json.loads(document_key), with_npv_curve=False).to_dict(tables=True)


def _compare_results(chosen: list[str], items) -> list[tuple[str, dict[str, Any]]]:
    store = _store()
    labels = _labels(items)
    out = []
    for scenario_id in chosen:
        if scenario_id == CURRENT:
            found = _result_dict()
            if found is not None:
                out.append((t("compare.current_label"), found))
            continue
        label = labels.get(scenario_id, scenario_id)
        try:
            saved = store.load(scenario_id)
            found = saved.result
            if not found or "monthly" not in found:
                document = dict(saved.scenario)
                # A stored scenario may name any file (an import, another program): only
                # files inside the user's upload folder are read.
                refused = refused_files(document)
                if refused:
                    st.warning(t("compare.files.outside_compare", name=plain(label),
                                 fields=_file_fields(refused)))
                    continue
                found = _planned(state.doc_key(document))
        except Exception as exc:  # noqa: BLE001 - one broken scenario must not hide the rest
            shown = in_language(state.problem_from_exception(exc).message, lang())
            st.warning(plain(f"{label}: {shown}"))
            continue
        out.append((labels.get(scenario_id, scenario_id), found))
    return out


def _kpi_table(results: list[tuple[str, dict[str, Any]]]) -> pd.DataFrame:
    """The scenarios' key figures side by side; under EMC and lease each money figure names
    its party (company, investor, lessor) and every IRR and payback its tax basis."""
    from pvplanner.app.fmt import Fmt

    f = fmt()

    def money(r: dict[str, Any], value: Any) -> str:
        return Fmt(lang(), r.get("currency") or "CNY").money(value)

    def party(r: dict[str, Any], text: str, lessor: str = "") -> str:
        if text == f.na:
            return text
        if lessor:  # "lessor" or "lessor_pre_tax"
            return t(f"compare.party.{lessor}", value=text)
        return t(f"compare.party.{r['finance'].get('perspective') or 'owner'}", value=text)

    def leased(r: dict[str, Any]) -> bool:
        return r["finance"].get("perspective") == "host"

    def two(r: dict[str, Any]) -> bool:
        return r["finance"].get("perspective") in ("investor", "host")

    def host_saving(r: dict[str, Any]) -> str:
        fin = r["finance"]
        return money(r, fin.get("host_savings_year1") if two(r) else r["bills"]["savings_annual"])

    def irr(r: dict[str, Any]) -> str:
        fin = r["finance"]
        if leased(r):  # the lessee invests nothing: the lessor's IRR
            return party(r, f.percent(fin.get("investor_irr")), "lessor_pre_tax")
        return party(r, f.percent(fin["irr"]))

    def payback(r: dict[str, Any], pre_tax: bool) -> str:
        fin = r["finance"]
        if leased(r):  # the lessor's payback, before its tax only
            value = fin.get("investor_payback_years_pre_tax") if pre_tax else None
            return party(r, f.years(value), "lessor_pre_tax")
        key = "payback_years_pre_tax" if pre_tax else "payback_years"
        return party(r, f.years(invested_payback(fin.get(key), fin["capex"])))

    rows = [
        ("capacity", lambda r: f.kwp(r["pv"]["capacity_kwp"])),
        ("generation", lambda r: f.energy(r["pv"]["annual_generation_kwh"])),
        ("self_consumption", lambda r: f.percent(r["energy"]["self_consumption_ratio"])),
        ("self_sufficiency", lambda r: f.percent(r["energy"]["self_sufficiency_ratio"])),
        ("battery", lambda r: f.unit(r["battery"]["energy_kwh"], "kWh")),
        ("ownership", lambda r: t(f"tariff.ownership.kinds.{r['finance']['ownership']}")),
        ("savings", lambda r: money(r, r["bills"]["savings_annual"])),
        ("host_saving", host_saving),
        ("host_investment", lambda r: money(r, 0.0 if two(r) else r["finance"]["capex"])),
        ("capex", lambda r: party(r, money(r, r["finance"]["capex"]),
                                  "lessor" if leased(r) else "")),
        ("npv", lambda r: party(r, money(r, r["finance"]["npv"]))),
        ("irr", irr),
        ("payback_pre_tax", lambda r: payback(r, True)),
        ("payback", lambda r: payback(r, False)),
        ("lcoe", lambda r: Fmt(lang(), r.get("currency") or "CNY").price(
            r["finance"]["lcoe_per_kwh"])),
        ("avoided", lambda r: f.tco2(r["carbon"]["avoided_tco2_year1"], 0)),
    ]
    table = {t("compare.kpi.item"): [t(f"compare.kpi.{key}") for key, _ in rows]}
    for label, found in results:
        values = []
        for _, getter in rows:
            try:
                values.append(getter(found))
            except (KeyError, TypeError):
                values.append(f.na)
        table[label] = values
    return pd.DataFrame(table)


def _comparison(items) -> None:
    st.subheader(t("compare.side_by_side.title"))
    # Not offered: a row the store cannot address, or whose inputs cannot be read (one
    # whose result cannot be read is planned again).
    options = [CURRENT] + [i.id for i in items if i.id and _INPUTS not in i.damaged]
    labels = {CURRENT: t("compare.current_label"), **_labels(items)}
    if "compare_pick" not in st.session_state:
        st.session_state["compare_pick"] = options[: min(3, len(options))]
    chosen = st.multiselect(t("compare.side_by_side.pick"), options, key="compare_pick",
                            format_func=lambda i: labels.get(i, i),
                            placeholder=t("common.choose"))
    if not chosen:
        st.info(t("compare.side_by_side.none"))
        return
    results = _compare_results(chosen, items)
    if not results:
        return
    table = _kpi_table(results)
    st.dataframe(table, hide_index=True, width="stretch", height=36 * (len(table) + 1) + 4)
    bars = pd.DataFrame([{
        "scenario": label,
        "npv": r["finance"]["npv"],
        "capacity": r["pv"]["capacity_kwp"],
        "avoided": r["carbon"]["avoided_tco2_year1"],
    } for label, r in results])
    a, b, c = st.columns(3)
    a.altair_chart(charts.compare_bars(bars, "npv", t("compare.kpi.npv")), width="stretch")
    b.altair_chart(charts.compare_bars(bars, "capacity", t("compare.kpi.capacity") + " [kWp]"),
                   width="stretch")
    c.altair_chart(charts.compare_bars(bars, "avoided", t("compare.kpi.avoided") + " [t]"),
                   width="stretch")
    left, right = st.columns(2, gap="large")
    cash_rows, month_rows = [], []
    months = charts.month_names(lang())
    for label, r in results:
        for row in r.get("cash_flow") or []:
            cash_rows.append({"scenario": label, "year": row.get("year"),
                              "cumulative": row.get("cumulative_project")})
        for row in r.get("monthly") or []:
            month = int(row.get("month", 0))
            if 1 <= month <= 12:
                month_rows.append({"scenario": label, "month": months[month - 1],
                                   "kwh": row.get("pv_to_load_kwh")})
    with left:
        st.caption(t("compare.side_by_side.cash"))
        if cash_rows:
            st.altair_chart(charts.compare_lines(
                pd.DataFrame(cash_rows), "year", "cumulative",
                {"x": t("common.year"), "y": t("results.charts.cumulative")}), width="stretch")
    with right:
        st.caption(t("compare.side_by_side.monthly"))
        if month_rows:
            st.altair_chart(charts.compare_lines(
                pd.DataFrame(month_rows), "month", "kwh",
                {"x": t("results.charts.month"), "y": t("common.flows.pv_to_load") + " [kWh]"},
                sort=months), width="stretch")


def _trash_section(store) -> None:
    try:
        trash = store.trash()
    except Exception as exc:  # noqa: BLE001
        state.report(state.problem_from_exception(exc))
        return
    with st.expander(t("compare.trash.title", n=len(trash))):
        if not trash:
            st.caption(t("compare.trash.empty"))
        unreachable = [i for i in trash if "id" in i.damaged]
        if unreachable:
            st.warning(t("compare.damaged.unreachable", names=_listed(unreachable)),
                       icon=":material/warning:")
        for item in trash:
            a, b = st.columns([4, 1], vertical_alignment="center")
            a.write(f"{plain(_marked(item))} — {t('compare.trash.deleted_at')} "
                    f"{_when(item.deleted)}")
            if item.id:  # a row whose id was damaged cannot be addressed to restore it
                b.button(t("compare.trash.restore"), on_click=_restore, args=(item.id,),
                         key=f"restore:{item.id}", icon=":material/restore_from_trash:")


def _export_all(store) -> tuple[str | None, list]:
    """Every saved scenario as an export file, and the saved scenarios whose documents
    were found damaged (changed in the database by hand, a disk fault), in one reading of
    the store: those whose inputs cannot be read are left out of the file, those whose
    result cannot be read are in it without their result. ``None`` for the file when the
    store cannot be read (the problem is shown).
    """
    try:
        return store.export_checked(unnamed=t("compare.damaged.unnamed_export"))
    except Exception as exc:  # noqa: BLE001 - the list and the other files stay usable
        state.report(state.problem_from_exception(exc))
        return None, []


def _files_section(store, export: str | None, left_out: list) -> None:
    with st.expander(t("compare.files.title")):
        a, b = st.columns(2, gap="large")
        with a:
            valid = state.scenario()
            if valid is not None:
                # The user's files by their place in the upload folder, no server folder.
                shared = shareable_document(valid.model_dump(mode="json"))
                st.download_button(
                    t("compare.files.download_current"),
                    json.dumps(shared, ensure_ascii=False, indent=2).encode(),
                    file_name="scenario.json", mime="application/json", key="dl_scenario",
                    icon=":material/download:")
            if left_out:
                st.warning(t("compare.files.damaged_left_out", names=_listed(left_out)))
            if export is not None:
                st.download_button(t("compare.files.download_all"),
                                   shareable_export(export).encode(),
                                   file_name="pvplanner-scenarios.json",
                                   mime="application/json", key="dl_store",
                                   icon=":material/download:")
        with b:
            uploaded = st.file_uploader(t("compare.files.open", mb=MAX_UPLOAD_MB,
                                          scenario_mb=MAX_SCENARIO_BYTES // 1_000_000),
                                        key="scenario_upload",
                                        max_upload_size=MAX_UPLOAD_MB)
            if uploaded is not None and st.session_state.get("_scenario_upload_id") != \
                    uploaded.file_id:
                _open_file(store, uploaded)


def _at_field(exc: BaseException, message: str) -> str:
    """An invalid scenario file's message naming the field to edit in the reader's language
    (:func:`pvplanner.app.field_names.name_the_field`): a file's error is shown at the
    upload, away from the field's input."""
    from pvplanner.app.field_names import name_the_field
    from pvplanner.errors import PlannerInputError

    if not isinstance(exc, PlannerInputError):
        return message
    return name_the_field(getattr(exc, "field", None), message)


def _open_file(store, uploaded) -> None:
    """A scenario file (JSON/TOML) becomes the current scenario; a store export envelope is
    imported into the store."""
    import json

    from pvplanner.scenario.model import parse_scenario, scenario_from_text

    data = uploaded.getvalue()
    try:
        extension = check_upload(data, uploaded.name, "scenario")
        text = data.decode("utf-8-sig")
        envelope = extension == "json" and '"pvplanner-scenarios"' in text[:2000]
        if not envelope:  # a scenario file: the command line's limit
            check_size(len(data), uploaded.name, MAX_SCENARIO_BYTES,
                       advice=TOO_LARGE_ADVICE["scenario"], field="upload.scenario")
        if envelope:
            imported = store.import_json(text, files_root=upload_dir(),
                                         imported_word=t("compare.imported_word"))
            st.session_state["_scenario_upload_id"] = uploaded.file_id
            _flash("success", t("compare.files.imported", n=len(imported)))
            st.rerun()
        document = scenario_from_text(text, fmt="toml" if extension == "toml" else "json",
                                      origin=uploaded.name)
        cleared = outside_files(document) if isinstance(document, dict) else []
        scenario = parse_scenario(document) if not cleared else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        state.report(state.Problem(t("compare.files.not_text", name=uploaded.name),
                                   "upload.scenario"))
        return
    except Exception as exc:  # noqa: BLE001 - the parser's message names the field
        problem = state.problem_from_exception(exc)
        problem.field = "upload.scenario"
        problem.message = _at_field(exc, problem.message)
        state.report(problem)
        return
    st.session_state["_scenario_upload_id"] = uploaded.file_id
    if cleared or scenario is None:
        # Without its file the scenario is incomplete: keep it, the input pages say what
        # to upload again.
        state.replace_doc(document, origin={"kind": "file", "name": uploaded.name})
        _flash("warning", t("compare.files.outside", fields=_file_fields(cleared)))
    else:
        state.replace_doc(scenario.model_dump(mode="json"), origin={"kind": "file",
                                                                    "name": uploaded.name})
        _flash("success", t("compare.opened", name=plain(reader_name(scenario.name, lang()))))
    st.session_state.pop("save_name", None)
    st.rerun()


def render() -> None:
    """Draw the page."""
    from pvplanner.app.widgets import slot

    st.title(t("compare.title"))
    st.caption(t("compare.intro"))
    _show_flash()
    _current_section()
    store = _store()
    if store is None:
        return
    # The kind of database only, in words: its URL may hold a server path or a host name.
    kind = store.url.split(":", 1)[0].split("+", 1)[0].lower()
    st.caption(t("compare.store_file") if kind == "sqlite" else t("compare.store_server"))
    st.caption(t("compare.workspace_shared") if shared_workspace() else t("compare.workspace"))
    try:
        items = store.list(st.session_state.get("search_saved") or None)
    except Exception as exc:  # noqa: BLE001
        state.report(state.problem_from_exception(exc))
        return
    # Read before the list is drawn: the export is what finds scenarios whose documents
    # are damaged, and the list marks them.
    export, damaged = _export_all(store)
    items = _with_document_damage(items, damaged)
    left_out = [item for item in damaged if _INPUTS in item.damaged]
    st.divider()
    st.subheader(t("compare.saved_list.title"))
    st.text_input(t("compare.search"), key="search_saved",
                  placeholder=t("compare.search_hint"))
    _saved_section(items)
    _trash_section(store)
    _files_section(store, export, left_out)
    slot("upload.scenario")
    st.divider()
    _comparison(items)
