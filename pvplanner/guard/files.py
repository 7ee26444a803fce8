"""A user's file read once, with a size limit, and its text decoded: one way for every reader.

The meter reader, the batch sites reader and the app's uploads all take a file from a user
(a path, bytes or an open binary file) that may be far larger than anything sensible. They
read it here: :func:`read_limited` refuses an oversized file before reading it (a path) or
after reading one byte past the limit (a stream), :func:`check_size` is the one message
for a file that is too large (its size, the limit and what the user can do), and
:func:`decode_text` turns bytes into text the way Chinese and other exports are saved
(UTF-8 with or without BOM, GBK/GB18030, UTF-16 with BOM).

Every refusal is a :class:`~pvplanner.messages.Message` of the catalogue
(``errors.files.*``, ``data/i18n/errors.toml``), so the app shows it in the reader's
language; the advice texts are messages too (:data:`TOO_LARGE_ADVICE`,
:data:`ENCODING_ADVICE`; an English advice text equal to one of them is shown in the
reader's language as well, any other text as it is).

``weather/`` keeps its own reader: it must not import :mod:`pvplanner`.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any, BinaryIO

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message, bilingual

__all__ = [
    "ENCODING_ADVICE",
    "MAX_FILE_BYTES",
    "TOO_LARGE_ADVICE",
    "advice_message",
    "check_size",
    "decode_text",
    "os_reason",
    "read_limited",
    "size_name",
    "size_text",
]

#: Largest file a user may give any reader [bytes] (50 MB, the app's upload limit too). A
#: year of 15-minute meter readings is about 1 MB as CSV; 100,000 batch sites about 30 MB.
MAX_FILE_BYTES = 50_000_000

#: What a user can do with a file over the limit, by kind of file (the app's upload kinds,
#: the meter reader and the batch sites reader use these words).
TOO_LARGE_ADVICE: dict[str, Message] = {
    "meter": Message.of(
        "errors.files.advice.meter",
        "export fewer days (the planner uses at most the most recent 365; a year of 15-minute "
        "readings is about 1 MB as CSV) or only the time and kW/kWh columns, or split the "
        "file and give the part with the most recent year"
    ),
    "sites": Message.of("errors.files.advice.sites",
                        "split the sites into several files and run them one after another"),
    "weather": Message.of("errors.files.advice.weather", "an hourly weather year is 1-2 MB: "
                          "export a single year with hourly rows"),
    "scenario": Message.of("errors.files.advice.scenario", "a scenario file is a few kB: "
                           "check that this is a scenario (JSON or TOML)"),
    "store": Message.of("errors.files.advice.store",
                        "export fewer scenarios at a time, or split the export file"),
    "logo": Message.of("errors.files.advice.logo",
                       "save the logo as a PNG or JPEG of at most a few hundred kB (a cover "
                       "logo needs no more than about 600 x 300 pixels)"),
}

#: What a user can do with a file that is not text in a known encoding, by kind of file
#: (the default of :func:`decode_text`, the meter reader, the batch sites reader).
ENCODING_ADVICE: dict[str, Message] = {
    "csv": Message.of("errors.files.advice.csv", "save the file as CSV (UTF-8)"),
    "meter": Message.of("errors.files.advice.csv_xlsx", "save the file as CSV (UTF-8) or XLSX"),
    "sites": Message.of("errors.files.advice.utf8_csv", "save it as UTF-8 CSV"),
    "text": Message.of("errors.files.advice.utf8_text", "save it as UTF-8 text"),
}

#: What kind of file a message names, by the English words callers pass as ``what``.
_WHAT: dict[str, Message] = {
    text: Message.of(f"errors.files.what.{kind}", text)
    for kind, text in (("file", "file"), ("meter", "meter file"), ("sites", "sites file"))
}

#: Every advice message, by its English text: a caller's English advice is translated too.
_ADVICE_BY_TEXT: dict[str, Message] = {
    str(advice): advice for advice in (*TOO_LARGE_ADVICE.values(), *ENCODING_ADVICE.values())
}

_BOM_UTF16 = (b"\xff\xfe", b"\xfe\xff")
_BOM_UTF8 = b"\xef\xbb\xbf"


def size_text(size_bytes: int | float, lang: str = "en") -> str:
    """A size for people: ``"60.0 MB"``, ``"812 kB"``, ``"532 bytes"`` (decimal units).

    In Chinese (``lang="zh"``) a size under 1 MB is given in MB with two decimals and a few
    bytes as 字节, so no English word is left.

    Examples
    --------
    >>> size_text(60_000_000), size_text(812_400), size_text(532)
    ('60.0 MB', '812 kB', '532 bytes')
    >>> size_text(812_400, "zh"), size_text(532, "zh")
    ('0.81 MB', '532 字节')
    """
    if size_bytes >= 1_000_000:
        return f"{size_bytes / 1e6:,.1f} MB"
    if size_bytes >= 1_000:
        return f"{size_bytes / 1e6:.2f} MB" if lang == "zh" else f"{size_bytes / 1e3:,.0f} kB"
    return f"{int(size_bytes)} 字节" if lang == "zh" else f"{int(size_bytes)} bytes"


def size_name(size_bytes: int | float) -> dict[str, str]:
    """A size as a message value in both languages (:func:`size_text`)."""
    return bilingual(size_text(size_bytes), size_text(size_bytes, "zh"))


def advice_message(advice: str) -> Message:
    """An advice text as a message: a :class:`Message` as it is, the English text of one of
    :data:`TOO_LARGE_ADVICE` or :data:`ENCODING_ADVICE` as that message, else the text
    without a key."""
    if isinstance(advice, Message):
        return advice
    return _ADVICE_BY_TEXT.get(str(advice)) or Message("", str(advice))


def _what_message(what: str) -> Message:
    """The kind of file (``"meter file"``) as a message, in the reader's language when known."""
    if isinstance(what, Message):
        return what
    return _WHAT.get(str(what)) or Message("", str(what))


def check_size(
    size_bytes: int | None,
    name: str,
    max_bytes: int,
    *,
    advice: str,
    error: type[PlannerInputError] = PlannerInputError,
    field: str | None = None,
) -> None:
    """Refuse a file larger than ``max_bytes``, naming its size, the limit and the way out.

    Parameters
    ----------
    size_bytes : int or None
        The file's size [bytes]; None when only "more than the limit" is known (a stream
        read up to one byte past it).
    name : str
        The file as the user knows it (its name, never a server path it did not give).
    max_bytes : int
        The limit [bytes].
    advice : str or Message
        What the user can do, e.g. :data:`TOO_LARGE_ADVICE` ``["meter"]`` (see
        :func:`advice_message`).
    error : PlannerInputError subclass
        The exception raised.
    field : str, optional
        The input at fault, passed to ``error``.

    Raises
    ------
    PlannerInputError
        ``"{name} is 60.0 MB, more than the 50.0 MB limit: {advice}"`` (message
        ``errors.files.too_large``, the sizes in both languages).
    """
    if size_bytes is not None and size_bytes <= max_bytes:
        return
    if size_bytes is None:
        raise error(Message.of("errors.files.larger_than",
                               "{name} is larger than the {limit} limit: {advice}", name=name,
                               limit=size_name(max_bytes), advice=advice_message(advice)),
                    field=field)
    raise error(Message.of("errors.files.too_large",
                           "{name} is {size}, more than the {limit} limit: {advice}", name=name,
                           size=size_name(size_bytes), limit=size_name(max_bytes),
                           advice=advice_message(advice)), field=field)


def read_limited(
    source: str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO,
    *,
    filename: str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    what: str = "file",
    advice: str,
    error: type[PlannerInputError] = PlannerInputError,
) -> tuple[bytes, str]:
    """The bytes of a user's file, refused when over ``max_bytes`` or empty.

    Parameters
    ----------
    source : path, bytes or binary file object
        A text stream is accepted too (re-encoded as UTF-8).
    filename : str, optional
        The name used in messages; default the path's name, the stream's ``name``, else
        ``"<bytes>"``/``"<stream>"``.
    max_bytes : int, default :data:`MAX_FILE_BYTES`
        Largest size accepted [bytes]; a path is refused before it is read, a stream after
        ``max_bytes + 1`` bytes.
    what : str
        What the file is, for messages about a missing path (``"meter file"``).
    advice : str
        What the user can do when the file is too large (see :func:`check_size`).
    error : PlannerInputError subclass
        The exception raised.

    Returns
    -------
    (bytes, str)
        The content and the name used in messages.

    Raises
    ------
    PlannerInputError
        A missing path or a folder, a file over the limit, an empty file, or a ``source``
        of another type.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw, name = bytes(source), filename or "<bytes>"
        check_size(len(raw), name, max_bytes, advice=advice, error=error)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = filename or path.name
        if path.is_dir():
            raise error(Message.of("errors.files.folder",
                                   "{what} {path} is a folder, not a file: give the file "
                                   "inside it", what=_what_message(what), path=str(path)))
        if not path.is_file():
            raise error(Message.of("errors.files.missing",
                                   "{what} {path} does not exist or is not a file",
                                   what=_what_message(what), path=str(path)))
        check_size(path.stat().st_size, name, max_bytes, advice=advice, error=error)
        raw = path.read_bytes()
    elif hasattr(source, "read"):
        name = filename or str(getattr(source, "name", "<stream>"))
        raw = source.read(max_bytes + 1)
        if isinstance(raw, str):  # a text stream: re-encode so one decoder path serves all
            raw = raw.encode("utf-8")
        if len(raw) > max_bytes:
            check_size(_stream_size(source), name, max_bytes, advice=advice, error=error)
    else:
        raise error(Message.of(
            "errors.files.source_type", "cannot read a {what} from a {kind}: pass a path, "
            "bytes or a binary file object", what=_what_message(what),
            kind=type(source).__name__))
    if not raw.strip():
        raise error(Message.of("errors.files.empty",
                               "{name} is empty (no rows, no columns): export the file again",
                               name=name))
    return raw, name


def _stream_size(source: Any) -> int | None:
    """Total size of an oversized stream if it can be known without reading it [bytes]."""
    size = getattr(source, "size", None)  # e.g. an uploaded file object
    if isinstance(size, int) and not isinstance(size, bool):
        return size
    try:
        return os.fstat(source.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        pass
    try:
        here = source.tell()
        end = source.seek(0, os.SEEK_END)
        source.seek(here)
        return int(end)
    except (AttributeError, OSError, ValueError):
        return None


def decode_text(
    raw: bytes,
    name: str,
    *,
    advice: str = ENCODING_ADVICE["csv"],
    error: type[PlannerInputError] = PlannerInputError,
) -> tuple[str, str]:
    """Text of a user's file and the encoding it was read with.

    Tried in order: UTF-16 when the file starts with its byte-order mark; UTF-8 (with or
    without BOM); GBK, then GB18030 (what Chinese Excel and WPS save as "CSV").

    Parameters
    ----------
    raw : bytes
        The file's content.
    name : str
        The file as the user knows it, for messages.
    advice : str or Message
        What to do when no encoding fits, e.g. :data:`ENCODING_ADVICE` ``["meter"]``.
    error : PlannerInputError subclass
        The exception raised.

    Returns
    -------
    (str, str)
        The text and the encoding (``"utf-8"``, ``"utf-8-sig"``, ``"gbk"``, ``"gb18030"``,
        ``"utf-16"``).

    Raises
    ------
    PlannerInputError
        Naming the line and byte where the text stops being any of these encodings.
    """
    if raw.startswith(_BOM_UTF16):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise error(Message.of("errors.files.utf16",
                                   "{name}: byte {byte} is not valid UTF-16: {advice}",
                                   name=name, byte=exc.start,
                                   advice=advice_message(advice))) from None
    if raw.startswith(_BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig", "gb18030")
    else:
        candidates = ("utf-8", "gbk", "gb18030")
    failure: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            failure = failure or exc
    byte = failure.start if failure else 0
    line = raw[:byte].count(b"\n") + 1
    raise error(Message.of(
        "errors.files.encoding",
        "{name}: line {line} (byte {byte}) is neither UTF-8 nor GBK/GB18030 text: {advice}",
        name=name, line=line, byte=byte, advice=advice_message(advice)))


#: Why the system refused a file, by the error number's name: the catalogue's words
#: (``errors.files.os.<name>``) instead of the system's, which are English whatever the
#: locale.
_OS_REASONS: dict[str, str] = {
    "enoent": "the file or a folder on its path does not exist",
    "eacces": "permission denied",
    "eperm": "the operation is not permitted",
    "erofs": "the file system is read-only",
    "enospc": "no space left on the device",
    "edquot": "the disk quota is exceeded",
    "eisdir": "it is a folder",
    "enotdir": "a part of the path is a file, not a folder",
    "enametoolong": "the file name is too long",
    "eio": "the device reported an input/output error",
}


def os_reason(problem: OSError) -> Message:
    """Why the system refused a file, in the catalogue's words (``errors.files.os.*``).

    Parameters
    ----------
    problem : OSError
        The refusal.

    Returns
    -------
    Message
        The reason for the usual error numbers; any other is named by its number (the
        system's English words kept for English readers only).

    Examples
    --------
    >>> import errno
    >>> os_reason(PermissionError(errno.EACCES, "Permission denied")).key
    'errors.files.os.eacces'
    """
    name = errno.errorcode.get(problem.errno or -1, "").lower()
    if name in _OS_REASONS:
        return Message(f"errors.files.os.{name}", _OS_REASONS[name])
    return Message.of("errors.files.os.other", "{detail} (error number {number})",
                      detail=bilingual(str(problem.strerror or type(problem).__name__), ""),
                      number=problem.errno if problem.errno is not None else "?")
