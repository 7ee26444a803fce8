"""Who sends the proposal: the seller's company, contact, preparer, cover note and logo, from
the scenario's ``proposal`` section (:class:`pvplanner.scenario.proposal.ProposalInputs`) as
the Result records it (``Result.inputs["proposal"]``) or as the caller passes it.

All of it is user text, shown as text; the logo is checked and re-encoded by
:mod:`pvplanner.report.logo`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pvplanner.report.logo import read_logo
from pvplanner.report.model import Paragraph
from pvplanner.report.text import Texts
from pvplanner.result import Result

__all__ = ["SellerInfo", "cover_note", "seller_info", "seller_rows"]


@dataclass(frozen=True)
class SellerInfo:
    """The seller's details as the proposal prints them (empty strings when not given)."""

    company: str = ""
    contact: str = ""
    preparer: str = ""
    note: str = ""
    logo_png: bytes | None = field(default=None, repr=False)


def _as_dict(proposal: Any) -> dict[str, Any]:
    if proposal is None:
        return {}
    if hasattr(proposal, "model_dump"):
        return dict(proposal.model_dump(mode="json"))
    if isinstance(proposal, Mapping):
        return dict(proposal)
    raise TypeError(f"proposal details must be a mapping, got {type(proposal).__name__}")


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def seller_info(result: Result, proposal: Any = None, *, preparer: str = "") -> SellerInfo:
    """The seller's details for a proposal of ``result``.

    Parameters
    ----------
    result : Result
        The plan; its recorded scenario's ``proposal`` section is used when ``proposal`` is
        None.
    proposal : ProposalInputs or mapping, optional
        The seller's details to use instead (the app passes the scenario it shows).
    preparer : str
        Who prepared it; overrides the section's ``preparer`` when given.

    Raises
    ------
    PlannerInputError
        The logo file is missing, too large or not a PNG/JPEG image (field
        ``proposal.logo_file``).
    """
    data = _as_dict(proposal if proposal is not None else (result.inputs or {}).get("proposal"))
    logo = _text(data.get("logo_file"))
    return SellerInfo(
        company=_text(data.get("seller_company")),
        contact=_text(data.get("seller_contact")),
        preparer=_text(preparer) or _text(data.get("preparer")),
        note=_text(data.get("cover_note")),
        logo_png=read_logo(logo) if logo else None,
    )


def seller_rows(seller: SellerInfo, t: Texts) -> list[tuple[str, str]]:
    """Cover rows of the seller's company and contact (those given)."""
    rows = []
    if seller.company:
        rows.append((t("seller.company"), seller.company))
    if seller.contact:
        rows.append((t("seller.contact"), seller.contact))
    return rows


def cover_note(seller: SellerInfo, t: Texts, customer: str) -> Paragraph | None:
    """The seller's note to the customer, boxed, signed with the company or preparer."""
    if not seller.note:
        return None
    signed = seller.company or seller.preparer
    text = seller.note + (f"\n{t('seller.signature', seller=signed)}" if signed else "")
    return Paragraph(text, "box", title=t("seller.note_title", customer=customer))
