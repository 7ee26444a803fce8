"""Exceptions raised by :mod:`weather`.

``weather`` never imports :mod:`pvplanner`; the planner maps these onto its own user-facing
error handling (see ``pvplanner.errors.USER_ERRORS``).

A :class:`WeatherInputError` made with :meth:`WeatherInputError.of` carries, besides its
English text, a stable ``key`` (``"file.empty"``, ``"validate.gap"``...) and the ``params``
that fill it, exactly like a :class:`weather.meta.WeatherNote`: an application shows the
error in its reader's language from its own message catalogue (pvplanner looks the key up
as ``errors.weather.<key>``). A value that is itself keyed (a ``WeatherNote``, e.g. the
file's label ``"weather file 'site.csv'"``, made with :func:`message_part`) is translated
the same way; a value given as
``{"en": ..., "zh": ...}`` is a text in several languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from weather.meta import WeatherNote

#: Longest text a message quotes from what it was given [characters]: a cell of a user's file
#: can hold megabytes (a quote never closed), and a message echoes only its start.
MAX_QUOTED_CHARS = 1000

#: How much of a longer text a message quotes [characters], followed by an ellipsis.
QUOTED_START_CHARS = 200


def quoted(value: Any) -> Any:
    """``value`` as a message may quote it: a plain text longer than
    :data:`MAX_QUOTED_CHARS` cut to its first :data:`QUOTED_START_CHARS` characters and an
    ellipsis; any other value as it is (a message or note composed of others, which is a
    ``str`` too, is not a quotation and stays whole).

    Examples
    --------
    >>> quoted("x" * 5000) == "x" * 200 + "…", quoted("site.csv"), quoted(3.5)
    (True, 'site.csv', 3.5)
    """
    if type(value) is str and len(value) > MAX_QUOTED_CHARS:
        return value[:QUOTED_START_CHARS] + "…"
    return value


class WeatherError(Exception):
    """Base class of every error raised by :mod:`weather`: an English text, and where made
    with :meth:`of` a stable ``key`` and the ``params`` that fill it (see module docstring).

    Parameters
    ----------
    message : str
        The English text (``str(exc)``).
    key : str, optional
        Stable key of the message (``""``: English only).
    params : mapping, optional
        Values of the key's ``{placeholders}``.
    """

    def __init__(self, message: str, *, key: str = "",
                 params: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        #: Stable key of the message (``""`` for an English-only text).
        self.key: str = str(key or "")
        #: Values of the key's placeholders.
        self.params: dict[str, Any] = dict(params or {})

    @classmethod
    def of(cls, key: str, template: str, /, **params: Any) -> Self:
        """An error whose English text is ``template`` filled with ``params`` (a value
        ``{"en": ..., "zh": ...}`` is filled with its English; a text longer than
        :data:`MAX_QUOTED_CHARS` only by its start, :func:`quoted`)."""
        params = {k: quoted(v) for k, v in params.items()}
        english = {k: v["en"] if isinstance(v, Mapping) else v for k, v in params.items()}
        return cls(template.format(**english), key=key, params=params)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), str(self), self.key, self.params))


class WeatherInputError(WeatherError, ValueError):
    """A user-caused problem: impossible coordinates, a bad file, missing columns, gaps.

    The message names the file, row, column or value and says how to fix it (parameters: as
    :class:`WeatherError`).

    Examples
    --------
    >>> error = WeatherInputError.of("file.empty", "weather file {name!r} is empty",
    ...                              name="site.csv")
    >>> str(error), error.key, dict(error.params)
    ("weather file 'site.csv' is empty", 'file.empty', {'name': 'site.csv'})
    """


def _rebuild(kind: type[WeatherError], text: str, key: str,
             params: Mapping[str, Any]) -> WeatherError:
    """A pickled :class:`WeatherError` with its key and values (Streamlit's cache and
    process pools pickle exceptions)."""
    return kind(text, key=key, params=params)


def message_part(key: str, template: str, /, **params: Any) -> WeatherNote:
    """A keyed piece of an error message (the file's label, a phrase, a hint) given as one
    of its values: translated with the error (pvplanner: ``errors.weather.<key>``).

    Examples
    --------
    >>> label = message_part("label.file", "weather file {name!r}", name="site.csv")
    >>> str(label), label.key
    ("weather file 'site.csv'", 'label.file')
    """
    return WeatherNote.of(key, template, **params)


class WeatherSourceUnavailable(WeatherError):
    """An online source could not be reached or refused the request (offline, 4xx/5xx)."""
