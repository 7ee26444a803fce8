"""One row of a batch sites file -> a scenario document (columns: ``data/batch/README.md``).

Used by :mod:`pvplanner.batch.sites`, which reads the file, collects the problems of every
row and numbers them. A row's problems are raised as :class:`RowError` (several problems of
one row in one message); the scenario model then validates the result, and each of its
complaints is named by the column the user wrote (:mod:`pvplanner.batch.columns`), never by
the scenario's field key. Templates and tariff presets are offered by their names with the id
to write. Every problem is a :class:`~pvplanner.messages.Message` keyed in
``data/i18n/errors.toml`` (``errors.batch.row.*``) or ``data/i18n/portfolio.toml``
(``portfolio.rows.*``), so it reads in the user's language.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from pvplanner.batch.columns import at_column, choices, without_field
from pvplanner.errors import PlannerInputError
from pvplanner.guard.json_words import json_problem
from pvplanner.messages import Message, bilingual, join_messages, weather_message
from pvplanner.scenario.model import Scenario, parse_scenario

#: The twelve monthly-bill columns, January..December [kWh].
MONTH_COLUMNS = tuple(f"kwh_{month:02d}" for month in range(1, 13))

#: Columns with a meaning of their own (dotted scenario fields are accepted besides these).
SITE_COLUMNS = (
    "name", "lat", "lon", "city", "province", "notes",
    "roof_area_m2", "tilt_deg", "azimuth_deg", "mounting", "planes",
    "annual_kwh", *MONTH_COLUMNS, "meter_file", "template", "tariff",
)

#: Dotted fields that a column must not set: the row's own columns own them (a Message
#: where the columns are joined by words; None: no column, the base scenario sets it).
_RESERVED_FIELDS: dict[str, str | None] = {
    "name": "name",
    "site.name": "name",
    "site.latitude": "lat",
    "site.longitude": "lon",
    "site.city": "city",
    "site.province": "province",
    "roof_planes": Message.of("errors.batch.row.either_column", "{first} or {second}",
                              first="roof_area_m2", second="planes"),
    "load.kind": Message.of("errors.batch.row.one_of_columns", "{first}, {second} or {third}",
                            first="annual_kwh", second="kwh_01..kwh_12", third="meter_file"),
    "load.monthly_kwh": "kwh_01..kwh_12",
    "load.annual_kwh": "annual_kwh",
    "load.meter_file": "meter_file",
    "load.template": "template",
    "tariff.preset": "tariff",
    "schema_version": None,
}

_NULL_WORDS = {"none", "null"}


class RowError(Exception):
    """A problem in one row (collected; all rows are reported together).

    ``str(error)`` is the English text; :attr:`message` keeps the catalogue key and values,
    so the sites file's report shows the row's problem in the reader's language.
    """

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def semicolons(first: Message, rest: Message) -> Message:
    """Two problems of one row, as "a; b" (Chinese: "a；b")."""
    return Message.of("errors.batch.row.and", "{first}; {rest}", first=first, rest=rest)


def _listed(names: Sequence[str]) -> dict[str, str]:
    """Names (columns, fields, ids) as a list: "a, b" in English, "a、b" in Chinese."""
    return bilingual(", ".join(names), "、".join(names))


# --------------------------------------------------------------------------- dotted fields


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``Tariff | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def check_dotted(name: str) -> Message | None:
    """``None`` if ``name`` is a settable scenario field, else why not."""
    for reserved, column in _RESERVED_FIELDS.items():
        if name == reserved or name.startswith(reserved + "."):
            if column is None:
                return Message.of("errors.batch.row.set_by_base", "column {name} cannot be set "
                                  "from a sites file: the base scenario sets it", name=repr(name))
            return Message.of("errors.batch.row.set_by_column",
                              "column {name} is set by the column {column}", name=repr(name),
                              column=column)
    model: type[BaseModel] | None = Scenario
    parts = name.split(".")
    for depth, part in enumerate(parts):
        if model is None:
            return Message.of("errors.batch.row.no_sub_fields",
                              "column {name}: {where} has no sub-fields", name=repr(name),
                              where=".".join(parts[:depth]))
        fields = model.model_fields
        if part not in fields:
            close = difflib.get_close_matches(part, list(fields), n=3, cutoff=0.6)
            hint = (Message.of("errors.batch.row.field_close", "did you mean {close}?",
                               close=_listed(close)) if close else
                    Message.of("errors.batch.row.field_list", "fields are {fields}",
                               fields=_listed(list(fields))))
            # "in finance" / "in the scenario": Chinese puts the preposition after the group
            where = (Message.of("errors.batch.row.field_group", "{group}",
                                group=".".join(parts[:depth])) if depth else
                     Message.of("errors.batch.row.the_scenario", "the scenario"))
            return Message.of("errors.batch.row.no_field",
                              "column {name}: {where} has no field {part}; {hint}",
                              name=repr(name), where=where, part=repr(part), hint=hint)
        annotation = fields[part].annotation
        if get_origin(annotation) is list and _model_of(annotation) is not None:
            return Message.of("errors.batch.row.list_of_objects",
                              "column {name}: lists of objects cannot be set from a column",
                              name=repr(name))
        model = _model_of(annotation)
    if model is not None:
        return Message.of("errors.batch.row.group", "column {name} is a group of fields; name "
                          "one of them ({group}.<field>)", name=repr(name), group=name)
    return None


def _typed(text: str) -> Any:
    """A cell as the value pydantic validates: JSON lists/objects parsed, null -> None.

    Plain text is passed on as text: pydantic's lax mode turns '3200' into a number and
    'true' into a boolean where the field asks for one.
    """
    if text.casefold() in _NULL_WORDS:
        return None
    if text[:1] in "[{":
        try:
            return json.loads(text)
        except json.JSONDecodeError as problem:
            # the JSON parser's reason has English words only: Chinese leaves it out
            raise RowError(Message.of("errors.batch.row.value_json",
                                      "value {text} is not valid JSON{detail}", text=repr(text),
                                      detail=bilingual(f" ({problem.msg})", ""))) from None
    return text


def set_dotted(data: dict[str, Any], name: str, value: Any) -> None:
    parts = name.split(".")
    target = data
    for part in parts[:-1]:
        if not isinstance(target.get(part), dict):
            target[part] = {}
        target = target[part]
    target[parts[-1]] = value


# --------------------------------------------------------------------------- one row


@dataclass
class Draft:
    row: int
    name: str
    scenario: dict[str, Any]
    latitude: float
    longitude: float
    city: str
    province: str
    notes: str
    template: str
    tariff: str
    files: dict[str, Path]


def _number(cells: dict[str, str], column: str, low: float, high: float,
            *, low_open: bool = False) -> float | None:
    text = cells.get(column, "")
    if not text:
        return None
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise RowError(Message.of("errors.batch.row.not_number", "{column} {text!r} is not a "
                                  "number", column=column, text=text)) from None
    if not math.isfinite(value):
        raise RowError(Message.of("errors.batch.row.not_finite", "{column} {text!r} is not a "
                                  "finite number", column=column, text=text))
    too_low = value <= low if low_open else value < low
    if too_low or value > high:
        shown = {"value": _shown(value), "low": _shown(low), "high": _shown(high)}
        if low_open:
            raise RowError(Message.of(
                "errors.batch.row.not_above", "{column} {value} must be above {low} (and at "
                "most {high})", column=column, **shown))
        raise RowError(Message.of("errors.batch.row.outside",
                                  "{column} {value} is outside {low}..{high}",
                                  column=column, **shown))
    return value


def _shown(number: float) -> str:
    """A number of a message: short below a million (``-5``, ``0.25``), with thousands
    separators from there (``10,000,000``, not ``1e+07``)."""
    return f"{number:g}" if abs(number) < 1e6 else f"{number:,.0f}"


def row_draft(number: int, cells: dict[str, str], base: dict[str, Any],
              folder: Path | None, *, root: Path | None = None) -> Draft:
    """The scenario of one row: ``base`` (JSON form) with the row's columns applied.

    Parameters
    ----------
    number : int
        Spreadsheet row number (for the record; messages are numbered by the caller).
    cells : dict
        Column -> stripped cell text (empty = not given).
    base : dict
        The base scenario's JSON form (not modified).
    folder : Path or None
        Folder that relative file names are resolved against.
    root : Path, optional
        Confine every file the row names (``meter_file``, ``weather.file``, a ``template``
        file) to this folder (:func:`pvplanner.guard.paths.confined_path`): the app passes the
        user's upload folder. Messages then quote the row's text only, never a server path,
        name a column with its meaning in the reader's language
        (:func:`pvplanner.batch.columns.at_column`) and offer no template files (the page
        takes none). ``None`` (the command line, for its operator) reads any path.

    Raises
    ------
    RowError
        Every problem of the row, joined with ``; `` (each in the reader's language).
    """
    name = cells.get("name", "")
    if not name:
        raise RowError(Message.of("errors.batch.row.name_empty",
                                  "name is empty; every site needs a name"))
    if len(name) > _MAX_NAME:
        raise RowError(Message.of("errors.batch.row.name_long",
                                  "name is longer than {limit} characters", limit=_MAX_NAME))
    problems: list[Message] = []

    def attempt(step):
        try:
            return step()
        except RowError as problem:
            problems.append(problem.message)
            return None

    files: dict[str, Path] = {}
    where = _Places(folder, root)
    location = attempt(lambda: _location(cells))
    attempt(lambda: _check_province(cells, base))
    planes = attempt(lambda: _planes(cells))
    template = attempt(lambda: _check_template(
        cells.get("template") or base["load"]["template"], where, files))
    load = attempt(lambda: _load(cells, template, where, files))
    tariff = attempt(lambda: _tariff(cells, base))
    overrides = attempt(lambda: _overrides(cells, where, files))
    if problems:
        raise RowError(join_messages(problems, semicolons))

    latitude, longitude, city, province, canonical_city = location
    scenario = json.loads(json.dumps(base))  # a deep copy of plain JSON data
    scenario["name"] = name
    site = {"name": name, "latitude": latitude, "longitude": longitude,
            "country": base["site"].get("country", "CN")}
    if city:
        site["city"] = city
    if province:
        site["province"] = province
    scenario["site"] = site
    scenario["roof_planes"] = planes
    scenario["load"] = load
    scenario["tariff"] = tariff
    # Credit schemes are open to some provinces or cities only (carbon.credit_eligibility).
    carbon = scenario.setdefault("carbon", {})
    carbon["site_province"] = province or None
    carbon["site_city"] = canonical_city or None
    for column, value in overrides.items():
        set_dotted(scenario, column, value)
    try:
        validated = parse_scenario(scenario)
    except PlannerInputError as problem:
        raise RowError(_scenario_problem(problem, scenario, cells,
                                         labelled=root is not None)) from None
    _as_validated(scenario, validated, [*overrides, *(["roof_planes"] if cells.get("planes")
                                                      else [])])
    return Draft(
        row=number, name=name, scenario=scenario, latitude=latitude, longitude=longitude,
        city=city, province=province, notes=cells.get("notes", ""),
        # A meter file is the load itself: the template shapes none of it.
        template="" if load["kind"] == "meter_file" else load["template"], files=files,
        # No preset named: the site province's (pvplanner.tariff.province), not a custom one.
        tariff=tariff.get("preset") or ("custom" if tariff.get("custom") else "auto"),
    )


def _as_validated(scenario: dict[str, Any], validated: Scenario,
                  fields: Sequence[str]) -> None:
    """Replace what a row wrote as text by the value the scenario model validated from it.

    A dotted column's cell is passed on as text (``battery.allowed`` ``'false'``,
    ``constraints.export_limit_kw`` ``'0'``) for the model to read; the scenario a site's
    JSON records, and the plan reads, holds the boolean ``false`` and the number ``0.0``
    instead, like every field the base scenario set.

    Parameters
    ----------
    scenario : dict
        The row's scenario (JSON form), changed in place.
    validated : Scenario
        The model validated from ``scenario``.
    fields : sequence of str
        Dotted fields the row set from its text (its dotted columns, ``roof_planes`` for the
        ``planes`` JSON).
    """
    dumped = validated.model_dump(mode="json")
    for field in fields:
        value: Any = dumped
        for part in field.split("."):
            if not isinstance(value, dict) or part not in value:
                break  # not in the model's JSON form: kept as written
            value = value[part]
        else:
            set_dotted(scenario, field, value)


#: Longest site name [characters].
_MAX_NAME = 200

#: The scenario model's wrapper of its validation errors, dropped inside a row's message.
_INVALID_SCENARIO = "invalid scenario: "

#: How many of a row's scenario problems its message names (the others are counted).
_MAX_SCENARIO_PROBLEMS = 8


def _scenario_problem(problem: PlannerInputError, scenario: dict[str, Any],
                      cells: dict[str, str], *, labelled: bool) -> Message:
    """The scenario model's complaints about a row, each named by the column that set its
    field (:func:`pvplanner.batch.columns.at_column`), never by the field's key in the
    scenario: the user wrote a sites file, not a scenario. A field no column set is said to
    come from the settings every site starts from. Without its "invalid scenario: " lead."""
    message = problem.message
    if message.key != "errors.scenario.invalid":
        return Message(message.key, str(message).removeprefix(_INVALID_SCENARIO),
                       message.params)
    found, count = _validation_problems(scenario)
    if not found:  # a sub-model's plain ValueError: the one problem the model names
        detail = message.params.get("detail")
        found, count = [(problem.field or "", detail if isinstance(detail, Message)
                         else Message("", str(detail or message)))], 1
    named = [at_column(field, without_field(field, detail), cells, labelled=labelled,
                       settable=bool(field) and check_dotted(field) is None)
             for field, detail in found[:_MAX_SCENARIO_PROBLEMS]]
    if count > len(named):
        named.append(Message.of("portfolio.rows.more", "and {count} more",
                                count=count - len(named)))
    return join_messages(named, semicolons)


def _validation_problems(scenario: dict[str, Any]) -> tuple[list[tuple[str, Message]], int]:
    """Each validation problem of a row's scenario as ``(field, message)``, the way
    :func:`pvplanner.scenario.model.parse_scenario` words them, and how many there are."""
    from pydantic import ValidationError

    from pvplanner.scenario.model import validation_problems

    try:
        Scenario.model_validate(scenario)
    except ValidationError as error:
        return validation_problems(error), error.error_count()
    except ValueError:
        return [], 0
    return [], 0


def _location(cells: dict[str, str]) -> tuple[float, float, str, str, str]:
    """Coordinates, city as given, province, and the city's English name in the table."""
    city = cells.get("city", "")
    province = cells.get("province", "")
    has_lat, has_lon = bool(cells.get("lat")), bool(cells.get("lon"))
    if has_lat != has_lon:
        raise RowError(Message.of("errors.batch.row.lat_lon_pair",
                                  "give both lat and lon, or neither (and a city)"))
    if has_lat:
        problems: list[Message] = []
        latitude = longitude = None
        try:
            latitude = _number(cells, "lat", -90, 90)
        except RowError as problem:
            problems.append(problem.message)
        try:
            longitude = _number(cells, "lon", -180, 180)
        except RowError as problem:
            problems.append(problem.message)
        if problems:
            raise RowError(join_messages(problems, semicolons))
        canonical = city
        if city:
            found = _city(city)
            # a display name that is not in the table is fine next to coordinates
            if not isinstance(found, str):
                canonical = found[3]
                province = province or found[2]
        assert latitude is not None and longitude is not None  # both cells are filled
        return float(latitude), float(longitude), city, province, canonical
    if not city:
        raise RowError(Message.of("errors.batch.row.no_location", "no location: give lat and "
                                  "lon, or a city from the climatology table"))
    found = _city(city)
    if isinstance(found, Message):
        raise RowError(found)
    lat, lon, city_province, canonical = found
    return lat, lon, city, province or city_province, canonical


@cache
def _city(name: str) -> tuple[float, float, str, str] | Message:
    """``(lat, lon, province, English name)`` of a table city, or why it is not found.

    Memoized: thousands of rows name a few dozen cities.
    """
    from weather.climatology import find_city
    from weather.errors import WeatherInputError

    try:
        found = find_city(name)
    except WeatherInputError as problem:
        return weather_message(problem)
    return found.lat, found.lon, found.province, found.city


def _planes(cells: dict[str, str]) -> list[dict[str, Any]]:
    text = cells.get("planes", "")
    area = cells.get("roof_area_m2", "")
    if text and area:
        raise RowError(Message.of("errors.batch.row.roof_both",
                                  "give roof_area_m2 or planes, not both"))
    if not text and not area:
        raise RowError(Message.of("errors.batch.row.no_roof", "no roof: give roof_area_m2 "
                                  "(one plane) or planes (a JSON list)"))
    if text:
        if cells.get("tilt_deg") or cells.get("azimuth_deg") or cells.get("mounting"):
            raise RowError(Message.of("errors.batch.row.plane_columns", "tilt_deg, azimuth_deg "
                                      "and mounting go inside each plane of planes"))
        try:
            planes = json.loads(text)
        except json.JSONDecodeError as problem:
            raise RowError(Message.of(
                "errors.batch.row.planes_json", "planes is not valid JSON at character {pos}: "
                "{detail}; e.g. {example}", detail=json_problem(text, problem),
                pos=problem.pos + 1, example='[{"area_m2": 5000, "tilt_deg": 5}]')) from None
        if not isinstance(planes, list) or not planes or not all(
                isinstance(p, dict) for p in planes):
            raise RowError(Message.of(
                "errors.batch.row.planes_list", "planes must be a non-empty JSON list of "
                "objects, e.g. {example}",
                example='[{"area_m2": 5000, "tilt_deg": 5, "azimuth_deg": 180}]'))
        return [{"name": f"Plane {i}", **plane} for i, plane in enumerate(planes, start=1)]
    value = _number(cells, "roof_area_m2", 0, 1e7, low_open=True)
    plane: dict[str, Any] = {"name": "Roof", "area_m2": value}
    tilt = _number(cells, "tilt_deg", 0, 90)
    azimuth = _number(cells, "azimuth_deg", 0, 360)
    if tilt is not None:
        plane["tilt_deg"] = tilt
    if azimuth is not None:
        plane["azimuth_deg"] = azimuth
    if cells.get("mounting"):
        plane["mounting"] = cells["mounting"]
    return [plane]


def _load(cells: dict[str, str], template: str | None, where: _Places,
          files: dict[str, Path]) -> dict[str, Any]:
    months = [cells.get(column, "") for column in MONTH_COLUMNS]
    given = [kind for kind, present in (
        ("annual_kwh", bool(cells.get("annual_kwh"))),
        ("kwh_01..kwh_12", any(months)),
        ("meter_file", bool(cells.get("meter_file"))),
    ) if present]
    if not given:
        raise RowError(Message.of("errors.batch.row.no_load",
                                  "no load: give annual_kwh, kwh_01..kwh_12 or meter_file"))
    if len(given) > 1:
        raise RowError(Message.of("errors.batch.row.two_loads", "give one load only, not "
                                  "{given}", given=_and_columns(given)))
    if given[0] == "annual_kwh":
        value = _number(cells, "annual_kwh", 0, 1e10, low_open=True)
        return {"kind": "annual", "template": template, "annual_kwh": value}
    if given[0] == "meter_file":
        path = _resolve(cells["meter_file"], "meter_file", where)
        files["load.meter_file"] = path
        return {"kind": "meter_file", "template": template, "meter_file": str(path)}
    missing = [column for column, text in zip(MONTH_COLUMNS, months, strict=True) if not text]
    if missing:
        raise RowError(Message.of(
            "errors.batch.row.months_missing",
            "monthly load needs all of kwh_01..kwh_12; empty: {missing}",
            missing=_listed(missing)))
    values = [_number(cells, column, 0, 1e9) or 0.0 for column in MONTH_COLUMNS]  # none empty
    if sum(values) <= 0:
        raise RowError(Message.of("errors.batch.row.months_zero",
                                  "kwh_01..kwh_12 add up to zero kWh"))
    return {"kind": "bills", "template": template, "monthly_kwh": values}


def _and_columns(columns: Sequence[str]) -> Message:
    """The two or three load columns a row fills, as "a and b" / "a and b and c" (Chinese:
    "a 和 b", "a、b 和 c")."""
    if len(columns) == 2:
        return Message.of("errors.batch.row.two_columns", "{first} and {second}",
                          first=columns[0], second=columns[1])
    first, second, third = columns  # there are three kinds of load
    return Message.of("errors.batch.row.three_columns", "{first} and {second} and {third}",
                      first=first, second=second, third=third)


def _check_template(template: str, where: _Places, files: dict[str, Path]) -> str:
    """The row's template: a shipped template's id, or (the command line only) a template
    file's path. An unknown one is refused with the templates by their names and the id
    to write; the app's user gets no file offered (the page takes no template files)."""
    names = _template_names()
    if template in names:
        return template
    in_app = where.root is not None
    if template.lower().endswith(".toml"):
        if in_app:
            raise RowError(Message.of(
                "portfolio.rows.template_file", "template {template}: a template file cannot "
                "be used here; write one of the templates: {names}", template=repr(template),
                names=_templates_listed(names)))
        path = _resolve(template, "template", where)
        files["load.template"] = path
        return str(path)
    hint = _did_you_mean_choice(template, _template_choices())
    if in_app:
        raise RowError(Message.of(
            "portfolio.rows.template_unknown_app", "template {template} is unknown; "
            "{hint}write one of the templates: {names}", template=repr(template), hint=hint,
            names=_templates_listed(names)))
    raise RowError(Message.of(
        "portfolio.rows.template_unknown", "template {template} is unknown; {hint}write one of "
        "the templates: {names} (or the path of a template .toml file)",
        template=repr(template), hint=hint, names=_templates_listed(names)))


def _did_you_mean_choice(text: str, options: dict[str, dict[str, str]]) -> Message | str:
    """"did you mean id (name)? " for the options whose id or name (in either language) is
    close to ``text``; nothing without a match."""
    spellings: dict[str, str] = {}
    for option, names in options.items():
        for spelling in (option, *names.values()):
            spellings.setdefault(spelling.casefold(), option)
    close: list[str] = []
    for spelling in difflib.get_close_matches(text.casefold(), list(spellings), n=6,
                                              cutoff=0.5):
        if spellings[spelling] not in close:
            close.append(spellings[spelling])
    if not close:
        return ""
    return Message.of("errors.batch.row.did_you_mean", "did you mean {close}? ",
                      close=choices([(option, options[option]) for option in close[:3]]))


def _templates_listed(names: Sequence[str]) -> Message:
    """The shipped templates, each id with its name in the reader's language."""
    options = _template_choices()
    return choices([(name, options[name]) for name in names])


@cache
def _template_choices() -> dict[str, dict[str, str]]:
    """Template id -> its name in each language (:func:`pvplanner.display.names.template_name`)."""
    from pvplanner.display.names import template_name

    return {name: {"en": template_name(name, "en"), "zh": template_name(name, "zh")}
            for name in _template_names()}


def _tariff(cells: dict[str, str], base: dict[str, Any]) -> dict[str, Any]:
    tariff = dict(base.get("tariff") or {})
    preset = cells.get("tariff", "")
    if not preset:
        return tariff
    presets = _tariff_choices()
    if preset not in presets:
        hint = _did_you_mean_choice(preset, presets)
        if hint:  # the names are long: the close ones by name, the others by id
            raise RowError(Message.of(
                "portfolio.rows.tariff_close", "tariff {preset} is not a preset; {hint}the "
                "presets are {ids}", preset=repr(preset), hint=hint, ids=_listed(list(presets))))
        raise RowError(Message.of(
            "portfolio.rows.tariff_unknown", "tariff {preset} is not a preset; write one of "
            "the presets: {presets}", preset=repr(preset),
            presets=choices(list(presets.items()))))
    tariff["preset"] = preset
    tariff["custom"] = None
    return tariff


def _check_province(cells: dict[str, str], base: dict[str, Any]) -> None:
    """A Chinese site's ``province`` must be a province (its tariff, export price and
    emission factor follow it): an unknown name would plan silently on none of them."""
    from pvplanner.tariff.province import province_name

    province = cells.get("province", "")
    if not province or str(base["site"].get("country") or "CN").upper() != "CN":
        return
    if province_name(province):
        return
    provinces = _provinces()
    close: list[str] = []
    for english in difflib.get_close_matches(province.casefold(), list(provinces), n=3,
                                             cutoff=0.7):
        if provinces[english] not in close:
            close.append(provinces[english])
    chinese = _province_chinese()
    hint = (Message.of("errors.batch.row.did_you_mean", "did you mean {close}? ",
                       close=bilingual(", ".join(close),
                                       "、".join(chinese.get(name, name) for name in close)))
            if close else "")
    raise RowError(Message.of(
        "portfolio.rows.province_unknown", "province {province} is not a province of China; "
        "{hint}write its name in English or Chinese (e.g. Zhejiang or 浙江), or leave it empty "
        "to take the city's", province=repr(province), hint=hint))


@cache
def _provinces() -> dict[str, str]:
    """Each province's names (English lower case, Chinese) -> its English name."""
    out: dict[str, str] = {}
    for english, chinese in _province_chinese().items():
        out[english.casefold()] = english
        out[chinese] = english
    return out


@cache
def _province_chinese() -> dict[str, str]:
    """English province name -> Chinese, from ``data/province_grid_region.csv``."""
    import csv

    from weather.datafiles import data_path

    with open(data_path("province_grid_region.csv"), encoding="utf-8", newline="") as handle:
        return {row["province"].split(" (")[0]: row["province_zh"]
                for row in csv.DictReader(handle)}


def _overrides(cells: dict[str, str], where: _Places,
               files: dict[str, Path]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column, text in cells.items():
        if "." not in column or not text:
            continue
        try:
            value = _typed(text)
        except RowError as problem:
            raise RowError(Message.of("errors.batch.row.in_column", "{column}: {problem}",
                                      column=column, problem=problem.message)) from None
        # a file the app reads only among the user's uploads; the command line reads the
        # weather file where the operator says (a batch never reads the logo)
        if value and (column == "weather.file"
                      or (column in _APP_FILE_COLUMNS and where.root is not None)):
            path = _resolve(str(value), column, where)
            files[column] = path
            value = str(path)
        out[column] = value
    return out


#: Dotted columns naming a file that the app confines to the user's uploads like
#: ``meter_file`` (:data:`pvplanner.guard.paths.SCENARIO_FILE_FIELDS` a column may set).
_APP_FILE_COLUMNS = ("weather.file", "proposal.logo_file")


@dataclass(frozen=True)
class _Places:
    """Where the file names of a row resolve: ``folder`` for relative names, and with
    ``root`` the folder they must stay in."""

    folder: Path | None
    root: Path | None = None


def _resolve(name: str, column: str, where: _Places) -> Path:
    if where.root is not None:
        return _resolve_confined(name, column, where.folder or where.root, where.root)
    path = Path(name).expanduser()
    if not path.is_absolute():
        if where.folder is None:
            raise RowError(Message.of(
                "errors.batch.row.relative_path", "{column} {name} is a relative path but the "
                "sites file has no folder (upload the file with the sites file, or give a full "
                "path)", column=column, name=repr(name)))
        path = where.folder / path
    if not path.is_file():
        raise RowError(Message.of("errors.batch.row.file_missing",
                                  "{column} {name} does not exist (looked for {path})",
                                  column=column, name=repr(name), path=str(path)))
    return path.resolve()


def _resolve_confined(name: str, column: str, folder: Path, root: Path) -> Path:
    """A file of the user's own uploads; the message quotes ``name`` only."""
    from pvplanner.guard.paths import OutsideFolderError, confined_path

    try:
        path = confined_path(name, root, base=folder, what=column)
    except OutsideFolderError:
        raise RowError(Message.of(
            "errors.batch.row.outside_uploads", "{column} {name} is not among the uploaded "
            "files; upload the file with the sites file and give its bare name", column=column,
            name=repr(name))) from None
    if not path.is_file():
        raise RowError(Message.of(
            "errors.batch.row.not_uploaded", "{column} {name} was not uploaded; upload the file "
            "with the sites file and give its bare name", column=column, name=repr(name)))
    return path


@cache
def _template_names() -> tuple[str, ...]:
    from pvplanner.load import list_templates

    return tuple(item["name"] for item in list_templates())


@cache
def _tariff_choices() -> dict[str, dict[str, str]]:
    """Tariff preset id -> its name in each language."""
    from pvplanner.tariff import list_tariff_presets

    table = list_tariff_presets()
    return {str(row["id"]): {"en": str(row["name"] or row["id"]),
                             "zh": str(row["name_zh"] or row["name"] or row["id"])}
            for _, row in table.iterrows()}
