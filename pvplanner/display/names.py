"""Names in the reader's language: places, load templates, weather data and built-in names.

A scenario names its site, province and city in English (or as the user typed them); the
proposal and the app show them to a Chinese reader in Chinese where the data knows the
Chinese name: provinces (``data/province_grid_region.csv``), cities
(``data/climatology/cities.csv``), countries and the shipped demo's and portfolio example's
own names (the ``names.*`` messages of ``data/i18n/names.toml``), load templates (their ``name_zh``),
carbon assets (``data/carbon_assets.csv``: ``name_zh``, the price's month and the
certificates' vintage) and emission factors (``data/emission_factors.csv``: ``region_zh``
and the kind of factor, ``names.factor_kind.*``). A name the data does not know is shown as
typed: it is the user's own.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from typing import Any

from pvplanner.display.messages import LANGUAGES, catalogue, render, translate
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
        if (key.startswith(("names.demo.", "names.example.", "names.default.", "names.country."))
                and isinstance(entry["zh"], str)):
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
    >>> name("CN", "en"), name("Roof", "zh")  # the roof plane a sites file's area makes
    ('China', '屋面')
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
            if lang != "zh" and item.get("name_en"):
                return str(item["name_en"])
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


def month_label(date: str, lang: str) -> str:
    """A year, month or day of the data (``2025``, ``2025-10``, ``2025-10-31``) for the reader.

    Examples
    --------
    >>> month_label("2025-10", "zh"), month_label("2024", "zh"), month_label("2025-10", "en")
    ('2025年10月', '2024年', '2025-10')
    """
    text = str(date or "").strip()
    if lang != "zh" or not text:
        return text
    parts = text.split("-")
    if not all(part.isdigit() for part in parts):
        return text
    units = ("年", "月", "日")
    return "".join(f"{int(part) if i else part}{unit}"
                   for i, (part, unit) in enumerate(zip(parts, units, strict=False)))


def carbon_asset_name(asset: Mapping[str, Any], lang: str) -> str:
    """A certificate or credit scheme of ``data/carbon_assets.csv`` named for the reader.

    A priced certificate says which month's price it is and, where prices are split by the
    year the power was generated, the vintage: ``GEC, 2025-10, 2025 vintage`` /
    ``绿色电力证书（2025年10月，2025年生产）``. No id is shown.

    Parameters
    ----------
    asset : mapping
        One row of the table (``scheme``, ``name_zh``, ``price_date``, ``vintage``).
    lang : {"en", "zh"}
        Reader's language.
    """
    base = str(asset.get("name_zh") or "") if lang == "zh" else ""
    base = base or str(asset.get("scheme") or asset.get("id") or "")
    period = str(asset.get("price_date") or "").strip()
    if not period or asset.get("asset_type") != "certificate":
        return base
    vintage = str(asset.get("vintage") or "").strip()
    if vintage:
        return translate("names.carbon_asset.period_vintage", lang, name=base,
                         period=month_label(period, lang), vintage=vintage)
    return translate("names.carbon_asset.period", lang, name=base,
                     period=month_label(period, lang))


def carbon_price_unit(unit: str, lang: str) -> str:
    """A price unit of ``data/carbon_assets.csv`` (``CNY/certificate`` -> 元/张)."""
    key = "names.carbon_unit." + str(unit).strip().replace("/", "_per_")
    return translate(key, lang) if key in catalogue() else str(unit)


def emission_factor_name(factor: Mapping[str, Any], lang: str) -> str:
    """An emission factor of ``data/emission_factors.csv`` named for the reader: its region,
    data year and kind (``Zhejiang 2023, grid average`` / ``浙江 2023年电网平均``).

    Parameters
    ----------
    factor : mapping
        One row of the table (``region``, ``region_zh``, ``data_year``, ``kind``).
    lang : {"en", "zh"}
        Reader's language.
    """
    region = str(factor.get("region_zh") or "") if lang == "zh" else ""
    region = region or name(factor.get("region"), lang)
    kind_key = f"names.factor_kind.{factor.get('kind')}"
    kind = translate(kind_key, lang) if kind_key in catalogue() else ""
    year = factor.get("data_year")
    year = "" if year is None or str(year) in ("", "<NA>", "nan") else str(year)
    return translate("names.factor.label", lang, region=region, year=year, kind=kind).strip()


__all__ = ["LANGUAGES", "carbon_asset_name", "carbon_price_unit", "emission_factor_name",
           "location", "month_label", "name", "template_name", "weather_dataset", "weather_station"]
