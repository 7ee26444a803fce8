"""The host's and the investor's money in the proposal (EMC and lease).

Under self-investment the company that hosts the system also invests in it, and the
proposal's figures need no owner. Under an energy performance contract (EMC, 合同能源管理)
or a lease two parties see different money (:mod:`pvplanner.finance.perspectives`): these
helpers label every figure with its party and tax basis, give the company's own savings
their own block beside the investor's, and say in the summary and the bills what the
company pays the investor. Everything comes from ``Result.finance`` and
``Result.perspectives``.
"""

from __future__ import annotations

from typing import Any

from pvplanner.display.numbers import NumberFormat, invested_payback
from pvplanner.report.model import Kpi, KpiGrid, Paragraph, Table
from pvplanner.report.tables import annual_bills
from pvplanner.report.text import Texts
from pvplanner.result import Result

__all__ = ["bills_note", "contract_years", "finance_grids", "has_two_views", "host_table",
           "kpi_overrides", "summary_money", "view_years"]


def has_two_views(result: Result) -> bool:
    """True under EMC or lease, when host and investor see different money."""
    return result.finance.perspective in ("investor", "host")


def _used(result: Result, item: str) -> Any:
    row = result.assumption(item)
    return None if row is None else row.value


def contract_years(result: Result) -> int:
    """The EMC or lease contract's years the plan used (0 without one)."""
    return int(_used(result, "finance.contract_years") or 0)


def view_years(result: Result) -> int:
    """The years the company's and the investor's figures run over (the two-party table's,
    else the cash flow's)."""
    cash = result.perspectives if len(result.perspectives) else result.cash_flow
    return int(max(cash.index)) if len(cash) else 0


def kpi_overrides(result: Result, t: Texts, f: NumberFormat) -> dict[str, Kpi]:
    """KPIs of the summary and the cover relabelled with their party (empty for
    self-investment): the company's net saving instead of the grid-bill reduction, the
    investor's (or, under a lease, the company's) NPV, the investor's IRR and paybacks."""
    if not has_two_views(result):
        return {}
    fin = result.finance
    host = fin.host_savings_year1
    out = {"savings": Kpi(t("views.host_savings_year1"), f.money(host), f.money_wan(host))}
    if fin.perspective == "investor":  # EMC: the main figures are the investor's
        out.update({
            "capex": Kpi(t("views.capex_investor"), f.money(fin.capex), f.money_wan(fin.capex)),
            "npv": Kpi(t("views.investor_npv_after_tax"), f.money(fin.npv),
                       f.money_wan(fin.npv)),
            "irr": Kpi(t("views.investor_irr_after_tax"), f.percent(fin.irr)),
            "payback": Kpi(t("views.investor_payback_after_tax"),
                           f.years(invested_payback(fin.payback_years, fin.capex))),
            "payback_pre_tax": Kpi(t("views.investor_payback_pre_tax"),
                                   f.years(invested_payback(fin.payback_years_pre_tax, fin.capex))),
        })
    else:  # lease: the main figures are the company's (the lessee's)
        lifetime = fin.host_savings_lifetime
        out.update({
            "capex": Kpi(t("views.capex_lessor"), f.money(fin.capex), f.money_wan(fin.capex)),
            "npv": Kpi(t("views.host_npv_after_tax"), f.money(fin.npv), f.money_wan(fin.npv)),
            "irr": Kpi(t("views.investor_irr_pre_tax"), f.percent(fin.investor_irr)),
            "payback_pre_tax": Kpi(t("views.lessor_payback_pre_tax"),
                                   f.years(invested_payback(fin.investor_payback_years_pre_tax,
                                                 fin.capex))),
            "payback": Kpi(t("views.host_savings_lifetime", years=view_years(result)),
                           f.money(lifetime), f.money_wan(lifetime)),
        })
    return out


def _share(result: Result) -> float:
    """The share of the grid price the host pays the EMC investor [fraction]."""
    return 1.0 - float(_used(result, "finance.emc_discount_percent") or 0.0) / 100.0


def _emc_payment(result: Result) -> float:
    """What the host pays the investor for PV energy in year 1 [currency]."""
    return _share(result) * result.bills.energy_savings_annual


def _lease_payment(result: Result) -> float:
    cash = result.cash_flow
    if "lease_payment" not in cash.columns or len(cash) < 2:
        return 0.0
    return -float(cash["lease_payment"].iloc[1])


def summary_money(result: Result, t: Texts, f: NumberFormat, kpis: dict[str, Kpi]
                  ) -> str | None:
    """The summary's money sentence under EMC or lease (None for self-investment)."""
    if not has_two_views(result):
        return None
    fin = result.finance
    baseline, with_system, _ = annual_bills(result)  # EMC: the company's bill, no exports
    common = {"baseline": f.money(baseline), "with_system": f.money(with_system),
              "host": f.money(fin.host_savings_year1),
              "host_lifetime": f.money(fin.host_savings_lifetime), "years": view_years(result),
              "capex": f.money(fin.capex)}
    if fin.perspective == "investor":
        return t("views.money_emc", payment=f.money(_emc_payment(result)),
                 share=f.percent(_share(result), 0), npv=f.money(fin.npv),
                 irr=f.percent(fin.irr), payback=kpis["payback"].value,
                 payback_pre_tax=kpis["payback_pre_tax"].value, **common)
    return t("views.money_lease", lease=f.money(_lease_payment(result)),
             contract=contract_years(result), npv=f.money(fin.npv),
             irr=f.percent(fin.investor_irr), **common)


def bills_note(result: Result, t: Texts, f: NumberFormat) -> Paragraph | None:
    """Under EMC or lease: what the company pays out of its bill savings."""
    if not has_two_views(result):
        return None
    fin = result.finance
    if fin.perspective == "investor":
        text = t("views.bills_emc", payment=f.money(_emc_payment(result)),
                 share=f.percent(_share(result), 0), host=f.money(fin.host_savings_year1),
                 savings=f.money(annual_bills(result)[2]))
    else:
        text = t("views.bills_lease", lease=f.money(_lease_payment(result)),
                 contract=contract_years(result), host=f.money(fin.host_savings_year1))
    return Paragraph(text, "box")


def finance_grids(result: Result, t: Texts, f: NumberFormat, items: list[Kpi]) -> list[Any]:
    """The finance section's key figures: one grid for self-investment (``items``), or the
    company's block and the investor's block, each labelled, under EMC and lease."""
    if not has_two_views(result):
        return [KpiGrid(items, columns=4)]
    fin = result.finance
    contract, years = contract_years(result), view_years(result)
    host = [
        Kpi(t("views.host_investment"), t("views.none")),
        Kpi(t("views.host_savings_year1"), f.money(fin.host_savings_year1),
            f.money_wan(fin.host_savings_year1)),
        Kpi(t("views.host_savings_contract", years=contract), f.money(fin.host_savings_contract),
            f.money_wan(fin.host_savings_contract)),
        Kpi(t("views.host_savings_lifetime", years=years), f.money(fin.host_savings_lifetime),
            f.money_wan(fin.host_savings_lifetime)),
        Kpi(t("views.host_npv"), f.money(fin.host_npv), f.money_wan(fin.host_npv)),
    ]
    if fin.perspective == "investor":
        investor_title = t("views.investor_title")
        investor = [
            Kpi(t("views.capex_investor"), f.money(fin.capex), f.money_wan(fin.capex)),
            Kpi(t("views.investor_npv_after_tax"), f.money(fin.npv), f.money_wan(fin.npv)),
            Kpi(t("views.investor_irr_after_tax"), f.percent(fin.irr)),
            Kpi(t("views.investor_payback_pre_tax"),
                f.years(invested_payback(fin.payback_years_pre_tax, fin.capex))),
            Kpi(t("views.investor_payback_after_tax"),
                f.years(invested_payback(fin.payback_years, fin.capex))),
            Kpi(t("views.investor_discounted_payback_after_tax"),
                f.years(invested_payback(fin.discounted_payback_years, fin.capex))),
        ]
        if fin.equity_irr is not None and fin.irr is not None and abs(
                fin.equity_irr - fin.irr) > 1e-4:
            investor.append(Kpi(t("kpi.equity_irr"), f.percent(fin.equity_irr)))
        basis = t("views.basis_after_tax")
    else:
        host.append(Kpi(t("views.host_npv_after_tax"), f.money(fin.npv), f.money_wan(fin.npv)))
        investor_title = t("views.lessor_title")
        investor = [
            Kpi(t("views.capex_lessor"), f.money(fin.capex), f.money_wan(fin.capex)),
            Kpi(t("views.investor_npv_pre_tax"), f.money(fin.investor_npv),
                f.money_wan(fin.investor_npv)),
            Kpi(t("views.investor_irr_pre_tax"), f.percent(fin.investor_irr)),
            Kpi(t("views.lessor_payback_pre_tax"),
                f.years(invested_payback(fin.investor_payback_years_pre_tax, fin.capex))),
        ]
        basis = t("views.basis_pre_tax")
    return [KpiGrid(host, columns=3 if len(host) <= 6 else 4, title=t("views.host_title")),
            KpiGrid(investor, columns=3 if len(investor) <= 6 else 4, title=investor_title),
            Paragraph(t("views.host_note", basis=basis), "note")]


def cash_table_title(result: Result, t: Texts, default: str) -> str:
    """Whose cash flow the finance section's table is."""
    if result.finance.perspective == "investor":
        return t("views.cash_table_emc")
    if result.finance.perspective == "host":
        return t("views.cash_table_lease")
    return default


def host_table(result: Result, t: Texts, f: NumberFormat, money_unit: str) -> Table | None:
    """The company's savings by year under EMC or lease (before its income tax)."""
    views = result.perspectives
    if not has_two_views(result) or views is None or len(views) < 2:
        return None
    if result.finance.perspective == "investor":
        columns = [("host_discount_savings", "views.col_discount"),
                   ("host_demand_savings", "views.col_demand"),
                   ("host_post_contract_savings", "views.col_after")]
    else:
        columns = [("host_bill_savings", "views.col_bill"), ("host_lease_payment",
                                                             "views.col_lease"),
                   ("host_costs", "views.col_costs")]
    columns = [(name, key) for name, key in columns
               if name in views.columns and views[name].abs().max() >= 0.5]
    header = [t("finance.year")] + [t(key) for _, key in columns] + [
        t("views.col_total"), t("views.col_cumulative")]

    def cell(value: float) -> str:
        return "–" if abs(value) < 0.5 else f.number(value)

    rows = []
    for year, row in views.loc[1:].iterrows():
        rows.append([str(int(year))] + [cell(row[name]) for name, _ in columns]
                    + [f.number(row["host_savings"]), f.number(row["host_cumulative"])])
    totals = views.loc[1:].sum(axis=0)
    rows.append([t("year_total")] + [f.number(totals[name]) for name, _ in columns]
                + [f.number(totals["host_savings"]), ""])
    n = len(header)
    title = f"{t('views.host_table')}（{money_unit}）" if t.lang == "zh" else \
        f"{t('views.host_table')} ({money_unit})"
    return Table(title, header, rows, ["C"] + ["R"] * (n - 1), [0.55] + [1.0] * (n - 1),
                 total_rows=1, font_size=7.5)
