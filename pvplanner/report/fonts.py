"""The one font of the proposal: Noto Sans SC, for the PDF and for the chart images.

Chinese must render on a machine with no fonts installed, so the font travels with the
package: the OpenType file of the PyPI package ``pylopdf-fonts-zh-cn`` (unmodified Noto Sans
SC from notofonts/noto-cjk, SIL Open Font License 1.1). A ``*.otf``/``*.ttf`` placed in
``data/report/fonts/`` is used first, so a deployment can ship a Noto Sans SC build (with its
OFL licence) without that package (the charts ask for the family name ``Noto Sans SC``).

* Charts: the font's folder is registered with vl-convert (:func:`register_chart_font`).
* PDF: a subset of the characters of the proposal, converted to TrueType outlines
  (:func:`pdf_font_bytes`), embedded by fpdf2.
* HTML: a WOFF subset of the characters of the page in a ``data:`` URI
  (:func:`font_face_css`).
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message
from weather.datafiles import data_path

#: Family name of the font inside the file (what Vega's ``font`` config refers to).
FONT_FAMILY = "Noto Sans SC"

#: CSS/Vega font stack: the shipped font first, then common Chinese system fonts for
#: browsers that show the HTML report without it.
FONT_STACK = (
    "'Noto Sans SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', "
    "'Microsoft YaHei', 'Hiragino Sans GB', 'WenQuanYi Micro Hei', sans-serif"
)


def _data_font() -> Path | None:
    try:
        folder = data_path("report", "fonts")
    except FileNotFoundError:  # no data folder: the package font is used
        return None
    if not folder.is_dir():
        return None
    for pattern in ("*.otf", "*.ttf"):
        found = sorted(folder.glob(pattern))
        if found:
            return found[0]
    return None


@cache
def font_path() -> Path:
    """Path of the CJK font file used by the PDF and the charts.

    Raises
    ------
    PlannerInputError
        When no font is available (the package is missing and no file was added).
    """
    local = _data_font()
    if local is not None:
        return local
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        raise PlannerInputError(Message.of(
            "errors.report.no_font", "the PDF report needs a Chinese font: pip install "
            "pylopdf-fonts-zh-cn (or put an OFL-licensed .otf/.ttf font in data/report/fonts/)"
        )) from None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    if not path.is_file():
        raise PlannerInputError(Message.of(
            "errors.report.font_missing",
            "the font file {path} is missing; reinstall pylopdf-fonts-zh-cn", path=str(path)))
    return path


@cache
def register_chart_font() -> str:
    """Make the font known to vl-convert (once per process); returns the family name."""
    import vl_convert

    vl_convert.register_font_directory(str(font_path().parent))
    return FONT_FAMILY


def _subset(text: str):
    """The proposal font cut down to the characters of ``text`` (a fontTools TTFont)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.hinting = False
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(str(font_path()), lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text))))
    subsetter.subset(font)
    return font


def _cff_to_glyf(font) -> None:
    """Replace cubic CFF outlines by quadratic TrueType ones, in place.

    A TrueType-flavoured font embeds in PDF as the common CIDFontType2 with Identity-H
    encoding, which every viewer and text extractor handles (CID-keyed CFF needs a custom
    encoding CMap that some do not read). Curves are approximated to 1 font unit.
    """
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    if "CFF " not in font:
        return
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        # CFF contours run counter-clockwise, TrueType clockwise: reverse them.
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements"):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    maxp.maxComponentDepth = 0
    maxp.maxPoints = maxp.maxContours = 0
    maxp.maxCompositePoints = maxp.maxCompositeContours = 0
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names needed
    post.extraNames = []
    post.mapping = {}
    font.sfntVersion = "\x00\x01\x00\x00"


@lru_cache(maxsize=8)
def pdf_font_bytes(characters: str) -> bytes:
    """A TrueType subset of the proposal font holding ``characters`` (for fpdf2).

    Subsetting first keeps the conversion fast (a proposal uses some 600 glyphs of 30,000)
    and the PDF small.
    """
    import io

    font = _subset(characters)
    _cff_to_glyf(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def font_face_css(text: str) -> str:
    """See :func:`_font_face_css` (memoized on the set of characters)."""
    return _font_face_css("".join(sorted(set(text))))


@lru_cache(maxsize=8)
def _font_face_css(text: str) -> str:
    """A CSS ``@font-face`` rule embedding the proposal font cut down to ``text``'s characters.

    The HTML report carries this rule so it shows the same typeface as the PDF on any
    machine, with no font installed and no network. Subsetting keeps the page small (about
    150 kB for a proposal); the SIL Open Font License allows embedding subsets in documents.
    """
    import base64
    import io

    font = _subset(text)
    font.flavor = "woff"  # zlib-compressed; WOFF2 would need the brotli module
    buffer = io.BytesIO()
    font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f"@font-face {{ font-family: '{FONT_FAMILY}'; font-style: normal; font-weight: 400; "
        f"src: url(data:font/woff;base64,{data}) format('woff'); }}"
    )
