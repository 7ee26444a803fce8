"""Numbers as the app shows them, per language and currency.

Same conventions as the proposal (:mod:`pvplanner.display.numbers`): thousands grouped with
commas in both languages; Chinese money carries ``¥`` for CNY, English money the ISO code
(``CNY 1,234``) so it cannot be mistaken for yen. Compact forms for KPI tiles use 万/亿 in
Chinese and k/M/bn in English. Display only: no quantity is computed here.
"""

from __future__ import annotations

import math
from typing import Any

_ZH_SIGNS = {"CNY": "¥", "RMB": "¥"}
_NA = {"en": "n/a", "zh": "—"}


def _finite(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _plain(number: float, decimals: int) -> str:
    text = f"{number:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]
    return text


class Fmt:
    """Formatting for one language (``en``/``zh``) and currency (ISO code)."""

    def __init__(self, lang: str, currency: str = "CNY") -> None:
        self.lang = lang if lang in _NA else "en"
        self.currency = (currency or "CNY").upper()
        self.na = _NA[self.lang]

    # ------------------------------------------------------------------ plain numbers
    def number(self, value: Any, decimals: int = 0) -> str:
        """``1,234,567.8`` style."""
        number = _finite(value)
        return self.na if number is None else _plain(number, decimals)

    def compact(self, value: Any, decimals: int = 1) -> str:
        """Large numbers shortened: ``123.5万`` / ``1.24 M``."""
        number = _finite(value)
        if number is None:
            return self.na
        size = abs(number)
        if self.lang == "zh":
            for scale, suffix in ((1e8, "亿"), (1e4, "万")):
                if size >= scale:
                    return f"{_plain(number / scale, decimals)}{suffix}"
            return _plain(number, 0)
        for scale, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
            if size >= scale * 10 or (scale >= 1e6 and size >= scale):
                return f"{_plain(number / scale, decimals)}{suffix}"
        return _plain(number, 0)

    # ------------------------------------------------------------------ money
    def _money_text(self, body: str, negative: bool) -> str:
        sign = "-" if negative and body.strip("0.,万亿kMbn ") else ""
        if self.lang == "zh" and self.currency in _ZH_SIGNS:
            return f"{sign}{_ZH_SIGNS[self.currency]}{body}"
        return f"{sign}{self.currency} {body}"

    def money(self, value: Any, decimals: int = 0) -> str:
        """``¥12,345`` / ``CNY 12,345``."""
        number = _finite(value)
        if number is None:
            return self.na
        return self._money_text(_plain(abs(number), decimals), number < 0)

    def money_compact(self, value: Any) -> str:
        """``¥123.5万`` / ``CNY 1.24 M`` for KPI tiles."""
        number = _finite(value)
        if number is None:
            return self.na
        return self._money_text(self.compact(abs(number), 2 if self.lang == "en" else 1),
                                number < 0)

    def price(self, value: Any, unit: str = "kWh") -> str:
        """``¥0.620/kWh``."""
        number = _finite(value)
        if number is None:
            return self.na
        decimals = 3 if abs(number) >= 0.1 else 4
        return f"{self.money(number, decimals)}/{unit}"

    # ------------------------------------------------------------------ units
    def percent(self, ratio: Any, decimals: int = 1) -> str:
        """A fraction as percent: ``0.456 -> 45.6%``."""
        number = _finite(ratio)
        return self.na if number is None else f"{_plain(100.0 * number, decimals)}%"

    def unit(self, value: Any, unit: str, decimals: int = 0) -> str:
        """``1,234 kWh``."""
        number = _finite(value)
        return self.na if number is None else f"{_plain(number, decimals)} {unit}"

    def energy(self, kwh: Any) -> str:
        """Energy as it reads best: ``675.0万 kWh`` in Chinese, kWh/MWh/GWh in English."""
        number = _finite(kwh)
        if number is None:
            return self.na
        size = abs(number)
        if self.lang == "zh":
            if size >= 1e8:
                return f"{_plain(number / 1e8, 2)}亿 kWh"
            if size >= 1e4:
                return f"{_plain(number / 1e4, 1)}万 kWh"
            return f"{_plain(number, 0)} kWh"
        if size >= 1e6:
            return f"{_plain(number / 1e6, 2)} GWh"
        if size >= 1e4:
            return f"{_plain(number / 1e3, 0)} MWh"
        return f"{_plain(number, 0)} kWh"

    def kwp(self, value: Any, decimals: int = 1) -> str:
        """``1,234.5 kWp``."""
        return self.unit(value, "kWp", decimals)

    def currency_unit(self) -> str:
        """The currency in a unit label: ``元`` for CNY in Chinese, else the ISO code."""
        return "元" if self.lang == "zh" and self.currency in _ZH_SIGNS else self.currency

    def tco2(self, value: Any, decimals: int = 1) -> str:
        """``123.4 tCO₂``."""
        return self.unit(value, "tCO₂", decimals)

    def years(self, value: Any, decimals: int = 1) -> str:
        """``6.2 年`` / ``6.2 years``."""
        number = _finite(value)
        if number is None:
            return self.na
        return f"{_plain(number, decimals)} {'年' if self.lang == 'zh' else 'years'}"
