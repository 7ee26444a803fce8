"""The combined plan on the Results page: the bill today, after the saving measures, and after
the measures with PV (and battery), with the savings, investment, simple payback and CO2 of
each part and of the whole.

The figures are the plan's own (:attr:`pvplanner.result.Result.measures_combined`, the
record :func:`pvplanner.load.measures.combined_plan` builds); this module only arranges them
(:func:`combined_parts`) and draws them (:func:`combined_plan_block`). Texts:
``data/i18n/combined.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from pvplanner.app.fmt import Fmt
from pvplanner.display.messages import translate

__all__ = ["CombinedPart", "combined_parts", "combined_plan_block"]

#: The parts, in the order the plan takes them.
PARTS = ("measures", "system", "total")


@dataclass(frozen=True)
class CombinedPart:
    """One part of the combined plan, year 1.

    Attributes
    ----------
    key : {"measures", "system", "total"}
        The saving measures, the PV system (with its battery) on the reduced load, or both.
    bill_after : float
        The year's bill once this part is in place [currency/yr] (the whole plan's: with
        measures, PV and battery).
    savings : float
        What this part takes off the bill [currency/yr].
    capex : float
        Its investment [currency].
    payback_years : float or None
        ``capex / savings`` [years]; None when it saves nothing.
    tco2 : float
        CO2 it avoids [tCO2/yr].
    """

    key: str
    bill_after: float
    savings: float
    capex: float
    payback_years: float | None
    tco2: float


def _payback(capex: float, savings: float) -> float | None:
    return capex / savings if savings > 0 else None


def combined_parts(result: Any) -> list[CombinedPart]:
    """The measures, the system and the whole plan, from ``result.measures_combined``.

    Parameters
    ----------
    result : Result
        A plan; without saving measures (``measures_combined`` None) there is no combined
        plan and the list is empty.

    Returns
    -------
    list of CombinedPart
        In :data:`PARTS` order. The system's savings are what it saves on top of the
        measures, so ``bill today - measures' savings - system's savings`` is the whole
        plan's bill.
    """
    c = getattr(result, "measures_combined", None)
    if c is None:
        return []
    return [
        CombinedPart("measures", c.bill_after_measures_annual, c.bill_savings_measures_annual,
                     c.capex_measures, c.simple_payback_measures_years,
                     c.tco2_avoided_measures_per_year),
        CombinedPart("system", c.bill_with_measures_and_system_annual,
                     c.bill_savings_system_annual, c.capex_system,
                     _payback(c.capex_system, c.bill_savings_system_annual),
                     c.tco2_avoided_system_per_year),
        CombinedPart("total", c.bill_with_measures_and_system_annual,
                     c.bill_savings_total_annual, c.capex_total, c.simple_payback_total_years,
                     c.tco2_avoided_total_per_year),
    ]


def combined_plan_block(result: Any, lang: str) -> bool:
    """Draw the combined plan (three bills, then one row per part).

    Parameters
    ----------
    result : Result
        The plan shown on the page.
    lang : {"en", "zh"}
        The reader's language.

    Returns
    -------
    bool
        Whether anything was drawn (nothing without saving measures).
    """
    parts = combined_parts(result)
    if not parts:
        return False
    c = result.measures_combined
    f = Fmt(lang, result.currency)
    battery = result.battery.energy_kwh > 0

    def t(key: str, **values: Any) -> str:
        return translate(key, lang, cur=f.currency_unit(), **values)

    st.subheader(t("combined.title_battery" if battery else "combined.title"))
    st.caption(t("combined.intro", before=f.energy(c.load_baseline_kwh),
                 after=f.energy(c.load_after_measures_kwh)))
    today, measures, everything = st.columns(3)
    today.metric(t("combined.bill_today"), f.money(c.bill_baseline_annual), border=True,
                 help=t("combined.per_year"))
    measures.metric(t("combined.bill_after_measures"), f.money(c.bill_after_measures_annual),
                    delta=f"-{f.money(c.bill_savings_measures_annual)}", delta_color="inverse",
                    border=True)
    everything.metric(t("combined.bill_after_all_battery" if battery else "combined.bill_after_all"),
                      f.money(c.bill_with_measures_and_system_annual),
                      delta=f"-{f.money(c.bill_savings_total_annual)}", delta_color="inverse",
                      border=True)
    names = {"measures": t("combined.parts.measures"),
             "system": t("combined.parts.system_battery" if battery else "combined.parts.system"),
             "total": t("combined.parts.total")}
    table = pd.DataFrame([{
        t("combined.columns.part"): names[part.key],
        t("combined.columns.bill_after"): f.number(part.bill_after),  # units in the headers
        t("combined.columns.savings"): f.number(part.savings),
        t("combined.columns.capex"): f.number(part.capex),
        t("combined.columns.payback"): f.number(part.payback_years, 1),
        t("combined.columns.tco2"): f.number(part.tco2, 1),
    } for part in parts])
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(t("combined.caption"))
    return True
