"""Company electricity load: meter files, bill-based templates and load analytics.

The public face of :mod:`pvplanner.load.meter.reader` (meter exports -> :class:`MeterLoad`),
:mod:`pvplanner.load.templates` (12 bills + an industry template -> :class:`LoadProfile`)
and :mod:`pvplanner.load.analytics` (consumption and cost by period, baseload, anomalies,
recommendations). :func:`inspect_meter_file` is what ``pvplanner load inspect FILE`` shows.
"""

from __future__ import annotations

import os
from typing import Any, BinaryIO

import pandas as pd

from pvplanner.load.analytics import (
    LoadAnalytics,
    Recommendation,
    analyze_load,
    on_meter_calendar,
    recommendation_rules,
    recommendations,
)
from pvplanner.load.meter import (
    LoadQualityReport,
    MeterLoad,
    map_days_to_typical_year,
    read_meter_file,
)
from pvplanner.load.templates import (
    PERIODS,
    LoadProfile,
    LoadTemplate,
    get_template,
    list_templates,
    load_from_annual_kwh,
    load_from_monthly_bills,
    template_monthly_shares,
    template_shape,
)
from pvplanner.messages import Message

__all__ = [
    "PERIODS",
    "LoadAnalytics",
    "LoadProfile",
    "LoadQualityReport",
    "LoadTemplate",
    "MeterLoad",
    "Recommendation",
    "analyze_load",
    "get_template",
    "inspect_meter_file",
    "list_templates",
    "load_from_annual_kwh",
    "load_from_monthly_bills",
    "map_days_to_typical_year",
    "read_meter_file",
    "recommendation_rules",
    "recommendations",
    "template_monthly_shares",
    "template_shape",
]


def inspect_meter_file(
    source: str | os.PathLike[str] | bytes | BinaryIO,
    *,
    price_per_kwh: pd.Series | None = None,
    periods: pd.Series | None = None,
    include_heatmap: bool = True,
    **reader_kwargs: Any,
) -> dict[str, Any]:
    """Read a meter file and report its quality, analytics and recommendations.

    Parameters
    ----------
    source : path, bytes or binary file object
        The meter export (see :func:`read_meter_file`).
    price_per_kwh, periods : pandas.Series, optional
        Price [currency/kWh] and time-of-use period of each step of the typical year (from
        the tariff); without them the report has no costs and no period split.
    include_heatmap : bool, default True
        Include the day x hour kW matrix (365 x 24 numbers).
    **reader_kwargs
        Passed to :func:`read_meter_file` (``units``, ``utc_offset_hours``, ``timezone``,
        ``sheet``, ``timestamp_column``, ``value_column``, ``filename``...), plus
        ``demand_charge_per_kw_month`` and ``currency`` for :func:`analyze_load`.

    Returns
    -------
    dict
        JSON-ready: ``load`` (interval, annual kWh, peak kW), ``quality``
        (:class:`LoadQualityReport`), ``notes`` (what was assumed, fixed and filled: each
        the dict of a :class:`~pvplanner.messages.Message`, or a text), ``analytics``
        (:class:`LoadAnalytics`) and ``recommendations`` (list).

    Raises
    ------
    pvplanner.errors.LoadFileError
        If the file cannot be read (the message names row and column).
    """
    analysis_keys = ("demand_charge_per_kw_month", "currency")
    analysis_kwargs = {k: reader_kwargs.pop(k) for k in analysis_keys if k in reader_kwargs}
    meter = read_meter_file(source, **reader_kwargs)
    analytics = analyze_load(
        meter.load_kw, price_per_kwh=price_per_kwh, periods=periods, **analysis_kwargs
    )
    # The dates named (peak, anomalous days) are the file's own, not the typical year's.
    analytics = on_meter_calendar(analytics, meter.source_load_kw)
    return {
        "load": {
            "interval_minutes": meter.interval_minutes,
            "annual_kwh": meter.annual_kwh,
            "peak_kw": float(meter.load_kw.max()),
            "mean_kw": float(meter.load_kw.mean()),
            "steps": int(len(meter.load_kw)),
        },
        "quality": meter.quality.to_dict(),
        # What was assumed, fixed and filled (messages: the reader's language is chosen
        # where they are shown).
        "notes": [note.to_dict() if isinstance(note, Message) else str(note)
                  for note in meter.quality.notes],
        "analytics": analytics.to_dict(include_heatmap=include_heatmap),
        "recommendations": [r.to_dict() for r in recommendations(analytics)],
    }
