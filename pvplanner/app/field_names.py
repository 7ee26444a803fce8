"""An invalid scenario's message naming its field in the reader's language, for messages
shown away from the field's own input: an uploaded file's error at the upload, or a roof
plane's error under the whole roof table.

The Chinese of a validation error leaves its field to the input it is shown at; where that
is not the field's own input, the reader is told the field by its name on the input pages (a
roof plane's by its row), and by its key in the file where no name exists. The English
already names the key.
"""

from __future__ import annotations

from typing import Any

from pvplanner.messages import Message, bilingual

__all__ = ["name_the_field"]


def name_the_field(field: str | None, message: Any) -> Any:
    """``message`` with ``field`` named in it in Chinese, or ``message`` as it is.

    Parameters
    ----------
    field : str or None
        The dotted field the error is about (``roof_planes[1].tilt_deg``).
    message : str or Message
        The error (``errors.scenario.invalid`` with a keyed ``detail`` is named; a model
        rule, ``errors.scenario.rule_at``, names its row and what to change itself).

    Returns
    -------
    str or Message
    """
    from pvplanner.report.input_rows import field_label
    from pvplanner.scenario.model import plane_row

    detail = message.params.get("detail") if isinstance(message, Message) else None
    if (not field or getattr(message, "key", "") != "errors.scenario.invalid"
            or not isinstance(detail, Message) or detail.key == "errors.scenario.rule_at"):
        return message
    label = field_label(field, "zh")
    row = plane_row(field, "zh")
    named = f"{row}的{label}" if label and row else (label or field)
    at_field = Message("compare.files.invalid_at", str(detail),
                       {"field": bilingual("", named), "detail": detail})
    return Message(message.key, str(message), {**message.params, "detail": at_field})
