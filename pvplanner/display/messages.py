"""The app's message catalogue: every label in English and Chinese.

Texts live in ``data/i18n/<page>.toml`` (one file per page plus ``common.toml``). A message is
a TOML table with one string per language::

    [title]
    en = "Site and roof"
    zh = "场地与屋顶"

Tables nest (``[weather.status]``); a message's key is the file name plus the table path,
e.g. ``site.weather.status``. ``{placeholders}`` are filled with :meth:`str.format`.
"""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from weather.datafiles import data_path

#: Languages of the user interface, the first is the fallback.
LANGUAGES: tuple[str, ...] = ("en", "zh")

#: Names shown in the language selector (each in its own language).
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "zh": "中文"}


def _is_message(table: dict[str, Any]) -> bool:
    return bool(table) and all(isinstance(v, str) for v in table.values()) and set(
        table
    ) <= set(LANGUAGES)


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, dict[str, str]]) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, dict) and _is_message(value):
            out[key] = value
        elif isinstance(value, dict):
            _flatten(key, value, out)
        else:
            raise ValueError(f"data/i18n: {key} must be a table with {LANGUAGES} strings")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message: ``{"site.title": {"en": ..., "zh": ...}, ...}``."""
    folder = data_path("i18n")
    out: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as handle:
            _flatten(path.stem, tomllib.load(handle), out)
    return out


def translate(key: str, lang: str, **values: Any) -> str:
    """The message ``key`` in ``lang`` (English if missing; the key itself if unknown)."""
    entry = catalogue().get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get(LANGUAGES[0]) or key
    if values:
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def has(key: str) -> bool:
    """True when the catalogue knows ``key``."""
    return key in catalogue()


def default_language(locale: str | None) -> str:
    """``zh`` for a Chinese browser locale (``zh``, ``zh-CN``, ``zh-Hans``...), else ``en``."""
    if locale and str(locale).strip().lower().replace("_", "-").startswith("zh"):
        return "zh"
    return "en"
