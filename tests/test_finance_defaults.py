"""Every finance and PV default carries its source, year or date and status, and no text a
user can read (it reaches proposals through Result.assumptions) names an internal note, path
or module."""

import re
import tomllib
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = ("finance_defaults.toml", "pv_defaults.toml")
STATUSES = {"official", "secondary", "unverified", "model"}
# Internal notes, paths and code names: none may appear in a user-readable field.
INTERNAL = re.compile(r"shared/reference|/work/|reference section|\.md\b|\.py\b"
                      r"|pvplanner\.|\bsee shared\b", re.IGNORECASE)
READABLE = ("source", "note", "unit", "url")


def _entries(table: dict, prefix: str = ""):
    """(dotted key, table) of every default: a table with a ``value``."""
    for key, item in table.items():
        if isinstance(item, dict):
            name = f"{prefix}{key}"
            if "value" in item:
                yield name, item
            else:
                yield from _entries(item, name + ".")


def _defaults(name: str) -> list[tuple[str, dict]]:
    with open(DATA / name, "rb") as fh:
        return list(_entries(tomllib.load(fh)))


@pytest.mark.parametrize("name", FILES)
def test_every_default_has_source_date_and_status(name):
    entries = _defaults(name)
    assert len(entries) > 20
    for key, entry in entries:
        assert str(entry.get("source", "")).strip(), (name, key)
        assert "year" in entry or "date" in entry, (name, key)
        assert str(entry.get("unit", "")).strip(), (name, key)
        assert entry.get("status") in STATUSES, (name, key, entry.get("status"))


@pytest.mark.parametrize("name", FILES)
def test_no_internal_note_or_path_reaches_a_user(name):
    for key, entry in _defaults(name):
        for field in READABLE:
            text = str(entry.get(field, ""))
            assert not INTERNAL.search(text), (name, key, field, text)


@pytest.mark.parametrize("name", FILES)
def test_a_modelling_choice_says_so_and_only_it_does(name):
    # A choice the model makes (not a figure anyone published) reads "modelling choice"
    # (模型设定) to the user, never "secondary source".
    choices = 0
    for key, entry in _defaults(name):
        choice = entry["source"].startswith("Modelling choice")
        assert (entry["status"] == "model") == choice, (name, key, entry["status"])
        choices += choice
    assert choices >= (2 if name == "finance_defaults.toml" else 0)


@pytest.mark.parametrize("name", FILES)
def test_unpublished_research_is_unverified(name):
    # A figure whose only source is the project's own notes cannot claim more than that.
    for key, entry in _defaults(name):
        if "not published" in entry["source"] and "CPIA" not in entry["source"]:
            assert entry["status"] == "unverified", (name, key)


def test_cost_defaults_follow_the_2024_figures():
    """C&I distributed PV capex about 2.70 CNY/W and O&M about 0.046 CNY/W-yr (CPIA figures
    quoted second-hand, status secondary), not the 3.1 CNY/W of the 2024 EPC offers."""
    finance = dict(_defaults("finance_defaults.toml"))
    capex, om = finance["pv_capex_per_kwp"], finance["pv_om_per_kwp_year"]
    assert capex["value"] == pytest.approx(2700.0) and capex["unit"] == "CNY/kWp"
    assert om["value"] == pytest.approx(46.0)
    for entry in (capex, om):
        assert "CPIA" in entry["source"] and entry["status"] == "secondary"
        assert entry["year"] == 2024
