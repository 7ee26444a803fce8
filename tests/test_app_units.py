"""Unit tests of the app's building blocks: message catalogue, number formats, document paths,
table edits, error placement and upload checks (no Streamlit session needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from pvplanner.app import fmt as fmt_module
from pvplanner.app import uploads
from pvplanner.app.state import get_path, set_path, split_path
from pvplanner.app.widgets import apply_editor_delta, match_slot
from pvplanner.display import messages as i18n
from pvplanner.errors import PlannerInputError

APP_DIR = Path(__file__).resolve().parents[1] / "pvplanner" / "app"
STREAMLIT_APP = Path(__file__).resolve().parents[1] / "streamlit_app.py"

# Keys built at run time: prefix -> the suffixes the code can produce.
DYNAMIC = {
    "common.pages.": ["site", "load", "tariff", "results", "carbon", "compare", "proposal",
                      "portfolio"],
    "common.sections.": ["inputs", "outputs", "scenarios"],
    "common.periods.": ["sharp", "peak", "flat", "valley", "deep_valley"],
    "common.day_types.": ["workday", "weekend", "holiday"],
    "site.roof.mountings.": ["flush", "tilted_rows", "east_west"],
    "load.meter.label_names.": ["start", "end"],
    "common.status.": ["official", "secondary", "unverified", "user", "derived", "model"],
    "common.flows.": ["pv_to_load", "pv_to_battery", "pv_to_grid", "curtailed",
                      "battery_to_load", "grid_to_load", "grid_to_battery", "load", "pv"],
    "site.weather.sources.": ["auto", "pvgis", "nasa-power", "synthetic", "file"],
    "site.weather.obtained.": ["online", "cache", "file", "synthetic"],
    "site.pv.loss.": ["soiling", "shading", "snow", "mismatch", "wiring", "connections", "lid",
                      "nameplate", "availability", "age"],
    "load.kinds.": ["bills", "annual", "meter_file"],
    "load.hints.": ["bills", "annual", "meter_file"],
    "load.meter.unit_names.": ["auto", "kw", "kwh"],
    "load.meter.dropped_reasons.": ["summary", "empty_timestamp", "after_data"],
    "tariff.export.kinds.": ["default", "market", "coal_benchmark", "constant", "zero_export",
                             "series", "net_metering"],
    "tariff.export.help.": ["default", "market", "coal_benchmark", "constant", "zero_export"],
    "carbon.kpi.scope2_": ["location", "market"],
    "compare.party.": ["host", "investor", "lessor", "lessor_pre_tax", "owner"],
    "proposal.seller.party_": ["host", "investor", "owner"],
    "results.limits.": ["battery.max_c_rate", "battery.max_energy_kwh", "battery.max_power_kw",
                        "constraints.capital_budget", "constraints.export_limit_kw",
                        "constraints.interconnection_limit_kw", "constraints.max_total_kwp",
                        "project.capacity_limit", "roof", "tariff.export"],
    "results.risk.factor_": ["capex", "discount_rate", "export_price", "tariff", "yield"],
    "results.risk.status_": ["derived", "unverified"],
    "results.views.npv_": ["host", "investor", "lessor"],
    "tariff.project.categories.": ["general_ci", "large_ci"],
    "tariff.project.modes.": ["auto", "self_use", "surplus_export"],
    "tariff.project.spot_options.": ["auto", "no", "yes"],
    "carbon.inputs.follow_basis.": ["province", "region", "national", "named"],
    "tariff.tariff.basis.": ["transformer", "voltage", "peak", "none"],
    "tariff.tariff.classes.": ["general_ci", "large_industry"],
    "tariff.finance.tax_losses_kinds.": ["offset", "carry_forward"],
    "tariff.ownership.kinds.": ["owner", "emc", "lease"],
    "tariff.ownership.help.": ["owner", "emc", "lease"],
    "tariff.goals.objectives.": ["max_npv", "max_self_sufficiency", "min_cost_for_co2"],
    "tariff.goals.help.": ["max_npv", "max_self_sufficiency", "min_cost_for_co2"],
    "carbon.inputs.certificate_kinds.": ["retain", "retain_self_consumed", "sell", "none"],
    "results.charts.cash_views.": ["project", "equity"],
    "compare.kpi.": ["capacity", "generation", "self_consumption", "self_sufficiency",
                     "battery", "savings", "capex", "npv", "irr", "payback", "lcoe", "avoided",
                     "ownership"],
    "proposal.formats.": ["pdf", "html", "xlsx"],
    "proposal.describe.": ["pdf", "html", "xlsx"],
}


def _keys_in_code() -> tuple[set[str], set[str]]:
    """Literal message keys and the prefixes of keys built with f-strings or ``+``."""
    literal, prefixes = set(), set()
    files = [p for p in APP_DIR.glob("*.py") if p.name != "page_portfolio.py"]
    for path in [*files, STREAMLIT_APP]:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\bt\(\s*(f?)\"([^\"]+)\"", text):
            is_f, key = match.groups()
            if is_f and "{" in key:
                prefixes.add(key.split("{", 1)[0])
            elif key.endswith("."):
                prefixes.add(key)
            else:
                literal.add(key)
    return literal, prefixes


def test_every_message_used_by_the_app_exists_in_both_languages():
    catalogue = i18n.catalogue()
    literal, prefixes = _keys_in_code()
    assert len(literal) > 300  # the scan found the app's calls (a broken regex finds none)
    missing = sorted(k for k in literal if k not in catalogue)
    assert not missing, missing
    unknown_prefixes = sorted(p for p in prefixes if p not in DYNAMIC)
    assert not unknown_prefixes, f"add these dynamic prefixes to DYNAMIC: {unknown_prefixes}"
    built = [prefix + suffix for prefix, suffixes in DYNAMIC.items() for suffix in suffixes]
    assert not [k for k in built if k not in catalogue]


def test_translate_fills_placeholders_and_falls_back():
    assert i18n.translate("common.next", "en", page="Load") == "Next: Load"
    assert i18n.translate("common.next", "zh", page="负荷") == "下一步：负荷"
    assert i18n.translate("no.such.key", "zh") == "no.such.key"
    # A missing placeholder value leaves the text readable instead of raising.
    assert "{page}" in i18n.translate("common.next", "en")


@pytest.mark.parametrize("locale, expected", [
    ("zh-CN", "zh"), ("zh_TW", "zh"), ("zh-Hans", "zh"), ("ZH", "zh"),
    ("en-US", "en"), ("de-DE", "en"), (None, "en"), ("", "en"),
])
def test_default_language_follows_the_browser_locale(locale, expected):
    assert i18n.default_language(locale) == expected


# --------------------------------------------------------------------------- formats
def test_money_is_formatted_per_language_and_currency():
    en, zh = fmt_module.Fmt("en", "CNY"), fmt_module.Fmt("zh", "CNY")
    assert en.money(1234567.4) == "CNY 1,234,567"
    assert zh.money(1234567.4) == "¥1,234,567"
    assert en.money(-1500) == "-CNY 1,500"
    assert zh.money_compact(4420862) == "¥442.1万"
    assert en.money_compact(4420862) == "CNY 4.42M"
    assert en.money_compact(-9429502) == "-CNY 9.43M"
    assert fmt_module.Fmt("zh", "USD").money(10) == "USD 10"
    assert zh.price(0.4153) == "¥0.415/kWh"
    assert en.price(0.0456) == "CNY 0.0456/kWh"


def test_units_and_missing_values():
    en, zh = fmt_module.Fmt("en"), fmt_module.Fmt("zh")
    assert en.energy(6_750_000) == "6.75 GWh"
    assert en.energy(2_845_465) == "2.85 GWh"
    assert en.energy(45_000) == "45 MWh"
    assert zh.energy(6_750_000) == "675.0万 kWh"
    assert en.percent(0.4567) == "45.7%"
    assert en.years(8.31) == "8.3 years" and zh.years(8.31) == "8.3 年"
    assert en.kwp(3041.775) == "3,041.8 kWp"
    for value in (None, float("nan"), float("inf"), "x"):
        assert en.money(value) == "n/a"
        assert zh.percent(value) == "—"
    assert en.number(-0.0001, 2) == "0.00"  # no "-0.00"


# --------------------------------------------------------------------------- paths
def test_document_paths():
    assert split_path("roof_planes[2].tilt_deg") == ["roof_planes", 2, "tilt_deg"]
    doc = {"site": {"latitude": 30.0}, "roof_planes": [{"name": "a"}, {"name": "b"}]}
    assert get_path(doc, "site.latitude") == 30.0
    assert get_path(doc, "roof_planes[1].name") == "b"
    assert get_path(doc, "roof_planes[5].name", "none") == "none"
    assert get_path(doc, "tariff.export.kind", "default") == "default"
    set_path(doc, "tariff.export.kind", "constant")
    set_path(doc, "roof_planes[0].tilt_deg", 12.0)
    assert doc["tariff"] == {"export": {"kind": "constant"}}
    assert doc["roof_planes"][0] == {"name": "a", "tilt_deg": 12.0}


def test_data_editor_changes_are_applied_edit_delete_add():
    frame = pd.DataFrame({"name": ["a", "b", "c"], "area_m2": [1.0, 2.0, 3.0]})
    delta = {"edited_rows": {"0": {"area_m2": 10.0}, 2: {"name": "C"}},
             "deleted_rows": [1], "added_rows": [{"name": "d", "area_m2": 4.0}, {"name": "e"}]}
    out = apply_editor_delta(frame, delta)
    assert out["name"].tolist() == ["a", "C", "d", "e"]
    assert out["area_m2"].tolist()[:3] == [10.0, 3.0, 4.0]
    assert pd.isna(out["area_m2"].iloc[3])
    assert frame["area_m2"].tolist() == [1.0, 2.0, 3.0]  # the input is untouched
    assert apply_editor_delta(frame, {}).equals(frame)


# --------------------------------------------------------------------------- error placement
@pytest.mark.parametrize("field, message, expected", [
    ("site.latitude", "", "site.latitude"),
    ("roof_planes[2].tilt_deg", "", "roof_planes"),
    ("constraints", "a limit on min_total_kwp", "constraints.min_total_kwp"),
    ("finance", "contract_years (30) exceeds analysis_years (25)", "finance.contract_years"),
    ("template", "unknown load template", "load.template"),
    ("carbon.location_factor_id", "", None),
    (None, "anything", None),
])
def test_errors_go_to_the_input_they_name(field, message, expected):
    paths = ["site.latitude", "site.longitude", "roof_planes", "constraints.max_total_kwp",
             "constraints.min_total_kwp", "finance.analysis_years", "finance.contract_years",
             "load.template"]
    assert match_slot(field, message, paths) == expected


# --------------------------------------------------------------------------- uploads
def test_uploads_are_checked_and_kept_by_content(tmp_path, monkeypatch):
    monkeypatch.setenv(uploads.UPLOAD_DIR_ENV, str(tmp_path))
    data = b"time,kw\n2024-01-01 00:00,5\n"
    first = uploads.save_upload(data, "meter.CSV", "meter")
    again = uploads.save_upload(data, "other-name.csv", "meter")
    assert first == again and first.parent == tmp_path / "meter"
    assert first.read_bytes() == data and first.suffix == ".csv"
    assert uploads.save_upload(data + b"x", "meter.csv", "meter") != first
    with pytest.raises(PlannerInputError, match="not accepted"):
        uploads.check_upload(b"print('hi')", "evil.py", "meter")
    with pytest.raises(PlannerInputError, match="not accepted"):
        uploads.check_upload(b"\x80\x04", "data.pkl", "weather")
    with pytest.raises(PlannerInputError, match="empty"):
        uploads.check_upload(b"", "meter.csv", "meter")
    with pytest.raises(PlannerInputError, match="MB"):
        uploads.check_upload(b"x" * 2_000_001, "meter.csv", "meter", max_mb=2)


def test_streamlit_config_limits_uploads():
    import tomllib

    config = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"
    settings = tomllib.loads(config.read_text(encoding="utf-8"))
    assert settings["server"]["maxUploadSize"] == uploads.MAX_UPLOAD_MB
    assert settings["client"]["showErrorDetails"] == "none"


def test_only_files_in_the_upload_folder_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv(uploads.UPLOAD_DIR_ENV, str(tmp_path / "uploads"))
    kept = uploads.save_upload(b"time,kw\n", "m.csv", "meter")
    document = {"load": {"meter_file": str(kept)},
                "weather": {"file": "/etc/passwd", "source": "file"}}
    assert uploads.outside_files(document) == ["weather.file"]
    assert document["load"]["meter_file"] == str(kept)
    assert document["weather"]["file"] is None
    sneaky = {"load": {"meter_file": str(tmp_path / "uploads" / ".." / "x.csv")}}
    assert uploads.outside_files(sneaky) == ["load.meter_file"]
    assert uploads.outside_files({"name": "no files"}) == []
