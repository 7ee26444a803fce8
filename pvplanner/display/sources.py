"""Where a figure comes from, in the reader's language.

The data files cite their sources in English prose with the Chinese document numbers
inside (``发改价格〔2026〕1077号 attachment 1, Zhejiang 1-10(20) kV two-part; transcription
...``). An English reader gets the citation as written, less the project's bookkeeping, with
each scenario field it names (``project.grid_voltage_kv``) by the label the reader knows
from the app and the proposal (:mod:`pvplanner.display.field_labels`). A Chinese reader gets
a citation, not English sentences: what kind of source it is (``sources.kind.*``: a
modelling choice, derived from other inputs...), the publishers and documents it names
(``sources.cite.*``: 国家发展改革委, 生态环境部、国家统计局...) and the Chinese document
numbers and titles quoted in it, joined by ``；``. Both tables are messages of
``data/i18n/sources.toml`` whose English text is the phrase looked for in the citation.
"""

from __future__ import annotations

import re
from functools import cache

from pvplanner.display.field_labels import field_label
from pvplanner.display.messages import catalogue

#: A run of Chinese text in a citation: document numbers (发改价格〔2026〕1077号), titles in
#: 《》, publisher names (经济日报). Digits and brackets join the Chinese characters around them.
_CHINESE_RUN = re.compile(r"[\u4e00-\u9fff《》〔〕〈〉0-9（）]*[\u4e00-\u9fff][\u4e00-\u9fff《》〔〕〈〉0-9]*")

#: A Latin word (the test of whether a citation needs rewriting for a Chinese reader).
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

#: Latin words a Chinese citation may keep: units and acronyms Chinese readers use as is.
KEPT_WORDS = frozenset({"kV", "kVA", "kW", "kWh", "kWp", "MW", "MWh", "CO", "PV", "GEC", "CCER"})


@cache
def _phrases(kind: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """(English phrase as a whole-word pattern, Chinese text) of ``sources.<kind>.*``, in
    file order."""
    prefix = f"sources.{kind}."
    out = []
    for key, entry in catalogue().items():
        if key.startswith(prefix):
            phrase = re.escape(str(entry["en"]).strip())
            out.append((re.compile(rf"(?<![A-Za-z]){phrase}(?![A-Za-z])", re.IGNORECASE),
                        str(entry["zh"])))
    return tuple(out)


def _needs_rewrite(source: str) -> bool:
    return any(word not in KEPT_WORDS for word in _LATIN_WORD.findall(source))


def _chinese_runs(source: str) -> list[str]:
    runs = []
    for run in _CHINESE_RUN.findall(source):
        run = run.strip("（）")
        if len(re.findall(r"[\u4e00-\u9fff]", run)) >= 2 or "〔" in run:
            runs.append(run)
    return runs


#: Parts of a recorded citation that are the project's own bookkeeping, not the reader's:
#: its reference notes (``reference §4.2``, ``tariff-audit-2026-12.md: match``), data paths
#: and the repositories a figure was transcribed from.
_BOOKKEEPING = re.compile(r"reference|\.md\b|data/|github|repositor|README", re.IGNORECASE)
_INNER_PARENS = re.compile(r"(\s*)\(([^()]*)\)")
_NOTE_FILE = re.compile(r"[;,]?\s*(?:see\s+)?[\w./-]+\.(?:md|csv|toml)\b(?::[^|();]*)?", re.IGNORECASE)
_GITHUB = re.compile(r"\bgithub:[^\s;,)]+")
#: ``owner/repository`` (hyphenated lower-case names; not report numbers like NREL/TP-6A20).
_REPOSITORY = re.compile(r"\b[A-Za-z][\w.-]{3,}/(?=[\w.-]*[a-z][\w.-]*-|[\w.-]*-[\w.-]*[a-z])"
                         r"[\w.-]{3,}(?:/[\w.@-]+)*")
_IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:[._][a-z0-9]+)*_[a-z0-9]+(?:[._][a-z0-9]+)*\b")
#: A dotted path (``project.grid_voltage_kv``, ``roof_planes[0].gcr``): a scenario field when
#: a label names it.
_FIELD_PATH = re.compile(r"(?<![\w.])[a-z][a-z0-9_]*(?:\[\d+\])?"
                         r"(?:\.[a-z][a-z0-9_]*(?:\[\d+\])?)+(?![\w\[])")
#: Code names of public software a citation quotes exactly, read as written: NREL's SSC
#: (``SSC cmod_pvwattsv8 inv_eff``, ``SSC lib_pv_incidence_modifier.h (n_arc``) and pvlib
#: (``pvlib.location.lookup_altitude``, ``pvlib close_mount_glass_glass``).
_PUBLIC_CODE = re.compile(r"\b(?:SSC|pvlib)[ .][\w.]*\w(?:\s+\(?[a-z]\w*_\w+)*")
#: Sections whose fields the data tables name without the section (``capex_subsidy_fraction``
#: in the finance defaults, ``cut_kw`` in the measure catalogue).
_BARE_FIELD_SECTIONS = ("finance", "measures")
#: A unit after a label (``Transformer capacity [kVA]``): the label in a sentence goes without.
_LABEL_UNIT = re.compile(r"\s*\[[^\]]*\]$")


def _quoted_label(path: str) -> str | None:
    """A scenario field as an English reader knows it from the app and the proposal, in
    quotes (``“Grid connection voltage”``); None when the path names no field."""
    label = field_label(path, "en")
    if label is None or "{" in label:
        return None
    return f"\u201c{_LABEL_UNIT.sub('', label)}\u201d"


def _identifier_words(match: re.Match[str]) -> str:
    """An identifier of the project's data as words: a field named without its section by
    its label, anything else with spaces for its dots and underscores."""
    name = match.group(0)
    labels = () if "." in name else (_quoted_label(f"{section}.{name}")
                                     for section in _BARE_FIELD_SECTIONS)
    return next((label for label in labels if label is not None), re.sub(r"[._]", " ", name))


def _fields_as_words(text: str) -> str:
    """Scenario fields by their labels, other identifiers as words (no code quoted here)."""
    text = _FIELD_PATH.sub(lambda m: _quoted_label(m.group(0)) or m.group(0), text)
    return _IDENTIFIER.sub(_identifier_words, text)


def _plain_english(text: str) -> str:
    """A citation without the project's bookkeeping: reference notes, data paths and
    repositories dropped, scenario fields named by their labels, other identifiers of the
    project written as words; code names of public software (SSC, pvlib) stay as written."""
    previous = None
    while previous != text:  # innermost brackets first, so nested notes go too
        previous = text
        text = _INNER_PARENS.sub(
            lambda m: "" if _BOOKKEEPING.search(m.group(2))
            else f"{m.group(1)}\x00{m.group(2)}\x01", text)
    text = text.replace("\x00", "(").replace("\x01", ")")
    text = _NOTE_FILE.sub("", text)
    text = _REPOSITORY.sub("a public repository", _GITHUB.sub("a public repository", text))
    pieces, last = [], 0
    for code in _PUBLIC_CODE.finditer(text):
        pieces += [_fields_as_words(text[last:code.start()]), code.group(0)]
        last = code.end()
    text = "".join([*pieces, _fields_as_words(text[last:])])
    text = re.sub(r"\s+([,;)])", r"\1", re.sub(r"\s{2,}", " ", text))
    return text.strip(" ;,")


def citation(source: str, lang: str, status: str = "") -> str:
    """A source of an assumption as the reader of ``lang`` should see it.

    Parameters
    ----------
    source : str
        The citation as recorded (``Assumption.source``).
    lang : {"en", "zh"}
        Reader's language.
    status : str
        The figure's status (``official``, ``derived``...): names the kind of source when the
        citation names nothing a Chinese reader can look up.

    Returns
    -------
    str
        In English, ``source`` without the project's bookkeeping (its reference notes, data
        paths and repositories), a scenario field by its label in quotes and other
        identifiers of the project as words; SSC's and pvlib's code names stay as written.
        In Chinese, ``source`` when it holds no English words, otherwise the kind of
        source, the publishers and the Chinese document numbers and titles it names, joined
        by ``；``.

    Examples
    --------
    >>> citation("发改价格〔2026〕1077号 attachment 1, Zhejiang 1-10(20) kV two-part; "
    ...          "transcription checked against the NDRC PDF", "zh")
    '发改价格〔2026〕1077号；国家发展改革委'
    >>> citation("Assumption: self-funded", "zh")
    '工程假设'
    >>> citation("not given in the scenario (project.grid_voltage_kv)", "en")
    'not given in the scenario (“Grid connection voltage”)'
    >>> citation("NREL PVWatts v8 default (SSC cmod_pvwattsv8 inv_eff)", "en")
    'NREL PVWatts v8 default (SSC cmod_pvwattsv8 inv_eff)'
    """
    text = str(source or "").strip()
    if lang != "zh":
        return _plain_english(text)
    if not text or not _needs_rewrite(text):
        return text
    kind = next((zh for phrase, zh in _phrases("kind") if phrase.search(text)), "")
    parts = [*_chinese_runs(text), *(zh for phrase, zh in _phrases("cite") if phrase.search(text))]
    unique: list[str] = []
    for part in parts:  # a name inside a longer one is said once
        if part not in unique and not any(part in other for other in parts if other != part):
            unique.append(part)
    if kind:
        unique.insert(0, kind)
    if not unique:
        fallback = catalogue().get(f"sources.status.{status}") or catalogue()[
            "sources.status.other"]
        return str(fallback["zh"])
    return "；".join(unique)


__all__ = ["KEPT_WORDS", "citation"]
