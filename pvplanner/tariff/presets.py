"""The shipped presets: list them, and load one as the tariff in force on a day.

Examples
--------
>>> import datetime as dt
>>> july = load_tariff_preset("zhejiang_2026_large_industry", dt.date(2026, 7, 15))
>>> august = load_tariff_preset("zhejiang_2026_large_industry", dt.date(2026, 8, 1))
>>> july.version, august.version
('2026-07-01', '2026-08-01')
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pvplanner.tariff.build import TariffOptions, build_tariff, price_parts
from pvplanner.tariff.model import Tariff
from pvplanner.tariff.versions import (
    preset_file,
    preset_ids,
    preset_versions,
    select_tariff_version,
)

__all__ = ["list_tariff_presets", "load_tariff_preset"]

_COLUMNS = [
    "id",
    "name",
    "name_zh",
    "family",
    "region",
    "customer_class",
    "voltage",
    "tariff_form",
    "effective_date",
    "effective_until",
    "version",
    "flat_per_kwh",
    "status",
    "source",
]


def list_tariff_presets() -> pd.DataFrame:
    """The tariff presets shipped in ``data/tariffs``, described by their latest version.

    Returns
    -------
    pandas.DataFrame
        One row per preset: ``id``, ``name``, ``name_zh``, ``family``, ``region``,
        ``customer_class``, ``voltage``, ``tariff_form``, ``effective_date`` (first day of
        the preset), ``effective_until`` ('' while in force), ``version`` (first day of the
        latest version), ``flat_per_kwh`` (its flat price at the default zone [CNY/kWh]),
        ``status`` (its weakest row) and ``source`` (its sources, ``|``-separated).
    """
    rows = []
    for preset_id in preset_ids():
        preset = preset_file(preset_id)
        latest = preset_versions(preset_id)[-1]
        rows.append({
            "id": preset.id,
            "name": preset.name,
            "name_zh": preset.name_zh,
            "family": preset.family,
            "region": preset.region,
            "customer_class": preset.customer_class,
            "voltage": preset.voltage,
            "tariff_form": preset.tariff_form,
            "effective_date": preset.effective_from.isoformat(),
            "effective_until": preset.effective_until.isoformat()
            if preset.effective_until else "",
            "version": latest.version,
            "flat_per_kwh": price_parts(latest).flat_per_kwh,
            "status": latest.status,
            "source": " | ".join(latest.sources),
        })
    return pd.DataFrame(rows, columns=_COLUMNS)


def load_tariff_preset(
    preset_id: str,
    on_date: dt.date | None = None,
    *,
    version: str | None = None,
    options: TariffOptions | None = None,
) -> Tariff:
    """A preset as the tariff in force on ``on_date``.

    Parameters
    ----------
    preset_id : str
        File name in ``data/tariffs`` without ``.toml``.
    on_date : datetime.date, optional
        The analysis start date (see :func:`~pvplanner.tariff.versions.select_tariff_version`);
        default: the preset's latest version.
    version : str, optional
        Pin a version by its first day (``"2026-07-01"``).
    options : TariffOptions, optional
        The user's size, kind, zone, declared critical-peak days and basic-charge basis.

    Returns
    -------
    Tariff
        ``id`` is ``preset_id`` (or its successor's id when the named preset is not in force
        on ``on_date``) and ``version`` the version's first day.

    Raises
    ------
    TariffError
        For an unknown id (the message lists the valid ids) or version.
    """
    chosen = select_tariff_version(preset_id, on_date, version=version)
    return build_tariff(chosen, options)[0]
