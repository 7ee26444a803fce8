"""The one message catalogue: every word the app, the proposal and the number formats show,
in English and Chinese.

Two layouts of TOML files feed it, both read here and nowhere else:

* ``data/i18n/<name>.toml`` (the app's pages, ``common`` and ``numbers``): a message is a table
  with one text per language; tables nest. The key is the file name plus the table path::

      [weather.status]              # -> "site.weather.status"
      en = "Weather"
      zh = "气象"

* ``data/report/<lang>.toml`` (the proposal): one file per language with the same tables;
  the key is ``report.`` plus the table path (``report.sections.summary``). The ``lang``
  entry names the file's language and is not a message.

A text is a string (``{placeholders}`` filled with :meth:`str.format`) or, in the proposal's
files, a list of strings (month and compass names). :func:`translate` serves the app
(English when a language is missing, the key itself when unknown); :class:`Texts` serves the
proposal and the number formats (a missing key is a :class:`KeyError`).
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from pvplanner.messages import Message, as_message
from weather.datafiles import data_path

#: Languages of every message, the first is the fallback of the app.
LANGUAGES: tuple[str, ...] = ("en", "zh")

#: Names shown in the language selector (each in its own language).
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "zh": "中文"}

#: Folders of ``data/`` that hold one file per language, and the key prefix of their texts.
PER_LANGUAGE_FOLDERS: dict[str, str] = {"report": "report"}

#: A text in one language: a string, or a list of strings (month names...).
Text = str | list[str]


def _is_text(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    )


def _is_message(table: dict[str, Any]) -> bool:
    return bool(table) and set(table) <= set(LANGUAGES) and all(
        _is_text(value) for value in table.values()
    )


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, dict[str, Text]],
             where: Path) -> None:
    """Messages of an ``i18n`` file: tables of ``{language: text}``."""
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, dict) and _is_message(value):
            out[key] = dict(value)
        elif isinstance(value, dict):
            _flatten(key, value, out, where)
        else:
            raise ValueError(f"{where.name}: {key} must be a table of {LANGUAGES} texts")


def _flatten_language(prefix: str, table: dict[str, Any], lang: str,
                      out: dict[str, dict[str, Text]], where: Path) -> None:
    """Texts of a per-language file: every leaf is that language's text of its key."""
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, dict):
            _flatten_language(key, value, lang, out, where)
        elif _is_text(value):
            out.setdefault(key, {})[lang] = value
        else:
            raise ValueError(f"{where.name}: {key} must be a string or a list of strings")


def _load(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@cache
def catalogue() -> dict[str, dict[str, Text]]:
    """Every message: ``{"site.title": {"en": ..., "zh": ...}, "report.doc.title": ...}``."""
    out: dict[str, dict[str, Text]] = {}
    for path in sorted(data_path("i18n").glob("*.toml")):
        _flatten(path.stem, _load(path), out, path)
    for folder, prefix in PER_LANGUAGE_FOLDERS.items():
        for lang in LANGUAGES:
            path = data_path(folder, f"{lang}.toml")
            table = _load(path)
            table.pop("lang", None)
            _flatten_language(prefix, table, lang, out, path)
    return out


def _fill(text: str, values: dict[str, Any]) -> str:
    return text.format(**values) if values else text


def translate(key: str, lang: str, **values: Any) -> str:
    """The message ``key`` in ``lang`` (English if missing; the key itself if unknown).

    A placeholder without a value leaves the text as written rather than failing, so a page
    still shows a readable label.
    """
    entry = catalogue().get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get(LANGUAGES[0]) or key
    if not isinstance(text, str):
        return key
    try:
        return _fill(text, values)
    except (KeyError, IndexError, ValueError):
        return text


def render(text: Any, lang: str) -> str:
    """A note or an error message in the reader's language.

    Parameters
    ----------
    text : Message, str, dict or exception
        A :class:`~pvplanner.messages.Message` (or its :meth:`~pvplanner.messages.Message.to_dict`
        form, or an exception with ``key``/``params`` such as
        :class:`~pvplanner.errors.PlannerInputError`); a plain string is shown as it is.
    lang : str
        One of :data:`LANGUAGES`.

    Returns
    -------
    str
        The catalogue's text of the message's key in ``lang``, filled with its values
        (values that are messages rendered the same way); the message's English text when the
        catalogue does not know the key or its placeholders do not fit the values.

    Examples
    --------
    >>> from pvplanner.messages import Message, bilingual
    >>> render(Message.of("notes.load.spring_festival", "Spring Festival closure {start} to "
    ...                   "{end} at {percent:.0f}% activity (ramp-down days before it: "
    ...                   "{down}; ramp-up days after it: {up})",
    ...                   start=bilingual("12 Feb", "2月12日"), end=bilingual("28 Feb", "2月28日"),
    ...                   percent=10.0, down=2, up=3), "zh")
    '春节停产：2月12日至2月28日，生产负荷按 10% 计，停产前后分别用 2 天和 3 天逐步降产、复产'
    """
    if isinstance(text, BaseException):
        text = Message(getattr(text, "key", "") or "", str(text), getattr(text, "params", None))
    message = as_message(text)
    entry = catalogue().get(message.key) if message.key else None
    template = (entry or {}).get(lang)
    if not isinstance(template, str):
        return str(message)
    values = {name: value_in(value, lang) for name, value in message.params.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError, TypeError):
        return str(message)


def value_in(value: Any, lang: str) -> Any:
    """A message value for ``lang``: messages rendered, names in that language
    (``{"en": ..., "zh": ...}``), anything else as it is."""
    if isinstance(value, Message):
        return render(value, lang)
    if isinstance(value, dict):
        return value[lang] if lang in value else value.get(LANGUAGES[0], "")
    return value


def has(key: str) -> bool:
    """True when the catalogue knows ``key``."""
    return key in catalogue()


def default_language(locale: str | None) -> str:
    """``zh`` for a Chinese browser locale (``zh``, ``zh-CN``, ``zh-Hans``...), else ``en``."""
    if locale and str(locale).strip().lower().replace("_", "-").startswith("zh"):
        return "zh"
    return "en"


class Texts:
    """The messages under one key prefix in one language, looked up as ``texts("a.b")``.

    Parameters
    ----------
    lang : str
        One of :data:`LANGUAGES`.
    prefix : str, optional
        Key prefix without its dot (``"report"``); ``""`` for full keys.

    Examples
    --------
    >>> Texts("en", "report")("sections.summary")
    'Executive summary'
    >>> Texts("zh", "numbers")("years", value="6.2")
    '6.2 年'
    """

    def __init__(self, lang: str, prefix: str = "") -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
        self.lang = lang
        self.prefix = f"{prefix}." if prefix else ""

    def raw(self, key: str) -> Text:
        """The text at ``key`` (a string or a list of strings); KeyError if missing."""
        entry = catalogue()[self.prefix + key]
        return entry[self.lang]

    def __call__(self, key: str, **values: Any) -> str:
        text = self.raw(key)
        if not isinstance(text, str):
            raise TypeError(f"{self.prefix}{key} is a list of texts; read it with raw()")
        return _fill(text, values)

    def get(self, key: str, default: str | None = None, **values: Any) -> str:
        """Like calling, but ``default`` (or the key's last part) when the key is missing."""
        try:
            return self(key, **values)
        except KeyError:
            return default if default is not None else key.rsplit(".", 1)[-1]

    @property
    def na(self) -> str:
        """Shown for a missing or undefined figure."""
        return Texts(self.lang, "numbers")("not_available")

    @property
    def table(self) -> dict[str, Text]:
        """Every text under the prefix in this language, by key without the prefix."""
        start = len(self.prefix)
        return {key[start:]: entry[self.lang] for key, entry in catalogue().items()
                if key.startswith(self.prefix) and self.lang in entry}


__all__ = [
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "PER_LANGUAGE_FOLDERS",
    "Text",
    "Texts",
    "catalogue",
    "default_language",
    "has",
    "render",
    "translate",
    "value_in",
]
