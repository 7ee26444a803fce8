"""What a careless or hostile app user can do, found by fuzzing the app (2026-12-07): each
case here once planned on a number the user never gave, read a server file, showed a server
path or an internal id, or broke a page."""

from __future__ import annotations

from pathlib import Path

import pytest

from pvplanner.app.state import get_path
from tests.test_app_support import assert_clean, goto, start_app


# --------------------------------------------------------------------------- optional boxes
@pytest.mark.parametrize(("page", "path", "typed"), [
    ("tariff", "constraints.max_total_kwp", 1000.0),
    ("tariff", "constraints.export_limit_kw", 200.0),
    ("tariff", "constraints.capital_budget", 5_000_000.0),
    ("tariff", "tariff.transformer_kva", 2000.0),
    ("site", "site.utc_offset_hours", 8.0),
    ("site", "site.elevation_m", 30.0),
])
def test_an_optional_box_emptied_again_means_none_not_its_minimum(
        tmp_path, monkeypatch, page, path, typed):
    # Streamlit commits an emptied box's default, which was the box's minimum: an export
    # limit of 0 kW, a budget of CNY 1, a site at UTC-12, planned without a word.
    app = start_app(tmp_path, monkeypatch)
    goto(app, page)
    box = app.number_input(key=f"in:{path}")
    assert get_path(app.session_state["doc"], path) is None
    box.set_value(typed).run()
    assert get_path(app.session_state["doc"], path) == pytest.approx(typed)
    app.number_input(key=f"in:{path}").set_value(None).run()
    assert_clean(app)
    assert app.number_input(key=f"in:{path}").value is None
    assert get_path(app.session_state["doc"], path) is None


# --------------------------------------------------------------------------- server files
@pytest.mark.parametrize("tail", ["/", "/.", "//"])
def test_a_template_path_dressed_as_a_folder_reads_no_server_file(tmp_path, monkeypatch, tail):
    # "x.toml/" passed the app's check (it ends in "/", not ".toml") while Path() read it
    # as x.toml: any TOML file of the server was opened and its parse error shown.
    import json

    from pvplanner.scenario.model import demo_scenario

    server_file = Path(__file__).resolve().parents[1] / "pyproject.toml"
    app = start_app(tmp_path, monkeypatch)
    goto(app, "compare")
    document = demo_scenario().model_dump(mode="json")
    document["load"]["template"] = f"{server_file}{tail}"
    app.file_uploader(key="scenario_upload").set_value(
        ("p.json", json.dumps(document).encode(), "application/json"))
    app.run()
    errors = " ".join(e.value for e in app.error)
    assert "is not one of the app's industry templates" in errors, errors
    assert "day_activity" not in errors and "cannot be read" not in errors


def test_a_template_file_is_only_a_name_ending_in_toml(tmp_path):
    from pvplanner.errors import PlannerInputError
    from pvplanner.load.templates import get_template

    template = Path(__file__).resolve().parents[1] / "data" / "load_templates"
    real = next(template.glob("*.toml"))
    copy = tmp_path / "mine.toml"
    copy.write_bytes(real.read_bytes())
    assert get_template(str(copy)).name  # a template file is still read by its path
    for name in (f"{copy}/", f"{copy}/.", f"{copy}\0"):
        with pytest.raises(PlannerInputError, match="unknown load template"):
            get_template(name)


def _import(app, document: dict) -> None:
    import json

    goto(app, "compare")
    app.file_uploader(key="scenario_upload").set_value(
        ("p.json", json.dumps(document).encode(), "application/json"))
    app.run()


def _everything_shown(app) -> str:
    return " ".join([*(e.value for e in app.error), *(w.value for w in app.warning),
                     *(i.value for i in app.info), *(c.value for c in app.caption)])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_error_quoting_an_imported_file_name_shows_no_server_path(
        tmp_path, monkeypatch, lang):
    # A relative name is confined to the upload folder by its absolute path: the value an
    # error quotes (a name in both languages) showed the server's folder.
    from pvplanner.scenario.model import demo_scenario

    app = start_app(tmp_path, monkeypatch, lang=lang)
    document = demo_scenario().model_dump(mode="json")
    document["proposal"] = {"logo_file": "a" * 990}
    _import(app, document)
    shown = _everything_shown(app)
    assert "aaaaaaaa" in shown.replace("\\", "")  # the error is there, quoting the name
    assert str(tmp_path) not in shown.replace("\\", "") and "uploads/" not in shown, shown


# --------------------------------------------------------------------------- portfolio
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_sites_file_of_hundreds_of_stray_columns_is_told_the_first_ten(
        tmp_path, monkeypatch, lang):
    # Each problem of the header nested the next: 350 unknown columns broke the page
    # (RecursionError while rendering the message).
    columns = 350
    csv = (",".join(["name", *(f"c{i}" for i in range(columns))]) + "\n"
           + ",".join(["a", *("1" for _ in range(columns))]) + "\n").encode()
    app = start_app(tmp_path, monkeypatch, lang=lang)
    goto(app, "portfolio")
    app.file_uploader(key="portfolio:file").set_value(("wide.csv", csv, "text/csv"))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    errors = " ".join(e.value for e in app.error).replace("\\", "")
    told = "表头另有 340 处问题" if lang == "zh" else "other problems of the header: 340"
    assert told in errors, errors
    assert ("c9" in errors) and ("c10" not in errors), errors


# --------------------------------------------------------------------------- money limits
@pytest.mark.parametrize(("path", "limit"), [
    ("finance.inverter_replacement_cost_per_kwp", "100,000"),
    ("carbon.certificate_price_per_mwh", "10,000"),
])
def test_an_implausible_amount_is_told_in_chinese_by_the_inputs_name(
        tmp_path, monkeypatch, path, limit):
    # The limit was a plain ValueError: English on the Chinese page, the field by its id.
    from pvplanner.scenario.model import demo_scenario

    app = start_app(tmp_path, monkeypatch, lang="zh")
    document = demo_scenario().model_dump(mode="json")
    head, leaf = path.split(".")
    document[head][leaf] = 1e9
    _import(app, document)
    shown = _everything_shown(app).replace("\\", "")
    assert f"超出合理金额范围：请填写 0 至 {limit} 之间的金额（方案币种）" in shown, shown
    assert leaf not in shown and "plausible" not in shown


def test_the_money_boxes_stop_at_the_plausible_amount(tmp_path, monkeypatch):
    from pvplanner.carbon.accounting import CARBON_PRICE_LIMITS
    from pvplanner.finance.inputs import MONEY_LIMITS

    app = start_app(tmp_path, monkeypatch)
    goto(app, "tariff")
    for leaf in ("fixed_capex", "inverter_replacement_cost_per_kwp"):  # the others: with
        # a battery, with a lease
        assert app.number_input(key=f"in:finance.{leaf}").max == MONEY_LIMITS[leaf], leaf
    goto(app, "carbon")
    box = app.number_input(key="in:carbon.certificate_price_per_mwh")
    assert box.max == CARBON_PRICE_LIMITS["certificate_price_per_mwh"]


def test_a_one_line_field_given_two_lines_says_so_in_words():
    # was "has more than 1 lines"
    from pydantic import ValidationError

    from pvplanner.display.messages import render
    from pvplanner.scenario.model import demo_scenario, parse_scenario

    document = demo_scenario().model_dump(mode="json")
    document["proposal"] = {"seller_company": "A\nB"}
    with pytest.raises((ValidationError, ValueError)) as refused:
        parse_scenario(document)
    text = render(getattr(refused.value, "message", str(refused.value)), "en")
    assert "must be one line" in text and "1 lines" not in text, text
    assert "只能填写一行" in render(getattr(refused.value, "message", ""), "zh")
