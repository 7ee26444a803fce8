"""The seller's logo on the proposal: a PNG or JPEG checked with Pillow, size-capped and
re-encoded as a small PNG.

A logo comes from a user (an upload in the app, a path in a scenario file), so it is
treated as untrusted bytes: the file must be at most :data:`MAX_LOGO_BYTES`, Pillow must
recognise it as PNG or JPEG from its content (not its name), its pixel size is checked
before the image is decoded (no decompression bomb), and what reaches the PDF and the HTML
page is a fresh PNG of at most :data:`MAX_LOGO_SIDE_PX` pixels a side, with no metadata.
"""

from __future__ import annotations

import io
from pathlib import Path

from pvplanner.errors import PlannerInputError
from pvplanner.guard.files import check_size
from pvplanner.messages import Message

__all__ = ["ALLOWED_FORMATS", "LOGO_ADVICE", "MAX_LOGO_BYTES", "MAX_LOGO_MB", "MAX_LOGO_PIXELS",
           "MAX_LOGO_SIDE_PX", "check_logo", "read_logo"]

#: Largest logo file accepted [MB, 10^6 bytes] (a company logo is a few tens of kB), as
#: the upload widget's limit and its hint say it.
MAX_LOGO_MB = 2
#: The same [bytes].
MAX_LOGO_BYTES = MAX_LOGO_MB * 1_000_000
#: Largest image accepted [pixels, width x height] before it is decoded.
MAX_LOGO_PIXELS = 25_000_000
#: Longest side of the logo as embedded in the proposal [px] (about 3 cm at 600 dpi).
MAX_LOGO_SIDE_PX = 720
#: Image formats accepted, as Pillow names them from the file's content.
ALLOWED_FORMATS = ("PNG", "JPEG")

_FIELD = "proposal.logo_file"
#: What the user can do with a logo that is refused (every refusal says it; every message
#: of this module is a catalogue message, ``errors.logo.*``).
LOGO_ADVICE = Message.of("errors.logo.advice",
                         "save the logo as a PNG or JPEG of at most a few hundred pixels a side")


def check_logo(data: bytes, name: str) -> bytes:
    """The logo as small PNG bytes, or a :class:`PlannerInputError` naming the file.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        The file's name as the user knows it (for messages).

    Returns
    -------
    bytes
        A PNG (RGB or RGBA) of at most :data:`MAX_LOGO_SIDE_PX` pixels a side.

    Raises
    ------
    PlannerInputError
        Empty, larger than :data:`MAX_LOGO_BYTES`, not a PNG or JPEG image, too many pixels,
        or damaged (field ``proposal.logo_file``).

    Examples
    --------
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> Image.new("RGB", (1600, 400), "navy").save(buffer, format="JPEG")
    >>> png = check_logo(buffer.getvalue(), "logo.jpg")
    >>> Image.open(io.BytesIO(png)).size
    (720, 180)
    >>> check_logo(b"%PDF-1.7 ...", "logo.png")
    Traceback (most recent call last):
    ...
    pvplanner.errors.PlannerInputError: logo.png is not a PNG or JPEG image; ...
    """
    from PIL import Image, UnidentifiedImageError

    check_size(len(data), name, MAX_LOGO_BYTES, advice=LOGO_ADVICE, field=_FIELD)
    if not data:
        raise PlannerInputError(Message.of("errors.logo.empty",
                                           "{name} is empty; choose the logo's image file",
                                           name=name), field=_FIELD)
    not_image = PlannerInputError(Message.of(
        "errors.logo.not_image", "{name} is not a PNG or JPEG image; {advice}", name=name,
        advice=LOGO_ADVICE), field=_FIELD)
    try:
        image = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise not_image from None
    width, height = image.size
    if width <= 0 or height <= 0 or width * height > MAX_LOGO_PIXELS:
        raise PlannerInputError(Message.of(
            "errors.logo.too_many_pixels",
            "{name} is {width} x {height} pixels, more than a logo needs (at most {limit:,} "
            "pixels); {advice}", name=name, width=width, height=height, limit=MAX_LOGO_PIXELS,
            advice=LOGO_ADVICE), field=_FIELD)
    try:
        image.load()
        mode = "RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB"
        clean = image.convert(mode)
        clean.thumbnail((MAX_LOGO_SIDE_PX, MAX_LOGO_SIDE_PX))
        out = io.BytesIO()
        clean.save(out, format="PNG", optimize=True)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise PlannerInputError(Message.of(
            "errors.logo.damaged", "{name} could not be read as an image (damaged?); {advice}",
            name=name, advice=LOGO_ADVICE), field=_FIELD) from None
    return out.getvalue()


def read_logo(path: str | Path) -> bytes:
    """:func:`check_logo` of a file (the scenario's ``proposal.logo_file``).

    The file is read at most one byte past :data:`MAX_LOGO_BYTES`; a missing file is an
    error naming the field.
    """
    file = Path(path)
    name = file.name
    if not file.is_file():
        raise PlannerInputError(Message.of(
            "errors.logo.missing",
            "the logo file {name} does not exist; upload it again or clear the logo", name=name),
            field=_FIELD)
    with file.open("rb") as handle:
        data = handle.read(MAX_LOGO_BYTES + 1)
    return check_logo(data, name)
