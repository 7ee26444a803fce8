"""The proposal's words: the ``report.`` part of the one message catalogue
(:mod:`pvplanner.display.messages`, texts in ``data/report/<lang>.toml``)."""

from __future__ import annotations

import datetime as dt

from pvplanner.display import messages
from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message

#: Languages a proposal can be written in (one TOML file each in ``data/report``).
LANGUAGES: tuple[str, ...] = ("zh", "en")


def check_lang(lang: str) -> str:
    """``lang`` if supported, else a :class:`PlannerInputError` naming the choices."""
    if lang not in LANGUAGES:
        raise PlannerInputError(
            Message.of("errors.report.language",
                       "unknown report language {lang}; choose one of {choices}",
                       lang=repr(lang), choices=", ".join(LANGUAGES)),
            field="lang",
        )
    return lang


class Texts(messages.Texts):
    """Look-ups of ``"section.key"`` among the proposal's texts in one language.

    Examples
    --------
    >>> Texts("en")("sections.summary")
    'Executive summary'
    """

    def __init__(self, lang: str) -> None:
        super().__init__(check_lang(lang), "report")


def date_label(day: dt.date, texts: Texts) -> str:
    """A day without its year as the proposal's language writes it: ``7月25日`` /
    ``25 July``.

    Examples
    --------
    >>> date_label(dt.date(2026, 7, 25), Texts("zh")), date_label(dt.date(2026, 7, 25), Texts("en"))
    ('7月25日', '25 July')
    """
    if texts.lang == "zh":
        return f"{day.month}月{day.day}日"
    return f"{day.day} {texts.raw('month.long')[day.month - 1]}"


def period_text(period: str, texts: Texts) -> str:
    """A source's date for the reader: an ISO interval with an open end (``2026-08-01/``)
    as "from" that day, a closed one (``a/b``) as "a to b", anything else as it is.

    Examples
    --------
    >>> period_text("2026-08-01/", Texts("zh")), period_text("2026-08-01/", Texts("en"))
    ('2026-08-01起', 'from 2026-08-01')
    >>> period_text("2025-01-01/2025-12-31", Texts("zh")), period_text("2024", Texts("en"))
    ('2025-01-01至2025-12-31', '2024')
    """
    text = str(period).strip()
    start, slash, end = text.partition("/")
    if not slash:
        return text
    start, end = start.strip(), end.strip()
    if start and end:
        return texts("assumptions.date_range", start=start, end=end)
    if start:
        return texts("assumptions.date_from", date=start)
    return texts("assumptions.date_range", start="…", end=end) if end else text
