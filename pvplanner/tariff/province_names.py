"""Province names as users and data tables write them: English or Chinese, with or without
省/市/自治区 or "Province", in any case (a leaf module: every tariff table looks provinces
up through it, so ``"江苏省"``, ``"Jiangsu"`` and ``" jiangsu "`` are the same province
everywhere).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from weather.datafiles import data_path

__all__ = ["province_name", "province_rows", "same_province"]


@cache
def _names() -> dict[str, str]:
    """Lower-case English or Chinese name -> English province name."""
    table = pd.read_csv(data_path("province_grid_region.csv"), dtype=str,
                        keep_default_na=False, usecols=["province", "province_zh"])
    names: dict[str, str] = {}
    for english, chinese in zip(table["province"], table["province_zh"], strict=True):
        whole = english.split(" (")[0]  # "Inner Mongolia (west)" -> "Inner Mongolia"
        names[english.lower()] = names[whole.lower()] = whole
        names[chinese] = whole
    names["内蒙古"] = "Inner Mongolia"
    return names


def province_name(name: str | None) -> str:
    """The English name of a province given in English or Chinese ('' if not recognised).

    Examples
    --------
    >>> province_name("广东省"), province_name(" jiangsu "), province_name("Atlantis")
    ('Guangdong', 'Jiangsu', '')
    >>> province_name("广西壮族自治区"), province_name("Ningxia Hui Autonomous Region")
    ('Guangxi', 'Ningxia')
    """
    text = (name or "").strip()
    if text.isascii():
        text = " ".join(text.lower().split())
        for suffix in _ENGLISH_SUFFIXES:
            text = text.removesuffix(suffix)
        return _names().get(text, "")
    for suffix in _CHINESE_SUFFIXES:
        text = text.removesuffix(suffix)
    return _names().get(text, "")


#: What official names add to a province's short name, removed in this order: "广西壮族自治区"
#: is 广西, "Ningxia Hui Autonomous Region" is Ningxia, "Beijing Municipality" is Beijing.
_CHINESE_SUFFIXES = ("省", "市", "特别行政区", "自治区", "壮族", "回族", "维吾尔")
_ENGLISH_SUFFIXES = (" province", " municipality", " special administrative region",
                     " autonomous region", " zhuang", " hui", " uygur", " uyghur", " uighur")


def province_rows(names: pd.Series, name: str | None) -> pd.Series:
    """Which of a table's province names (English) are the province ``name``, given in
    English or Chinese, with or without 省/市/自治区 or "Province" (unknown names compare as
    written, ignoring case).

    Examples
    --------
    >>> province_rows(pd.Series(["Zhejiang", "Jiangsu", "*"]), "江苏省").tolist()
    [False, True, False]
    """
    key = province_name(name) or (name or "").strip().lower()
    return names.map(lambda row: (province_name(row) or str(row).strip().lower()) == key)


def same_province(a: str | None, b: str | None) -> bool:
    """True if two names are the same province (unknown names compare as written)."""
    left, right = province_name(a), province_name(b)
    if left and right:
        return left == right
    return (a or "").strip().lower() == (b or "").strip().lower()
