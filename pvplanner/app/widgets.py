"""Input widgets bound to the scenario document, error placement and the page wrapper.

A bound widget reads its starting value from the document (``state.doc()``), writes the
user's value back, and reserves a slot right under itself. After the page has rendered,
:func:`place_problems` puts each recorded error into the slot of the input its ``field``
names, so a mistake is shown next to the input that caused it; errors whose input is not
on the page (or is, without a place for its error) are shown at the top, naming the input
by its label (never by its key in the scenario file) and, on another page, that page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeGuard

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

import pvplanner.app.state as state
from pvplanner.app.field_names import at_its_input, name_the_field
from pvplanner.app.state import INPUT_PREFIX, Problem, get_path, set_path
from pvplanner.display.messages import render, translate
from pvplanner.messages import Message, bilingual

#: Error fields raised by lower layers without the scenario prefix.
FIELD_ALIASES = {
    "template": "load.template",
    "units": "load.meter_units",
    "utc_offset_hours": "site.utc_offset_hours",
    "monthly_kwh": "load.monthly_kwh",
    "monthly_period_kwh": "load.monthly_period_kwh",
    "annual_kwh": "load.annual_kwh",
    "name": "name",
}

#: Which page holds the inputs under each top-level field.
FIELD_PAGES = {
    "name": "site", "site": "site", "weather": "site", "roof_planes": "site", "pv": "site",
    "load": "load", "measures": "load", "tariff": "tariff", "currency": "tariff",
    "start_date": "tariff", "project": "tariff", "finance": "tariff", "battery": "tariff",
    "constraints": "tariff", "carbon": "carbon", "production": "carbon",
    "proposal": "proposal",
}


def page_of(field: str | None) -> str | None:
    """The page whose inputs hold ``field`` (``load.annual_kwh`` -> ``load``), or None (an
    upload's own field, ``upload.weather``, or no field)."""
    parts = state.split_path(FIELD_ALIASES.get(field, field)) if field else []
    return FIELD_PAGES.get(str(parts[0])) if parts else None


def drawn_page(paths: Sequence[str]) -> str | None:
    """The page that drew the inputs ``paths``: the one page they are all on, by
    :data:`FIELD_PAGES` (uploads belong to none); None when it drew no scenario input (the
    results) or inputs of several pages."""
    pages = {page_of(path) for path in paths} - {None}
    return pages.pop() if len(pages) == 1 else None


# Characters with a meaning in Streamlit's Markdown: CommonMark/GFM punctuation, ``$`` (math),
# ``:`` (emoji, icons, colours) and ``~``; escaped, each stands for itself.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&])")


def plain(text: object) -> str:
    r"""User text (a file, scenario or site name, a message quoting it) for a Markdown surface
    (``st.markdown``, ``st.caption``, ``st.info``..., widget labels): every Markdown character
    escaped, so ``![t](http://evil.example/t.png)`` is shown as typed instead of loading an
    image. Line breaks become spaces (a new line could start a heading or a list).

    Examples
    --------
    >>> print(plain("![t](http://x.example/t.png)"))
    \!\[t\]\(http\://x\.example/t\.png\)
    """
    flat = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def lang() -> str:
    """The language of this session (``en``/``zh``)."""
    return st.session_state.get("lang", "en")


def t(key: str, **values: Any) -> str:
    """The message ``key`` in the session's language; ``{cur}`` is the scenario's currency
    as a unit (``元`` / ``CNY``)."""
    if "cur" not in values:
        values["cur"] = fmt().currency_unit()
    return translate(key, lang(), **values)


def fmt():
    """Number formatter for the session's language and the scenario's currency."""
    from pvplanner.app.fmt import Fmt

    return Fmt(lang(), get_path(state.doc(), "currency", "CNY"))


# --------------------------------------------------------------------------- error slots
def _slots() -> dict[str, Any]:
    run = st.session_state.setdefault("_slots", {})
    return run


def begin_page() -> Any:
    """Start a page: clear the slots, reserve the area for page-level errors."""
    state.begin_run()
    st.session_state["_slots"] = {}
    return st.container()


def slot(path: str, where: Any = None, *, scale: float = 1.0) -> None:
    """Reserve the place under an input for its error message (``scale``: the input shows
    the stored value times it, 100 for per cent, and its limits are said so)."""
    target = where if where is not None else st
    _slots()[path] = target.empty()
    if scale != 1.0:
        _scales()[path] = scale


def _scales() -> dict[str, float]:
    """The inputs of this run that show their value scaled (per cent), by path."""
    return st.session_state.setdefault("_input_scales", {})


#: Bound errors whose limit and value an input in per cent states in per cent.
_BOUND_KEYS = tuple(f"errors.scenario.{kind}" for kind in (
    "greater_than", "greater_than_equal", "less_than", "less_than_equal"))


def in_percent(message: Any) -> Any:
    """A bound error about a fraction with its limit and value in per cent (an input shows
    the fraction as per cent: "应大于 50%（当前为 0%）", not "应大于 0.5（当前为 0）")."""
    detail = message.params.get("detail") if isinstance(message, Message) else None
    target = detail if isinstance(detail, Message) else message
    if not isinstance(target, Message) or target.key not in _BOUND_KEYS \
            or "limit_number" not in target.params:
        return message
    params = dict(target.params)
    params["limit"] = f"{100.0 * params['limit_number']:g}%"
    if "input_number" in params:
        value = f"{100.0 * params['input_number']:g}%"
        params["got"] = bilingual(f" (got {value})", f"（当前为 {value}）")
    scaled = Message(target.key, render(Message(target.key, str(target), params), "en"), params)
    if target is message:
        return scaled
    return Message(message.key, str(message), {**message.params, "detail": scaled})


def _segment_prefix(prefix: str, path: str) -> bool:
    return path == prefix or (path.startswith(prefix) and path[len(prefix)] in ".[")


def match_slot(field: str | None, message: str, paths: Sequence[str]) -> str | None:
    """The registered input path an error belongs to, or None.

    The exact path wins; else the deepest input containing the field (an error in
    ``roof_planes[2].tilt_deg`` goes to the roof table ``roof_planes``); else, for an error
    about a whole section (``constraints``), the input of that section named in the message,
    or its first input.
    """
    if not field:
        return None
    field = FIELD_ALIASES.get(field, field)
    if field in paths:
        return field
    containing = [p for p in paths if _segment_prefix(p, field)]
    if containing:
        return max(containing, key=len)
    inside = [p for p in paths if _segment_prefix(field, p)]
    if not inside:
        return None
    named = [(message.find(p.rsplit(".", 1)[-1]), p) for p in inside]
    named = [(pos, p) for pos, p in named if pos >= 0]
    return min(named)[1] if named else inside[0]


def show_problem(problem: Problem, where: Any = None, *, other_page: str | None = None) -> None:
    """An error box. Its message is shown as text (it may quote what the user typed); an
    internal error shows only the translated message with its log reference."""
    box = where if where is not None else st
    with box.container():
        if problem.kind == "internal":
            st.error(plain(problem.message), icon="⚠️")
            return
        title = t("common.error.source") if problem.kind == "source" else t("common.error.input")
        text = f"**{title}** {plain(problem_text(problem))}"
        if other_page:
            text += "  \n" + t("common.error.on_page", page=t(f"common.pages.{other_page}"))
        st.error(text, icon="⚠️")


def _upload_names() -> dict[str, str]:
    """Stored name of each uploaded file (``34df8361e149d78f66d8.csv``) -> the name it was
    uploaded under."""
    names = st.session_state.get("_meter_names") or {}
    return {str(path).rsplit("/", 1)[-1]: str(name) for path, name in dict(names).items()}


def problem_text(problem: Problem) -> str:
    """A problem's message in the session's language (its catalogue text when it has a key),
    naming uploaded files as the user named them."""
    text = render(problem.message, lang())
    for stored, name in _upload_names().items():
        text = text.replace(stored, name)
    return text


def place_problems(top: Any) -> None:
    """Show every recorded problem next to its input, or at the top of the page."""
    slots = _slots()
    here = drawn_page(list(slots))
    used: set[str] = set()
    for problem in state.problems():
        field = FIELD_ALIASES.get(problem.field or "", problem.field)
        path = match_slot(problem.field, problem.message, list(slots))
        if path is not None and path not in used:
            used.add(path)
            if _scales().get(path, 1.0) == 100.0:
                problem = replace(problem, message=in_percent(problem.message))
            if path != field:
                # Under an input that holds the field (a roof plane's tilt under the roof
                # table): the field is named in the message, as it is not at its own input.
                problem = replace(problem, message=name_the_field(field, problem.message))
            else:
                problem = replace(problem, message=at_its_input(problem.message, field))
            show_problem(problem, slots[path])
            continue
        # Away from its input (on another page, or here without a place for it): the field
        # is named by its label, the other problems counted (the scenario's message lists
        # them by their keys, for the command line); the page is named if it is another.
        if field and _scales().get(field, 1.0) == 100.0:
            problem = replace(problem, message=in_percent(problem.message))
        problem = replace(problem, message=name_the_field(field, problem.message))
        page = page_of(field)
        show_problem(problem, top, other_page=None if page == here else page)


def run_page(render: Callable[[], None]) -> None:
    """Render a page; any exception becomes a friendly error box, never a traceback."""
    top = begin_page()
    try:
        render()
        # Plan errors (a weather file in another time zone, an infeasible constraint) belong
        # next to their input too; the result is memoized, the sidebar reuses it.
        state.result()
    except ScriptControlException:
        raise
    except Exception as exc:  # noqa: BLE001 - shown to the user, the traceback in the log
        state.report(state.problem_from_exception(exc))
    try:
        place_problems(top)
    except ScriptControlException:
        raise
    except Exception as exc:  # noqa: BLE001 - last resort: the page must still not show a trace
        st.error(plain(state.internal_problem(exc).message))


def goto(page_id: str) -> None:
    """Ask the shell to open another page on the next run (also used by tests)."""
    st.session_state["_goto"] = page_id


def advanced(where: Any = None, *, expanded: bool = False) -> Any:
    """The page's "Advanced settings" expander (高级设置): inputs a first-time user can leave
    alone (solver limits, weather cells, file-reading options, model seeds)."""
    box = where if where is not None else st
    return box.expander(t("common.advanced"), expanded=expanded, icon=":material/tune:")


# --------------------------------------------------------------------------- KPI cards
def kpi(label: str, value: str, *, help: str | None = None, where: Any = None,
        per_row: int = 4, border: bool = False, sidebar: bool = False, share: float = 1.0,
        delta: str | None = None, delta_color: str = "normal",
        delta_arrow: str = "auto") -> None:
    """A KPI card (``st.metric``) whose label and value fit their column.

    ``per_row`` is the number of cards side by side and ``share`` the part of the main
    area their row takes (the width each has). A label or value
    that would be cut ("CNY 0.62…") is logged as a layout bug (its text is then still shown
    in full in the card's tooltip); :mod:`pvplanner.app.card_width` says what fits. Keep
    labels short with the unit in brackets or in ``help``, and values compact.
    """
    from pvplanner.app.card_width import overflow

    box = where if where is not None else st
    cut = overflow(label, value, per_row, border=border, sidebar=sidebar,
                   has_help=help is not None, share=share)
    if cut:
        state.LOG.warning("KPI card %r = %r does not fit %d per row (%s)", label, value,
                          per_row, ", ".join(cut))
        help = "  \n".join(part for part in (help, f"{label}: {value}") if part)
    box.metric(label, value, delta, help=help, border=border, delta_color=delta_color,
               delta_arrow=delta_arrow)


def kpi_row(cards: Sequence[tuple[str, str] | tuple[str, str, str | None]], *,
            where: Any = None, border: bool = False, per_row: int | None = None,
            share: float = 1.0) -> None:
    """Cards side by side (``per_row`` a row, in a row taking ``share`` of the main area):
    each ``(label, value)`` or ``(label, value, help)``."""
    box = where if where is not None else st
    count = per_row or len(cards)
    columns = box.columns(count)
    for k, card in enumerate(cards):
        label, value = card[0], card[1]
        help = card[2] if len(card) > 2 else None
        kpi(label, value, help=help, where=columns[k % count], per_row=count, border=border,
            share=share)


def next_page(page_id: str) -> None:
    """A button to the next step of the flow."""
    st.button(t("common.next", page=t(f"common.pages.{page_id}")), key=f"next:{page_id}",
              icon=":material/arrow_forward:", on_click=goto, args=(page_id,))


# --------------------------------------------------------------------------- bound inputs
def _key(path: str) -> str:
    return INPUT_PREFIX + path


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return not math.isclose(a, float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a != b


def number(
    path: str,
    label: str,
    *,
    scale: float = 1.0,
    optional: bool = False,
    integer: bool = False,
    min_value: float | None = None,
    max_value: float | None = None,
    step: float | None = None,
    format: str | None = None,
    help: str | None = None,
    where: Any = None,
    default: Any = None,
    placeholder: str | None = None,
) -> float | int | None:
    """A number input bound to ``path``; ``scale`` converts stored -> shown (100 for %)."""
    box = where if where is not None else st
    key = _key(path)
    stored = get_path(state.doc(), path, default)

    def shown(value: Any) -> Any:
        if value is None or isinstance(value, bool):
            return None
        try:
            value = float(value) * scale
        except (TypeError, ValueError):
            return None
        if not math.isfinite(value):
            return None
        return int(round(value)) if integer else value

    def in_range(value: Any) -> bool:
        return value is None or ((min_value is None or value >= min_value)
                                 and (max_value is None or value <= max_value))

    if key not in st.session_state:
        # A value from an opened file outside the box's range (or not a number) leaves the
        # box empty, its error shown under it; the box would otherwise move it to the
        # nearest bound and the plan would use a number the user never gave.
        first = shown(stored)
        st.session_state[key] = first if in_range(first) else None
    kwargs: dict[str, Any] = {"key": key, "help": help, "format": format}
    if integer:
        kwargs.update(min_value=None if min_value is None else int(min_value),
                      max_value=None if max_value is None else int(max_value),
                      step=int(step or 1))
    else:
        kwargs.update(min_value=None if min_value is None else float(min_value),
                      max_value=None if max_value is None else float(max_value),
                      step=None if step is None else float(step))
    if optional:
        kwargs["placeholder"] = placeholder or t("common.none")
        # Emptied, the box commits its default: None here ("no limit", "automatic"), where
        # Streamlit's own default would be the minimum, a number the user never gave.
        kwargs["value"] = None
    value = box.number_input(label, **kwargs)
    if value is None and not optional:
        value = shown(stored)
        if value is None:  # the file's entry is not a number: kept for its error
            slot(path, box, scale=scale)
            return None
    if _differs(value, shown(stored)):
        if value is None:
            set_path(state.doc(), path, None)
        else:
            new = value / scale if scale != 1.0 else value
            set_path(state.doc(), path, int(round(new)) if integer else float(new))
    slot(path, box, scale=scale)
    return value


def text(path: str, label: str, *, help: str | None = None, where: Any = None,
         optional: bool = False, max_chars: int | None = None,
         transform: Callable[[str], str] | None = None,
         shown: Callable[[str], str] | None = None) -> str | None:
    """A text input bound to ``path`` (empty -> None when ``optional``; ``transform``
    normalises what is stored, e.g. upper case for a currency code; ``shown`` is how the
    stored text reads in the box, e.g. a province's Chinese name: left as shown, the stored
    text is kept)."""
    box = where if where is not None else st
    key = _key(path)
    stored = get_path(state.doc(), path)
    display = "" if stored is None else str(stored)
    if shown is not None and display:
        display = shown(display)
    if key not in st.session_state:
        st.session_state[key] = display
    value = box.text_input(label, key=key, help=help, max_chars=max_chars)
    if display and value == display:  # untouched: the stored text stands
        value = "" if stored is None else str(stored)
    if transform is not None:
        value = transform(value)
    new = (value.strip() or None) if optional else value
    if new != stored and not (stored is None and new == ""):
        set_path(state.doc(), path, new)
    slot(path, box)
    return new


def label_map(options: Sequence[Any], labels: Callable[[Any], str] | None
              ) -> Callable[[Any], str]:
    """A ``format_func`` that names each option as it was named in this run (in this run's
    language), also when Streamlit calls it later."""
    names = {option: (labels or str)(option) for option in options}
    return lambda option: names.get(option, str(option))


def choice(path: str, label: str, options: Sequence[Any], *, labels: Callable[[Any], str] | None
           = None, help: str | None = None, where: Any = None, horizontal: bool = False,
           radio: bool = False, default: Any = None, on_change: Callable | None = None) -> Any:
    """A select box (or radio) bound to ``path``; ``labels`` names each option."""
    box = where if where is not None else st
    key = _key(path)
    stored = get_path(state.doc(), path, default)
    known = list(options)
    options = list(options)
    if stored not in options:
        options.append(stored)
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = stored
    # A value from an opened file that is not an option has no label of ours: it is shown as
    # the file has it, quoted (its error under the box says what is wrong), not as our key.
    format_func = label_map(options, lambda option: (labels or str)(option)
                            if option in known or option is None
                            else t("common.invalid_option", value=str(option)))
    if radio:
        value = box.radio(label, options, key=key, format_func=format_func, help=help,
                          horizontal=horizontal, on_change=on_change)
    else:
        # Streamlit shows a None value as its placeholder ("Choose an option" in English
        # whatever the reader's language): a None option's own label, else ours.
        placeholder = format_func(None) if None in options else t("common.choose")
        value = box.selectbox(label, options, key=key, format_func=format_func, help=help,
                              on_change=on_change, placeholder=placeholder)
    if value != stored:
        set_path(state.doc(), path, value)
    slot(path, box)
    return value


def check(path: str, label: str, *, help: str | None = None, where: Any = None,
          toggle: bool = False, default: bool = False) -> bool:
    """A checkbox (or toggle) bound to a boolean at ``path``."""
    box = where if where is not None else st
    key = _key(path)
    stored = bool(get_path(state.doc(), path, default))
    if key not in st.session_state:
        st.session_state[key] = stored
    widget = box.toggle if toggle else box.checkbox
    value = widget(label, key=key, help=help)
    if value != stored:
        set_path(state.doc(), path, bool(value))
    slot(path, box)
    return value


def multi(path: str, label: str, options: Sequence[Any], *, labels: Callable[[Any], str] | None
          = None, help: str | None = None, where: Any = None) -> list:
    """A multiselect bound to a list at ``path``."""
    box = where if where is not None else st
    key = _key(path)
    stored = list(get_path(state.doc(), path, []) or [])
    options = list(options) + [v for v in stored if v not in options]
    if key not in st.session_state:
        st.session_state[key] = stored
    value = box.multiselect(label, options, key=key, format_func=label_map(options, labels),
                            help=help, placeholder=t("common.choose"))
    if list(value) != stored:
        set_path(state.doc(), path, list(value))
    slot(path, box)
    return list(value)


# --------------------------------------------------------------------------- tables
def apply_editor_delta(frame: pd.DataFrame, delta: dict[str, Any]) -> pd.DataFrame:
    """Apply a ``st.data_editor`` change set (edited, added, deleted rows) to ``frame``."""
    out = frame.copy().reset_index(drop=True)
    for row, changes in (delta.get("edited_rows") or {}).items():
        position = int(row)
        for column, value in changes.items():
            if column in out.columns and position < len(out):
                out[column] = out[column].astype(object)
                out.iloc[position, out.columns.get_loc(column)] = value
    deleted = sorted({int(r) for r in delta.get("deleted_rows") or [] if int(r) < len(out)})
    if deleted:
        out = out.drop(index=deleted).reset_index(drop=True)
    added = [row for row in delta.get("added_rows") or [] if isinstance(row, dict)]
    if added:
        extra = pd.DataFrame([{c: row.get(c) for c in out.columns} for row in added])
        out = pd.concat([out.astype(object), extra.astype(object)], ignore_index=True)
    return out


def editor_key(key: str) -> str:
    """Session-state key of the data editor ``key`` in its current version."""
    return f"ed:{key}:{st.session_state.get('_edver:' + key, 0)}"


def _next_version(key: str) -> None:
    st.session_state["_edver:" + key] = st.session_state.get("_edver:" + key, 0) + 1


def _has_changes(delta: Any) -> TypeGuard[dict[str, Any]]:
    return isinstance(delta, dict) and any(
        delta.get(part) for part in ("edited_rows", "added_rows", "deleted_rows"))


def table_editor(key: str, frame: pd.DataFrame, on_apply: Callable[[pd.DataFrame], None],
                 **editor_kwargs: Any) -> None:
    """A data editor whose every change is applied to the document at once.

    The change set is folded into the document in the ``on_change`` callback (before the
    rerun); then the editor starts again, under a new key, from the updated document, so
    computed columns refresh and no change is ever applied twice. A change set that arrives
    without the callback (a test setting the state) is applied the same way during the run.
    """
    current = editor_key(key)
    base = frame.reset_index(drop=True)

    def _apply() -> None:
        delta = st.session_state.get(current)
        if _has_changes(delta):
            on_apply(apply_editor_delta(base, delta))
        _next_version(key)

    delta = st.session_state.get(current)
    if _has_changes(delta):
        on_apply(apply_editor_delta(base, delta))
        _next_version(key)
        st.rerun()
    st.data_editor(base, key=current, on_change=_apply, **editor_kwargs)
