"""The proposal's words: the ``report.`` part of the one message catalogue
(:mod:`pvplanner.display.messages`, texts in ``data/report/<lang>.toml``)."""

from __future__ import annotations

from pvplanner.display import messages
from pvplanner.errors import PlannerInputError

#: Languages a proposal can be written in (one TOML file each in ``data/report``).
LANGUAGES: tuple[str, ...] = ("zh", "en")


def check_lang(lang: str) -> str:
    """``lang`` if supported, else a :class:`PlannerInputError` naming the choices."""
    if lang not in LANGUAGES:
        raise PlannerInputError(
            f"unknown report language {lang!r}; choose one of {', '.join(LANGUAGES)}",
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
