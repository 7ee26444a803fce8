"""Notes and error texts that carry their catalogue key: one message, every reader's language.

The domain (load, tariff, pipeline...) says what it assumed or what went wrong in English
and names the message it means: a :class:`Message` is that English text *and* a key of the
message catalogues (``data/i18n/*.toml``, both languages) with the values that fill the
key's placeholders. The app, the proposal and the CLI show it in the reader's language with
:func:`pvplanner.display.messages.render`; anything that only knows strings (logs, the JSON
``warnings`` list, ``str(exc)``) sees the English text.

A :class:`Message` *is* a ``str`` (its English text), so every list of notes and every
message of an exception keeps working where a plain string did; the key and values travel
with it. This module imports nothing from :mod:`pvplanner` (only :func:`weather.errors.quoted`),
so every part of the domain may use it (the display layer renders it; the domain never
imports the display layer).

Examples
--------
>>> note = Message.of("notes.load.spring_festival",
...                   "Spring Festival closure {start} to {end} at {percent:.0f}% activity",
...                   start="2026-02-12", end="2026-02-28", percent=10.0)
>>> str(note)
'Spring Festival closure 2026-02-12 to 2026-02-28 at 10% activity'
>>> note.key, note.params["percent"]
('notes.load.spring_festival', 10.0)
>>> Message.from_dict(note.to_dict()) == note and Message.from_dict(note.to_dict()).key
'notes.load.spring_festival'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from weather.errors import quoted

#: Types a message value may have (a Message value is rendered in the reader's language too).
PARAM_TYPES: tuple[type, ...] = (str, int, float, bool, type(None))


def _is_name(value: Any) -> bool:
    """A name in several languages: ``{"en": ..., "zh": ...}`` (English required)."""
    return (isinstance(value, Mapping) and "en" in value and "key" not in value
            and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()))


def _check_value(key: str, name: str, value: Any) -> Any:
    if isinstance(value, Message) or isinstance(value, PARAM_TYPES):
        return value
    if _is_name(value):
        return dict(value)
    if hasattr(value, "item") and not hasattr(value, "__len__"):  # numpy scalars
        return value.item()
    raise TypeError(f"{key}: value {name}={value!r} must be a str, a number, a bool, a "
                    "name {'en': ..., 'zh': ...} or a Message (format dates and lists into "
                    "text first)")


def english(value: Any) -> Any:
    """The English form of a message value (a name's ``en`` text, else the value)."""
    return value["en"] if _is_name(value) else value


def bilingual(en: str, zh: str | None = None) -> dict[str, str]:
    """A name as a message value: ``{"en": en, "zh": zh}`` (``zh`` None: the English)."""
    return {"en": str(en), "zh": str(en if zh is None else zh)}


def chinese_money_unit(currency: str) -> str:
    """How Chinese text writes a currency after a sum: ``元`` for CNY, else its ISO code.

    >>> chinese_money_unit("cny"), chinese_money_unit("USD")
    ('元', 'USD')
    """
    return "元" if currency.upper() == "CNY" else currency.upper()


def listing(items: Iterable[Any]) -> dict[str, str]:
    """A list as a message value: comma-separated in English, joined by the enumeration
    comma (、) in Chinese (``第 7、8 行``, not ``第 7, 8 行``)."""
    texts = [str(item) for item in items]
    return bilingual(", ".join(texts), "、".join(texts))


def quoted_listing(items: Iterable[Any]) -> dict[str, str]:
    """:func:`listing` of quoted texts (a file's column headers): ``'a', 'b'`` in English,
    ``“a”、“b”`` in Chinese."""
    texts = [str(item) for item in items]
    return bilingual(", ".join(repr(text) for text in texts),
                     "、".join(f"“{text}”" for text in texts))


class Message(str):
    """English text of a note or an error, with its catalogue key and placeholder values.

    Parameters
    ----------
    key : str
        Full catalogue key (``"notes.load.spring_festival"``, ``"errors.meter.no_time"``);
        ``""`` for a text without a catalogue entry (shown as it is in every language).
    text : str
        The English text, shown wherever the catalogue is not consulted.
    params : mapping, optional
        Values of the key's ``{placeholders}``: strings, numbers, bools, names in both
        languages (:func:`bilingual`) or Messages (a Message value is itself rendered in the
        reader's language).

    Notes
    -----
    Immutable like the string it is. ``str(message)`` and JSON give the English text;
    :meth:`to_dict` keeps the key and values.
    """

    __slots__ = ("key", "params")
    key: str
    params: Mapping[str, Any]

    def __new__(cls, key: str, text: str, params: Mapping[str, Any] | None = None) -> Message:
        self = super().__new__(cls, text)
        checked = {name: _check_value(key, name, value) for name, value in (params or {}).items()}
        object.__setattr__(self, "key", str(key or ""))
        object.__setattr__(self, "params", MappingProxyType(checked))
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Message is immutable: cannot set {name}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self.key, str(self), dict(self.params)))

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {str(self)!r})"

    @classmethod
    def of(cls, key: str, template: str, /, **params: Any) -> Message:
        """A message whose English text is ``template`` filled with ``params``.

        The same placeholders (and format specs, ``{percent:.0f}``) as the catalogue's texts
        of ``key``, so the English is written once where the note is made. A text value
        longer than :data:`weather.errors.MAX_QUOTED_CHARS` (a cell of a user's file) is
        quoted by its start only (:func:`weather.errors.quoted`).
        """
        params = {k: quoted(v) for k, v in params.items()}
        return cls(key, template.format(**{k: english(v) for k, v in params.items()}), params)

    def to_dict(self) -> dict[str, Any]:
        """``{"key", "params", "text"}``, JSON-ready (Message values nested the same way)."""
        params = {name: value.to_dict() if isinstance(value, Message) else value
                  for name, value in self.params.items()}
        return {"key": self.key, "params": params, "text": str(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | str) -> Message:
        """The message of :meth:`to_dict` (a plain string becomes a message without key)."""
        if isinstance(data, Message):
            return data
        if isinstance(data, str):
            return cls("", data)
        params = {name: cls.from_dict(value) if isinstance(value, Mapping)
                  and not _is_name(value) else value
                  for name, value in dict(data.get("params") or {}).items()}
        return cls(str(data.get("key") or ""), str(data.get("text") or ""), params)


def join_messages(parts: Sequence[Message],
                  pair: Callable[[Message, Message], Message]) -> Message:
    """``parts`` joined two at a time by ``pair`` (a keyed "{first}<separator>{rest}"), so
    each language puts its own separator between them.

    Halving keeps the nesting shallow (log2 of the count), so rendering fifty bad rows does
    not recurse fifty deep.
    """
    if not parts:
        raise ValueError("join_messages needs at least one message")
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2
    return pair(join_messages(parts[:middle], pair), join_messages(parts[middle:], pair))


def comma_list(parts: Sequence[Message]) -> Message:
    """Messages listed one after another, each language with its own separator (``a, b``;
    ``a、b``).

    Examples
    --------
    >>> parts = [Message("tariff.components.line_loss", "line loss"),
    ...          Message("tariff.components.funds", "funds")]
    >>> comma_list(parts)
    Message('errors.plan.join.comma', 'line loss, funds')
    """
    return join_messages(parts, _comma)


def _comma(first: Message, rest: Message) -> Message:
    return Message.of("errors.plan.join.comma", "{first}, {rest}", first=first, rest=rest)


def as_message(value: Any) -> Message:
    """``value`` as a :class:`Message`: a Message as it is, anything else as its text
    without a key."""
    if isinstance(value, Message):
        return value
    if isinstance(value, Mapping):
        return Message.from_dict(value)
    return Message("", str(value))


def weather_notes(meta: Mapping[str, Any]) -> list[Message]:
    """The notes of a weather metadata dict (``WeatherMeta.to_dict()``) as messages: each
    note's key ``k`` (``weather/`` names them) is catalogue key ``notes.weather.k``."""
    texts = [str(note) for note in meta.get("notes") or ()]
    keys = meta.get("note_keys")
    if not isinstance(keys, list) or len(keys) != len(texts):
        keys = [getattr(note, "key", "") for note in meta.get("notes") or ()]
        keys = [[key, dict(getattr(note, "params", {}))]
                for key, note in zip(keys, meta.get("notes") or (), strict=True)]
    out = []
    for text, (key, params) in zip(texts, keys, strict=True):
        out.append(Message(f"notes.weather.{key}" if key else "", text, params))
    return out


def weather_message(item: Any, prefix: str = "errors.weather") -> Message:
    """A keyed message of :mod:`weather` (an error or a :class:`weather.meta.WeatherNote`)
    as a :class:`Message` of the catalogue: key ``k`` becomes ``<prefix>.k``, and values that
    are themselves keyed (the file's label, the format expected) become messages the same
    way. Without a key: its English text.
    """
    key = str(getattr(item, "key", "") or "")
    params = {name: weather_message(value, prefix) if getattr(value, "key", "") else value
              for name, value in dict(getattr(item, "params", None) or {}).items()}
    return Message(f"{prefix}.{key}" if key else "", str(item), params)


def error_message(exc: BaseException) -> str:
    """An error's text, with its catalogue key when it has one (a :class:`Message`): a
    PlannerInputError's message, or a weather error's as ``errors.weather.<key>``; else its
    English text. What the app and the command line render in the reader's language."""
    from weather.errors import WeatherInputError

    message = getattr(exc, "message", None)
    if isinstance(message, str):
        return message
    if isinstance(exc, WeatherInputError):
        return weather_message(exc)
    return str(exc)


__all__ = ["PARAM_TYPES", "Message", "as_message", "bilingual", "chinese_money_unit", "english",
           "error_message",
           "join_messages", "listing", "quoted_listing", "weather_message", "weather_notes"]
