"""What the site's province picks for the tariff: its default preset for the user's size, and
whether a named tariff belongs to another province.

Chinese tariffs are provincial: a factory pays its own province's agency-purchase table. A
scenario that names no preset (``tariff.preset`` empty or ``"auto"``) plans on the preset
of the site's province for its customer class, chosen by size:

1. the transformer capacity (``tariff.transformer_kva``), if given: large industry
   (two-part) from the preset's ``two_part_from_kva`` threshold (315 kVA, 发改价格〔2023〕526号),
   general C&I below it;
2. else the grid connection: 35 kV and above serves transformers far above that threshold,
   so large industry;
3. else the load's peak: a peak of P kW needs at least P kVA of transformer (real power
   never exceeds apparent power), so a peak at or above the threshold means large industry;
4. else general C&I.

The preset in force on the analysis start date is preferred among a province's presets of
that class. :func:`default_preset` says which rule picked it; :func:`other_province_note`
words the warning for a tariff of another province than the site's.

Examples
--------
>>> import datetime as dt
>>> pick = default_preset("Jiangsu", dt.date(2026, 10, 1), peak_load_kw=900.0)
>>> pick.preset_id, pick.customer_class
('jiangsu_2025_large_industry', 'large_industry')
>>> default_preset("浙江", dt.date(2026, 10, 1), transformer_kva=200).preset_id
'zhejiang_2026_general_ci'
>>> same_province("浙江省", "Zhejiang"), same_province("Jiangsu", "Zhejiang")
(True, False)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import pandas as pd

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message, bilingual
from pvplanner.tariff.province_names import province_name, same_province
from pvplanner.tariff.versions import preset_file, preset_ids, preset_versions
from weather.datafiles import data_path

__all__ = ["AUTO_PRESETS", "PresetPick", "default_preset", "other_province_note",
           "province_label", "province_name", "same_province"]

#: Connections at this voltage and above serve large (two-part) users [kV].
LARGE_USER_VOLTAGE_KV = 35.0

#: ``tariff.preset`` values that mean "the site province's default".
AUTO_PRESETS = (None, "", "auto")


@dataclass(frozen=True)
class PresetPick:
    """The preset a scenario without one plans on, and why.

    Attributes
    ----------
    preset_id : str
    province : str
        The province the preset belongs to (English, as in the presets' ``region``).
    customer_class : {"general_ci", "large_industry"}
    rule : str
        Which fact picked the class (transformer, connection voltage, load peak, none).
    basis : {"transformer", "voltage", "peak", "none"}
        That fact, for messages in the reader's language.
    basis_value : float or None
        Its value: kVA, kV or kW.
    threshold_kva : float
        The two-part (large industry) threshold [kVA].
    """

    preset_id: str
    province: str
    customer_class: str
    rule: str
    basis: str = "none"
    basis_value: float | None = None
    threshold_kva: float = 0.0


@cache
def _chinese() -> dict[str, str]:
    """English province name -> Chinese name."""
    table = pd.read_csv(data_path("province_grid_region.csv"), dtype=str,
                        keep_default_na=False, usecols=["province", "province_zh"])
    names = {english: chinese for english, chinese in zip(table["province"],
                                                           table["province_zh"], strict=True)}
    names["Inner Mongolia"] = "内蒙古"
    return names


def province_label(name: str | None) -> dict[str, str]:
    """A province as a message value in both languages (as given when not recognised).

    Examples
    --------
    >>> province_label("江苏")
    {'en': 'Jiangsu', 'zh': '江苏'}
    """
    english = province_name(name)
    if not english:
        return bilingual((name or "").strip())
    return bilingual(english, _chinese().get(english, english))


def _covers(preset_id: str, day: dt.date) -> bool:
    return any(v.effective_from <= day and (v.effective_until is None or day <= v.effective_until)
               for v in preset_versions(preset_id))


def _in_force(candidates: list[str], day: dt.date) -> str:
    """The candidate in force on ``day``, else the latest one started by then, else the
    earliest."""
    for preset_id in candidates:
        if _covers(preset_id, day):
            return preset_id
    started = [p for p in candidates if preset_file(p).effective_from <= day]
    if started:
        return max(started, key=lambda p: preset_file(p).effective_from)
    return min(candidates, key=lambda p: preset_file(p).effective_from)


def default_preset(province: str | None, on_date: dt.date, *,
                   transformer_kva: float | None = None, voltage_kv: float | None = None,
                   peak_load_kw: float | None = None) -> PresetPick:
    """The preset of the site's province for the user's size (see the module docstring).

    Parameters
    ----------
    province : str or None
        ``site.province`` (English or Chinese).
    on_date : datetime.date
        The analysis start date.
    transformer_kva : float, optional
        ``tariff.transformer_kva`` [kVA].
    voltage_kv : float, optional
        ``project.grid_voltage_kv`` [kV].
    peak_load_kw : float, optional
        The load's highest mean over the meter's demand interval [kW] (15 minutes for a
        15-minute meter file, the hour otherwise).

    Returns
    -------
    PresetPick

    Raises
    ------
    PlannerInputError
        No province, or no preset for it (field ``tariff.preset``; the message lists the
        provinces with presets).
    """
    presets = {p: preset_file(p) for p in preset_ids()}
    regions = sorted({f.region for f in presets.values()})
    english = province_name(province)
    mine = [p for p, f in presets.items() if english and f.region == english]
    if not mine:
        listed = bilingual(", ".join(regions), "、".join(_chinese().get(r, r) for r in regions))
        # In words (the command line adds the field's key, tariff.preset).
        fix = ("; presets exist for {regions}: choose one of them, or enter the time-of-use "
               "prices of a bill with the hours of its periods")
        if (province or "").strip():
            message = Message.of("errors.tariff.no_province_preset",
                                 "the site's province '{province}' has no tariff preset" + fix,
                                 province=province_label(province), regions=listed)
        else:
            message = Message.of("errors.tariff.no_site_province", "the site's province is not "
                                 "given, so no tariff preset can follow it" + fix,
                                 regions=listed)
        raise PlannerInputError(message, field="tariff.preset")
    large = [p for p in mine if presets[p].customer_class == "large_industry"]
    general = [p for p in mine if presets[p].customer_class != "large_industry"]
    reference = presets[(large or general)[0]].eligibility
    threshold = reference.two_part_from_kva
    cited = reference.source.split(":")[0]  # the notice, without its wording
    basis, value = "none", None
    if transformer_kva is not None:
        basis, value = "transformer", float(transformer_kva)
        is_large = transformer_kva >= threshold
        rule = (f"transformer {transformer_kva:g} kVA {'>=' if is_large else '<'} "
                f"{threshold:g} kVA ({cited})")
    elif voltage_kv is not None and voltage_kv >= LARGE_USER_VOLTAGE_KV:
        basis, value = "voltage", float(voltage_kv)
        is_large = True
        rule = (f"connected at {voltage_kv:g} kV: a {LARGE_USER_VOLTAGE_KV:g} kV connection "
                f"serves transformers above {threshold:g} kVA")
    elif peak_load_kw is not None:
        basis, value = "peak", float(peak_load_kw)
        is_large = peak_load_kw >= threshold
        rule = (f"peak load {peak_load_kw:,.0f} kW {'>=' if is_large else '<'} {threshold:g}: "
                f"a peak of P kW needs at least P kVA of transformer, and two-part (large "
                f"industry) billing starts at {threshold:g} kVA ({cited}); give "
                "tariff.transformer_kva to decide by the transformer")
    else:
        is_large = False
        rule = "size not known: general C&I; give tariff.transformer_kva"
    pool = (large if is_large else general) or (general or large)
    chosen = _in_force(sorted(pool), on_date)
    if (large if is_large else general) != pool:
        rule += f"; {english} has no preset of that class, {chosen} is used"
    return PresetPick(chosen, english, presets[chosen].customer_class,
                      f"site province {english}: {rule}", basis, value, threshold)


def other_province_note(tariff: str | dict[str, str], tariff_region: str | None,
                        site_province: str | None) -> Message | None:
    """The warning for a tariff of another province than the site's, or None.

    Parameters
    ----------
    tariff : str or dict
        The tariff's name (``{"en": ..., "zh": ...}`` for both languages).
    tariff_region, site_province : str or None
        The tariff's province and the site's.

    Examples
    --------
    >>> note = other_province_note("Zhejiang general C&I", "Zhejiang", "Jiangsu")
    >>> note.key, str(note)[:33]
    ('notes.tariff.other_province', 'tariff Zhejiang general C&I is Zh')
    >>> other_province_note("x", "Zhejiang", "浙江") is None
    True
    """
    if not (tariff_region or "").strip() or not (site_province or "").strip():
        return None
    if same_province(tariff_region, site_province):
        return None
    return Message.of(
        "notes.tariff.other_province", "tariff {tariff} is {region}'s but the site is in {site}: "
                                       "a factory pays its own province's tariff; choose “Follow "
                                       "the site's province” as the tariff to plan on {site}'s, "
                                       "or one of {site}'s tariffs", tariff=tariff,
        region=province_label(tariff_region), site=province_label(site_province))
