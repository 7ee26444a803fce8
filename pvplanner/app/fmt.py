"""Numbers as the app shows them: :class:`pvplanner.display.numbers.NumberFormat` with the
screen's unit symbols. Every rule (signs, precision, missing values, booleans) lives there."""

from __future__ import annotations

from pvplanner.display.messages import LANGUAGES
from pvplanner.display.numbers import NumberFormat


class Fmt(NumberFormat):
    """The app's formats for one language (``en``/``zh``, else English) and currency.

    Examples
    --------
    >>> Fmt("zh").tco2(1615.04)
    '1,615 tCO₂'
    """

    def __init__(self, lang: str, currency: str = "CNY") -> None:
        super().__init__(lang if lang in LANGUAGES else LANGUAGES[0], currency, co2_unit="tCO₂")


__all__ = ["Fmt"]
