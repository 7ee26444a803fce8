"""Numbers as the app and the proposal show them, per language and currency.

Both languages group thousands with commas and use a point for decimals (the Chinese
convention in business documents too). Chinese money carries the ``¥`` sign for CNY, English
money the ISO code (``CNY 1,234``) so it cannot be mistaken for yen. Compact forms for KPI
tiles use 万/亿 in Chinese and k/M/bn in English. The app, the proposal and their tests format
a Result's figures with the same :class:`NumberFormat`, so a figure found in the PDF is the
one the app shows. Display only: no quantity is computed here.

Rules every method follows: ``None``, NaN, inf and text that is not a number print the
language's "not available" mark; a boolean is a yes/no answer, never a number (``True`` is
"yes"/"是", not ``¥1``); no figure prints as ``-0``; a figure without a requested precision
shows about three significant digits and no decimals from 100 up (``1,615 tCO2``,
``45.3 tCO2``, ``0.46 tCO2``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from pvplanner.display.messages import LANGUAGES, Texts
from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message

#: Currency signs used in Chinese texts; other currencies print their ISO code.
_ZH_SIGNS = {"CNY": "¥", "RMB": "¥"}
#: Scales of compact numbers, largest first: (size, suffix).
_COMPACT = {
    "zh": ((1e8, "亿"), (1e4, "万")),
    "en": ((1e9, "bn"), (1e6, "M"), (1e3, "k")),
}


def _finite(value: Any) -> float | None:
    """The value as a finite float, or None."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _plain(number: float, decimals: int) -> str:
    """``1,234.5`` with no ``-0``."""
    text = f"{number:,.{decimals}f}"
    return text[1:] if text.startswith("-") and not _has_digit(text) else text


def _has_digit(text: str) -> bool:
    """True when the text shows a digit other than 0 (so a minus sign means something)."""
    return any(char in "123456789" for char in text)


def utc_offset_label(offset: Any) -> str:
    """A fixed offset from UTC as the proposal and the workbooks write it: ``UTC+8``,
    ``UTC+5:30``, ``UTC-3`` (hours, or a :class:`datetime.timedelta`); ``""`` when the offset
    is not a number.

    Examples
    --------
    >>> utc_offset_label(8.0), utc_offset_label(5.5), utc_offset_label(-3), utc_offset_label(0)
    ('UTC+8', 'UTC+5:30', 'UTC-3', 'UTC+0')
    >>> import datetime as dt
    >>> utc_offset_label(dt.timedelta(hours=9, minutes=45)), utc_offset_label(None)
    ('UTC+9:45', '')
    """
    seconds = getattr(offset, "total_seconds", None)
    hours = seconds() / 3600.0 if callable(seconds) else _finite(offset)
    if hours is None:
        return ""
    minutes_total = round(abs(hours) * 60)
    whole, minutes = divmod(minutes_total, 60)
    sign = "-" if hours < 0 and minutes_total else "+"
    return f"UTC{sign}{whole}" + (f":{minutes:02d}" if minutes else "")


def invested_payback(years: float | None, capex: float) -> float | None:
    """A payback as every output shows it: none where nothing was invested (a zero-size or
    free design: "—", not "0.0 years"), nor where the cash flow is never below zero (a
    subsidy that pays the whole investment, a lease or an energy-management contract
    without an outlay of the company's: nothing to pay back).

    Examples
    --------
    >>> invested_payback(6.4, 8.2e6), invested_payback(0.0, 0.0), invested_payback(0.0, 8.2e6)
    (6.4, None, None)
    """
    return years if capex > 0 and years != 0.0 else None


def sensible_decimals(value: float, significant: int = 3, most: int = 2) -> int:
    """Decimals that show about ``significant`` digits, none from 100 up, at most ``most``.

    Examples
    --------
    >>> [sensible_decimals(v) for v in (1615.0, 45.3, 3.21, 0.456, 0.0)]
    [0, 1, 2, 2, 0]
    """
    size = abs(float(value))
    if size == 0 or not math.isfinite(size):
        return 0
    return int(min(most, max(0, significant - 1 - math.floor(math.log10(size)))))


class NumberFormat:
    """Formatting of figures for one language and currency.

    Parameters
    ----------
    lang : str
        ``"en"`` or ``"zh"``; another value is a :class:`PlannerInputError` (field ``lang``).
    currency : str, optional
        ISO code of the money figures (CNY by default).
    co2_unit : str, optional
        Symbol of tonnes of CO2: ``tCO2`` (any font; the PDF's has no subscript two) or
        ``tCO₂`` (screens).

    Examples
    --------
    >>> NumberFormat("en", "CNY").money(-1234567.4)
    '-CNY 1,234,567'
    >>> NumberFormat("zh", "CNY").money(1234567.4)
    '¥1,234,567'
    >>> NumberFormat("zh").money(True)
    '是'
    """

    def __init__(self, lang: str, currency: str = "CNY", *, co2_unit: str = "tCO2") -> None:
        if lang not in LANGUAGES:
            raise PlannerInputError(
                Message.of("errors.display.language", "unknown language {lang}; choose one of "
                           "{choices}", lang=repr(lang), choices=", ".join(LANGUAGES)),
                field="lang"
            )
        self.lang = lang
        self.currency = (currency or "CNY").upper()
        self.co2_unit = co2_unit
        self.words = Texts(lang, "numbers")
        self.na = self.words("not_available")

    # ------------------------------------------------------------------ every method's rules
    def _figure(self, value: Any, show: Callable[[float], str]) -> str:
        """``show(number)``, a yes/no for a boolean, the n/a mark for a missing figure."""
        if isinstance(value, (bool, np.bool_)):
            return self.boolean(value)
        number = _finite(value)
        return self.na if number is None else show(number)

    def boolean(self, value: Any) -> str:
        """``yes``/``no`` (``是``/``否``); the n/a mark for ``None``."""
        if value is None:
            return self.na
        return self.words("yes" if bool(value) else "no")

    # ------------------------------------------------------------------ plain numbers
    def number(self, value: Any, decimals: int | None = 0) -> str:
        """``1,234,567.8`` style [-]; ``decimals=None`` picks :func:`sensible_decimals`."""
        return self._figure(value, lambda n: _plain(
            n, sensible_decimals(n) if decimals is None else decimals))

    def compact(self, value: Any, decimals: int = 1) -> str:
        """Large numbers shortened: ``123.5万`` / ``1.24M`` (English from 10k, M from 1M)."""
        return self._figure(value, lambda n: self._compact(n, decimals))

    def _compact(self, number: float, decimals: int) -> str:
        size = abs(number)
        for scale, suffix in _COMPACT[self.lang]:
            big_enough = size >= scale if self.lang == "zh" or scale >= 1e6 else size >= 10 * scale
            if big_enough:
                return f"{_plain(number / scale, decimals)}{suffix}"
        return _plain(number, 0)

    # ------------------------------------------------------------------ money
    def _money_text(self, body: str, negative: bool) -> str:
        sign = "-" if negative and _has_digit(body) else ""
        if self.lang == "zh" and self.currency in _ZH_SIGNS:
            return f"{sign}{_ZH_SIGNS[self.currency]}{body}"
        return f"{sign}{self.currency} {body}"

    def money(self, value: Any, decimals: int = 0) -> str:
        """A sum of money with the currency sign or code, e.g. ``¥12,345`` / ``CNY 12,345``."""
        return self._figure(value, lambda n: self._money_text(_plain(abs(n), decimals), n < 0))

    def money_compact(self, value: Any) -> str:
        """``¥123.5万`` / ``CNY 1.24M`` for KPI tiles."""
        decimals = 2 if self.lang == "en" else 1
        return self._figure(
            value, lambda n: self._money_text(self._compact(abs(n), decimals), n < 0))

    def money_wan(self, value: Any) -> str:
        """Chinese ``约 123.4 万元`` hint for CNY sums of 10,000 or more, else ``""``."""
        number = None if isinstance(value, (bool, np.bool_)) else _finite(value)
        if self.lang != "zh" or self.currency not in _ZH_SIGNS or number is None:
            return ""
        if abs(number) < 10_000:
            return ""
        return self.words("wan_hint", value=_plain(number / 10_000, 1))

    def price(self, value: Any, unit: str = "kWh") -> str:
        """A unit price with 3 decimals (4 below 0.1), e.g. ``¥0.620/kWh``."""
        return self._figure(
            value, lambda n: f"{self.money(n, 3 if abs(n) >= 0.1 else 4)}/{unit}")

    def currency_unit(self) -> str:
        """The currency in a unit label: ``元`` for CNY in Chinese, else the ISO code."""
        return "元" if self.lang == "zh" and self.currency in _ZH_SIGNS else self.currency

    def money_axis(self) -> tuple[float, str]:
        """Scale and unit of a chart's money axis: 万元 in Chinese CNY texts, else thousands.

        Returns
        -------
        scale : float
            Divide money by this to plot it [currency per axis unit].
        label : str
            The axis unit, e.g. ``万元`` or ``thousand CNY``.
        """
        if self.lang == "zh" and self.currency in _ZH_SIGNS:
            return 1e4, self.words("money_axis.wan", currency=self.currency)
        return 1e3, self.words("money_axis.thousand", currency=self.currency)

    # ------------------------------------------------------------------ ratios and units
    def percent(self, ratio: Any, decimals: int = 1) -> str:
        """A fraction as percent: ``0.456 -> 45.6%``."""
        return self._figure(ratio, lambda n: f"{_plain(100.0 * n, decimals)}%")

    def percent_value(self, value: Any, decimals: int = 1) -> str:
        """A value already in percent: ``14.08 -> 14.1%``."""
        return self._figure(value, lambda n: f"{_plain(n, decimals)}%")

    def unit(self, value: Any, unit: str, decimals: int | None = 0) -> str:
        """A figure with its unit after a space: ``1,234 kWh``; ``decimals=None``: sensible."""
        return self._figure(value, lambda n: f"{self.number(n, decimals)} {unit}")

    def kwh(self, value: Any) -> str:
        """Energy in whole kWh: ``2,845,465 kWh``."""
        return self.unit(value, "kWh")

    def energy(self, kwh: Any) -> str:
        """Energy as it reads best: ``284.5万 kWh`` in Chinese, kWh/MWh/GWh in English."""
        return self._figure(kwh, self._energy)

    def _energy(self, number: float) -> str:
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
        """Capacity: ``1,234.5 kWp``."""
        return self.unit(value, "kWp", decimals)

    def tco2(self, value: Any, decimals: int | None = None) -> str:
        """Tonnes of CO2, by default at sensible precision: ``1,615 tCO2``, ``45.3 tCO2``."""
        return self.unit(value, self.co2_unit, decimals)

    def years(self, value: Any, decimals: int = 1) -> str:
        """``6.2 年`` / ``6.2 years``; a positive span that would round to nothing reads
        ``不足 0.1 年`` / ``under 0.1 years`` (a payback of weeks is not "0.0 years").

        Examples
        --------
        >>> [NumberFormat("en").years(v) for v in (6.24, 0.02, 0.0)]
        ['6.2 years', 'under 0.1 years', '0.0 years']
        """
        def show(number: float) -> str:
            smallest = 10.0 ** -decimals
            if 0 < number < smallest / 2:
                return self.words("years_under", value=_plain(smallest, decimals))
            return self.words("years", value=_plain(number, decimals))
        return self._figure(value, show)

    def count(self, value: Any) -> str:
        """Whole items (certificates): ``1,234 张`` / ``1,234``."""
        return self._figure(value, lambda n: self.words("certificates", value=_plain(round(n), 0)))


__all__ = ["NumberFormat", "sensible_decimals", "utc_offset_label"]
