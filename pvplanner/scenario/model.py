"""Every input of a planning scenario as validated models; JSON and TOML in and out.

The sub-models are defined beside the code that uses them (``pv``, ``tariff``, ``finance``,
``carbon``, :mod:`pvplanner.scenario.site`) and composed here. :func:`parse_scenario` turns
pydantic's validation errors into :class:`~pvplanner.errors.PlannerInputError` naming the
field, so the CLI and the app can show them next to the input.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pvplanner.carbon.accounting import CarbonInputs
from pvplanner.display.messages import render, translate
from pvplanner.errors import PlannerInputError
from pvplanner.finance import FinanceInputs
from pvplanner.guard.json_words import json_problem
from pvplanner.guard.nesting import nesting_depth
from pvplanner.guard.toml_words import toml_detail
from pvplanner.messages import Message, bilingual, quoted_listing
from pvplanner.pv.models import (
    KEYED_KINDS,
    PVModelSettings,
    RoofPlane,
    YesNo,
    got_text,
    kind_limit,
    kind_numbers,
)
from pvplanner.scenario.measures import MeasureChoice, ProductionInput
from pvplanner.scenario.proposal import ProposalInputs
from pvplanner.scenario.rules import rule_broken
from pvplanner.scenario.site import (
    BatteryOptions,
    Constraints,
    LoadInput,
    ProjectInputs,
    Site,
    WeatherChoice,
)
from pvplanner.tariff import BillTariff, ExportPolicy, Tariff
from weather.datafiles import data_path

#: Version of the scenario document; bump with a migration in :func:`_migrate`.
SCHEMA_VERSION = 1

#: Largest scenario file accepted [bytes] (a scenario is a few kB; a huge file is a mistake).
MAX_SCENARIO_BYTES = 5_000_000

#: Deepest nesting of tables and lists accepted in a scenario document. A scenario needs
#: about 8 (a custom tariff's periods inside the tariff inside the scenario); thousands of
#: levels would exhaust the parsers' recursion instead of giving a message.
MAX_NESTING_LEVELS = 32


class TariffChoice(BaseModel):
    """The company's tariff: a preset (the version in force on the analysis start date), a
    full custom tariff, or prices typed from a bill, plus what the tariff needs to know about
    the user and an export override.

    Agency-purchase users (代理购电) plan on a preset; ``bill`` replaces its prices with this
    month's table as printed (the preset gives the hours). A user who buys directly in the
    market (``buyer = "market"``) plans on its retail contract: ``bill`` holds the contract's
    prices and, optionally, its own hours.
    """

    model_config = ConfigDict(extra="forbid")

    preset: str | None = Field(
        None,
        description="Preset id (pvplanner.tariff.list_tariff_presets); empty or 'auto': the "
        "site province's preset for the user's size (large industry from 315 kVA, by "
        "transformer_kva, a 35 kV+ connection or the load's peak)",
    )
    version: str | None = Field(
        None,
        max_length=60,
        description="Pin a version of the preset by its first day ('2026-08-01'); default: the "
        "version in force on the analysis start date",
    )
    custom: Tariff | None = Field(None, description="A full tariff; replaces the preset")
    bill: BillTariff | None = Field(
        None,
        description="Prices as printed on a bill: the month's agency-purchase table, or a "
        "market contract's prices (CNY/kWh per period, demand CNY/kW-month)",
    )
    buyer: Literal["agency", "market"] = Field(
        "agency",
        description="agency: buys through the grid's agency purchase (代理购电, government "
        "time of use); market: buys directly under a retail contract (give it in bill)",
    )
    agency_price_multiplier: float = Field(
        1.0,
        ge=1.0,
        le=2.0,
        description="1.5 for agency-purchase users who pay 1.5x the purchase price (left the "
        "market without good reason, own coal-fired plants, high energy use)",
    )
    transformer_kva: float | None = Field(
        None,
        gt=0,
        le=1e6,
        description="Contracted transformer capacity [kVA]: 100 / 315 kVA eligibility, "
        "size-dependent periods (Jiangsu >= 315 kVA), capacity charges",
    )
    industrial: YesNo | None = Field(
        None, description="An industrial user (not commercial); unknown: large industry only"
    )
    zone: str | None = Field(
        None, max_length=60, description="Price zone of presets with zones (Guangdong)"
    )
    critical_peak_dates: list[dt.date] = Field(
        default_factory=list,
        max_length=366,
        description="Days declared critical peak by weather (Guangdong: forecast >= 35 °C)",
    )
    basic_charge_basis: Literal["max_demand", "capacity"] | None = Field(
        None, description="Two-part basic charge on maximum demand (default) or capacity"
    )
    export: ExportPolicy | None = Field(
        None, description="Overrides the tariff's export rule (e.g. zero export, a constant price)"
    )

    @model_validator(mode="after")
    def _one_source(self) -> TariffChoice:
        if self.custom is not None and self.bill is not None:
            raise rule_broken(
                "tariff_both", "tariff: give a custom tariff or prices from a bill, not both"
            )
        if self.buyer == "market" and self.custom is None and self.bill is None:
            raise rule_broken(
                "market_prices", "electricity bought in the market: enter the retail "
                "contract's prices (as from a bill)", field="bill")
        return self


class Scenario(BaseModel):
    """A company's site, roof, load, tariff, costs and goals: everything :func:`plan` needs."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = Field(SCHEMA_VERSION, ge=1, strict=True,
                                description="Scenario document version (a whole number)")
    name: str = Field("Scenario", min_length=1, max_length=200)
    currency: str = Field("CNY", min_length=3, max_length=3, description="ISO 4217 code")
    start_date: dt.date | None = Field(
        None, ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31),
        description="Commissioning / analysis start date: picks the tariff version in force "
                    "and the export rule (projects from 2025-06-01 sell exports at market "
                    "prices, 发改价格〔2025〕136号); empty: the day the plan is made",
    )
    site: Site
    weather: WeatherChoice = Field(default_factory=WeatherChoice)
    roof_planes: list[RoofPlane] = Field(..., min_length=1, max_length=200)
    pv: PVModelSettings = Field(default_factory=PVModelSettings)
    load: LoadInput
    tariff: TariffChoice = Field(default_factory=TariffChoice)
    project: ProjectInputs = Field(default_factory=ProjectInputs)
    battery: BatteryOptions = Field(default_factory=BatteryOptions)
    constraints: Constraints = Field(default_factory=Constraints)
    finance: FinanceInputs = Field(default_factory=FinanceInputs)
    carbon: CarbonInputs = Field(default_factory=CarbonInputs)
    proposal: ProposalInputs | None = Field(
        None, description="The seller's company, contact, logo and cover note on the customer "
                          "proposal (optional)")
    measures: list[MeasureChoice] = Field(
        default_factory=list, max_length=20,
        description="Saving measures applied to the load before the PV is sized, in this "
        "order (ids of data/measures/catalogue.toml)")
    production: ProductionInput | None = Field(
        None, description="Monthly production, for the product carbon footprint per unit")

    @model_validator(mode="after")
    def _unique_plane_names(self) -> Scenario:
        names = [plane.name for plane in self.roof_planes]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise rule_broken(
                "plane_names", "roof plane names must be unique; repeated: {names}",
                names=quoted_listing(duplicates)
            )
        return self

    def analysis_start(self) -> dt.date:
        """``start_date``, or today when the scenario leaves it open."""
        return self.start_date or dt.date.today()


def _field_name(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}[{item}]"] if parts else [f"[{item}]"]
        else:
            parts.append(str(item))
    return ".".join(parts)


#: pydantic error types with a message of their own in the catalogue (``errors.scenario.*``),
#: and the ``ctx`` entry that holds their limit: a roof plane's, and an unknown input name.
_KEYED_ERRORS = {**KEYED_KINDS, "extra_forbidden": ""}


def plane_row(field: str | None, lang: str) -> str:
    """The roof plane a field is in, named by its row (``roof_planes[2].tilt_deg`` ->
    ``第 3 个屋面`` / ``roof plane 3``), else nothing."""
    found = re.match(r"roof_planes\[(\d+)\]", field or "")
    return translate("errors.scenario.plane_row", lang, n=int(found.group(1)) + 1) if found else ""


def _row_named(field: str | None) -> str:
    """The Chinese heading of a roof plane's own rule (``第 3 个屋面：``), else nothing."""
    row = plane_row(field, "zh")
    return f"{row}：" if row else ""


def _error_field(error: Any) -> str:
    """The dotted field a validation error is about: its location, and within it the field a
    model's own rule names (``battery`` + ``min_power_kw``), where it names one."""
    field = _field_name(tuple(error.get("loc", ())))
    original = (error.get("ctx") or {}).get("error")
    inner = original.field if isinstance(original, PlannerInputError) else None
    if inner:
        return f"{field}.{inner}" if field else inner
    return field


#: How the names of the scenario's fractions end (rates, shares, ratios: 0.08 is 8 %).
_FRACTION_NAMES = ("_rate", "_fraction", "_ratio", "_share")


def _error_message(error: Any) -> Message:
    """One validation error: its English text, and a catalogue key for the usual kinds
    (the field is named in English only: the app shows the message at the field's input)."""
    field = _error_field(error)
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    value = error.get("input")
    kind = str(error.get("type", ""))
    # A rate's or share's upper bound (a discount rate of at most 0.5): a per cent typed
    # there is told so (not a coverage's: 1.5 is no per cent of a ground coverage ratio).
    bound = (error.get("ctx") or {}).get(KEYED_KINDS.get(kind, "") or "-") \
        if kind in ("less_than", "less_than_equal") and field.rsplit(".", 1)[-1].endswith(
            _FRACTION_NAMES) else None
    given = None if isinstance(value, (dict, list)) else got_text(
        value, fraction_limit=bound if isinstance(bound, int | float) else None)
    shown = given["en"] if given else ""
    english = f"{field or 'scenario'}: {message}{shown}"
    original = (error.get("ctx") or {}).get("error")
    if isinstance(original, PlannerInputError) and original.key:
        # A model's own rule (pvplanner.scenario.rules, a roof plane's): its own message in
        # the reader's language, after the field in English (the app shows it at the
        # field's input; in Chinese a roof plane is named by its row).
        return Message("errors.scenario.rule_at", english, {
            "field": bilingual(f"{field}: " if field else "", _row_named(field)),
            "detail": original.message})
    if kind not in _KEYED_ERRORS:
        return Message("", english)
    values: dict[str, Any] = {
        "field": bilingual(f"{field or 'scenario'}: ", ""), "limit": kind_limit(error),
        "got": given or bilingual("", "")}
    values.update(kind_numbers(error))  # for the app's per-cent inputs
    # The exception's own text is the catalogue's English (the app, the CLI and the batch's
    # results then say the same), not pydantic's wording of the kind.
    key = f"errors.scenario.{kind}"
    return Message(key, render(Message(key, english, values), "en"), values)


def validation_problems(problem: ValidationError) -> list[tuple[str, Message]]:
    """Each problem of a failed validation as ``(dotted field, message)``, worded as
    :func:`parse_scenario` words them (a batch names each by the column that set it).

    Parameters
    ----------
    problem : pydantic.ValidationError
        From ``Scenario.model_validate``.

    Returns
    -------
    list of (str, Message)
    """
    return [(_error_field(error), _error_message(error)) for error in problem.errors()]


def _as_input_error(problem: ValidationError) -> PlannerInputError:
    """All of a document's problems in one error (up to 8 named): the first as its detail,
    the others in ``more``, each after its field (the Chinese too: a file's writer, on the
    command line or in a batch's table, edits them all at once; the app, which shows the
    first at its input, counts the others, ``others``)."""
    details, fields = [], []
    for error in problem.errors()[:8]:
        fields.append(_error_field(error))
        details.append(_error_message(error))
    more = problem.error_count() - len(details)
    suffix = f"; and {more} more" if more > 0 else ""
    rest = "".join(f"; {detail}" for detail in details[1:]) + suffix
    others = problem.error_count() - 1
    listed = "；".join(f"{field}：{render(detail, 'zh')}" if field else render(detail, "zh")
                      for field, detail in zip(fields[1:], details[1:], strict=True))
    chinese = (f"；另有 {others} 处输入有误：{listed}{'等' if more > 0 else ''}" if others > 0
               else "")
    return PlannerInputError(Message.of(
        "errors.scenario.invalid", "invalid scenario: {detail}{more}", detail=details[0],
        more=bilingual(rest, chinese), others=others), field=fields[0])


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older scenario document up to :data:`SCHEMA_VERSION`."""
    version = data.get("schema_version", SCHEMA_VERSION)
    # Said in words for the app's reader, who opened a file; the command line names the
    # field's key (``schema_version``) for its operator, who edits the file.
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise PlannerInputError(Message.of(
            "errors.scenario_file.schema_invalid",
            "the scenario file's format version {version} must be a whole number of at least 1 "
            "(written without quotes; this pvplanner writes {current})",
            version=json.dumps(version, default=str)[:80], current=SCHEMA_VERSION),
            field="schema_version")
    if version > SCHEMA_VERSION:
        raise PlannerInputError(Message.of(
            "errors.scenario_file.schema_newer",
            "the scenario file's format version {version} is newer than this pvplanner "
            "understands ({current}); upgrade pvplanner", version=version, current=SCHEMA_VERSION),
            field="schema_version")
    return data


def _too_deep(origin: str) -> PlannerInputError:
    return PlannerInputError(Message.of(
        "errors.scenario_file.too_deep",
        "{origin} nests tables or lists more than {levels} levels deep; a scenario needs a few "
        "levels (site, roof planes, load, tariff...). Check the file for brackets that are "
        "opened and never closed.", origin=origin, levels=MAX_NESTING_LEVELS))


def toml_error(origin: str, exc: tomllib.TOMLDecodeError, text: str | None = None
               ) -> PlannerInputError:
    """A TOML file that does not parse: where, and what is wrong there in the reader's
    words (:func:`pvplanner.guard.toml_words.toml_detail`, never tomllib's English;
    ``text``, the file's text, lets it tell an impossible date as one)."""
    return PlannerInputError(Message.of(
        "errors.scenario_file.toml", "{origin} is not valid TOML{detail}", origin=origin,
        detail=toml_detail(exc, text)))


#: How messages name a scenario that came from no file.
_THE_SCENARIO = Message.of("errors.scenario_file.the_scenario", "the scenario")


def parse_scenario(data: dict[str, Any] | Scenario) -> Scenario:
    """Validate a scenario document; errors become :class:`PlannerInputError`."""
    if isinstance(data, Scenario):
        return data
    if not isinstance(data, dict):
        raise PlannerInputError(Message.of(
            "errors.scenario_file.not_table",
            "a scenario must be a JSON/TOML object (a table of fields)"))
    if nesting_depth(data, MAX_NESTING_LEVELS) > MAX_NESTING_LEVELS:
        raise _too_deep(_THE_SCENARIO)
    try:
        scenario = Scenario.model_validate(_migrate(dict(data)))
        switches = _switches_read_as_numbers(data, scenario)
        if switches:  # true/false where a number belongs: refused as text is, not read as 1/0
            Scenario.model_validate(_migrate(_spelt_out(data, switches)))
        return scenario
    except ValidationError as problem:
        raise _as_input_error(problem) from None
    except PlannerInputError:
        raise
    except ValueError as problem:  # validators of sub-models raising plain ValueError
        raise PlannerInputError(Message.of(
            "errors.scenario.invalid", "invalid scenario: {detail}{more}",
            detail=str(problem), more="")) from None


#: A location in a document: keys of tables and indices of lists.
_Path = tuple[str | int, ...]


def _switches_read_as_numbers(data: Any, scenario: Scenario) -> list[_Path]:
    """Where the document writes true or false and the scenario holds a number: pydantic
    reads a JSON ``true`` as 1 in a number field (``"area_m2": true`` made a roof of 1 m2).

    Parameters
    ----------
    data : Any
        The document as parsed from JSON or TOML.
    scenario : Scenario
        The scenario validated from it.

    Returns
    -------
    list of tuple
        The locations of the booleans that became numbers.
    """
    found = []
    for at in _booleans(data):
        part: Any = scenario
        for key in at:
            part = _part(part, key)
        if isinstance(part, int | float) and not isinstance(part, bool):
            found.append(at)
    return found


def _booleans(data: Any) -> list[_Path]:
    """The locations of a document's true/false values."""
    found: list[_Path] = []
    stack: list[tuple[_Path, Any]] = [((), data)]
    while stack:
        at, value = stack.pop()
        if isinstance(value, bool):
            found.append(at)
        elif isinstance(value, dict):
            stack.extend(((*at, key), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend(((*at, index), item) for index, item in enumerate(value))
    return found


#: A part the validated scenario does not hold at a document's location.
_ABSENT = object()


def _part(built: Any, key: str | int) -> Any:
    """The validated scenario's part under a document's key or index, or :data:`_ABSENT`
    (a document's keys in a model are its fields: unknown ones are refused)."""
    if isinstance(built, BaseModel):
        return getattr(built, key, _ABSENT) if isinstance(key, str) else _ABSENT
    if isinstance(built, dict):
        return built.get(key, _ABSENT)
    if isinstance(built, list | tuple) and isinstance(key, int) and key < len(built):
        return built[key]
    return _ABSENT


def _spelt_out(data: Any, switches: list[_Path], at: _Path = ()) -> Any:
    """A copy of the document with the booleans at ``switches`` written as the words
    ``true``/``false``, which a number field refuses (naming the field, as for any text)."""
    if at in switches:
        return "true" if data else "false"
    if isinstance(data, dict):
        return {key: _spelt_out(value, switches, (*at, key)) for key, value in data.items()}
    if isinstance(data, list):
        return [_spelt_out(value, switches, (*at, index)) for index, value in enumerate(data)]
    return data


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario from a ``.json`` or ``.toml`` file; relative file paths inside it
    (weather file, meter file) are resolved against the scenario file's folder."""
    path = Path(path)
    if path.is_dir():  # said as such, not as a file that does not exist
        raise PlannerInputError(Message.of(
            "errors.scenario_file.folder", "scenario file {path} is a folder, not a file; give "
            "the scenario file (JSON or TOML) inside it", path=str(path)))
    if not path.is_file():
        raise PlannerInputError(Message.of("errors.scenario_file.missing",
                                           "scenario file {path} does not exist",
                                           path=str(path)))
    if path.stat().st_size > MAX_SCENARIO_BYTES:
        raise PlannerInputError(Message.of(
            "errors.scenario_file.too_large",
            "scenario file {path} is larger than {limit:,} bytes; a scenario is a few kB of "
            "settings (put meter data in its own file)", path=str(path),
            limit=MAX_SCENARIO_BYTES))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PlannerInputError(Message.of("errors.scenario_file.not_utf8",
                                           "scenario file {path} is not UTF-8 text",
                                           path=str(path))) from None
    data = scenario_from_text(text, fmt="toml" if path.suffix.lower() == ".toml" else "json",
                              origin=str(path))
    scenario = parse_scenario(data)
    return _resolve_paths(scenario, path.parent)


def scenario_from_text(text: str, *, fmt: str = "json", origin: str = "scenario") -> dict:
    """Parse JSON or TOML text into a dict (errors name the line)."""
    try:
        data = tomllib.loads(text) if fmt == "toml" else json.loads(text)
    except RecursionError:  # thousands of nested brackets: the parser ran out of stack
        raise _too_deep(origin) from None
    except tomllib.TOMLDecodeError as problem:
        raise toml_error(origin, problem, text) from None
    except json.JSONDecodeError as problem:
        raise PlannerInputError(Message.of(
            "errors.scenario_file.json",
            "{origin} is not valid JSON at line {line}, column {column}: {detail}",
            origin=origin, detail=json_problem(text, problem), line=problem.lineno,
            column=problem.colno)) from None
    except ValueError:  # an integer of thousands of digits (Python's conversion limit)
        raise PlannerInputError(Message.of(
            "errors.scenario_file.number_too_long",
            "{origin} holds a number of thousands of digits: no input needs one; correct "
            "the file", origin=origin)) from None
    if nesting_depth(data, MAX_NESTING_LEVELS) > MAX_NESTING_LEVELS:
        raise _too_deep(origin)
    return data


def _resolve_paths(scenario: Scenario, folder: Path) -> Scenario:
    updates: dict[str, object] = {}  # field name -> its replacement sub-model
    if scenario.weather.file and not Path(scenario.weather.file).is_absolute():
        updates["weather"] = scenario.weather.model_copy(
            update={"file": str(folder / scenario.weather.file)}
        )
    if scenario.load.meter_file and not Path(scenario.load.meter_file).is_absolute():
        updates["load"] = scenario.load.model_copy(
            update={"meter_file": str(folder / scenario.load.meter_file)}
        )
    proposal = scenario.proposal
    logo = proposal.logo_file if proposal is not None else None
    if proposal is not None and logo and not Path(logo).is_absolute():
        updates["proposal"] = proposal.model_copy(
            update={"logo_file": str(folder / logo)})
    return scenario.model_copy(update=updates) if updates else scenario


def scenario_to_json(scenario: Scenario) -> str:
    """The scenario as indented JSON (UTF-8, Chinese kept readable)."""
    return json.dumps(scenario.model_dump(mode="json"), ensure_ascii=False, indent=2)


def scenario_to_toml(scenario: Scenario) -> str:
    """The scenario as TOML (``None`` fields omitted, as TOML has no null)."""
    return tomli_w.dumps(_drop_none(scenario.model_dump(mode="json")))


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _drop_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_drop_none(item) for item in value]
    return value


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write the scenario as JSON or TOML according to the file extension."""
    path = Path(path)
    text = scenario_to_toml(scenario) if path.suffix.lower() == ".toml" else scenario_to_json(
        scenario
    )
    path.write_text(text, encoding="utf-8")
    return path


def scenario_json_schema() -> dict[str, Any]:
    """JSON schema of the scenario document (``pvplanner schema``)."""
    return Scenario.model_json_schema()


def demo_scenario() -> Scenario:
    """The embedded demo: a dyeing factory in Hangzhou (``data/demo/hangzhou_dyeing.toml``)."""
    return load_scenario(data_path("demo", "hangzhou_dyeing.toml"))
