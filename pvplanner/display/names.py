"""Names in the reader's language: places, load templates, weather data and built-in names.

A scenario names its site, province and city in English (or as the user typed them); the
proposal and the app show them to a Chinese reader in Chinese where the data knows the
Chinese name: provinces (``data/province_grid_region.csv``), cities
(``data/climatology/cities.csv``), countries and the shipped demo's own names (the
``names.*`` messages of ``data/i18n/names.toml``), load templates (their ``name_zh``).
A name the data does not know is shown as typed: it is the user's own.
"""

from __future__ import annotations

import csv
from functools import cache
from typing import Any

from pvplanner.display.messages import LANGUAGES, catalogue, render
from weather.datafiles import data_path


def _rows(*parts: str) -> list[dict[str, str]]:
    with data_path(*parts).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def _chinese() -> dict[str, str]:
    """Lower-case English name -> Chinese name, for the places and names the data knows."""
    out: dict[str, str] = {}
    for row in _rows("climatology", "cities.csv"):
        if row.get("city_zh"):
            out[row["city"].strip().lower()] = row["city_zh"].strip()
    for row in _rows("province_grid_region.csv"):
        out.setdefault(row["province"].lower(), row["province_zh"])
    out.setdefault("inner mongolia", "内蒙古")  # the table has its west and east grids only
    for key, entry in catalogue().items():  # names.demo.site, names.country.CN...
        if key.startswith(("names.demo.", "names.country.")) and isinstance(entry["zh"], str):
            if key.startswith("names.country."):
                out.setdefault(key.rsplit(".", 1)[1].lower(), entry["zh"])
            out[str(entry["en"]).strip().lower()] = entry["zh"]
    return out


def name(text: Any, lang: str) -> str:
    """A place or built-in name in ``lang`` (as typed when the data has no translation).

    Examples
    --------
    >>> name("Zhejiang", "zh"), name("Hangzhou", "zh"), name("CN", "zh"), name("Acme", "zh")
    ('浙江', '杭州', '中国', 'Acme')
    >>> name("CN", "en")
    'China'
    """
    shown = "" if text is None else str(text).strip()
    if not shown:
        return ""
    if lang == "zh":
        return _chinese().get(shown.lower(), shown)
    country = catalogue().get(f"names.country.{shown.upper()}") if len(shown) == 2 else None
    return str(country["en"]) if country else shown


def location(city: str | None, province: str | None, country: str | None, lang: str) -> str:
    """Where a site is: ``Hangzhou, Zhejiang, China`` / ``中国浙江杭州``."""
    parts = [name(part, lang) for part in (city, province, country) if part and str(part).strip()]
    parts = list(dict.fromkeys(parts))
    if lang == "zh":
        return "".join(reversed(parts))
    return ", ".join(parts)


def template_name(template: str, lang: str) -> str:
    """A load template's name (``three_shift_continuous`` -> 三班连续生产 / Three shifts,
    continuous)."""
    from pvplanner.load import list_templates

    for item in list_templates():
        if item["name"] == template:
            if lang == "zh" and item.get("name_zh"):
                return str(item["name_zh"])
            break
    words = str(template).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def weather_dataset(weather: dict[str, Any], lang: str) -> str:
    """The weather data a plan used, described for the reader (no file names or ids).

    ``weather`` is the plan's weather metadata (``Result.weather``).
    """
    source = str(weather.get("source") or "")
    key = f"names.weather.{source.replace('-', '_')}" if source else ""
    city = weather.get("station_zh") if lang == "zh" else None
    station = city or name(str(weather.get("station") or "").split(" (")[0], lang)
    if key and key in catalogue():
        values = {"station": station, "dataset": str(weather.get("dataset") or ""),
                  "years": str(weather.get("years") or "")}
        from pvplanner.messages import Message

        return render(Message(key, str(weather.get("dataset") or source), values), lang)
    return str(weather.get("dataset") or source)


def weather_station(weather: dict[str, Any], lang: str) -> str:
    """The station (or city) whose figures the weather data are, for the reader."""
    station = str(weather.get("station") or "")
    if lang == "zh" and weather.get("station_zh"):
        return f"{weather['station_zh']}气象站"
    if lang == "zh" and station:
        return name(station.split(" (")[0], lang)
    return station


__all__ = ["LANGUAGES", "location", "name", "template_name", "weather_dataset",
           "weather_station"]
