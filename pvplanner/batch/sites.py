"""Read and validate a batch sites file: one CSV row per site -> one planning job.

The columns are documented in ``data/batch/README.md``. Every row becomes a full scenario:
the base scenario (the demo's defaults unless another is given) with the row's site, roof,
load, template and tariff, then the row's dotted overrides (``finance.pv_capex_per_kwp``...).
All bad rows are reported at once, each with its spreadsheet row number (the header is row 1)
and site name, in one :class:`~pvplanner.errors.PlannerInputError`. The file is parsed as
text, never executed.

Sites that share a weather *cell* (latitude and longitude rounded to ``cell_deg``) are
planned at one point, the coordinates of the cell's first site in the file, so the cell's
weather is fetched or synthesized once and :func:`pvplanner.pipeline.plan`'s per-process
memo is hit for every other site of the cell. ``cell_deg=0`` plans every site at its own
coordinates.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pvplanner import __version__
from pvplanner.batch.rows import (
    SITE_COLUMNS,
    Draft,
    RowError,
    check_dotted,
    row_draft,
    semicolons,
    set_dotted,
)
from pvplanner.errors import PlannerInputError
from pvplanner.guard.files import (
    ENCODING_ADVICE,
    MAX_FILE_BYTES,
    TOO_LARGE_ADVICE,
    decode_text,
    read_limited,
)
from pvplanner.messages import Message, bilingual, join_messages
from pvplanner.scenario.model import Scenario, demo_scenario, load_scenario

#: Version of the per-site job/result layout; part of every input hash, so bumping it
#: re-plans every site on the next run. 2: the site JSON's ``batch.tariff_preset`` (the
#: preset the site was priced on, which the table's ``tariff`` column shows).
BATCH_FORMAT = 2

#: Largest sites file accepted [bytes]: the limit of every user file (100 000 sites of
#: ~300 bytes each fit easily).
MAX_SITES_BYTES = MAX_FILE_BYTES

#: Largest number of site rows in one file.
MAX_SITES = 100_000

#: Default weather cell size [deg] (about 25 km in latitude).
DEFAULT_CELL_DEG = 0.25

#: Longest cell of a sites file [characters]: no site value, name or note needs more, and a
#: longer one would be echoed into messages (a quote never closed swallows whole rows).
MAX_SITE_CELL_CHARS = 500

#: How many too-long cells a message names before counting the rest.
_LONG_CELLS_SHOWN = 5

#: How many row errors one message lists before summarising the rest.
MAX_REPORTED_ERRORS = 50

#: How messages name sites content that came without a file name.
_SITES_FILE = Message.of("errors.files.what.sites", "sites file")



@dataclass(frozen=True)
class SiteJob:
    """One site of a batch, ready to plan.

    Attributes
    ----------
    row : int
        Spreadsheet row number in the sites file (the header is row 1).
    name, slug : str
        Site name, and the file-name-safe key of its result (``sites/<slug>.json``).
    scenario : dict
        The scenario to plan (JSON form), at the weather point of its cell.
    input_hash : str
        SHA-256 of everything the result depends on (scenario, referenced files' contents,
        pvplanner version, batch format): a stored result with this hash is reused.
    cell : str
        Weather cell key; sites of one cell share the weather.
    latitude, longitude : float
        The site's own coordinates [deg] (the scenario holds the cell's weather point).
    city, province, notes, template, tariff : str
        Descriptive fields copied to the results table.
    aggregate_days : int or None
        Typical days a site with a battery is planned on (``pvplanner batch --aggregate``);
        None plans the exact year.
    """

    row: int
    name: str
    slug: str
    scenario: dict[str, Any]
    input_hash: str
    cell: str
    latitude: float
    longitude: float
    city: str = ""
    province: str = ""
    notes: str = ""
    template: str = ""
    tariff: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    aggregate_days: int | None = None

    def to_task(self) -> dict[str, Any]:
        """The picklable form sent to a worker."""
        return {
            "row": self.row, "name": self.name, "slug": self.slug, "scenario": self.scenario,
            "input_hash": self.input_hash, "cell": self.cell, "latitude": self.latitude,
            "longitude": self.longitude, "city": self.city, "province": self.province,
            "notes": self.notes, "template": self.template, "tariff": self.tariff,
            "aggregate_days": self.aggregate_days,
        }

    def aggregated(self, days: int | None) -> SiteJob:
        """This job planned on ``days`` typical days (None: the exact year); the input hash
        changes with it, so a stored result of the other kind is not resumed."""
        if days is None:
            return self
        key = f"{self.input_hash}|aggregate_days={int(days)}".encode()
        return replace(self, aggregate_days=int(days),
                       input_hash=hashlib.sha256(key).hexdigest())


# --------------------------------------------------------------------------- reading


def read_sites(
    path: str | Path,
    *,
    base: Scenario | str | Path | None = None,
    cell_deg: float = DEFAULT_CELL_DEG,
) -> list[SiteJob]:
    """Read and validate a sites CSV file.

    Parameters
    ----------
    path : str or Path
        The sites file (UTF-8, UTF-8 with BOM, or GB18030 as saved by Chinese Excel).
        Relative file names inside it (``meter_file``, ``weather.file``) are resolved against
        its folder.
    base : Scenario, str or Path, optional
        Scenario (or scenario file) whose settings every site starts from; the embedded demo
        when omitted. Its site, roof planes and load are replaced by each row's.
    cell_deg : float
        Weather cell size [deg]; 0 plans every site at its own coordinates.

    Returns
    -------
    list of SiteJob
        In file order.

    Raises
    ------
    PlannerInputError
        For an unreadable file, unknown columns, or any bad row; every bad row is listed
        with its row number and name.
    """
    path = Path(path)
    if path.is_dir():
        raise PlannerInputError(Message.of(
            "errors.batch.sites_folder", "sites file {path} is a folder, not a CSV file; give "
            "the sites file inside it (e.g. {example})", path=str(path),
            example=str(path / "sites.csv")))
    if not path.is_file():
        raise PlannerInputError(Message.of("errors.batch.sites_missing",
                                           "sites file {path} does not exist", path=str(path)))
    content, _ = read_limited(path, filename=str(path), max_bytes=MAX_SITES_BYTES,
                              what="sites file", advice=TOO_LARGE_ADVICE["sites"])
    return parse_sites(content, origin=str(path), folder=path.parent, base=base,
                       cell_deg=cell_deg)


def parse_sites(
    content: bytes | str,
    *,
    origin: str = _SITES_FILE,
    folder: str | Path | None = None,
    base: Scenario | str | Path | None = None,
    cell_deg: float = DEFAULT_CELL_DEG,
    files_root: str | Path | None = None,
) -> list[SiteJob]:
    """Validate sites CSV content (bytes from an upload, or text); see :func:`read_sites`.

    ``folder`` resolves relative ``meter_file``/``weather.file`` names; without it such
    names are errors. With ``files_root`` (the app's user upload folder) every file a row or
    the base scenario names must resolve inside that folder or the row is refused, and
    messages quote the row's text, never a server path; without it (the command line) any
    path is read.
    """
    if not (isinstance(cell_deg, (int, float)) and 0 <= cell_deg <= 5):
        raise PlannerInputError(Message.of(
            "errors.batch.cell_deg", "cell_deg {value} must be between 0 and 5 degrees",
            value=repr(cell_deg)))
    base_scenario = _base_scenario(base)
    records = _csv_records(content, origin)
    header, rows = records[0], records[1:]
    columns = _check_header(header, origin)
    if not rows:
        raise _no_rows(origin)
    if len(rows) > MAX_SITES:
        raise PlannerInputError(Message.of(
            "errors.batch.too_many", "{origin} has {count:,} site rows, more than the limit of "
            "{limit:,}; split it into several files", origin=origin, count=len(rows),
            limit=MAX_SITES))
    base_dict = base_scenario.model_dump(mode="json")
    folder = Path(folder) if folder is not None else None
    root = Path(files_root) if files_root is not None else None
    if root is not None:
        _confine_base(base_dict, root, origin)
    hasher = _FileHasher()

    drafts: list[Draft] = []
    errors: list[Message] = []
    seen: dict[str, int] = {}
    for offset, values in enumerate(rows):
        number = offset + 2  # spreadsheet numbering: the header is row 1
        if not any(v.strip() for v in values):
            continue
        cells = _cells(columns, values)
        label = _row_label(number, cells.get("name", ""))
        problems: list[Message] = []
        # A row claims its name even when it is bad, so a later repeat is reported in the
        # same report rather than after the first row is fixed.
        key = cells.get("name", "").casefold()
        if key in seen:
            problems.append(Message.of("errors.batch.row.name_repeats", "the name repeats "
                                       "row {row}; names must be unique", row=seen[key]))
        elif key:
            seen[key] = number
        try:
            if len(values) > len(columns) and any(v.strip() for v in values[len(columns):]):
                raise RowError(Message.of(
                    "errors.batch.row.too_many_cells", "has {cells} cells but the header has "
                    "{columns} columns (a comma inside an unquoted value?)", cells=len(values),
                    columns=len(columns)))
            draft = row_draft(number, cells, base_dict, folder, root=root)
        except RowError as problem:
            problems.insert(0, problem.message)
        if problems:
            errors.append(_row_problem(label, join_messages(problems, semicolons)))
        else:
            drafts.append(draft)
    if errors:
        raise _many(errors, origin, in_app=root is not None)
    if not drafts:
        raise _no_rows(origin)

    jobs, errors = _finish(drafts, cell_deg, hasher, confined=root is not None)
    if errors:
        raise _many(errors, origin, in_app=root is not None)
    return jobs


def _confine_base(base: dict[str, Any], root: Path, origin: str) -> None:
    """Refuse a base scenario that names a file outside ``root`` (the app's upload folder)."""
    from pvplanner.guard.paths import confine_document

    refused = confine_document(base, root)
    if refused:
        # the app's reader: each file by its input's name on the pages, not its field's key
        from pvplanner.display.field_labels import field_label

        names = {lang: [field_label(name, lang) or name for name in refused]
                 for lang in ("en", "zh")}
        raise PlannerInputError(Message.of(
            "errors.batch.base_outside", "{origin}: the base scenario names a file that is not "
            "among your uploaded files ({fields}); upload it on its page or start from the demo",
            origin=origin, fields=bilingual(", ".join(names["en"]), "、".join(names["zh"]))),
            field=refused[0])


def _no_rows(origin: str) -> PlannerInputError:
    return PlannerInputError(Message.of("errors.batch.no_rows",
                                        "{origin} has a header but no site rows", origin=origin))


def _many(errors: list[Message], origin: str, *, in_app: bool) -> PlannerInputError:
    # every row's problem is keyed too (batch.rows): the whole report reads in one language
    shown = errors[:MAX_REPORTED_ERRORS]
    more = len(errors) - len(shown)
    tail = (Message.of("errors.batch.more_rows", "\n  ... and {count} more bad rows", count=more)
            if more > 0 else "")
    # where the columns are described: the page's example file for a user of the app (who
    # cannot open the repository's README), the README for the command line's operator
    columns = (Message.of("errors.batch.columns_in_example", "the example sites file on this "
                          "page") if in_app else "data/batch/README.md")
    return PlannerInputError(Message.of(
        "errors.batch.bad_rows", "{origin}: {count} bad {noun} (see {columns} for the "
        "columns):\n  {rows}{tail}", origin=origin, count=len(errors),
        noun=bilingual("row" if len(errors) == 1 else "rows", "行"), columns=columns,
        rows=join_messages(shown, _lines), tail=tail))


def _lines(first: Message, rest: Message) -> Message:
    """Two bad rows of the report, one under the other."""
    return Message.of("errors.batch.row.lines", "{first}\n  {rest}", first=first, rest=rest)


def _row_label(number: int, name: str) -> Message:
    name = name.strip()
    if name:
        return Message.of("errors.batch.row.label_named", "row {number} (name {name!r})",
                          number=number, name=name)
    return Message.of("errors.batch.row.label", "row {number}", number=number)


def _row_problem(label: Message, problem: Message) -> Message:
    """One line of the report: which row, and what is wrong with it."""
    return Message.of("errors.batch.row.problem", "{label}: {problem}", label=label,
                      problem=problem)


def _base_scenario(base: Scenario | str | Path | None) -> Scenario:
    if base is None:
        return demo_scenario()
    if isinstance(base, Scenario):
        return base
    return load_scenario(base)


def _csv_records(content: bytes | str, origin: str) -> list[list[str]]:
    if isinstance(content, bytes):
        text = decode_text(content, origin, advice=ENCODING_ADVICE["sites"])[0]
    else:
        text = content
    if "\x00" in text:
        raise PlannerInputError(Message.of("errors.batch.binary",
                                           "{origin} is a binary file, not a CSV text file",
                                           origin=origin))
    sample = text[:4096]
    dialect: Any = csv.excel
    first_line = sample.splitlines()[0] if sample.strip() else ""
    # Excel in some locales saves with ';' and tab-separated exports are common.
    if first_line.count(";") > first_line.count(","):
        dialect = _semicolon
    elif first_line.count("\t") > first_line.count(","):
        dialect = csv.excel_tab
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as problem:
        # The one error the reader raises on a file decoded to text: a cell beyond its limit.
        limit = re.search(r"field limit \((\d+)\)", str(problem))
        detail = (Message.of("errors.batch.csv_cell_too_long", "a cell holds more than "
                             "{limit:,} characters (a quote that is never closed?)",
                             limit=int(limit.group(1)))
                  if limit else Message.of("errors.batch.csv_other",
                                           "its rows cannot be split into cells"))
        raise PlannerInputError(Message.of(
            "errors.batch.not_csv", "{origin} is not a valid CSV file: {detail}", origin=origin,
            detail=detail)) from None
    while records and not any(cell.strip() for cell in records[0]):
        records.pop(0)
    if not records:
        raise PlannerInputError(Message.of(
            "errors.batch.empty", "{origin} is empty; it needs a header row and one row per site",
            origin=origin))
    _refuse_long_cells(records, origin)
    return records


def _refuse_long_cells(records: list[list[str]], origin: str) -> None:
    """Refuse a file with cells over :data:`MAX_SITE_CELL_CHARS`, naming where they are (row
    as a spreadsheet numbers it, the header being row 1, and column) but never their text."""
    header = records[0]
    long = [(number, column) for number, row in enumerate(records, start=1)
            if max(map(len, row), default=0) > MAX_SITE_CELL_CHARS
            for column, cell in enumerate(row, start=1) if len(cell) > MAX_SITE_CELL_CHARS]
    if not long:
        return
    places = [Message.of("errors.batch.cell_place", "row {row}, column {column}", row=number,
                         column=header[column - 1].strip())
              if column <= len(header) and len(header[column - 1]) <= MAX_SITE_CELL_CHARS
              else Message.of("errors.batch.cell_place_number", "row {row}, column {column}",
                              row=number, column=column)
              for number, column in long[:_LONG_CELLS_SHOWN]]
    where = join_messages(places, semicolons)
    if len(long) == 1:
        raise PlannerInputError(Message.of(
            "errors.batch.cell_too_long", "{origin}: a cell holds more than {limit:,} "
            "characters, which no site value, name or note needs ({places}); is it a sites "
            "table?", origin=origin, limit=MAX_SITE_CELL_CHARS, places=where))
    raise PlannerInputError(Message.of(
        "errors.batch.cells_too_long", "{origin}: {count:,} cells hold more than {limit:,} "
        "characters, which no site value, name or note needs ({places}); is it a sites "
        "table?", origin=origin, count=len(long), limit=MAX_SITE_CELL_CHARS, places=where))


class _semicolon(csv.excel):
    delimiter = ";"


#: Problems of a sites file's header told one by one (the rest are counted).
MAX_HEADER_PROBLEMS = 10


def _check_header(header: list[str], origin: str) -> list[str]:
    columns = [_clean_header(name) for name in header]
    while columns and not columns[-1]:
        columns.pop()
    problems: list[Message] = []
    unknown = False
    if "name" not in columns:
        problems.append(Message.of("errors.batch.need_name", "a 'name' column is required"))
    for position, name in enumerate(columns, start=1):
        if not name:
            problems.append(Message.of("errors.batch.column_no_name",
                                       "column {position} has no name", position=position))
        elif columns.count(name) > 1 and columns.index(name) == position - 1:
            problems.append(Message.of("errors.batch.column_repeated",
                                       "column {name} appears {count} times", name=repr(name),
                                       count=columns.count(name)))
        elif name not in SITE_COLUMNS and "." not in name:
            close = difflib.get_close_matches(name, SITE_COLUMNS, n=3, cutoff=0.6)
            hint = (Message.of("errors.batch.did_you_mean", " (did you mean {close}?)",
                               close=", ".join(close)) if close else "")
            problems.append(Message.of("errors.batch.unknown_column", "unknown column {name}{hint}",
                                       name=repr(name), hint=hint))
            unknown = True
        elif "." in name:
            message = check_dotted(name)
            if message is not None:
                problems.append(message)
    columns_hint: list[Message] = []
    if unknown:
        columns_hint.append(Message.of(
            "errors.batch.the_columns", "the columns are {columns}, kwh_01..kwh_12, meter_file, "
            "template, tariff, and dotted scenario fields such as finance.pv_capex_per_kwp",
            columns=", ".join(SITE_COLUMNS[:12])))
    if problems or columns_hint:
        # "a; b; c": each problem keeps its own key; a spreadsheet of hundreds of stray
        # columns is told the first few and how many more
        shown = problems[:MAX_HEADER_PROBLEMS]
        if len(problems) > len(shown):
            shown.append(Message.of("errors.batch.more_header_problems",
                                    "other problems of the header: {count}",
                                    count=len(problems) - len(shown)))
        joined = join_messages([*shown, *columns_hint], semicolons)
        raise PlannerInputError(Message.of("errors.batch.bad_header",
                                           "{origin}: bad header: {problems}", origin=origin,
                                           problems=joined))
    return columns


def _clean_header(name: str) -> str:
    return name.strip().strip("\ufeff").strip()


def _cells(columns: list[str], values: list[str]) -> dict[str, str]:
    return {column: (values[i].strip() if i < len(values) else "")
            for i, column in enumerate(columns)}


# --------------------------------------------------------------------------- cells, hashes


class _FileHasher:
    """SHA-256 of referenced files, read once each however many sites share them."""

    def __init__(self) -> None:
        self._known: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        if path not in self._known:
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            self._known[path] = digest.hexdigest()
        return self._known[path]


def weather_cell(latitude: float, longitude: float, cell_deg: float) -> tuple[float, float]:
    """The cell of a point: coordinates rounded to multiples of ``cell_deg`` [deg]."""
    if cell_deg <= 0:
        return round(latitude, 6) + 0.0, round(longitude, 6) + 0.0
    return (round(round(latitude / cell_deg) * cell_deg, 6) + 0.0,
            round(round(longitude / cell_deg) * cell_deg, 6) + 0.0)


def _cell_key(draft: Draft, cell_deg: float) -> str:
    weather = draft.scenario.get("weather") or {}
    source = weather.get("source", "auto")
    seed = weather.get("seed", 0)
    if source == "file":
        return f"file:{weather.get('file')}"
    lat, lon = weather_cell(draft.latitude, draft.longitude, cell_deg)
    return f"{source}:{seed}:{lat:+.4f}:{lon:+.4f}"


def _finish(drafts: list[Draft], cell_deg: float, hasher: _FileHasher, *,
            confined: bool = False) -> tuple[list[SiteJob], list[Message]]:
    """Assign weather points and hashes; every row is known to be valid here.

    ``confined``: the files are a user's uploads, so a read error names no server path.
    """
    points: dict[str, tuple[float, float]] = {}
    jobs: list[SiteJob] = []
    errors: list[Message] = []
    for draft in drafts:
        cell = _cell_key(draft, cell_deg)
        # The weather point of a cell is its first site (in file order): a real site, so on
        # land (PVGIS has no data over the sea), and the same whichever worker plans it.
        latitude, longitude = points.setdefault(cell, (draft.latitude, draft.longitude))
        scenario = draft.scenario
        scenario["site"]["latitude"] = latitude
        scenario["site"]["longitude"] = longitude
        try:
            digest = _input_hash(scenario, draft.files, hasher)
        except OSError as problem:
            why = (problem.strerror or type(problem).__name__) if confined else problem
            # the system's reason is English only: Chinese says what to check instead
            errors.append(_row_problem(_row_label(draft.row, draft.name), Message.of(
                "errors.batch.row.unreadable", "cannot read a file{why}",
                why=bilingual(f": {why}", ""))))
            continue
        jobs.append(SiteJob(
            row=draft.row, name=draft.name, slug="", scenario=scenario, input_hash=digest,
            cell=cell, latitude=draft.latitude, longitude=draft.longitude, city=draft.city,
            province=draft.province, notes=draft.notes, template=draft.template,
            tariff=draft.tariff,
        ))
    slugs = unique_slugs([job.name for job in jobs])
    jobs = [_with_slug(job, slug) for job, slug in zip(jobs, slugs, strict=True)]
    return jobs, errors


def _with_slug(job: SiteJob, slug: str) -> SiteJob:
    from dataclasses import replace

    return replace(job, slug=slug)


def _input_hash(scenario: dict[str, Any], files: dict[str, Path], hasher: _FileHasher) -> str:
    # Referenced files count by content, not by path, so moving a folder keeps its results.
    keyed = json.loads(json.dumps(scenario))
    contents = {}
    for dotted, path in sorted(files.items()):
        contents[dotted] = hasher(path)
        set_dotted(keyed, dotted, f"sha256:{contents[dotted]}")
    payload = json.dumps(
        {"scenario": keyed, "files": contents, "pvplanner": __version__,
         "batch_format": BATCH_FORMAT},
        sort_keys=True, ensure_ascii=True, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def slugify(name: str) -> str:
    """A lower-case ASCII file name for a site name (``"Foo Bar #2"`` -> ``"foo-bar-2"``).

    Names that lose characters on the way (Chinese, punctuation) get 8 hex digits of their
    SHA-256 appended, so two different names do not share a file.
    """
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    plain = re.sub(r"\s+", "-", name.strip().lower())
    if slug != plain:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug or 'site'}-{digest}"
    return slug


def unique_slugs(names: list[str]) -> list[str]:
    """:func:`slugify` of each name (names are unique ignoring case, so slugs are too)."""
    slugs = [slugify(name) for name in names]
    # Names differing only by case slug alike; the hash of the exact name separates them.
    counts: dict[str, int] = {}
    for slug in slugs:
        counts[slug] = counts.get(slug, 0) + 1
    return [
        f"{slug}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}"
        if counts[slug] > 1 else slug
        for name, slug in zip(names, slugs, strict=True)
    ]
