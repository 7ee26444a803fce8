"""The one number formatter of app and proposal (pvplanner.display.numbers)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from pvplanner.app.fmt import Fmt
from pvplanner.display.messages import LANGUAGES
from pvplanner.display.numbers import NumberFormat, sensible_decimals
from pvplanner.errors import PlannerInputError


@pytest.mark.parametrize("lang, yes, no", [("en", "yes", "no"), ("zh", "是", "否")])
def test_a_boolean_is_yes_or_no_never_money(lang, yes, no):
    f = NumberFormat(lang, "CNY")
    for method in (f.money, f.number, f.percent, f.price, f.kwh, f.tco2, f.years, f.count,
                   f.money_compact, f.energy, f.boolean):
        assert method(True) == yes, method.__name__
        assert method(False) == no, method.__name__
        assert method(np.bool_(True)) == yes, method.__name__
    assert f.unit(True, "kWh") == yes
    assert f.money_wan(True) == ""
    assert f.boolean(None) == f.na


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_negative_zero_anywhere(lang):
    f = NumberFormat(lang, "CNY")
    for text in (f.number(-0.0001, 2), f.number(-0.4), f.money(-0.3), f.money_compact(-0.04),
                 f.percent(-0.00001), f.percent_value(-0.04), f.tco2(-0.0004), f.kwh(-0.2),
                 f.energy(-0.3), f.years(-0.01), f.price(-0.00001), f.compact(-0.3)):
        assert not re.search(r"-[¥A-Z ]*0([.,]0*)?(?!\d)", text), text
    assert f.money(-1500).startswith("-")  # a real minus stays


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", {"tco2": "1,615 tCO2", "small": "45.3 tCO2", "tiny": "0.46 tCO2",
            "energy": "2.85 GWh", "mwh": "45 MWh", "kwh": "2,845,465 kWh",
            "percent": "45.7%", "percent_value": "14.1%", "years": "8.3 years",
            "kwp": "3,041.8 kWp", "price": "CNY 0.415/kWh", "cheap": "CNY 0.0456/kWh",
            "money": "-CNY 1,500", "compact": "CNY 4.42M", "count": "2,845", "na": "n/a"}),
    ("zh", {"tco2": "1,615 tCO2", "small": "45.3 tCO2", "tiny": "0.46 tCO2",
            "energy": "284.5万 kWh", "mwh": "4.5万 kWh", "kwh": "2,845,465 kWh",
            "percent": "45.7%", "percent_value": "14.1%", "years": "8.3 年",
            "kwp": "3,041.8 kWp", "price": "¥0.415/kWh", "cheap": "¥0.0456/kWh",
            "money": "-¥1,500", "compact": "¥442.1万", "count": "2,845 张", "na": "—"}),
])
def test_sensible_precision_and_units_in_both_languages(lang, expected):
    f = NumberFormat(lang, "CNY")
    got = {"tco2": f.tco2(1615.04), "small": f.tco2(45.31), "tiny": f.tco2(0.4567),
           "energy": f.energy(2_845_465), "mwh": f.energy(45_000), "kwh": f.kwh(2_845_465.4),
           "percent": f.percent(0.4567), "percent_value": f.percent_value(14.08),
           "years": f.years(8.31), "kwp": f.kwp(3041.775), "price": f.price(0.4153),
           "cheap": f.price(0.0456), "money": f.money(-1500), "compact": f.money_compact(4420862),
           "count": f.count(2845.2), "na": f.money(None)}
    assert got == expected
    assert "2,845.465" not in f.energy(2_845_465) and ".0 tCO2" not in f.tco2(1615.0)


def test_sensible_decimals():
    assert [sensible_decimals(v) for v in (1615.0, 100.0, 99.4, 45.3, 3.21, 0.456, 0.0)] == [
        0, 0, 1, 1, 2, 2, 0]
    assert sensible_decimals(float("nan")) == 0


def test_app_and_report_format_alike():
    """The app's Fmt is the shared formatter; only the CO2 symbol differs (screen vs PDF font)."""
    for lang in LANGUAGES:
        app, report = Fmt(lang, "CNY"), NumberFormat(lang, "CNY")
        for value in (1234567.4, -9876.5, 0.4153, -0.0001, None, float("nan"), True):
            for name in ("number", "money", "money_compact", "price", "percent", "energy", "kwp",
                         "years", "kwh", "count", "money_wan"):
                assert getattr(app, name)(value) == getattr(report, name)(value), (lang, name)
            assert app.tco2(value).replace("tCO₂", "tCO2") == report.tco2(value)
    assert Fmt("fr").lang == "en"  # the app falls back; the report refuses
    with pytest.raises(PlannerInputError) as info:
        NumberFormat("fr")
    assert info.value.field == "lang"


def test_money_axis_follows_language_and_currency():
    assert NumberFormat("zh", "CNY").money_axis() == (1e4, "万元")
    assert NumberFormat("en", "CNY").money_axis() == (1e3, "thousand CNY")
    assert NumberFormat("zh", "USD").money_axis() == (1e3, "千USD")
