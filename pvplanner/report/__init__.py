"""Sales proposals from a planned scenario: PDF, self-contained HTML and an Excel workbook.

One document model (:func:`pvplanner.report.content.build_proposal`) feeds every format,
so the PDF, the HTML page and the workbook show the same figures, formatted once per
language (``zh`` or ``en``) by :class:`pvplanner.display.numbers.NumberFormat`.

Examples
--------
>>> from pvplanner.pipeline import plan
>>> from pvplanner.scenario.model import demo_scenario
>>> result = plan(demo_scenario())  # doctest: +SKIP
>>> write_reports(result, pdf="proposal.pdf", lang="zh")  # doctest: +SKIP
[PosixPath('proposal.pdf')]
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message
from pvplanner.report.content import build_proposal
from pvplanner.report.model import Proposal
from pvplanner.report.text import LANGUAGES, check_lang
from pvplanner.result import Result

__all__ = [
    "LANGUAGES",
    "build_proposal",
    "render_html",
    "render_pdf",
    "render_xlsx",
    "write_reports",
]


def _proposal(result: Result, lang: str, preparer: str, date: dt.date | None,
              proposal: Any = None) -> Proposal:
    return build_proposal(result, check_lang(lang), preparer=preparer, date=date,
                          proposal=proposal)


def render_html(result: Result, lang: str = "zh", *, preparer: str = "",
                date: dt.date | None = None, proposal: Any = None) -> str:
    """The proposal as one self-contained HTML page (inline styles, SVG charts and font).

    Parameters
    ----------
    result : Result
        :func:`pvplanner.plan` of a scenario (customer = the site's name); the proposal
        states only what this record holds.
    lang : {"zh", "en"}
        Language of the proposal.
    preparer : str
        Who prepares the proposal (cover page).
    date : datetime.date, optional
        Date on the cover; today if omitted.
    proposal : ProposalInputs or mapping, optional
        The seller's company, contact, cover note and logo
        (:class:`pvplanner.scenario.proposal.ProposalInputs`); by default the ``proposal``
        section of the scenario recorded in ``result.inputs``.
    """
    from pvplanner.report.html import render_proposal_html

    return render_proposal_html(_proposal(result, lang, preparer, date, proposal))


def render_pdf(result: Result, lang: str = "zh", *, preparer: str = "",
               date: dt.date | None = None, proposal: Any = None) -> bytes:
    """The proposal as A4 PDF bytes, Chinese text in an embedded font (see
    :func:`render_html` for the parameters)."""
    from pvplanner.report.pdf import render_proposal_pdf

    return render_proposal_pdf(_proposal(result, lang, preparer, date, proposal))


def render_xlsx(result: Result, lang: str = "zh", *, preparer: str = "",
                date: dt.date | None = None, proposal: Any = None) -> bytes:
    """The proposal's data as ``.xlsx`` bytes: Summary, Inputs, Hourly results, Monthly,
    Cash flow, Carbon and Assumptions sheets (see :func:`render_html` for the parameters)."""
    from pvplanner.report.xlsx import render_workbook

    return render_workbook(result, _proposal(result, lang, preparer, date, proposal))


def write_reports(
    result: Result,
    *,
    html: str | Path | None = None,
    pdf: str | Path | None = None,
    xlsx: str | Path | None = None,
    lang: str = "zh",
    preparer: str = "",
    date: dt.date | None = None,
    proposal: Any = None,
) -> list[Path]:
    """Write the requested proposal files and return their paths.

    The document is built once and rendered in each requested format.

    Raises
    ------
    PlannerInputError
        No output named, an unknown language, or a folder that does not exist.
    """
    targets = {kind: Path(path) for kind, path in (("html", html), ("pdf", pdf),
                                                     ("xlsx", xlsx)) if path is not None}
    if not targets:
        raise PlannerInputError(Message.of("errors.report.no_output",
                                           "name at least one output: html, pdf or xlsx"))
    for kind, path in targets.items():
        if not path.parent.exists():
            raise PlannerInputError(Message.of(
                "errors.report.no_folder", "cannot write the {kind} report to {path}: folder "
                "{folder} does not exist", kind=kind.upper(), path=str(path),
                folder=str(path.parent)), field=kind)
    document = _proposal(result, lang, preparer, date, proposal)
    written: list[Path] = []
    for kind, path in targets.items():
        if kind == "html":
            from pvplanner.report.html import render_proposal_html

            path.write_text(render_proposal_html(document), encoding="utf-8")
        elif kind == "pdf":
            from pvplanner.report.pdf import render_proposal_pdf

            path.write_bytes(render_proposal_pdf(document))
        else:
            from pvplanner.report.xlsx import render_workbook

            path.write_bytes(render_workbook(result, document))
        written.append(path)
    return written
