"""The workbook's Summary under an energy performance contract (issue 14, item 2): no figure
that belongs to one party appears without its party and tax basis; the grid bill's reduction
is not called the company's saving."""

from __future__ import annotations

import io

import openpyxl
import pytest

import pvplanner
from pvplanner.report import render_xlsx
from pvplanner.report.text import Texts
from pvplanner.report.xlsx import sheet_names
from pvplanner.scenario.model import demo_scenario


@pytest.fixture(scope="module")
def emc():
    scenario = demo_scenario()
    scenario = scenario.model_copy(update={"finance": scenario.finance.model_copy(
        update={"ownership": "emc"})})
    return pvplanner.plan(scenario, with_npv_curve=False)


def _sheet(result, lang) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(result, lang)), read_only=True)
    return list(book[sheet_names(lang)["Summary"]].iter_rows(values_only=True))


def _summary(result, lang) -> dict[str, object]:
    """The key-figure block: from the "Item" header to the first empty row."""
    rows = _sheet(result, lang)
    start = next(k for k, row in enumerate(rows) if row[0] == Texts(lang)("xlsx.item")) + 1
    end = next(k for k in range(start, len(rows)) if not rows[k][0])
    return {str(row[0]): row[1] for row in rows[start:end]}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_emc_summary_names_each_partys_figures(emc, lang):
    t = Texts(lang)
    rows = _summary(emc, lang)
    fin = emc.finance
    for unlabelled in ("kpi.npv", "kpi.irr", "kpi.payback", "kpi.payback_pre_tax",
                       "kpi.savings", "kpi.capex"):
        assert t(unlabelled) not in rows, unlabelled
    # The company's grid bill: the export income is the investor's, not on its bill.
    assert emc.bills.export_revenue_annual > 0
    assert rows[t("xlsx.grid_bill_reduction")] == pytest.approx(
        emc.bills.savings_annual - emc.bills.export_revenue_annual)
    assert rows[t("bills.with_system_emc")] == pytest.approx(
        emc.bills.with_system_annual + emc.bills.export_revenue_annual)
    assert rows[t("views.capex_investor")] == pytest.approx(fin.capex)
    assert rows[t("views.investor_npv_after_tax")] == pytest.approx(fin.investor_npv)
    assert rows[t("views.investor_irr_after_tax")] == pytest.approx(fin.investor_irr)
    assert rows[t("views.investor_payback_after_tax")] == pytest.approx(
        fin.investor_payback_years)
    # The investor's discounted payback, as the proposal's parties table gives it.
    assert fin.discounted_payback_years is not None
    assert rows[t("views.investor_discounted_payback_after_tax")] == pytest.approx(
        fin.discounted_payback_years)
    assert rows[t("views.host_savings_year1")] == pytest.approx(fin.host_savings_year1)
    # The company's saving is what is left of its bill's fall after paying the investor.
    share = 1.0 - emc.assumption("finance.emc_discount_percent").value / 100.0
    payment = share * emc.bills.energy_savings_annual  # the PV energy at the contract's price
    assert rows[t("bills.baseline")] - rows[t("bills.with_system_emc")] - payment \
        == pytest.approx(fin.host_savings_year1, rel=1e-9)
    # The sensitivity table says whose NPV it moves.
    title = t("sensitivity.table_whose", whose=t("sensitivity.whose_investor"))
    assert any(row[0] == title for row in _sheet(emc, lang))


def test_self_investment_summary_keeps_the_plain_labels():
    result = pvplanner.plan(demo_scenario(), with_npv_curve=False)
    rows = _summary(result, "en")
    t = Texts("en")
    assert rows[t("kpi.npv")] == pytest.approx(result.finance.npv)
    assert rows[t("kpi.savings")] == pytest.approx(result.bills.savings_annual)
    assert t("xlsx.grid_bill_reduction") not in rows


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_emc_proposal_sums_add_up_on_the_companys_own_bill(emc, lang):
    """Under EMC the export income is the investor's: the summary's "bill falls from A to B;
    after paying the investor P it saves S" must satisfy A - B - P = S (B was the bill less
    the investor's export income, so the sentence was short by that income)."""
    from pvplanner.display.numbers import NumberFormat
    from pvplanner.report.content import build_proposal

    f = NumberFormat(lang, emc.currency)
    company_bill = emc.bills.with_system_annual + emc.bills.export_revenue_annual
    proposal = build_proposal(emc, lang)
    summary = "\n".join(str(getattr(b, "text", "")) for b in proposal.section("summary").blocks)
    assert f.money(company_bill) in summary
    assert f.money(emc.bills.with_system_annual) not in summary
    bills = proposal.section("bills").blocks
    said = "\n".join(str(getattr(b, "text", "")) for b in bills)
    assert f.money(emc.bills.export_revenue_annual) in said  # named as the investor's


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_lease_summary_names_the_lessor_not_an_investor(lang):
    """Under a lease the other party is the lessor, paid a rent: the workbook said
    "投资方静态回收期" and "before the payments to the investor" there."""
    scenario = demo_scenario()
    lease = pvplanner.plan(scenario.model_copy(update={"finance": scenario.finance.model_copy(
        update={"ownership": "lease", "lease_payment_per_year": 300_000.0})}),
        with_npv_curve=False, with_sensitivity=False)
    t = Texts(lang)
    rows = {str(row[0]) for row in _sheet(lease, lang) if row and row[0]}
    assert t("views.lessor_payback_pre_tax") in rows
    assert t("xlsx.grid_bill_reduction_lease") in rows
    assert not rows & {t("views.investor_payback_pre_tax"), t("xlsx.grid_bill_reduction")}


@pytest.mark.parametrize("lang, words", [("zh", "核发给投资方"), ("en", "issued to the investor")])
def test_emc_carbon_section_says_whose_certificates_are_whose(emc, lang, words):
    """The plant is the investor's under EMC: its exports' tradable certificates are issued
    to it (国能发新能规〔2024〕67号), the self-consumed energy's follow the electricity."""
    from pvplanner.display.numbers import NumberFormat
    from pvplanner.report.content import build_proposal

    text = "\n".join(str(getattr(b, "text", ""))
                     for b in build_proposal(emc, lang).section("carbon").blocks)
    assert words in text
    assert NumberFormat(lang, emc.currency).count(emc.carbon.certificates_tradable_year1) in text
    owner = build_proposal(pvplanner.plan(demo_scenario(), with_npv_curve=False,
                                          with_sensitivity=False), lang).section("carbon")
    assert words not in "\n".join(str(getattr(b, "text", "")) for b in owner.blocks)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summary_says_na_where_the_proposal_does(lang):
    """A subsidy paying the whole investment leaves no payback: the workbook reads
    "n/a" / "—" as the HTML and PDF do, not "0.0 years" or an empty cell."""
    from pvplanner.display.numbers import NumberFormat
    from pvplanner.report.content import build_proposal

    scenario = demo_scenario()
    scenario = scenario.model_copy(update={"finance": scenario.finance.model_copy(
        update={"capex_subsidy_fraction": 1.0})})
    result = pvplanner.plan(scenario, with_npv_curve=False)
    assert result.finance.payback_years == 0.0 and result.finance.capex > 0
    rows, t, na = _summary(result, lang), Texts(lang), NumberFormat(lang).na
    for key in ("kpi.payback", "kpi.payback_pre_tax", "kpi.discounted_payback",
                "kpi.discounted_payback_pre_tax"):
        assert rows[t(key)] == na, key
    highlights = {k.label: k.value for k in build_proposal(result, lang).highlights}
    assert highlights[t("kpi.payback")] == na  # the cover says the same
    # Figures that are defined stay numbers.
    assert rows[t("kpi.npv")] == pytest.approx(result.finance.npv)
