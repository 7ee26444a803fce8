"""An XLSX workbook -> the rows of one sheet, refused early when it expands too far.

An XLSX is a zip of XML, and XML of repeated cells compresses a thousandfold: 0.9 MB held
300,000 rows x 20 cells, which cost 114 s of CPU and 276 MB before the old reader refused
it (issue 15). openpyxl cannot be trusted to stop early by itself: opening a workbook, even
read-only, parses the whole of every sheet whose XML lacks a ``<dimension>`` element just
to learn its size, and streaming a sheet yields an empty row for every row number the XML
skips. So, in order:

1. the zip's members are listed: their declared unzipped size must stay under
   :data:`MAX_XLSX_XML_BYTES` (the zip reader stops at the declared size);
2. the XML is unzipped in blocks and its row and cell tags counted without building
   anything (a few hundred MB/s), stopping at :data:`MAX_XLSX_ROWS` or
   :data:`MAX_XLSX_CELLS`; so are the elements of the parts openpyxl parses whole before
   any row is read (styles, shared strings, the workbook, its properties and links),
   stopping at :data:`MAX_XLSX_STYLE_ELEMENTS`, :data:`MAX_XLSX_SHARED_STRINGS` or
   :data:`MAX_XLSX_PART_ELEMENTS` (46 kB of ``<xf/>`` repeated a million times cost
   openpyxl 61 s and 760 MB; 332 kB of 8 million ``<si>`` 224 s);
3. only then does openpyxl open the workbook, and the chosen sheet's rows are streamed
   (read-only, values only) with the same caps on what the stream yields.

All three steps share one CPU-time budget, :data:`XLSX_TIME_BUDGET_S`. Every refusal names
the file, the row count reached and the limit, and says what to do. CSV files need no such
caps: their size is their content, bounded by the byte limit, and pandas reads them fast.
"""

from __future__ import annotations

import codecs
import io
import posixpath
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from pvplanner.errors import LoadFileError
from pvplanner.guard.files import size_name
from pvplanner.messages import Message, listing

__all__ = [
    "MAX_XLSX_CELLS",
    "MAX_XLSX_PART_ELEMENTS",
    "MAX_XLSX_ROWS",
    "MAX_XLSX_SHARED_STRINGS",
    "MAX_XLSX_STYLE_ELEMENTS",
    "MAX_XLSX_XML_BYTES",
    "XLSX_TIME_BUDGET_S",
    "read_sheet_rows",
]

#: Most rows an XLSX meter file may hold, all sheets together. A year of 5-minute readings
#: is 105,120 rows (365 x 288); the cap leaves 14 % for title, header and summary rows, a
#: second small sheet and a few extra days. Finer or longer data fit in a CSV, which has no
#: row cap (the most recent 365 days are used).
MAX_XLSX_ROWS = 120_000

#: Most cells an XLSX meter file may hold, all sheets together: a year of 5-minute readings
#: in 14 columns (time, kW and the voltages, currents and power factors many exports add),
#: or 15-minute readings in 42. openpyxl needs about 6 us of CPU per cell, twice over for a
#: sheet without a ``<dimension>``, so this also bounds the time a legitimate file takes.
MAX_XLSX_CELLS = 1_500_000

#: Most unzipped bytes of all the workbook's parts together [bytes]: the cell cap at about
#: 80 bytes of XML per cell (a cell with its reference, style and a 17-digit value takes
#: 40-60), plus the shared strings.
MAX_XLSX_XML_BYTES = 150_000_000

#: CPU time the whole XLSX read may take [s]: checking, opening and streaming the sheet.
#: Measured on a shared 2-core machine with sheets openpyxl wrote (no ``<dimension>``, so
#: parsed twice): a year of 15-minute readings in 3 columns takes 3 s for the whole meter
#: read, of 5-minute readings 8 s, and a sheet at the cell cap 19 s of XLSX reading alone.
#: Legitimate files stay inside it; it catches what the caps do not foresee.
XLSX_TIME_BUDGET_S = 30.0

#: Most elements of the styles part (``xl/styles.xml``: number formats, fonts, fills,
#: borders, cell formats and their children). A meter export has tens of styles; a workbook
#: formatted by hand for years a few thousand; Excel itself stops at 64,000 cell formats.
#: openpyxl builds every one before the first row is read (about 60 us and 700 bytes each).
MAX_XLSX_STYLE_ELEMENTS = 50_000

#: Most shared strings (``<si>``) a workbook may hold. A year of 5-minute readings whose
#: time labels are all distinct text is 105,120; with a second text column of distinct
#: labels, 210,240. openpyxl reads them all before the first row (about 28 us each).
MAX_XLSX_SHARED_STRINGS = 250_000

#: Most elements of any other part openpyxl parses whole on opening: the workbook's sheet
#: list and defined names, the relationships, the properties, external links, chart sheets
#: (a real one has tens; a sheet with a hyperlink in each row of a 15-minute year 35,040).
#: 300,000 defined names in 40 kB cost openpyxl 9 s and 200 MB. The shared strings' part
#: may hold two elements per string (``<si>``, ``<t>``) and this many more (rich text).
#: Worksheets, and the drawings and charts they show, are not parsed on opening.
MAX_XLSX_PART_ELEMENTS = 50_000

_BLOCK_BYTES = 1 << 20
# a row or cell start tag, with or without a namespace prefix (<row r="2">, <x:c r="B2"/>)
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
# any element's start tag (not an end tag, a comment, a declaration or an instruction)
_START_TAG = re.compile(rb"<[A-Za-z_]")
_SHARED_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_TAG_TAIL_BYTES = 64  # a start tag's name is matched within this many bytes of its "<"
_PEEK_ROWS = 200  # rows looked at to tell an empty sheet from one with data


class _Budget:
    """Counts rows and cells against the caps and CPU time against the budget."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows = 0
        self.cells = 0
        self._start = time.thread_time()

    def add(self, rows: int, cells: int) -> None:
        """Count ``rows`` and ``cells`` more; refuse the file past a cap or the budget."""
        self.rows += rows
        self.cells += cells
        if self.rows > MAX_XLSX_ROWS:
            raise LoadFileError(Message.of(
                "errors.meter.xlsx_rows", "{file}: reading stopped at row {rows:,}: an XLSX "
                "meter file may hold at most {limit:,} rows (a year of 5-minute readings is "
                "105,120): export at most one year, or save the sheet as CSV, which has no row "
                "limit (the most recent 365 days are used)", file=self.name, rows=self.rows,
                limit=MAX_XLSX_ROWS))
        if self.cells > MAX_XLSX_CELLS:
            raise LoadFileError(Message.of(
                "errors.meter.xlsx_cells", "{file}: reading stopped at row {rows:,} after "
                "{cells:,} cells: an XLSX meter file may hold at most {limit:,} cells (a year of "
                "5-minute readings in 14 columns): keep only the time and kW/kWh columns, export "
                "fewer days, or save the sheet as CSV", file=self.name, rows=self.rows,
                cells=self.cells, limit=MAX_XLSX_CELLS))
        self.check_time()

    def check_time(self) -> None:
        """Refuse the file once the CPU-time budget is spent."""
        if time.thread_time() - self._start > XLSX_TIME_BUDGET_S:
            raise LoadFileError(Message.of(
                "errors.meter.xlsx_time", "{file}: reading stopped at row {rows:,} after "
                "{seconds:g} s, the time an XLSX meter file may take: save the sheet as CSV (read "
                "many times faster) or export fewer days", file=self.name, rows=self.rows,
                seconds=XLSX_TIME_BUDGET_S))


def read_sheet_rows(
    raw: bytes,
    name: str,
    sheet: str | int | None,
    *,
    head_rows: int = 0,
    check_head: Callable[[str, list[tuple[Any, ...]]], None] | None = None,
) -> tuple[str, list[tuple[Any, ...]]]:
    """The rows of one sheet of an XLSX workbook, as tuples of cell values.

    Parameters
    ----------
    raw : bytes
        The workbook.
    name : str
        The file as the user knows it, for messages.
    sheet : str, int or None
        Sheet name or 0-based position; None picks the first sheet with a non-empty cell in
        its first 200 rows.
    head_rows : int
        How many rows ``check_head`` is shown.
    check_head : callable, optional
        Called as ``check_head(sheet_name, first_rows)`` before the rest of the sheet is
        read, so a sheet without a header or data is refused without reading it all.

    Returns
    -------
    (str, list of tuple)
        The sheet's name and its rows from row 1 (values only: numbers, text, datetimes,
        None for empty cells).

    Raises
    ------
    LoadFileError
        A workbook that is not readable, a missing or empty sheet, or one over
        :data:`MAX_XLSX_XML_BYTES`, :data:`MAX_XLSX_ROWS`, :data:`MAX_XLSX_CELLS` or
        :data:`XLSX_TIME_BUDGET_S`.
    """
    budget = _Budget(name)
    _check_parts(raw, name, budget)
    budget.rows = budget.cells = 0  # the stream counts again what openpyxl yields
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (openpyxl raises many kinds on a broken zip/XML)
        # what openpyxl says (e.g. "File is not a zip file") is Python's, not the user's
        raise LoadFileError(Message.of(
            "errors.meter.xlsx_unreadable", "{file} is not an Excel workbook: it is damaged or "
            "a file of another format under an Excel name, so no sheet or row could be read: "
            "open it in Excel or WPS and save it again as .xlsx, or export the meter data as "
            "CSV", file=name)) from None
    try:
        chosen = _choose_sheet(book, name, sheet, budget)
        budget.check_time()
        stream = _capped(book[chosen].iter_rows(values_only=True), budget)
        rows = list(islice(stream, head_rows))
        if check_head is not None:
            check_head(chosen, rows)
        rows.extend(stream)
    except LoadFileError:
        raise
    except Exception:  # noqa: BLE001 (malformed worksheet XML raises many kinds)
        raise LoadFileError(Message.of(
            "errors.meter.xlsx_sheet_rows", "{file}: a worksheet's rows cannot be read (the "
            "workbook is damaged): save the workbook again as .xlsx, or export CSV",
            file=name)) from None
    finally:
        book.close()
    return chosen, rows


def _check_parts(raw: bytes, name: str, budget: _Budget) -> None:
    """Refuse a workbook whose parts unzip too large or hold too many rows or cells."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: openpyxl says so in its own words
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        _check_unzipped(sum(info.file_size for info in members), raw, name)
        kinds = _part_kinds(archive, members)
        strings = [0]  # shared strings counted in all parts together
        unzipped = 0

        def blocks(part: Any) -> Iterator[bytes]:
            nonlocal unzipped
            decoder, first = None, True
            while block := part.read(_BLOCK_BYTES):
                unzipped += len(block)  # what the part really holds, not what it declares
                _check_unzipped(unzipped, raw, name)
                if first:
                    decoder, first = _utf16_decoder(block), False
                # XML in UTF-16 (which the XML parser reads) is counted as UTF-8
                yield block if decoder is None else decoder.decode(block).encode("utf-8")

        for info in members:  # every part: a sheet's part name need not end in .xml
            try:
                with archive.open(info) as part:
                    _count_tags(blocks(part), budget,
                                _PartCount(kinds.get(info.filename, "other"), name, strings))
            except LoadFileError:  # a ValueError too: over a cap, refused
                raise
            except (
                zipfile.BadZipFile,
                OSError,
                ValueError,
                EOFError,
                RuntimeError,
                NotImplementedError,
            ):
                continue  # a damaged, encrypted or oddly packed part: openpyxl says so


def _utf16_decoder(start: bytes) -> codecs.IncrementalDecoder | None:
    """A decoder for a part whose first bytes are XML in UTF-16 (with or without its
    byte-order mark), else None: the tags of such a part are counted like any other's."""
    for prefix, codec in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
                          (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be")):
        if start.startswith(prefix):
            return codecs.getincrementaldecoder(codec)(errors="replace")
    return None


def _check_unzipped(size_bytes: int, raw: bytes, name: str) -> None:
    if size_bytes > MAX_XLSX_XML_BYTES:
        raise LoadFileError(Message.of(
            "errors.meter.xlsx_unzipped", "{file} is {size} but its sheets unzip to more than "
            "{limit}, the most an XLSX meter file may expand to: export at most one year with "
            "only the time and kW/kWh columns, or save the sheet as CSV", file=name,
            size=size_name(len(raw)), limit=size_name(MAX_XLSX_XML_BYTES)))


class _PartCount:
    """Counts the elements of one part that openpyxl parses whole on opening the workbook
    (every XML part but the worksheets, whose rows and cells are capped, and the media),
    and the shared strings of all parts (``strings``, one count for the workbook)."""

    def __init__(self, kind: str, name: str, strings: list[int]) -> None:
        self.kind = kind  # "streamed", "styles", "strings" or "other"
        self.name = name
        self.elements = 0
        self.strings = strings
        self.xml: bool | None = None  # told by the part's first bytes

    def add(self, text: bytes) -> None:
        """Count the elements of ``text``; refuse the file past the part's cap."""
        if self.xml is None and text.strip():
            self.xml = text.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
        if not self.xml:
            return  # an image or other binary part: not parsed on opening
        self.strings[0] += len(_SHARED_STRING_TAG.findall(text))
        if self.strings[0] > MAX_XLSX_SHARED_STRINGS:
            raise LoadFileError(Message.of(
                "errors.meter.limits.xlsx_shared_strings", "{file}: the workbook holds more "
                "than {limit:,} distinct texts (shared strings), more than a year of 5-minute "
                "readings needs: the file is damaged or built to stall the reader; save the "
                "sheet as CSV, or export only the time and kW/kWh columns again",
                file=self.name, limit=MAX_XLSX_SHARED_STRINGS))
        if self.kind == "streamed":
            return  # a worksheet (rows and cells capped, streamed later) or what it shows
        self.elements += len(_START_TAG.findall(text))
        limit = {"styles": MAX_XLSX_STYLE_ELEMENTS,
                 "strings": 2 * MAX_XLSX_SHARED_STRINGS + MAX_XLSX_PART_ELEMENTS,
                 }.get(self.kind, MAX_XLSX_PART_ELEMENTS)
        if self.elements > limit:
            raise LoadFileError(Message.of(
                "errors.meter.limits.xlsx_part_elements", "{file}: the workbook's formatting "
                "or bookkeeping holds more than {limit:,} entries (a meter export has a few "
                "hundred): the file is damaged or built to stall the reader; save the sheet "
                "as CSV, or open it in Excel or WPS and save it again as .xlsx",
                file=self.name, limit=limit))


#: The parts openpyxl reads at fixed names (besides the workbook and the shared strings,
#: which [Content_Types].xml names).
_FIXED_PARTS = {"xl/styles.xml": "styles", "[Content_Types].xml": "other",
                "docProps/core.xml": "other", "docProps/custom.xml": "other"}
_RELS_READ_BYTES = 4 << 20  # more than any real relationships or content-types part
# a tag up to the next "<" or ">" (never across another tag: one pass over the text)
_RELATIONSHIP = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\b[^<>]*>")
_OVERRIDE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Override\b[^<>]*>")


def _attribute(tag: bytes, attribute: bytes) -> str:
    found = re.search(rb"\s" + attribute + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""", tag)
    return (found.group(1) or found.group(2) or b"").decode("utf-8", "replace") if found else ""


def _part_kinds(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> dict[str, str]:
    """The kind of each XML part as openpyxl treats it on opening: ``streamed`` (a worksheet,
    streamed later with its rows and cells capped, or a drawing or chart it shows, not read
    at all), the styles, the shared strings (named in [Content_Types].xml) or ``other``,
    parsed whole. A part that anything else names too (an override of another type, a
    relationship of another type, a chart sheet's drawing) is parsed whole."""

    def head(info: zipfile.ZipInfo) -> bytes:
        try:
            with archive.open(info) as part:
                return part.read(_RELS_READ_BYTES)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError,
                NotImplementedError):
            return b""

    kinds: dict[str, str] = {}
    targets: dict[str, set[str]] = {}  # part -> the types of the relationships naming it
    parsed_whole: set[str] = set()
    for info in members:
        if info.filename == "[Content_Types].xml":
            for tag in _OVERRIDE.findall(head(info)):
                part = _attribute(tag, b"PartName").lstrip("/")
                content_type = _attribute(tag, b"ContentType")
                if "sharedStrings" in content_type:
                    kinds[part] = "strings"
                if not content_type.endswith(_STREAMED_CONTENT_TYPES):
                    parsed_whole.add(part)
        elif info.filename.endswith(".rels"):
            folder = posixpath.dirname(posixpath.dirname(info.filename))  # above _rels/
            for tag in _RELATIONSHIP.findall(head(info)):
                target = _attribute(tag, b"Target")
                if target:
                    part = posixpath.normpath(target.lstrip("/") if target.startswith("/")
                                              else posixpath.join(folder, target))
                    targets.setdefault(part, set()).add(
                        _attribute(tag, b"Type").rsplit("/", 1)[-1])
    named = set().union(*targets.values()) if targets else set()
    # a chart sheet's drawing and chart are parsed on opening; a worksheet's are not
    streamed = {"worksheet"} if "chartsheet" in named else {"worksheet", "drawing", "chart"}
    for part, types in targets.items():
        if (types <= streamed and part not in parsed_whole and part not in _FIXED_PARTS
                and part not in kinds and not part.endswith(".rels")):
            kinds[part] = "streamed"
    for part, kind in _FIXED_PARTS.items():
        kinds[part] = kind
    return kinds


#: Content types of parts openpyxl does not parse on opening (a worksheet is streamed).
_STREAMED_CONTENT_TYPES = ("worksheet+xml", "drawing+xml", "drawingml.chart+xml")


def _count_tags(blocks: Iterable[bytes], budget: _Budget, part: _PartCount | None = None,
                ) -> None:
    """Count row and cell start tags in XML arriving in blocks (tags may straddle blocks),
    and with ``part`` the part's elements."""
    carry = b""
    for block in blocks:
        buffer = carry + block
        cut = buffer.rfind(b"<")
        if cut < 0 or len(buffer) - cut >= _TAG_TAIL_BYTES:
            cut = len(buffer)  # any tag starting here is already whole
        _count_text(buffer[:cut], budget, part)
        carry = buffer[cut:]
    _count_text(carry, budget, part)


def _count_text(text: bytes, budget: _Budget, part: _PartCount | None = None) -> None:
    if part is not None:
        part.add(text)
    rows, cells = len(_ROW_TAG.findall(text)), len(_CELL_TAG.findall(text))
    if budget.rows + rows <= MAX_XLSX_ROWS and budget.cells + cells <= MAX_XLSX_CELLS:
        budget.add(rows, cells)
        return
    # a cap is crossed in this block: count row by row to stop (and report) exactly there
    start = 0
    for match in _ROW_TAG.finditer(text):
        budget.add(0, len(_CELL_TAG.findall(text, start, match.start())))
        budget.add(1, 0)
        start = match.start()
    budget.add(0, len(_CELL_TAG.findall(text, start)))


def _capped(rows: Iterable[tuple[Any, ...]], budget: _Budget) -> Iterator[tuple[Any, ...]]:
    """The rows of a stream, refused past the caps (checked every row, time every 1,000)."""
    for k, row in enumerate(rows):
        budget.rows += 1
        budget.cells += len(row)
        if budget.rows > MAX_XLSX_ROWS or budget.cells > MAX_XLSX_CELLS or k % 1000 == 999:
            budget.add(0, 0)
        yield tuple(row)


def _choose_sheet(book: Any, name: str, sheet: str | int | None, budget: _Budget) -> str:
    names = list(book.sheetnames)
    if sheet is None:
        for candidate in names:
            peek = islice(book[candidate].iter_rows(values_only=True), _PEEK_ROWS)
            if any(any(c is not None and str(c).strip() for c in row) for row in peek):
                return str(candidate)
            budget.check_time()
        raise LoadFileError(Message.of("errors.meter.sheets_empty",
                                       "{file}: every sheet is empty ({sheets})", file=name,
                                       sheets=listing(names)))
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise LoadFileError(
                Message.of("errors.meter.no_sheet_position",
                           "{file}: sheet {sheet} does not exist; the workbook's sheets "
                           "({count}): {sheets} (positions start at 0)", file=name, sheet=sheet,
                           count=len(names), sheets=listing(names)),
                field="sheet",
            )
        return str(names[sheet])
    if str(sheet) not in names:
        raise LoadFileError(
            Message.of("errors.meter.no_sheet_name",
                       "{file}: no sheet named {sheet}; the sheets are: {sheets}", file=name,
                       sheet=repr(sheet), sheets=listing(names)),
            field="sheet",
        )
    return str(sheet)
