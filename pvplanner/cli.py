"""The ``pvplanner`` command (the stable contract is in DESIGN.md).

Exit status: 0 success, 2 bad input (message on stderr, no traceback), 1 anything else.
Heavy modules are imported inside each command so ``pvplanner --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from pvplanner import __version__
from pvplanner.errors import SOURCE_ERRORS, USER_ERRORS

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (also used as the process status)."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except USER_ERRORS as problem:
        print(_in_locale("cli.errors.user", problem), file=sys.stderr)
        return EXIT_BAD_INPUT
    except SOURCE_ERRORS as problem:
        print(_in_locale("cli.errors.source", problem), file=sys.stderr)
        return EXIT_FAILURE
    except BrokenPipeError:  # e.g. `pvplanner ... | head`: the reader left, nothing to report
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_OK
    except KeyboardInterrupt:
        print(_said("notices.interrupted"), file=sys.stderr)
        return EXIT_FAILURE
    except Exception as problem:  # the CLI never shows a traceback (re-raised under --debug)
        if getattr(args, "debug", False):
            raise
        print(_said("notices.internal", kind=type(problem).__name__, message=problem),
              file=sys.stderr)
        return EXIT_FAILURE


def _said(key: str, **values: Any) -> str:
    """The ``cli.<key>`` text in the operator's language, filled with ``values``."""
    from pvplanner.display.messages import translate

    return translate(f"cli.{key}", _locale_language(), **values)


def _bad(key: str, english: str, **values: Any) -> Exception:
    """A bad-input error of the command line: catalogue key ``cli.bad.<key>``, its English
    text ``english`` (the operator's language is chosen where it is printed)."""
    from pvplanner.errors import PlannerInputError
    from pvplanner.messages import Message

    return PlannerInputError(Message.of(f"cli.bad.{key}", english, **values))


def _in_locale(key: str, problem: BaseException) -> str:
    """An error for the operator, in the language of their locale (the catalogue's
    rendering of its key; its English text where it has none). An invalid scenario names
    the field it is about where the text does not (the Chinese texts leave it to the app,
    which shows them at the field's input; the operator edits the file by that name)."""
    from pvplanner.display.messages import render, translate
    from pvplanner.messages import error_message

    lang = _locale_language()
    message = render(_source_message(problem) if isinstance(problem, SOURCE_ERRORS)
                     else error_message(problem), lang)
    field = getattr(problem, "field", None)
    # The errors whose words name an input by its name on the app's pages (an invalid
    # scenario, a plan that cannot meet its limits, a price to set): the operator gets its key.
    keyed = getattr(problem, "key", "") in _FIELD_NAMED_KEYS
    if keyed and field and str(field) not in message:
        message = translate("cli.errors.at_field", lang, message=message, field=field)
    return translate(key, lang, message=message)


#: Errors the command line names with their field's key (:func:`_in_locale`).
_FIELD_NAMED_KEYS = ("errors.scenario.invalid", "errors.plan.infeasible", "errors.carbon.no_price",
                     "errors.tariff.no_province_preset", "errors.tariff.no_site_province",
                     "errors.scenario_file.schema_invalid", "errors.scenario_file.schema_newer",
                     "errors.carbon.scheme_factor_kind", "errors.carbon.double_counting",
                     "errors.project.full_export", "errors.project.self_use_with_export")


def _source_message(problem: BaseException) -> Any:
    """A data source's error as a message of the catalogue: its key ``source.k`` (``weather``
    names it) as ``cli.source.k``; without a key the catalogue knows, ``cli.source.unreachable``
    (the source's English words for an English reader, a plain statement for the others).
    Only the command line meets these errors (a plan falls back to synthetic weather)."""
    from pvplanner.display.messages import has
    from pvplanner.messages import Message, bilingual, weather_message

    if has(f"cli.{getattr(problem, 'key', '') or '-'}"):
        return weather_message(problem, prefix="cli")
    return Message.of("cli.source.unreachable", "{detail}", detail=bilingual(str(problem), ""))


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout with the usage line's prefix in the operator's language."""

    def __init__(self, prog: str, *, usage_prefix: str = "usage: ", **options: Any) -> None:
        super().__init__(prog, **options)
        self._usage_prefix = usage_prefix

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[Any], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups,
                          prefix=self._usage_prefix if prefix is None else prefix)


#: argparse's own sentences (Python 3.11-3.13, English) and their keys in ``cli.argparse``
#: (``data/i18n/cli.toml``); an argument's sentence wraps another, translated in turn.
_ARGPARSE_SENTENCES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), key) for pattern, key in (
        (r"the following arguments are required: (?P<names>.+)", "required"),
        (r"one of the arguments (?P<names>.+) is required", "one_of_required"),
        (r"unrecognized arguments: (?P<args>.+)", "unrecognized"),
        (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)", "ambiguous"),
        (r"argument (?P<name>[^:]+): (?P<message>.+)", "argument"),
        (r"not allowed with argument (?P<other>.+)", "not_allowed"),
        (r"ignored explicit argument (?P<value>.+)", "ignored_explicit"),
        (r"expected one argument", "expected_one"),
        (r"expected at most one argument", "expected_at_most_one"),
        (r"expected at least one argument", "expected_at_least_one"),
        (r"expected (?P<count>\d+) arguments?", "expected_count"),
        (r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)", "invalid_choice"),
        (r"invalid (?P<type>\w+) value: (?P<value>.+)", "invalid_value"),
    ))


def argparse_sentence(message: str, lang: str) -> str:
    """One of argparse's own error sentences in ``lang`` (as it is where the catalogue has
    no sentence for it, or in English).

    Examples
    --------
    >>> argparse_sentence("argument --lat: invalid float value: 'north'", "zh")
    "参数 --lat：'north' 不是有效的数"
    """
    if lang == "en":
        return message
    from pvplanner.display.messages import translate

    for pattern, key in _ARGPARSE_SENTENCES:
        found = pattern.fullmatch(message)
        if found is None:
            continue
        parts = found.groupdict()
        if "message" in parts:
            parts["message"] = argparse_sentence(parts["message"], lang)
        if "type" in parts:  # float, int: the type's name in words where the catalogue has one
            named = translate(f"cli.argparse.types.{parts['type']}", lang)
            parts["type"] = parts["type"] if named.startswith("cli.") else named
        return translate(f"cli.argparse.{key}", lang, **parts)
    return message


class _Parser(argparse.ArgumentParser):
    """argparse's parser whose own error sentences speak the operator's language
    (``lang``, set by :meth:`_HelpTexts.parser`)."""

    lang = "en"

    def __init__(self, *args: Any, **options: Any) -> None:
        # An option is spelt out in full: "--work" taken for "--workers" (or a later
        # option sharing its start making an old command ambiguous) is no way to run a plan.
        options.setdefault("allow_abbrev", False)
        super().__init__(*args, **options)

    def error(self, message: str) -> Any:  # argparse's signature: never returns
        from pvplanner.display.messages import translate

        self.print_usage(sys.stderr)
        self.exit(2, translate("cli.argparse.error", self.lang, prog=self.prog,
                               message=argparse_sentence(message, self.lang)) + "\n")


class _HelpTexts:
    """The ``cli.help.*`` catalogue texts (``data/i18n/cli.toml``) in one language."""

    def __init__(self, lang: str) -> None:
        from pvplanner.display.messages import translate

        self.lang = lang
        self._translate = translate

    def __call__(self, key: str) -> str:
        return self._translate(f"cli.help.{key}", self.lang)

    def parser(self, commands: Any | None, name: str | None, key: str | None,
               **options: Any) -> argparse.ArgumentParser:
        """A parser whose help, headings and usage line speak the operator's language:
        the top-level one (``commands`` None) or the subcommand ``name`` of ``commands``."""
        formatter = partial(_Formatter, usage_prefix=self("usage"))
        if commands is None:
            parser = _Parser(add_help=False, formatter_class=formatter, **options)
        else:
            text = self(f"{key}.command")
            parser = commands.add_parser(name, help=text, description=text, add_help=False,
                                         formatter_class=formatter, **options)
        parser.lang = self.lang  # a _Parser: subparsers take the parent's parser_class
        # argparse's own headings (private attributes, stable since Python 3.2)
        parser._positionals.title = self("positionals")
        parser._optionals.title = self("options")
        parser.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                            help=self("help"))
        return parser


def _build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The ``pvplanner`` parser, its help in ``lang`` (default: the operator's locale)."""
    h = _HelpTexts(lang or _locale_language())
    parser = h.parser(None, None, None, prog="pvplanner", description=h("description"),
                      epilog=h("epilog"))
    parser.add_argument("--version", action="version", version=f"pvplanner {__version__}",
                        help=h("version"))
    parser.add_argument("--debug", action="store_true", help=h("debug"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     title=h("commands"))

    demo = h.parser(commands, "demo", "demo")
    demo.add_argument("--json", action="store_true", help=h("json"))
    demo.set_defaults(handler=_cmd_demo)

    sim = h.parser(commands, "simulate", "simulate")
    where = sim.add_mutually_exclusive_group(required=True)
    where.add_argument("--weather", type=Path, help=h("simulate.weather"))
    where.add_argument("--lat", type=float, help=h("simulate.lat"))
    sim.add_argument("--lon", type=float, help=h("simulate.lon"))
    sim.add_argument("--source", default="auto",
                     choices=["auto", "pvgis", "nasa-power", "synthetic"],
                     help=h("simulate.source"))
    sim.add_argument("--tilt", type=float, required=True, help=h("simulate.tilt"))
    sim.add_argument("--azimuth", type=float, required=True, help=h("simulate.azimuth"))
    sim.add_argument("--capacity-kwp", type=float, required=True,
                     help=h("simulate.capacity_kwp"))
    sim.add_argument("--dc-ac-ratio", type=float, default=None, help=h("simulate.dc_ac_ratio"))
    sim.add_argument("--losses-percent", type=float, default=None,
                     help=h("simulate.losses_percent"))
    sim.add_argument("--mounting", default="flush", choices=["flush", "tilted_rows", "east_west"],
                     help=h("simulate.mounting"))
    sim.add_argument("--json", action="store_true", help=h("json"))
    sim.set_defaults(handler=_cmd_simulate)

    wx = h.parser(commands, "weather", "weather")
    wx.add_argument("--lat", type=float, required=True, help=h("weather.lat"))
    wx.add_argument("--lon", type=float, required=True, help=h("weather.lon"))
    wx.add_argument("--source", required=True, choices=["pvgis", "nasa-power", "synthetic"],
                    help=h("weather.source"))
    wx.add_argument("--out", type=Path, required=True, help=h("weather.out"))
    wx.set_defaults(handler=_cmd_weather)

    load = h.parser(commands, "load", "load")
    load_commands = load.add_subparsers(dest="load_command", required=True, metavar="ACTION",
                                        title=h("load.actions"))
    inspect = h.parser(load_commands, "inspect", "load.inspect")
    inspect.add_argument("file", type=Path, help=h("load.inspect.file"))
    inspect.add_argument("--units", default="auto", choices=["auto", "kw", "kwh"],
                         help=h("load.inspect.units"))
    inspect.add_argument("--tariff", default=None, help=h("load.inspect.tariff"))
    inspect.add_argument("--scenario", type=Path, default=None,
                         help=h("load.inspect.scenario"))
    inspect.add_argument("--lat", type=float, default=None, help=h("load.inspect.lat"))
    inspect.add_argument("--lon", type=float, default=None, help=h("load.inspect.lon"))
    inspect.add_argument("--json", action="store_true", help=h("json"))
    inspect.set_defaults(handler=_cmd_load_inspect)

    plan = h.parser(commands, "plan", "plan")
    plan.add_argument("scenario", type=Path, help=h("plan.scenario"))
    plan.add_argument("--json", action="store_true", help=h("json"))
    plan.add_argument("--out", type=Path, default=None, help=h("plan.out"))
    plan.set_defaults(handler=_cmd_plan)

    report = h.parser(commands, "report", "report")
    report.add_argument("scenario", type=Path, help=h("report.scenario"))
    report.add_argument("--html", type=Path, help=h("report.html"))
    report.add_argument("--pdf", type=Path, help=h("report.pdf"))
    report.add_argument("--xlsx", type=Path, help=h("report.xlsx"))
    report.add_argument("--lang", default=None, choices=["zh", "en"], help=h("report.lang"))
    report.set_defaults(handler=_cmd_report)

    batch = h.parser(commands, "batch", "batch")
    batch.add_argument("sites", type=Path, help=h("batch.sites"))
    batch.add_argument("--out", type=Path, required=True, help=h("batch.out"))
    batch.add_argument("--scheduler", default=None, help=h("batch.scheduler"))
    batch.add_argument("--workers", type=int, default=None, help=h("batch.workers"))
    batch.add_argument("--aggregate", type=int, default=None, metavar="N",
                       help=h("batch.aggregate"))
    batch.add_argument("--json", action="store_true", help=h("json"))
    batch.set_defaults(handler=_cmd_batch)

    mon = h.parser(commands, "monitor", "monitor")
    mon.add_argument("scenario", type=Path, help=h("monitor.scenario"))
    mon.add_argument("--generation", type=Path, required=True, help=h("monitor.generation"))
    mon.add_argument("--load", type=Path, default=None, help=h("monitor.load"))
    mon.add_argument("--weather", type=Path, default=None, help=h("monitor.weather"))
    mon.add_argument("--irradiance-column", default=None, help=h("monitor.irradiance_column"))
    mon.add_argument("--generation-units", default="auto",
                     choices=["auto", "kw", "kwh", "kwh_cumulative"],
                     help=h("monitor.generation_units"))
    mon.add_argument("--load-units", default="auto",
                     choices=["auto", "kw", "kwh", "kwh_cumulative"],
                     help=h("monitor.load_units"))
    mon.add_argument("--xlsx", type=Path, default=None, help=h("monitor.xlsx"))
    mon.add_argument("--pdf", type=Path, default=None, help=h("monitor.pdf"))
    mon.add_argument("--lang", default="zh", choices=["zh", "en"], help=h("monitor.lang"))
    mon.add_argument("--json", action="store_true", help=h("json"))
    mon.set_defaults(handler=_cmd_monitor)

    schema = h.parser(commands, "schema", "schema")
    schema.set_defaults(handler=_cmd_schema)
    return parser


def _json_text(payload: Any) -> str:
    """Strict JSON (NaN/inf -> null) of a payload, with the Result's one cleaner."""
    from pvplanner.result import json_safe  # numpy/pandas only once a command runs

    return json.dumps(json_safe(payload), ensure_ascii=False, indent=2)


def _print_json(payload: Any) -> None:
    print(_json_text(payload))


def _cmd_demo(args: argparse.Namespace) -> int:
    from pvplanner.pipeline import plan
    from pvplanner.scenario.model import demo_scenario

    result = plan(demo_scenario(), **_KPIS_ONLY)
    _emit_result(result, args.json, out=None)
    return EXIT_OK


def _cmd_plan(args: argparse.Namespace) -> int:
    from pvplanner.pipeline import plan
    from pvplanner.scenario.model import load_scenario

    _check_output(args.out, "--out")
    _check_distinct(outputs=(("--out", args.out),), inputs=(args.scenario,))
    result = plan(load_scenario(args.scenario), **_KPIS_ONLY)
    _emit_result(result, args.json, out=args.out)
    return EXIT_OK


#: ``plan`` and ``demo`` print or write :meth:`Result.to_dict` without its tables (and the
#: summary text): neither the NPV curve nor the tornado appears, so neither is computed (the
#: JSON's ``not_computed`` names them). ``report`` computes both for the proposal.
_KPIS_ONLY = {"with_npv_curve": False, "with_sensitivity": False}


def _emit_result(result, as_json: bool, out: Path | None) -> None:
    payload = result.to_dict()
    if out is not None:
        _write_text(out, _json_text(payload), "utf-8")
    if as_json:
        _print_json(payload)
    else:
        from pvplanner.display.terminal import plan_summary

        print(plan_summary(result, _locale_language()))


def _cmd_simulate(args: argparse.Namespace) -> int:
    from pvplanner.pv.single_array import simulate_single_array

    if args.weather is None and args.lon is None:
        raise _bad("lon_with_lat", "--lon is required with --lat")
    if args.weather is None:
        _check_place(args.lat, args.lon)
    simulation = simulate_single_array(
        weather_file=args.weather,
        latitude=args.lat,
        longitude=args.lon,
        source=args.source,
        tilt_deg=args.tilt,
        azimuth_deg=args.azimuth,
        capacity_kwp=args.capacity_kwp,
        dc_ac_ratio=args.dc_ac_ratio,
        losses_percent=args.losses_percent,
        mounting=args.mounting,
    )
    lang = _locale_language()
    fallback = _fallback_note(simulation.weather, args.source if args.weather is None else "",
                              lang)
    if fallback and (args.json or not sys.stdout.isatty()):
        # On stderr where stdout is JSON or goes to a file; a terminal reads it once, below.
        print(f"pvplanner: {_said('simulate.warning', message=fallback)}", file=sys.stderr)
    payload = simulation.to_dict()
    if args.json:
        _print_json(payload)
    else:
        from pvplanner.display.terminal import simulation_summary

        print(simulation_summary(simulation.simulation, simulation.weather, lang))
        if fallback:
            print(_said("simulate.warning", message=fallback))
    return EXIT_OK


def _fallback_note(meta: Any, requested: str, lang: str) -> str:
    """What to say in ``lang`` when synthetic weather replaced the source asked for ("" if
    it did not): the source's own note (why it was not fetched), else a plain statement."""
    from pvplanner.display.messages import render, translate
    from pvplanner.messages import weather_notes

    if not requested or requested == "synthetic" or meta.obtained != "synthetic":
        return ""
    said = [note for note in weather_notes(meta.to_dict())
            if note.key == "notes.weather.source.fallback"]
    if said:
        return render(said[-1], lang)
    return translate("cli.simulate.fallback", lang, source=requested)


def _check_output(path: Path | None, option: str) -> None:
    """Refuse an output path that cannot be written, before any work is done: a folder, or
    a place whose nearest existing folder is not writable."""
    if path is None:
        return
    if path.is_dir():
        raise _bad("folder", "{option} {path} is a folder; give the name of a file to write "
                   "in it", option=option, path=str(path))
    existing = next((folder for folder in path.parents if folder.exists()), None)
    if existing is not None and not (existing.is_dir() and os.access(existing, os.W_OK)):
        raise _bad("not_writable", "{option} {path}: {folder} is not a folder you can write "
                   "to; choose another place", option=option, path=str(path),
                   folder=str(existing))


def _same_file(first: Path, second: Path) -> bool:
    """True when two paths name one file: the same resolved path, or (both existing) the
    same file on disk (a link, another spelling)."""
    try:
        if first.exists() and second.exists():
            return first.samefile(second)
        return first.resolve() == second.resolve()
    except OSError:  # a path the system cannot follow: not provably the same
        return False


def _check_distinct(outputs: Iterable[tuple[str, Path | None]],
                    inputs: Iterable[Path | None]) -> None:
    """Refuse, before any work, two outputs written to one file (the second would replace
    the first) and an output that is one of the command's input files (it would be
    overwritten).

    Parameters
    ----------
    outputs : iterable of (str, Path or None)
        Each output's option (``--html``) and its path; None where it was not given.
    inputs : iterable of Path or None
        The files the command reads; None where one was not given.
    """
    given = [(option, path) for option, path in outputs if path is not None]
    for at, (option, path) in enumerate(given):
        for other, other_path in given[at + 1:]:
            if _same_file(path, other_path):
                raise _bad("same_output", "{first} and {second} name the same file {path}; "
                           "give each output its own file", first=option, second=other,
                           path=str(path))
        for source in inputs:
            if source is not None and _same_file(path, source):
                raise _bad("output_is_input", "{option} {path} is also the input {input}; "
                           "writing it would replace that input, so give another file name",
                           option=option, path=str(path), input=str(source))


def _check_folder(path: Path) -> None:
    """Refuse a ``--out`` folder that cannot be one, before any work is done: an existing
    file, or a place whose nearest existing folder is not writable."""
    if path.exists() and not path.is_dir():
        raise _bad("out_not_folder", "--out {path} is a file; give the name of a folder for "
                   "the batch's outputs", path=str(path))
    existing = next((folder for folder in (path, *path.parents) if folder.exists()), None)
    if existing is not None and not (existing.is_dir() and os.access(existing, os.W_OK)):
        raise _bad("not_writable", "{option} {path}: {folder} is not a folder you can write "
                   "to; choose another place", option="--out", path=str(path),
                   folder=str(existing))


def _check_place(latitude: float, longitude: float) -> None:
    """Refuse ``--lat``/``--lon`` that are no place on Earth, naming the option
    (:func:`weather.coordinates.check_coordinates` decides)."""
    from weather.coordinates import check_coordinates
    from weather.errors import WeatherInputError

    try:
        check_coordinates(latitude, longitude)
    except WeatherInputError as problem:
        values = problem.params
        option = {"latitude": "--lat", "longitude": "--lon"}[values["axis"]]
        if problem.key == "coordinates.outside":
            raise _bad("coordinate", "{option} {value:g} is outside -{limit:g}..{limit:g} "
                       "degrees; give decimal degrees, north and east positive", option=option,
                       value=values["value"], limit=values["limit"]) from None
        raise _bad("coordinate_not_finite", "{option} must be a finite number of degrees, got "
                   "{value}", option=option, value=str(values["value"])) from None


def _unwritable(problem: OSError, path: Path | str | None = None) -> Exception:
    from pvplanner.guard.files import os_reason

    where = problem.filename or path
    return _bad("cannot_write", "cannot write {path}: {reason}; choose a file in a folder you "
                "can write to", path=str(where), reason=os_reason(problem))


def _write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write an output file (creating its folder); a failure is a bad-input error naming it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding)
    except OSError as problem:
        raise _unwritable(problem, path) from None


@contextmanager
def _open_output(path: Path) -> Iterator[Any]:
    """An output text file open for writing (its folder created); an OSError while opening
    or writing becomes a bad-input error naming the file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            yield handle
    except OSError as problem:
        raise _unwritable(problem, path) from None


def _guard_writes(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function``, with an OSError (an output it could not write) turned into a bad-input
    error naming the file."""
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except OSError as problem:
            raise _unwritable(problem) from None

    return call


def _cmd_weather(args: argparse.Namespace) -> int:
    from weather.source import get_weather

    _check_place(args.lat, args.lon)
    _check_output(args.out, "--out")
    frame, meta = get_weather(args.lat, args.lon, args.source, fallback_to_synthetic=False)
    with _open_output(args.out) as handle:
        # The plain-CSV header comment that weather.readers reads back (documented there).
        dataset = meta.dataset.replace(",", " ").replace(";", " ")
        handle.write(
            f"# latitude={meta.latitude}, longitude={meta.longitude}, "
            f"elevation={meta.elevation_m}, utc_offset={meta.utc_offset_hours:g}, "
            f"dataset={dataset}\n"
        )
        handle.write("# units: ghi=W/m2, dni=W/m2, dhi=W/m2, temp_air=degC, wind_speed=m/s\n")
        frame.to_csv(handle, index_label="time", float_format="%.3f")
    from pvplanner.display.names import weather_dataset
    from pvplanner.display.terminal import weather_note_lines, weather_obtained

    lang = _locale_language()
    obtained = weather_obtained(meta, lang)
    print(_said("notices.wrote_weather", hours=len(frame), path=args.out, obtained=obtained,
                dataset=weather_dataset(meta.to_dict(), lang)), file=sys.stderr)
    for line in weather_note_lines(meta, lang):  # e.g. a climatology station far away
        print(line, file=sys.stderr)
    return EXIT_OK


def _cmd_load_inspect(args: argparse.Namespace) -> int:
    from pvplanner.display.messages import translate
    from pvplanner.display.terminal import inspection_summary
    from pvplanner.load import inspect_meter_file
    from pvplanner.pipeline import scenario_tariff, site_utc_offset_hours
    from pvplanner.scenario.model import load_scenario
    from pvplanner.tariff import load_tariff_preset, price_series
    from weather.timeaxis import standard_utc_offset_hours, typical_year_index

    if args.file.is_dir():
        raise _bad("meter_folder", "meter file {path} is a folder, not a file; give the meter "
                   "export inside it", path=str(args.file))
    if args.file.exists() and not args.file.is_file():
        raise _bad("meter_not_regular", "meter file {path} is not a regular file (a device or "
                   "a pipe); give a meter export saved on disk", path=str(args.file))
    if not args.file.is_file():
        raise _bad("no_meter_file", "meter file {path} does not exist", path=str(args.file))
    if (args.lat is None) != (args.lon is None):
        raise _bad("lat_lon_pair", "give both --lat and --lon (the site's coordinates), or "
                   "neither")
    if args.lat is not None:
        _check_place(args.lat, args.lon)
    scenario = load_scenario(args.scenario) if args.scenario is not None else None
    # Where the time zone and the tariff came from: a key of cli.inspect.origin.
    if args.lat is not None:
        offset, offset_from = standard_utc_offset_hours(args.lat, args.lon), "option_lat_lon"
    elif scenario is not None:
        offset, offset_from = site_utc_offset_hours(scenario), "scenario_site"
    else:
        offset, offset_from = 8.0, "default_china"
    if args.tariff:
        tariff, tariff_from = load_tariff_preset(args.tariff), "option_tariff"
    elif scenario is not None:
        tariff, tariff_from = scenario_tariff(scenario), "scenario"
    else:  # no site, no tariff: the tariff follows a site, so the load is not priced
        tariff, tariff_from = None, "none"
    prices = price_series(tariff, typical_year_index(offset, 60)) if tariff else None
    priced = {} if tariff is None or prices is None else {
        "price_per_kwh": prices["import_price_per_kwh"], "periods": prices["period"],
        "currency": tariff.currency,
        # as the app's load page prices peak shaving (it was left unpriced here)
        "demand_charge_per_kw_month": tariff.peak_demand_rate_per_kw_month}
    report = inspect_meter_file(args.file, units=args.units, include_heatmap=args.json,
                                utc_offset_hours=offset, **priced)
    origin = partial(translate, lang="en")
    report["tariff"] = {"id": None if tariff is None else tariff.id,
                        "name": None if tariff is None else tariff.name,
                        "name_zh": None if tariff is None else tariff.name_zh or None,
                        "status": None if tariff is None else tariff.status,
                        "from": origin(f"cli.inspect.origin.{tariff_from}")}
    report["utc_offset_hours"] = {"value": offset,
                                  "from": origin(f"cli.inspect.origin.{offset_from}")}
    if args.json:
        _print_json(report)
    else:
        print(inspection_summary(report, _locale_language(), offset_origin=offset_from,
                                 tariff_origin=tariff_from))
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from pvplanner.pipeline import plan
    from pvplanner.report import write_reports
    from pvplanner.scenario.model import load_scenario

    if not (args.html or args.pdf or args.xlsx):
        raise _bad("no_output", "name at least one output: --html FILE, --pdf FILE or "
                   "--xlsx FILE")
    outputs = (("--html", args.html), ("--pdf", args.pdf), ("--xlsx", args.xlsx))
    for option, path in outputs:
        _check_output(path, option)
    _check_distinct(outputs=outputs, inputs=(args.scenario,))
    scenario = load_scenario(args.scenario)
    lang = _report_language(args.lang, scenario.site.country)
    # The proposal shows the tornado, not the NPV-versus-capacity curve: the curve is not
    # drawn (with a battery it costs as much as the sizing; 23 s of a 15-minute plan).
    result = plan(scenario, with_npv_curve=False)
    written = _guard_writes(write_reports)(result, html=args.html, pdf=args.pdf, xlsx=args.xlsx, lang=lang)
    for path in written:
        print(_said("notices.wrote", path=path), file=sys.stderr)
    return EXIT_OK


def _locale_language() -> str:
    """``zh`` or ``en``: the language of the operator's locale (LC_ALL, LC_MESSAGES, LANG)."""
    from pvplanner.display.messages import default_language

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(name):
            return default_language(os.environ[name])
    return "en"


def _report_language(asked: str | None, country: str | None) -> str:
    """The proposal's language: ``--lang``, else Chinese for a site in China, else the
    locale's; says which on stderr (in the operator's language)."""
    from pvplanner.display.messages import LANGUAGE_NAMES, translate

    operator = _locale_language()
    if asked:
        lang, reason = asked, "option"
    elif (country or "").strip().upper() in ("CN", "CHN", "CHINA", "中国"):
        lang, reason = "zh", "site"
    else:
        lang, reason = operator, "locale"
    print(translate("cli.report.language", operator, language=LANGUAGE_NAMES[lang], code=lang,
                    reason=translate(f"cli.report.reasons.{reason}", operator)),
          file=sys.stderr)
    return lang


def _cmd_batch(args: argparse.Namespace) -> int:
    """Plan the sites file; write the machine tables, and next to them the workbook for a
    reader in the operator's language, which the summary names."""
    from pvplanner.batch.output import add_readable_workbook
    from pvplanner.batch.run import run_batch
    from pvplanner.display.messages import translate

    _check_folder(args.out)
    lang = _locale_language()
    summary = run_batch(
        args.sites, args.out, scheduler=args.scheduler, workers=args.workers, progress=True,
        aggregate_days=args.aggregate, lang=lang,
    )
    summary = _guard_writes(add_readable_workbook)(summary, lang)
    if args.json:
        _print_json(summary)
    else:
        from pvplanner.display.terminal import batch_summary

        print(batch_summary(summary, lang))
        print(translate("portfolio.cli_readable", lang, path=summary["files"]["readable_xlsx"]))
    # Sites that failed are part of a completed run (their rows say why; the summary and
    # summary.json count them): the command succeeded (data/batch/README.md).
    return EXIT_OK


def _cmd_monitor(args: argparse.Namespace) -> int:
    from pvplanner.monitor import monitor, write_monitor_xlsx
    from pvplanner.scenario.model import load_scenario

    for option, path in (("--generation", args.generation), ("--load", args.load),
                         ("--weather", args.weather)):
        if path is not None and not path.is_file():
            raise _bad("not_a_file", "{option} {path} does not exist or is not a file",
                       option=option, path=str(path))
    if args.irradiance_column is not None and args.weather is None:
        raise _bad("irradiance_without_weather", "--irradiance-column names a column of the "
                   "--weather file; give --weather FILE too, or leave --irradiance-column out")
    outputs = (("--xlsx", args.xlsx), ("--pdf", args.pdf))
    for option, path in outputs:
        _check_output(path, option)
    _check_distinct(outputs=outputs,
                    inputs=(args.scenario, args.generation, args.load, args.weather))
    found = monitor(
        load_scenario(args.scenario), generation=args.generation, load=args.load,
        weather=args.weather, generation_units=args.generation_units,
        load_units=args.load_units, irradiance_column=args.irradiance_column,
    )
    if args.xlsx is not None:
        _guard_writes(write_monitor_xlsx)(found, args.xlsx, lang=args.lang)
        print(_said("notices.wrote", path=args.xlsx), file=sys.stderr)
    if args.pdf is not None:
        from pvplanner.report.monitor_report import write_monitor_pdf

        _guard_writes(write_monitor_pdf)(found, args.pdf, lang=args.lang)
        print(_said("notices.wrote", path=args.pdf), file=sys.stderr)
    if args.json:
        _print_json(found.to_dict())
    else:
        from pvplanner.display.terminal import monitor_summary

        lang = _locale_language()
        print(monitor_summary(found.to_dict(lang), lang))
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from pvplanner.scenario.model import scenario_json_schema

    _print_json(scenario_json_schema())
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
