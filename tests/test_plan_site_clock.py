"""A site whose time zone is set apart from its place's (a Xinjiang plant on its own
clock, a typo) plans on its own clock: the weather year is read there in whole steps, the
same sunshine at the same instants, and the plan says so; a shift the weather's steps
cannot make is refused in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pvplanner.display.messages import render
from pvplanner.errors import PlannerInputError
from pvplanner.pipeline import plan
from pvplanner.scenario.model import demo_scenario, parse_scenario
from weather.timeaxis import on_utc_offset, typical_year_index


def _plan(offset: float | None):
    document = demo_scenario().model_dump(mode="json")
    document["site"]["utc_offset_hours"] = offset
    return plan(parse_scenario(document), with_npv_curve=False)


def test_a_site_an_hour_east_of_its_weather_gets_the_same_sun_an_hour_later_on_its_clock():
    own, east = _plan(None), _plan(9.0)
    # the same instants: the year's PV energy is the weather's, whatever the clock
    assert east.pv.annual_generation_kwh == pytest.approx(own.pv.annual_generation_kwh,
                                                          rel=1e-9)
    # each hour's sunshine an hour later on the site's clock (the same sizes: the roof binds)
    assert east.pv.capacity_kwp == pytest.approx(own.pv.capacity_kwp)
    np.testing.assert_allclose(np.roll(own.hourly["pv_available_kw"].to_numpy(), 1),
                               east.hourly["pv_available_kw"].to_numpy(), rtol=1e-9, atol=1e-9)
    notes = [note for note in east.notes if note.key == "notes.weather.site_clock"]
    assert [render(note, "en") for note in notes] == [
        "the weather year, in UTC+8, read on the site's clock (UTC+9): every value moved "
        "by +1 h"]
    assert render(notes[0], "zh") == ("气象数据按 UTC+8 记录，已换算到厂址时区（UTC+9）："
                                      "各时刻数值整体平移 +1 小时")
    assert east.site.utc_offset_hours == 9.0


def test_half_an_hour_on_hourly_weather_is_refused_in_words():
    with pytest.raises(PlannerInputError) as refused:
        _plan(8.5)
    assert refused.value.field == "site.utc_offset_hours"
    english = render(refused.value, "en")
    assert "site.utc_offset_hours" not in english and "UTC+8.5" in english, english
    assert "site.utc_offset_hours" not in render(refused.value, "zh")


def test_a_typical_year_moves_as_a_cycle():
    index = typical_year_index(8.0, 15)
    frame = pd.DataFrame({"ghi": np.arange(len(index), dtype=float)}, index=index)
    moved = on_utc_offset(frame, 5.75)  # 9 quarter hours west
    assert moved is not None and moved.index.equals(typical_year_index(5.75, 15))
    # 00:00 at UTC+5:45 is 02:15 at UTC+8; the first quarter hours close the year, a cycle
    assert moved["ghi"].iloc[0] == 9 and moved["ghi"].iloc[-9] == 0
    assert moved["ghi"].sum() == frame["ghi"].sum()


def test_a_tariff_in_another_currency_than_the_scenarios_is_refused_in_words():
    # The demo's CNY prices relabelled USD planned "bill USD 5,123,543": every figure wrong.
    document = demo_scenario().model_dump(mode="json")
    document["currency"] = "USD"
    with pytest.raises(PlannerInputError) as refused:
        plan(parse_scenario(document), with_npv_curve=False)
    assert refused.value.field == "currency"
    assert render(refused.value, "zh").startswith("电价“浙江大工业分时电价（2026年规则，1-10千伏两部制）”"
                                                  "以 CNY 计价，而本方案的金额以 USD 计")
