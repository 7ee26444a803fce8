"""Which column of a sites file set a scenario field: a row's scenario problems named by the
columns the user wrote, not by the scenario's field keys.

A row becomes a scenario (:func:`pvplanner.batch.rows.row_draft`): ``lat`` sets
``site.latitude``, ``mounting`` the first roof plane's ``mounting``, the ``planes`` JSON every
roof plane, ``kwh_03`` the March entry of ``load.monthly_kwh``, a dotted column the field it
names; every other field is the base scenario's (or its model default). When the scenario
model refuses the result, the user of a sites file needs the column to change:
:func:`field_source` maps a field back to it and :func:`at_column` puts it before the
model's message.

Two readers: the command line's operator gets the column as the header has it (``mounting:
must be one of ...``); the app's user gets the column too, with its meaning in the reader's
language where the pages have a name for it (``mounting (Mounting): ...``,
``mounting 列（安装方式）：...``). A field no column set is said to come from the settings every
site starts from, by its name on the pages in the app (by its key on the command line, where
a dotted column of that name would set it).

Examples
--------
>>> cells = {"name": "A", "lat": "30", "lon": "120", "roof_area_m2": "5000", "mounting": "x"}
>>> field_source("roof_planes[0].mounting", cells)
FieldSource(field='roof_planes[0].mounting', column='mounting', plane=None, key='')
>>> field_source("finance.discount_rate", cells).column is None
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pvplanner.messages import Message, bilingual, join_messages, listing

__all__ = ["COLUMN_FIELDS", "FieldSource", "at_column", "choices", "field_source",
           "without_field"]

#: Columns of a single roof plane (``roof_area_m2``), by the plane field each sets.
_PLANE_COLUMNS = {"area_m2": "roof_area_m2", "tilt_deg": "tilt_deg",
                  "azimuth_deg": "azimuth_deg", "mounting": "mounting"}

#: Fields of the site a column sets, by field: the columns that may have set it, in order.
_SITE_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name",), "site.name": ("name",),
    "site.latitude": ("lat", "city"), "site.longitude": ("lon", "city"),
    "site.city": ("city",), "carbon.site_city": ("city",),
    "site.province": ("province", "city"), "carbon.site_province": ("province", "city"),
    "load.annual_kwh": ("annual_kwh",), "load.meter_file": ("meter_file",),
    "load.template": ("template",), "tariff.preset": ("tariff",),
    "load.kind": ("annual_kwh", "meter_file"),
}

#: The scenario field a column of its own sets (its meaning in the app).
COLUMN_FIELDS: dict[str, str] = {
    "lat": "site.latitude", "lon": "site.longitude", "city": "site.city",
    "province": "site.province", "roof_area_m2": "roof_planes[0].area_m2",
    "tilt_deg": "roof_planes[0].tilt_deg", "azimuth_deg": "roof_planes[0].azimuth_deg",
    "mounting": "roof_planes[0].mounting", "annual_kwh": "load.annual_kwh",
    "meter_file": "load.meter_file", "template": "load.template", "tariff": "tariff.preset",
    **{f"kwh_{month:02d}": "load.monthly_kwh" for month in range(1, 13)},
}

@dataclass(frozen=True)
class FieldSource:
    """Where a scenario field of a row came from.

    Attributes
    ----------
    field : str
        The field (``roof_planes[1].tilt_deg``).
    column : str or None
        The sites file's column that set it, as the header has it (``planes``, ``mounting``,
        ``finance.discount_rate``); None when no column did (the base scenario or a default).
    plane : int or None
        The roof plane of the ``planes`` column (1 for the first), else None.
    key : str
        The key inside the column's JSON value (``tilt_deg`` of a plane, ``periods[0].price``
        of a dotted column holding an object), else ``""``.
    """

    field: str
    column: str | None
    plane: int | None = None
    key: str = ""


def _given(cells: Mapping[str, str], column: str) -> bool:
    return bool(cells.get(column, ""))


def field_source(field: str, cells: Mapping[str, str]) -> FieldSource:
    """The column of a row that set ``field`` (see :class:`FieldSource`).

    Parameters
    ----------
    field : str
        A scenario field as the model names it (``roof_planes[0].mounting``,
        ``load.monthly_kwh[2]``, ``finance.discount_rate``).
    cells : mapping
        The row: column -> cell text (empty = not given).

    Returns
    -------
    FieldSource
    """
    # A dotted column names its field; the longest one holding the field wins.
    for column in sorted((c for c in cells if "." in c and _given(cells, c)), key=len,
                         reverse=True):
        if field == column or field.startswith((column + ".", column + "[")):
            return FieldSource(field, column, key=field[len(column):].lstrip("."))
    plane = re.fullmatch(r"roof_planes(?:\[(\d+)\])?(?:\.(.+))?", field)
    if plane:
        index, key = plane.group(1), plane.group(2) or ""
        if _given(cells, "planes"):
            return FieldSource(field, "planes", int(index) + 1 if index is not None else None,
                               key)
        column = _PLANE_COLUMNS.get(key, "roof_area_m2" if not key else "")
        return FieldSource(field, column if column and _given(cells, column) else None)
    month = re.fullmatch(r"load\.monthly_kwh(?:\[(\d+)\])?", field)
    if month:
        column = (f"kwh_{int(month.group(1)) + 1:02d}" if month.group(1) is not None
                  else "kwh_01..kwh_12")
        return FieldSource(field, column if _months_given(cells) else None)
    for column in _SITE_COLUMNS.get(field, ()):
        if _given(cells, column):
            return FieldSource(field, column)
    if field == "load.kind" and _months_given(cells):
        return FieldSource(field, "kwh_01..kwh_12")
    return FieldSource(field, None)


def _months_given(cells: Mapping[str, str]) -> bool:
    return any(_given(cells, f"kwh_{month:02d}") for month in range(1, 13))


def _meaning(field: str, lang: str) -> str | None:
    """The pages' name of a field in ``lang`` (None where they have none)."""
    from pvplanner.display.field_labels import field_label

    try:
        return field_label(field, lang)
    except (KeyError, ValueError):  # a key the report's tables do not know
        return None


def _meaning_value(field: str) -> dict[str, str] | None:
    """A field's name on the pages in both languages, as a message value, or None."""
    english, chinese = _meaning(field, "en"), _meaning(field, "zh")
    if not english:
        return None
    return bilingual(english, chinese or english)


def _where(source: FieldSource, *, labelled: bool) -> Message | None:
    """The column (and the place in it) a problem is about, or None for a field no column set
    and no words name (a message of its own then)."""
    key = source.key
    if source.column == "planes" and source.plane is not None:
        where = (Message.of("portfolio.rows.plane_key", "planes, plane {n}, {key}",
                            n=source.plane, key=key) if key else
                 Message.of("portfolio.rows.plane", "planes, plane {n}", n=source.plane))
    elif source.column is not None:
        where = (Message.of("portfolio.rows.column_key", "{column}, {key}",
                            column=source.column, key=key) if key else
                 Message.of("portfolio.rows.column", "{column}", column=source.column))
    else:
        return None
    if not labelled:
        return where
    # what the column means, in the reader's language: the field's own name, else the
    # column's (a dotted column holding an object: the object's name)
    meaning = _meaning_value(source.field)
    if meaning is None and source.column in COLUMN_FIELDS:
        meaning = _meaning_value(COLUMN_FIELDS[source.column])
    if meaning is None and source.column is not None and "." in source.column:
        meaning = _meaning_value(source.column)
    if meaning is None:
        return where
    return Message.of("portfolio.rows.meaning", "{where} ({meaning})", where=where,
                      meaning=meaning)


def _not_in_file(source: FieldSource, *, labelled: bool, settable: bool) -> Message:
    """A field the sites file does not set: by its key on the command line where a dotted
    column of that name would set it (``settable``), else by its name on the pages; in words
    where neither names it."""
    name: Any = source.field if settable and not labelled else _meaning_value(source.field)
    if name is None:
        return Message.of("portfolio.rows.base_unnamed", "a setting the sites file does not "
                          "set (it comes from the settings every site starts from)")
    return Message.of("portfolio.rows.base_field", "{field}, which the sites file does not set "
                      "(it comes from the settings every site starts from)", field=name)


def choices(options: Sequence[tuple[str, Mapping[str, str]]]) -> Message:
    """Options to write in a cell, each id with its name (``two_shift (Two shifts),
    cold_storage (Cold storage)``; Chinese: ``two_shift（两班生产）、cold_storage（冷库冷链）``).

    Parameters
    ----------
    options : sequence of (str, mapping)
        Each option's id (what the cell must contain) and its name by language (at least
        ``en``).

    Returns
    -------
    Message
    """
    if not options:
        raise ValueError("choices needs at least one option")
    items = [Message.of("portfolio.rows.choice", "{id} ({name})", id=option,
                        name=bilingual(names["en"], names.get("zh") or names["en"]))
             for option, names in options]
    return join_messages(items, _comma)


def _comma(first: Message, rest: Message) -> Message:
    return Message.of("portfolio.rows.comma", "{first}, {rest}", first=first, rest=rest)


def _choices_named(field: str, detail: Message) -> Message:
    """A choice's error with each option's name after its id (``'flush' (Flush)``): the id is
    what the cell must contain, the name what it means. Other messages as they are."""
    from pvplanner.display.field_labels import choice_options
    from pvplanner.display.messages import render

    options = choice_options(field, detail)
    if options is None or any(name is None for _, name in options):
        return detail
    shown = choices([(repr(option), name) for option, name in options if name is not None])
    named = Message(detail.key, str(detail), {**detail.params, "limit": shown})
    return Message(detail.key, render(named, "en"), named.params)  # str() says it too


def at_column(field: str, detail: Message, cells: Mapping[str, str], *,
              labelled: bool = False, settable: bool = False) -> Message:
    """A scenario problem of a row named by the column that set its field.

    Parameters
    ----------
    field : str
        The field the scenario model names (``""``: the scenario as a whole).
    detail : Message
        The model's message without its field (:func:`without_field`).
    cells : mapping
        The row: column -> cell text.
    labelled : bool
        For the app's reader: the column with its meaning in the reader's language, a field
        no column set by its name on the pages, a choice's options with their names.
    settable : bool
        Whether a dotted column of the field's name would set it
        (:func:`pvplanner.batch.rows.check_dotted`): the command line then names a field
        no column set by that name.

    Returns
    -------
    Message
        ``"<column>: <detail>"`` (``"<column> 列：<detail>"``).
    """
    if not field:
        return detail
    if labelled:
        detail = _choices_named(field, detail)
    source = field_source(field, cells)
    if (source.column == "planes" and source.plane is not None and source.key
            and "." not in source.key and detail.key == "errors.scenario.extra_forbidden"):
        # a key of the planes JSON that a roof plane does not have: the plane's keys offered
        detail = _not_a_plane_key(source.key)
        source = FieldSource(source.field, "planes", source.plane)
    where = (_where(source, labelled=labelled)
             or _not_in_file(source, labelled=labelled, settable=settable))
    return Message.of("portfolio.rows.at", "{where}: {detail}", where=where, detail=detail)


def _not_a_plane_key(key: str) -> Message:
    """A key of a plane in the ``planes`` JSON that roof planes do not have, with the close
    ones (or all of them)."""
    import difflib

    from pvplanner.pv.models import RoofPlane

    keys = list(RoofPlane.model_fields)
    close = difflib.get_close_matches(key, keys, n=3, cutoff=0.6)
    hint = (Message.of("errors.batch.row.field_close", "did you mean {close}?",
                       close=listing(close)) if close else
            Message.of("errors.batch.row.field_list", "fields are {fields}",
                       fields=listing(keys)))
    return Message.of("portfolio.rows.plane_extra", "{key} is not a key of a roof plane; {hint}",
                      key=repr(key), hint=hint)


def without_field(field: str, detail: Message | str) -> Message:
    """A scenario model's message of one problem without the field it starts with (the
    English ``roof_planes[0].mounting: ``; the Chinese of a roof plane's own rule, ``第 1 个屋面：``),
    so the column can be named instead."""
    text = str(detail)
    for lead in (f"{field}: ", f"{field or 'scenario'}: "):
        if text.startswith(lead):
            text = text[len(lead):]
            break
    if not isinstance(detail, Message) or not detail.key:
        return Message("", text)
    params = dict(detail.params)
    if "field" in params:
        params["field"] = bilingual("", "")
    return Message(detail.key, text, params)
