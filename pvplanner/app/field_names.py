"""An invalid scenario's message as the app shows it: its field named by the name the reader
sees on the input pages, never by its key in the scenario file.

A validation error's English names the field by its key (``battery.min_power_kw: ...``),
which is what the command line's user edits; its Chinese leaves the field out. The app shows
an error either at the field's own input, where the field needs no naming in either language
(:func:`at_its_input`), or away from it (at the top of another page, or of its own page
where its input is not shown; an uploaded file's error at the upload, a roof plane's error
under the whole roof table), where both languages name it by its label and a roof plane by
its row (:func:`name_the_field`); by its key only where no label exists. Either way the
invalid scenario's other problems are counted, not listed by their keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pvplanner.messages import Message, bilingual

__all__ = ["at_its_input", "name_the_field"]


def _keyed_detail(message: Any) -> Message | None:
    """The keyed detail of an ``errors.scenario.invalid`` message that names its field
    (``{field}`` placeholder), else None."""
    if getattr(message, "key", "") != "errors.scenario.invalid":
        return None
    detail = message.params.get("detail")
    if not isinstance(detail, Message) or "field" not in detail.params:
        return None
    return detail


def _options_named(field: str, detail: Message) -> Message:
    """A choice's error with its options by the names the app shows (ids it has no name
    for stay as they are): an opened file's unknown option lists the options as the page
    offers them."""
    from pvplanner.display.field_labels import choice_options

    options = choice_options(field, detail)
    if options is None:
        return detail
    names = [name or {"en": option, "zh": option} for option, name in options]

    def listed(lang: str, comma: str, last: str) -> str:
        words = [f"“{name[lang]}”" for name in names]
        return words[0] if len(words) == 1 else comma.join(words[:-1]) + last + words[-1]

    shown = bilingual(listed("en", ", ", " or "), listed("zh", "、", "或"))
    return Message(detail.key, str(detail), {**detail.params, "limit": shown})


def _counted(message: Any) -> Any:
    """An invalid scenario's other problems counted, not listed by their keys: the app
    shows each at its own input once the first is mended."""
    others = message.params.get("others") if isinstance(message, Message) else None
    if getattr(message, "key", "") != "errors.scenario.invalid" or not isinstance(others, int):
        return message
    more = (Message("errors.scenario.more_count", f"; other inputs that need attention: {others}",
                    {"others": others}) if others > 0 else "")
    return Message(message.key, str(message), {**message.params, "more": more})


def _with_detail(message: Message, detail: Message) -> Message:
    return Message(message.key, str(message), {**message.params, "detail": detail})


def _field_named(detail: Message, english: str) -> Message:
    """``detail`` with its English field prefix replaced by ``english`` (the Chinese kept)."""
    shown = detail.params.get("field")
    chinese = str(shown.get("zh", "")) if isinstance(shown, Mapping) else ""
    return Message(detail.key, str(detail),
                   {**detail.params, "field": bilingual(english, chinese)})


def at_its_input(message: Any, field: str | None = None) -> Any:
    """``message`` without its field's key, for showing at the field's own input.

    Parameters
    ----------
    message : str or Message
        An error; an ``errors.scenario.invalid`` with a keyed detail loses the English
        ``battery.min_power_kw: `` before its text (the Chinese never had it).
    field : str, optional
        The field: a choice's options are then named as the page names them.

    Returns
    -------
    str or Message
    """
    message = _counted(message)
    detail = _keyed_detail(message)
    if detail is None:
        return message
    if field:
        detail = _options_named(field, detail)
    return _with_detail(message, _field_named(detail, ""))


def name_the_field(field: str | None, message: Any) -> Any:
    """``message`` with ``field`` named in it by its label, or ``message`` as it is.

    Parameters
    ----------
    field : str or None
        The dotted field the error is about (``roof_planes[1].tilt_deg``).
    message : str or Message
        The error (``errors.scenario.invalid`` with a keyed ``detail`` is named; a model
        rule, ``errors.scenario.rule_at``, names its row in Chinese itself).

    Returns
    -------
    str or Message
    """
    from pvplanner.display.field_labels import field_label
    from pvplanner.scenario.model import plane_row

    message = _counted(message)
    detail = _keyed_detail(message)
    if not field or detail is None:
        return message
    detail = _options_named(field, detail)
    label_en, row_en = field_label(field, "en"), plane_row(field, "en")
    # A key no input stands for (an unknown one) by its key in the file, as it is.
    english = ", ".join(part for part in (row_en, label_en) if part) if label_en else field
    detail = _field_named(detail, f"{english}: ")
    if detail.key == "errors.scenario.rule_at":
        return _with_detail(message, detail)
    label, row = field_label(field, "zh"), plane_row(field, "zh")
    named = f"{row}的{label}" if label and row else (label or field)
    at_field = Message("compare.files.invalid_at", str(detail),
                       {"field": bilingual("", named), "detail": detail})
    return _with_detail(message, at_field)
