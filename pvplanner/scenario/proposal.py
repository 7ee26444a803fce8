"""Who sends the proposal: the seller's company, contact, logo and a cover note, kept with the
scenario (its optional ``proposal`` section).

Everything here is text a user typed; the proposal shows it as text (never Markdown, HTML or
a spreadsheet formula). Limits keep a cover page a cover page: a company name fits one line,
a contact block four, a cover note a short paragraph or two.
"""

from __future__ import annotations

import unicodedata

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pvplanner.scenario.rules import rule_broken

__all__ = ["MAX_CONTACT_LINES", "ProposalInputs"]

#: Most lines of the contact block (name, phone, e-mail, address).
MAX_CONTACT_LINES = 4


def _clean(value: str | None, *, lines: int | None) -> str | None:
    """Text as typed, trimmed; control characters other than line breaks and tabs refused."""
    if value is None:
        return None
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    bad = [c for c in text if c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cf")
           and c not in "\u200d"]
    if bad:
        raise rule_broken(
            "control_character", "contains a control character (U+{code}); type plain text",
            code=f"{ord(bad[0]):04X}"
        )
    if lines == 1 and "\n" in text:
        raise rule_broken("one_line", "must be one line")
    if lines is not None and text.count("\n") >= lines:
        raise rule_broken("too_many_lines", "has more than {lines} lines", lines=lines)
    return text or None


class ProposalInputs(BaseModel):
    """The seller's details on the customer proposal (all optional).

    Attributes
    ----------
    seller_company : str or None
        The selling company's name, on the cover and in the page footer (one line, at most
        120 characters).
    seller_contact : str or None
        Contact person, phone, e-mail or address (at most 4 lines, 300 characters).
    preparer : str or None
        The person who prepared the proposal (cover page).
    cover_note : str or None
        A note to the customer at the start of the proposal (at most 1,500 characters).
    logo_file : str or None
        The seller's logo, a PNG or JPEG file (checked and re-encoded when the proposal is
        made, :func:`pvplanner.report.logo.read_logo`); in the app, a file in the user's
        upload folder.
    """

    model_config = ConfigDict(extra="forbid")

    seller_company: str | None = Field(None, max_length=120)
    seller_contact: str | None = Field(None, max_length=300)
    preparer: str | None = Field(None, max_length=120)
    cover_note: str | None = Field(None, max_length=1500)
    logo_file: str | None = Field(None, max_length=1000)

    @field_validator("seller_company", "preparer", "logo_file")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        return _clean(value, lines=1)

    @field_validator("seller_contact")
    @classmethod
    def _contact(cls, value: str | None) -> str | None:
        return _clean(value, lines=MAX_CONTACT_LINES)

    @field_validator("cover_note")
    @classmethod
    def _note(cls, value: str | None) -> str | None:
        return _clean(value, lines=30)
