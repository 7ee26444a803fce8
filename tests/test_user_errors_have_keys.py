"""Every user error speaks both languages.

A user error (:data:`pvplanner.errors.USER_ERRORS`: ``PlannerInputError`` and its subclasses)
is raised with a :class:`~pvplanner.messages.Message` whose key is in the catalogue
(``data/i18n/errors.toml``), so :func:`pvplanner.display.messages.render` can show it in
Chinese. A plain string or an f-string would reach a Chinese reader in English. These tests
read the source with :mod:`ast` to find such calls, check that every ``errors.*`` key the code
names exists in both languages, and raise a few errors for real to see both languages.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from pvplanner.display.messages import catalogue, render
from pvplanner.errors import LoadFileError, PlannerInputError, TariffError

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pvplanner"

#: The exceptions whose first argument a user reads.
USER_ERROR_CLASSES = frozenset(
    {"PlannerInputError", "LoadFileError", "TariffError", "InfeasibleScenarioError"})


_CJK = re.compile(r"[\u4e00-\u9fff]")


# --------------------------------------------------------------------------- the scan


def _class_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_message(node: ast.expr) -> bool:
    """``Message.of(...)`` or ``Message(...)``."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "of":
        return _class_name(func.value) == "Message"
    return _class_name(func) == "Message"


class _Scope:
    """The names a function (or the module) binds, and the values bound to each."""

    def __init__(self, body: ast.AST) -> None:
        self.values: dict[str, list[ast.expr]] = {}
        for node in ast.walk(body):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.values.setdefault(target.id, []).append(node.value)
            elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
                if isinstance(node.target, ast.Name):
                    self.values.setdefault(node.target.id, []).append(node.value)


def _is_plain_text(node: ast.expr, scope: _Scope, seen: frozenset[str] = frozenset()) -> bool:
    """A string built without a catalogue key: a literal, an f-string, ``%``/``+`` on
    strings, ``.format``/``.join``/``str()``, or a name bound to one of those."""
    if _is_message(node):
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _is_plain_text(node.left, scope, seen) or _is_plain_text(node.right, scope, seen)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("format", "join"):
            return isinstance(func.value, ast.Constant | ast.JoinedStr) or _is_plain_text(
                func.value, scope, seen)
        return isinstance(func, ast.Name) and func.id == "str"
    if isinstance(node, ast.IfExp):
        return _is_plain_text(node.body, scope, seen) or _is_plain_text(node.orelse, scope, seen)
    if isinstance(node, ast.BoolOp):
        return any(_is_plain_text(value, scope, seen) for value in node.values)
    if isinstance(node, ast.Name) and node.id not in seen:
        return any(_is_plain_text(value, scope, seen | {node.id})
                   for value in scope.values.get(node.id, ()))
    return False  # a call's result, an attribute: not a string built here


def _user_error_calls(tree: ast.Module) -> Iterator[tuple[ast.Call, _Scope]]:
    """Every call of a user-error class, with the scope of the function it is in."""
    def visit(node: ast.AST, scope: _Scope) -> Iterator[tuple[ast.Call, _Scope]]:
        for child in ast.iter_child_nodes(node):
            inner = (_Scope(child) if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
                     else scope)
            if isinstance(child, ast.Call) and _class_name(child.func) in USER_ERROR_CLASSES:
                yield child, inner
            yield from visit(child, inner)

    yield from visit(tree, _Scope(tree))


def _plain_text_errors(source: str) -> tuple[int, list[tuple[int, str]]]:
    """How many user-error calls ``source`` makes, and (line, argument) of those whose first
    argument is plain text."""
    calls, plain = 0, []
    for call, scope in _user_error_calls(ast.parse(source)):
        calls += 1
        if call.args and _is_plain_text(call.args[0], scope):
            plain.append((call.lineno, ast.unparse(call.args[0])[:90]))
    return calls, plain


def _package_files() -> Iterator[tuple[str, str]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_the_scan_tells_plain_text_from_messages():
    source = '''
def f(x, problem):
    text = f"bad {x}"
    keyed = Message.of("errors.a.b", "bad {x}", x=x)
    raise PlannerInputError("plain")
    raise LoadFileError(f"bad {x}")
    raise TariffError("a %s" % x)
    raise errors.PlannerInputError("a " + str(x))
    raise PlannerInputError("bad {}".format(x))
    raise PlannerInputError(text, field="x")
    raise PlannerInputError(problem or f"bad {x}")
    raise PlannerInputError(keyed)
    raise PlannerInputError(Message.of("errors.a.b", "bad {x}", x=x))
    raise InfeasibleScenarioError(keyed if x else Message("errors.a.c", "c"))
    raise PlannerInputError(why_it_failed(x))
'''
    calls, plain = _plain_text_errors(source)
    assert calls == 11
    assert [line for line, _ in plain] == [5, 6, 7, 8, 9, 10, 11]


def test_no_user_error_is_raised_with_plain_text():
    total, found = 0, []
    for name, source in _package_files():
        calls, plain = _plain_text_errors(source)
        total += calls
        found += [f"{name}:{line}: {text}" for line, text in plain]
    assert total > 100, f"the scan saw only {total} user-error calls: is it broken?"
    assert not found, "user errors raised with plain text (use Message.of and a key in " \
                      "data/i18n/errors.toml):\n" + "\n".join(found)


# --------------------------------------------------------------------------- the keys


def _keyed_messages() -> Iterator[tuple[str, int, str, str | None, set[str] | None]]:
    """(file, line, key, English template, keyword names) of every ``Message.of`` and
    ``Message`` with a literal ``errors.`` key; keyword names None when ``**`` is passed."""
    for name, source in _package_files():
        for node in ast.walk(ast.parse(source)):
            rule = _rule_call(node)
            if rule is not None:
                yield (name, node.lineno, *rule)
                continue
            if not (_is_message(node) and isinstance(node, ast.Call) and node.args):
                continue
            key = node.args[0]
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)
                    and key.value.startswith("errors.")):
                continue
            template = node.args[1] if len(node.args) > 1 else None
            english = (template.value if isinstance(template, ast.Constant)
                       and isinstance(template.value, str) else None)
            keywords = {k.arg for k in node.keywords}
            is_of = isinstance(node.func, ast.Attribute)
            yield (name, node.lineno, key.value, english if is_of else None,
                   None if None in keywords or not is_of else keywords)


def _rule_call(node: ast.AST) -> tuple[str, str | None, set[str] | None] | None:
    """(key, English template, keyword names) of a ``rule_broken("name", "English", ...)``
    call (pvplanner.scenario.rules: key ``errors.scenario.rules.<name>``), else None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "rule_broken" and len(node.args) >= 2
            and isinstance(node.args[0], ast.Constant)):
        return None
    template = node.args[1]
    english = (template.value if isinstance(template, ast.Constant)
               and isinstance(template.value, str) else None)
    keywords = {k.arg for k in node.keywords}
    return (f"errors.scenario.rules.{node.args[0].value}", english,
            None if None in keywords else keywords)


def test_scenario_rules_raise_keyed_errors_not_plain_value_errors():
    """A scenario model's rule is shown next to its input in the reader's language: it
    raises rule_broken(...) (a keyed PlannerInputError pydantic keeps), never a ValueError
    with English text."""
    found, rules = [], 0
    for name, source in _package_files():
        if not name.startswith("pvplanner/scenario/"):
            continue
        for node in ast.walk(ast.parse(source)):
            rules += _rule_call(node) is not None
            if (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                    and _class_name(node.exc.func) == "ValueError"):
                found.append(f"{name}:{node.lineno}")
    assert rules >= 15, f"only {rules} rule_broken calls found: is the scan broken?"
    assert not found, found


def test_a_scenario_rule_reads_in_chinese_at_its_input():
    from pvplanner.scenario.model import demo_scenario, parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document["battery"]["min_power_kw"] = 5000.0
    with pytest.raises(PlannerInputError) as info:
        parse_scenario(document)
    # The rule names the input to change (the app shows the message there, the command
    # line names it), and its English is words, not the scenario's keys.
    assert info.value.field == "battery.min_power_kw"
    assert render(info.value, "zh") == "方案输入有误：储能最小功率大于最大功率，请调整"
    assert render(info.value, "en") == ("invalid scenario: battery.min_power_kw: the battery's "
                                        "smallest power (kW) exceeds its largest")


@pytest.mark.parametrize(("section", "change", "field"), [
    ("load", {"kind": "meter_file", "meter_file": None}, "load.meter_file"),
    ("load", {"kind": "bills", "monthly_kwh": [-1.0] + [1.0] * 10 + [-2.0]}, "load.monthly_kwh"),
    ("constraints", {"min_total_kwp": 10.0, "max_total_kwp": 5.0}, "constraints.min_total_kwp"),
    ("battery", {"min_energy_kwh": 10.0, "max_energy_kwh": 5.0}, "battery.min_energy_kwh"),
])
def test_a_scenario_rule_names_the_input_to_change(section, change, field):
    from pvplanner.scenario.model import demo_scenario, parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document[section].update(change)
    with pytest.raises(PlannerInputError) as info:
        parse_scenario(document)
    assert info.value.field == field
    english = render(info.value, "en")
    assert english.startswith(f"invalid scenario: {field}: ")
    # the key is said once, where the field is named, not again in the sentence
    assert english.count(field.split(".")[-1]) == 1, english
    assert "." not in render(info.value, "zh").replace("。", "")


def test_months_out_of_range_are_listed_in_the_readers_language():
    from pvplanner.scenario.model import demo_scenario, parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document["load"].update(kind="bills", monthly_kwh=[-1.0] + [1.0] * 10 + [-2.0])
    with pytest.raises(PlannerInputError) as info:
        parse_scenario(document)
    assert "第 1、12 月的用电量超出 0 至 10 亿 kWh 的范围" in render(info.value, "zh")
    assert "the consumption must be between 0 and 1,000,000,000 kWh; months outside that: 1, 12" in \
        render(info.value, "en")


def _placeholders(text: str) -> set[str]:
    return {re.split(r"[.\[]", name)[0]
            for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_error_key_in_the_code_is_in_the_catalogue_in_both_languages():
    messages = catalogue()
    seen, problems = 0, []
    for name, line, key, english, keywords in _keyed_messages():
        seen += 1
        entry = messages.get(key)
        if entry is None or not entry.get("en") or not entry.get("zh"):
            problems.append(f"{name}:{line}: {key} is not in the catalogue in en and zh")
            continue
        if english is not None and english != entry["en"]:
            problems.append(f"{name}:{line}: {key}: the English differs from the catalogue's")
        for lang in ("en", "zh"):
            text = entry[lang]
            missing = _placeholders(text) - keywords if isinstance(text, str) and keywords \
                is not None else set()
            if missing:
                problems.append(f"{name}:{line}: {key} ({lang}) needs {sorted(missing)}")
    assert seen > 300, f"only {seen} keyed errors found: is the scan broken?"
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- for real


def _both(exc: BaseException) -> tuple[str, str]:
    chinese = render(exc, "zh")
    assert _CJK.search(chinese), chinese
    assert getattr(exc, "key", "").startswith("errors."), exc
    return str(exc), chinese


def test_discount_rate():
    from pvplanner.finance.metrics import npv

    with pytest.raises(PlannerInputError) as info:
        npv(-2.0, [-100.0, 60.0, 60.0])
    english, chinese = _both(info.value)
    assert english == "discount rate must be > -1, got -2.0"
    assert chinese == "折现率应大于 -1，当前为 -2.0"
    assert info.value.field == "discount_rate"


def test_implied_factor_needs_generation():
    from pvplanner.carbon.implied import implied_factor_tco2_per_mwh

    with pytest.raises(PlannerInputError) as info:
        implied_factor_tco2_per_mwh(10.0, 0.0)
    english, chinese = _both(info.value)
    assert english == "generation must be a finite number > 0 MWh, got 0.0"
    assert "发电量" in chinese and "0.0" in chinese


def test_annual_consumption_must_be_positive():
    from pvplanner.load.templates import load_from_annual_kwh

    with pytest.raises(PlannerInputError) as info:
        load_from_annual_kwh(-5, "one_day_shift")
    english, chinese = _both(info.value)
    assert english == "annual consumption -5 kWh must be a positive number"
    assert chinese == "年用电量 -5 kWh 应为正数"
    assert info.value.field == "annual_kwh"


def test_site_latitude_out_of_range():
    from pvplanner.pv.models import validate_site

    with pytest.raises(PlannerInputError) as info:
        validate_site(95, 120.0, 10.0)
    english, chinese = _both(info.value)
    assert english == "site.latitude = 95 is outside -90..90"
    assert chinese == "site.latitude = 95 超出 -90..90 的范围"


def test_racks_on_a_pitched_roof_keep_their_key_through_pydantic():
    from pvplanner.pv.models import pv_default, validate_planes

    with pytest.raises(PlannerInputError) as info:
        validate_planes([{"name": "A", "area_m2": 500.0, "mounting": "tilted_rows",
                          "tilt_deg": 30.0}])
    english, chinese = _both(info.value)
    limit = pv_default("roof_plane", "max_roof_tilt_for_racks_deg")
    # The racks by their name on the site page, not their key.
    assert english == (f"roof.planes[0].tilt_deg: South racks stand on flat roofs: the roof's "
                       f"tilt must be at most {limit:g}°; mount the modules flush on a pitched "
                       "roof (got 30.0)")
    assert "支架只能安装在平屋面上" in chinese and "30.0" in chinese
    assert info.value.field == "roof.planes[0].tilt_deg"


def test_a_roof_planes_bound_error_carries_its_numbers():
    from pvplanner.pv.models import validate_planes

    with pytest.raises(PlannerInputError) as info:
        validate_planes([{"name": "A", "area_m2": 500.0, "tilt_deg": 95.0}])
    assert info.value.message.params["limit_number"] == 90.0
    assert info.value.message.params["input_number"] == 95.0
    with pytest.raises(PlannerInputError) as info:
        validate_planes([{"name": "A", "area_m2": "lots"}])
    assert "（当前为“lots”）" in _both(info.value)[1]


def test_meter_units_choice():
    from pvplanner.load.meter.reader import read_meter_file

    rows = "\n".join(f"2025-01-01 {h:02d}:00,{10 + h}" for h in range(24))
    with pytest.raises(LoadFileError) as info:
        read_meter_file(f"time,kW\n{rows}\n".encode(), filename="meter.csv", units="watts")
    english, chinese = _both(info.value)
    assert english == "units='watts' is not one of 'auto', 'kw', 'kwh', 'kwh_cumulative'"
    assert "无效" in chinese and "'watts'" in chinese


def test_schedule_gap_names_the_season_and_day_in_chinese():
    from pvplanner.tariff import load_tariff_preset, parse_tariff

    data = load_tariff_preset("zhejiang_2026_general_ci").model_dump()
    data["seasons"][1]["workday"].pop()  # drop flat 23:00-24:00
    with pytest.raises(TariffError) as info:
        parse_tariff(data)
    english, chinese = _both(info.value)
    assert english == ("season 'summer_winter', workday: 23:00-24:00 is not covered; the "
                       "schedule must cover 24 h")
    assert chinese == ("季节 'summer_winter' 的工作日：23:00-24:00 没有指定时段；分时时段必须"
                       "覆盖全天 24 h")


def test_sites_header_problems_in_both_languages():
    from pvplanner.batch.sites import parse_sites

    with pytest.raises(PlannerInputError) as info:
        parse_sites(b"name,lat,lon,roof_aera_m2\nA,30,120,500\n", origin="sites.csv")
    english, chinese = _both(info.value)
    assert english.startswith("sites.csv: bad header: unknown column 'roof_aera_m2' (did you "
                               "mean roof_area_m2")
    assert chinese.startswith("sites.csv：表头有误：未知的列 'roof_aera_m2'（是否为 roof_area_m2")


def test_tariff_time_index_type():
    from pvplanner.tariff import load_tariff_preset
    from pvplanner.tariff.schedule import tariff_periods

    tariff = load_tariff_preset("zhejiang_2026_general_ci")
    with pytest.raises(TariffError) as info:
        tariff_periods(tariff, pd.RangeIndex(24))
    english, chinese = _both(info.value)
    assert english == "the time index must be a pandas.DatetimeIndex, got RangeIndex"
    assert chinese == "时间索引应为 pandas.DatetimeIndex，当前为 RangeIndex"


def test_every_kind_of_the_optimizers_diagnosis_is_worded_in_both_languages():
    """solver.api words a conflict's facts in English only; pvplanner's catalogue has each
    kind with the solver's English and the same placeholders in Chinese."""
    from solver.api import FACT_TEXTS

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    words = catalogue()
    for kind, english in FACT_TEXTS.items():
        entry = words[f"errors.plan.fact.{kind}"]
        assert entry["en"] == english, kind
        assert fields(entry["zh"]) == fields(english), kind
    for relation in ("alone", "alone_hint", "pair", "pair_hint", "together"):
        assert f"errors.plan.conflict.{relation}" in words


def test_a_choice_lists_its_options_in_the_readers_list_words():
    """pydantic writes ``'a', 'b' or 'c'``: the Chinese lists the same options with 、 and 或."""
    from pvplanner.pv.models import validate_planes
    from pvplanner.scenario.model import demo_scenario, parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document["load"]["kind"] = "meter"
    with pytest.raises(PlannerInputError) as info:
        parse_scenario(document)
    english, chinese = _both(info.value)
    assert english.startswith("invalid scenario: load.kind: must be one of 'bills', "
                              "'annual' or 'meter_file' (got 'meter')"), english
    assert chinese.startswith("方案输入有误：应为以下之一：'bills'、'annual' 或 'meter_file'"
                              "（当前为“meter”）"), chinese
    with pytest.raises(PlannerInputError) as info:
        validate_planes([{"name": "A", "area_m2": 500.0, "mounting": "hanging"}])
    english, chinese = _both(info.value)
    assert " or " in english and " or " not in chinese and " 或 " in chinese, chinese


def test_every_problem_of_a_document_is_listed_in_both_languages_and_counted_in_the_app():
    """A file's writer mends all its problems at once; the Chinese had said only the first
    and "另有 3 处输入有误". The app, which shows the first at its input, counts the rest."""
    from pvplanner.app.field_names import at_its_input
    from pvplanner.scenario.model import demo_scenario, parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document["roof_planes"][0]["area_m2"] = 1e15
    document["roof_planes"][1]["tilt_deg"] = 95
    document["battery"]["allowed"] = "也许"
    document["finance"]["pv_capex_per_kwp"] = "99999999"
    with pytest.raises(PlannerInputError) as info:
        parse_scenario(document)
    zh = render(info.value, "zh")
    # Large numbers with separators, not 10000000.0 or 1e+15; a typed text in quotes.
    assert zh.startswith("方案输入有误：应不大于 10,000,000（当前为 1,000,000,000,000,000）；"
                         "另有 3 处输入有误："), zh
    assert "roof_planes[1].tilt_deg：应不大于 90.0（当前为 95）" in zh
    assert "battery.allowed：应为“是”或“否”（当前为“也许”）" in zh
    assert "finance.pv_capex_per_kwp：应不大于 100000.0（当前为“99999999”）" in zh
    assert "roof_planes[0].area_m2: must be at most 10,000,000 (got 1,000,000,000,000,000)" \
        in render(info.value, "en")
    shown = at_its_input(info.value.message)
    assert render(shown, "zh") == ("方案输入有误：应不大于 10,000,000（当前为 "
                                   "1,000,000,000,000,000）；另有 3 处输入有误")
    assert render(shown, "en") == ("invalid scenario: must be at most 10,000,000 (got "
                                   "1,000,000,000,000,000); other inputs that need attention: 3")


@pytest.mark.parametrize(("typed", "value"), [("是", True), ("否", False), (" 是 ", True),
                                              ("true", True), ("no", False)])
def test_yes_and_no_in_chinese_are_answers_to_a_yes_no_field(typed, value):
    """The Chinese error asks for “是” or “否”: a sites table's cell or a scenario file may say
    so (the app's box is a checkbox)."""
    from pvplanner.scenario.model import demo_scenario, parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document["battery"]["allowed"] = typed
    document["battery"]["grid_charging"] = typed
    document["pv"]["spectral_correction"] = typed
    parsed = parse_scenario(document)
    assert parsed.battery.allowed is value and parsed.battery.grid_charging is value
    assert parsed.pv.spectral_correction is value


@pytest.mark.parametrize(("rate", "hinted"), [(8, True), (60, False), (0.8, False), (200, False)])
def test_a_per_cent_typed_into_a_fraction_is_told_how_to_write_it(rate, hinted):
    """discount_rate = 8 (meaning 8 %) against "at most 0.5": the error says 0.08; 60 % would
    still be too high, 0.8 is no per cent, 200 no rate."""
    from pvplanner.scenario.model import demo_scenario, parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document["finance"]["discount_rate"] = rate
    with pytest.raises(PlannerInputError) as info:
        parse_scenario(document)
    chinese, english = render(info.value, "zh"), render(info.value, "en")
    assert ("此项为小数：8% 应写作 0.08" in chinese) is hinted, chinese
    assert ("a fraction: 8% is written 0.08" in english) is hinted, english
    assert ("应写作" in chinese) is hinted


def test_no_per_cent_hint_where_the_field_is_no_rate():
    """A ground coverage ratio of 1.5 is no per cent: no "1.5% is written 0.015"."""
    from pvplanner.scenario.model import demo_scenario, parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document["roof_planes"][2]["gcr"] = 1.5
    with pytest.raises(PlannerInputError) as info:
        parse_scenario(document)
    assert "written" not in render(info.value, "en") and "应写作" not in render(info.value, "zh")


def test_an_unknown_key_away_from_its_input_keeps_its_name():
    """Under the roof table or the upload, an unknown key is named by its key in the file (it
    read "roof plane 2: is not a field of a scenario", the key dropped)."""
    from pvplanner.app.field_names import name_the_field
    from pvplanner.scenario.model import demo_scenario, parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document["roof_planes"][1]["shade"] = True
    with pytest.raises(PlannerInputError) as info:
        parse_scenario(document)
    named = name_the_field(info.value.field, info.value.message)
    assert render(named, "en").startswith(
        "invalid scenario: roof_planes[1].shade: is not a field")
    assert render(named, "zh").startswith("方案输入有误：“roof_planes[1].shade”不是方案中的字段")
    document = demo_scenario().model_dump(mode="json")
    document["finance"]["bar"] = 1
    with pytest.raises(PlannerInputError) as info:
        parse_scenario(document)
    named = name_the_field(info.value.field, info.value.message)
    assert render(named, "en").startswith("invalid scenario: finance.bar: is not a field")


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "must be one of “Flush”, “South racks” or “East-west racks” (got 'diagonal')"),
    ("zh", "应为以下之一：“平铺”、“朝南支架”或“东西向支架”（当前为“diagonal”）"),
])
def test_a_choice_the_app_shows_lists_its_options_by_their_names(lang, expected):
    """An opened file's unknown mounting listed 'flush', 'tilted_rows' or 'east_west': the
    ids, not the names the site page offers."""
    from pvplanner.app.field_names import at_its_input, name_the_field
    from pvplanner.scenario.model import demo_scenario, parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document["roof_planes"][0]["mounting"] = "diagonal"
    with pytest.raises(PlannerInputError) as info:
        parse_scenario(document)
    for shown in (name_the_field(info.value.field, info.value.message),
                  at_its_input(info.value.message, info.value.field)):
        assert render(shown, lang).endswith(expected), render(shown, lang)
        assert "tilted_rows" not in render(shown, lang)
