"""The proposal's words in each language, from ``data/report/<lang>.toml``."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from pvplanner.errors import PlannerInputError
from weather.datafiles import data_path

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


@cache
def _table(lang: str) -> dict[str, Any]:
    with data_path("report", f"{check_lang(lang)}.toml").open("rb") as handle:
        return tomllib.load(handle)


class Texts:
    """Look-ups of ``"section.key"`` in one language, with ``str.format`` placeholders.

    Examples
    --------
    >>> Texts("en")("sections.summary")
    'Executive summary'
    """

    def __init__(self, lang: str) -> None:
        self.lang = check_lang(lang)
        self.table = _table(lang)

    def raw(self, key: str) -> Any:
        """The value at a dotted key (string, list or table); KeyError if missing."""
        node: Any = self.table
        for part in key.split("."):
            node = node[part]
        return node

    def __call__(self, key: str, **values: Any) -> str:
        text = self.raw(key)
        return text.format(**values) if values else text

    def get(self, key: str, default: str | None = None, **values: Any) -> str:
        """Like calling, but ``default`` (or the key's last part) when the key is missing."""
        try:
            return self(key, **values)
        except KeyError:
            return default if default is not None else key.rsplit(".", 1)[-1]

    @property
    def na(self) -> str:
        """Shown for a missing or undefined figure."""
        return self.table["not_available"]
