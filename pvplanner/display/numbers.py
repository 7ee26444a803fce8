"""Numbers as the proposal prints them, per language and currency.

Both languages group thousands with commas and use a point for decimals (the Chinese
convention in business documents too); Chinese money carries the ``¥`` sign for CNY and a
``万元`` hint for large sums, English money the ISO code (``CNY 1,234``) so it cannot be
mistaken for yen. The report, its tests and the app format a Result's figures with the same
:class:`NumberFormat`, so a figure found in the PDF is the Result's figure.
"""

from __future__ import annotations

import math
from typing import Any

from pvplanner.report.text import Texts

#: Currency signs used in Chinese documents; other currencies print their ISO code.
_ZH_SIGNS = {"CNY": "¥", "RMB": "¥"}


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


class NumberFormat:
    """Formatting of figures for one language and currency.

    Every method returns the language's "not available" mark for ``None``, NaN or inf.

    Examples
    --------
    >>> NumberFormat("en", "CNY").money(-1234567.4)
    '-CNY 1,234,567'
    >>> NumberFormat("zh", "CNY").money(1234567.4)
    '¥1,234,567'
    """

    def __init__(self, lang: str, currency: str = "CNY") -> None:
        self.texts = Texts(lang)
        self.lang = lang
        self.currency = currency.upper()
        self.na = self.texts.na

    def number(self, value: Any, decimals: int = 0) -> str:
        """``1,234,567.8`` style [-]."""
        number = _finite(value)
        if number is None:
            return self.na
        return _no_negative_zero(f"{number:,.{decimals}f}")

    def money(self, value: Any, decimals: int = 0) -> str:
        """A sum of money with the currency sign or code, e.g. ``¥12,345`` / ``CNY 12,345``."""
        number = _finite(value)
        if number is None:
            return self.na
        body = self.number(abs(number), decimals)
        sign = "-" if number < 0 and body.strip("0.,") else ""
        if self.lang == "zh" and self.currency in _ZH_SIGNS:
            return f"{sign}{_ZH_SIGNS[self.currency]}{body}"
        return f"{sign}{self.currency} {body}"

    def money_wan(self, value: Any) -> str:
        """Chinese ``约 123.4 万元`` hint for CNY sums of 10,000 or more, else ``""``."""
        number = _finite(value)
        if self.lang != "zh" or self.currency not in _ZH_SIGNS or number is None:
            return ""
        if abs(number) < 10_000:
            return ""
        return self.texts("kpi.wan_hint", value=self.number(number / 10_000, 1))

    def price(self, value: Any, unit: str = "kWh") -> str:
        """A unit price with 3-4 decimals, e.g. ``¥0.620/kWh``."""
        number = _finite(value)
        if number is None:
            return self.na
        decimals = 3 if abs(number) >= 0.1 else 4
        return f"{self.money(number, decimals)}/{unit}"

    def percent(self, ratio: Any, decimals: int = 1) -> str:
        """A fraction as percent: ``0.456 -> 45.6%``."""
        number = _finite(ratio)
        if number is None:
            return self.na
        return f"{self.number(100.0 * number, decimals)}%"

    def percent_value(self, value: Any, decimals: int = 1) -> str:
        """A value already in percent: ``14.08 -> 14.1%``."""
        number = _finite(value)
        return self.na if number is None else f"{self.number(number, decimals)}%"

    def years(self, value: Any, decimals: int = 1) -> str:
        """``6.2 年`` / ``6.2 years``."""
        number = _finite(value)
        if number is None:
            return self.na
        return self.texts("units.year_suffix", value=self.number(number, decimals))

    def unit(self, value: Any, unit: str, decimals: int = 0) -> str:
        """A figure with its unit after a space: ``1,234 kWh``."""
        number = _finite(value)
        return self.na if number is None else f"{self.number(number, decimals)} {unit}"

    def kwh(self, value: Any) -> str:
        """Energy: kWh below 10 GWh-ish scale, always whole kWh."""
        return self.unit(value, "kWh")

    def kwp(self, value: Any) -> str:
        """Capacity with one decimal: ``1,234.5 kWp``."""
        return self.unit(value, "kWp", 1)

    def tco2(self, value: Any) -> str:
        """Tonnes of CO2 with one decimal."""
        return self.unit(value, "tCO2", 1)

    def count(self, value: Any) -> str:
        """Whole items (certificates): ``1,234 张`` / ``1,234``."""
        number = _finite(value)
        if number is None:
            return self.na
        return self.texts("units.certificates", value=self.number(round(number), 0))


def _no_negative_zero(text: str) -> str:
    if text.startswith("-") and not text.strip("-0.,"):
        return text[1:]
    return text
