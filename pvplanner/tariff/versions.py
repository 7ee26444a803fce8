"""Tariff versions: which rows of a preset hold on a day, and which version a plan uses.

A preset's component and basic-charge rows have their own validity; the days where they
change cut the preset's lifetime into versions (Zhejiang's large-industry tariff under
浙发改价格〔2026〕112号 has one version for July 2026 with the third-period network charges
and one from 2026-08-01 with those of 发改价格〔2026〕1077号). :func:`select_tariff_version`
picks the version in force on the analysis start date, moving to the next preset of the same
family when the named one has expired, and says what it did in the version's notes.

Examples
--------
>>> import datetime as dt
>>> v = select_tariff_version("zhejiang_2026_large_industry", dt.date(2026, 8, 1))
>>> v.id, v.effective_from.isoformat()
('zhejiang_2026_large_industry@2026-08-01', '2026-08-01')
>>> v.basic_charge("demand").value
47.2
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from pvplanner.errors import PlannerInputError, TariffError
from pvplanner.guard.toml_words import read_toml_file
from pvplanner.messages import Message, bilingual, comma_list
from pvplanner.tariff.components import (
    BasicChargeRow,
    ComponentRow,
    PresetFile,
    Provenance,
    weakest_status,
)
from weather.datafiles import data_path

__all__ = [
    "TariffVersion",
    "preset_file",
    "preset_ids",
    "preset_versions",
    "select_tariff_version",
]

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class TariffVersion:
    """One version of a preset: the rows in force from ``effective_from`` to
    ``effective_until`` (``None``: until replaced).

    Attributes
    ----------
    id : str
        ``"<preset id>@<first day>"``, e.g. ``"zhejiang_2026_large_industry@2026-08-01"``.
    preset : PresetFile
        The preset's rules (hours, ratios, floating components, overrides, eligibility).
    components, basic_charges : tuple
        The component rows [currency/kWh] and basic-charge rows in force.
    notes : tuple of str
        How the version was chosen, when that needs saying (an expired preset replaced by
        its successor, a date outside every version).
    """

    id: str
    preset: PresetFile
    effective_from: dt.date
    effective_until: dt.date | None
    components: tuple[ComponentRow, ...]
    basic_charges: tuple[BasicChargeRow, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def preset_id(self) -> str:
        return self.preset.id

    @property
    def name(self) -> str:
        return self.preset.name

    @property
    def name_zh(self) -> str:
        return self.preset.name_zh

    @property
    def version(self) -> str:
        """The first day, ISO (``"2026-08-01"``): the short name of the version."""
        return self.effective_from.isoformat()

    @property
    def validity(self) -> str:
        """``"2026-08-01/"`` or ``"2026-07-01/2026-07-31"``."""
        until = self.effective_until.isoformat() if self.effective_until else ""
        return f"{self.version}/{until}"

    def rows(self) -> list[Provenance]:
        """Every row this version stands on: rules, components and basic charges."""
        return [*self.preset.rule_rows(), *self.components, *self.basic_charges]

    @property
    def status(self) -> str:
        """The weakest status of its rows."""
        return weakest_status(row.status for row in self.rows())

    @property
    def sources(self) -> tuple[str, ...]:
        """Distinct sources of its rows, in order of first use."""
        return tuple(dict.fromkeys(row.source for row in self.rows()))

    @property
    def unverified(self) -> tuple[str, ...]:
        """``"<what>: <why>"`` for every unverified row."""
        out = []
        for row in self.rows():
            if row.status == "unverified":
                what = getattr(row, "label", "") or getattr(row, "key", "") or type(row).__name__
                out.append(f"{what}: {row.unverified_reason}")
        return tuple(dict.fromkeys(out))

    def component(self, key: str, zone: str | None = None) -> ComponentRow | None:
        """The row of component ``key`` (zone adders: of ``zone``), or None."""
        for row in self.components:
            if row.key == key and (key != "zone_adder" or row.zone == zone):
                return row
        return None

    def basic_charge(self, kind: str) -> BasicChargeRow | None:
        """The ``demand`` or ``capacity`` row, or None (single-part tariffs)."""
        return next((row for row in self.basic_charges if row.kind == kind), None)


# --------------------------------------------------------------------------- files


def _preset_dir() -> Path:
    return data_path("tariffs")


@cache
def preset_ids() -> tuple[str, ...]:
    """Ids of the presets in ``data/tariffs`` (file names without ``.toml``)."""
    return tuple(p.stem for p in sorted(_preset_dir().glob("*.toml")))


@cache
def preset_file(preset_id: str) -> PresetFile:
    """The preset file ``data/tariffs/<preset_id>.toml``, validated.

    Raises
    ------
    TariffError
        For an unknown id (listing the valid ones) or a file that breaks the format; the
        message names the file and the field.
    """
    ids = preset_ids()
    if preset_id not in ids:
        raise TariffError(Message.of(
            "errors.tariff.unknown_preset", "unknown tariff preset {preset}; valid ids: {ids}",
            preset=repr(preset_id), ids=", ".join(ids) or "(none)"),
            field="tariff.preset",
        )
    path = _preset_dir() / f"{preset_id}.toml"
    data = read_toml_file(path, f"data/tariffs/{path.name}", error=TariffError)
    try:
        preset = PresetFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(part) for part in first.get("loc", ()))
        message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
        original = (first.get("ctx") or {}).get("error")
        raise TariffError(Message.of(
            "errors.tariff.preset_field", "tariff preset file {file}, field '{loc}': {detail}",
            file=path.name, loc=loc,
            detail=original.message if isinstance(original, PlannerInputError) and original.key
            else bilingual(message, ""))) from exc
    if preset.id != preset_id:
        raise TariffError(Message.of(
            "errors.tariff.preset_id", "preset file {file} has id {id}; it must equal the file "
            "name {name}", file=path.name, id=repr(preset.id), name=repr(preset_id)))
    return preset


# --------------------------------------------------------------------------- versions


def _boundaries(preset: PresetFile) -> list[dt.date]:
    start, end = preset.effective_from, preset.effective_until
    days = {start}
    for row in (*preset.components, *preset.basic_charges):
        for day in (row.valid_from, row.valid_until + _ONE_DAY if row.valid_until else None):
            if day is not None and day > start and (end is None or day <= end):
                days.add(day)
    return sorted(days)


def _check_complete(preset: PresetFile, version: TariffVersion) -> None:
    where = Message.of("errors.tariff.where_version", "tariff preset {preset}, version {validity}",
                       preset=preset.id, validity=version.validity)
    keys = [(row.key, row.zone) for row in version.components]
    twice = sorted({f"{k}{'/' + z if z else ''}" for k, z in keys if keys.count((k, z)) > 1})
    if twice:
        raise TariffError(Message.of(
            "errors.tariff.components_twice",
            "{where}: components {twice} have more than one row in force", where=where,
            twice=str(twice)))
    present = {k for k, _ in keys}
    for lump in version.components:
        present.update(lump.includes)
    missing = [k for k in ("purchase", "transmission", "funds") if k not in present]
    if missing:
        raise TariffError(Message.of("errors.tariff.components_missing",
                                     "{where}: no row in force for components {missing}",
                                     where=where, missing=str(missing)))
    zones = set(preset.zones())
    if zones and zones != {z for k, z in keys if k == "zone_adder"}:
        raise TariffError(Message.of("errors.tariff.zone_adders",
                                     "{where}: every price zone {zones} needs a zone_adder row",
                                     where=where, zones=str(sorted(zones))))
    line_loss = version.component("line_loss")
    if line_loss is not None and line_loss.rate_of_purchase is not None and (
        version.component("purchase") is None
    ):
        raise TariffError(Message.of("errors.tariff.line_loss_purchase",
                                     "{where}: a line-loss rate needs a purchase price row",
                                     where=where))
    kinds = [row.kind for row in version.basic_charges]
    if sorted(set(kinds)) != sorted(kinds):
        raise TariffError(Message.of("errors.tariff.basic_twice",
                                     "{where}: a basic charge has more than one row in force",
                                     where=where))
    if preset.tariff_form == "two_part" and set(kinds) != {"demand", "capacity"}:
        raise TariffError(Message.of(
            "errors.tariff.two_part_rows",
            "{where}: a two-part tariff needs demand and capacity charge rows", where=where))
    if preset.tariff_form == "single_part" and kinds:
        raise TariffError(Message.of("errors.tariff.single_part_basic",
                                     "{where}: a single-part tariff has no basic charges",
                                     where=where))


@cache
def preset_versions(preset_id: str) -> tuple[TariffVersion, ...]:
    """All versions of a preset, oldest first.

    Raises
    ------
    TariffError
        If some day of the preset's lifetime lacks a purchase price, transmission or funds
        row, has two rows of one component, or (two-part tariffs) lacks a basic charge.
    """
    preset = preset_file(preset_id)
    days = _boundaries(preset)
    versions = []
    for i, start in enumerate(days):
        until = days[i + 1] - _ONE_DAY if i + 1 < len(days) else preset.effective_until
        version = TariffVersion(
            id=f"{preset.id}@{start.isoformat()}",
            preset=preset,
            effective_from=start,
            effective_until=until,
            components=tuple(r for r in preset.components if r.holds_on(start)),
            basic_charges=tuple(r for r in preset.basic_charges if r.holds_on(start)),
        )
        _check_complete(preset, version)
        versions.append(version)
    return tuple(versions)


def _covers(version: TariffVersion, day: dt.date) -> bool:
    until = version.effective_until
    return version.effective_from <= day and (until is None or day <= until)


def _pinned(preset_id: str, version: str) -> TariffVersion:
    versions = preset_versions(preset_id)
    for candidate in versions:
        if version in (candidate.id, candidate.version):
            return candidate
    valid = ", ".join(v.version for v in versions)
    raise TariffError(Message.of(
        "errors.tariff.no_version", "tariff preset {preset} has no version {version}; its "
        "versions start on {valid}", preset=preset_name(versions[0].preset),
        version=repr(version), valid=valid), field="tariff.version")


def component_names(keys: Iterable[str]) -> Message:
    """Price components (``line_loss``, ``system_operation``...) by their names on the
    Tariff page, listed in the reader's language (never their keys)."""
    return comma_list([Message.of(f"tariff.components.{key}", key) for key in keys])


def preset_name(preset: PresetFile) -> dict[str, str]:
    """A preset's name in both languages, as a message value (never its id)."""
    return bilingual(preset.name, preset.name_zh)


def select_tariff_version(
    preset_id: str, on_date: dt.date | None = None, *, version: str | None = None
) -> TariffVersion:
    """The version of a preset a plan starting on ``on_date`` uses.

    Parameters
    ----------
    preset_id : str
        Preset id (``data/tariffs/<id>.toml``).
    on_date : datetime.date, optional
        The analysis start date. The version in force that day is used; if the named preset
        is not in force (expired or not yet in force), the preset of the same ``family`` in
        force that day is used instead; if none is, the preset's nearest version. Default
        (``None``): the preset's latest version.
    version : str, optional
        Pin a version by its first day (``"2026-08-01"``) or id; ``on_date`` is then ignored.

    Returns
    -------
    TariffVersion
        With ``notes`` saying why, when it is not simply the named preset's version of that
        day.

    Raises
    ------
    TariffError
        Unknown preset or version.
    """
    if version:
        return _pinned(preset_id, version)
    versions = preset_versions(preset_id)
    if on_date is None:
        return versions[-1]
    if isinstance(on_date, dt.datetime):
        on_date = on_date.date()
    for candidate in versions:
        if _covers(candidate, on_date):
            return candidate
    family = versions[0].preset.family
    for other in preset_ids():
        if other == preset_id or preset_file(other).family != family:
            continue
        for candidate in preset_versions(other):
            if _covers(candidate, on_date):
                note = Message.of(
                    "notes.tariff.successor", "tariff preset {preset} is not in force on "
                    "{day}; {other} (version from {version}) is used",
                    preset=preset_name(versions[0].preset), day=on_date.isoformat(),
                    other=preset_name(candidate.preset), version=candidate.version)
                return replace(candidate, notes=(note,))
    nearest = versions[0] if on_date < versions[0].effective_from else versions[-1]
    note = Message.of(
        "notes.tariff.nearest", "no version of tariff preset {preset} covers {day}; its version "
        "{validity} is used", preset=preset_name(nearest.preset), day=on_date.isoformat(),
        validity=nearest.validity)
    return replace(nearest, notes=(note,))
