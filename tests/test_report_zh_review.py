"""A customer's accountant reading the Chinese (and English) proposal: review of 2026-12.

Defects found by reading the demo's proposals (self-investment, zero export, EMC, no PV):

* zero export: the savings were labelled "including export income", the bill "less export
  income", the owner "keeps the export revenue", the representative days "exports stacked
  above", the CO2 split named "0 tCO2 from exported power";
* EMC: the investor's cash-flow column of the company's payments was called "bill
  savings"; the bills chart's legend said the bill was "less export income" (the income is
  the investor's) and cut its label short;
* no PV: a self-consumption share of 0.0 % of no generation (the months said n/a);
* the assumptions' sources ended in an open ISO interval ``(2026-08-01/)``; monthly charges
  read 元/kW/月; the solver's time limit "4 s";
* the workbook: hourly prices per kWh at two decimals (0.36 for 0.3643) without their
  currency, certificate prices in 元 (not 元/张), balances of money without a unit, and
  the NPV sensitivity without the move of each input.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import openpyxl
import pytest

import pvplanner
from pvplanner.report import render_xlsx
from pvplanner.report.content import build_proposal
from pvplanner.report.model import Figure, FigureRow, Kpi, KpiGrid, Paragraph, Table
from pvplanner.report.text import Texts, period_text
from pvplanner.report.xlsx import sheet_names
from pvplanner.scenario.model import demo_scenario

LANGS = ("zh", "en")


def _with(section: str, **changes: object):
    demo = demo_scenario()
    part = getattr(demo, section)
    return demo.model_copy(update={section: part.model_copy(update=changes)})


@pytest.fixture(scope="module")
def owner():
    return pvplanner.plan(demo_scenario(), with_npv_curve=False)


@pytest.fixture(scope="module")
def zero_export():
    return pvplanner.plan(_with("constraints", export_limit_kw=0.0), with_npv_curve=False,
                          with_sensitivity=False)


@pytest.fixture(scope="module")
def emc():
    return pvplanner.plan(_with("finance", ownership="emc"), with_npv_curve=False,
                          with_sensitivity=False)


@pytest.fixture(scope="module")
def no_pv():
    return pvplanner.plan(_with("finance", pv_capex_per_kwp=30000.0), with_npv_curve=False,
                          with_sensitivity=False)


def _blocks(result, lang: str) -> Iterator[object]:
    proposal = build_proposal(result, lang)
    yield from proposal.highlights
    for section in proposal.sections:
        for block in section.blocks:
            yield block
            if isinstance(block, KpiGrid):
                yield from block.items
            if isinstance(block, FigureRow):
                yield from block.figures


def _legend_labels(figure: Figure) -> set[str]:
    """The series names a chart's spec carries (the ``series`` of its data rows)."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("series"), str):
                found.add(value["series"])
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(figure.spec)
    return found


def _words(result, lang: str) -> str:
    """Every label, sentence, table header and cell of the proposal, one per line."""
    out: list[str] = []
    for block in _blocks(result, lang):
        if isinstance(block, Kpi):
            out += [block.label, block.value, block.hint]
        elif isinstance(block, Paragraph):
            out += [block.title, block.text]
        elif isinstance(block, Table):
            out += [block.title, block.note, *block.header]
            out += [cell for row in block.rows for cell in row]
        elif isinstance(block, Figure):
            out += [block.caption, repr(block.spec)]
    return "\n".join(out)


def _sheet(result, lang: str, name: str):
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(result, lang)))
    return book[sheet_names(lang)[name]]


# --------------------------------------------------------------------------- dates, units
@pytest.mark.parametrize(("period", "zh", "en"), [
    ("2026-08-01/", "2026-08-01起", "from 2026-08-01"),
    ("2025-01-01/2025-12-31", "2025-01-01至2025-12-31", "2025-01-01 to 2025-12-31"),
    ("2025-12", "2025-12", "2025-12"),
])
def test_a_sources_period_reads_as_words(period, zh, en):
    assert period_text(period, Texts("zh")) == zh
    assert period_text(period, Texts("en")) == en


@pytest.mark.parametrize("lang", LANGS)
def test_the_assumptions_name_their_dates_and_units_in_words(owner, lang):
    table = next(b for b in build_proposal(owner, lang).section("assumptions").blocks
                 if isinstance(b, Table))
    sources = [row[3] for row in table.rows]
    assert not [s for s in sources if re.search(r"\d/\s*[)）]", s)]  # no "(2026-08-01/)"
    # the tariff's dated sources say from when they apply
    assert any(period_text("2026-08-01/", Texts(lang)) in s for s in sources)
    values = [row[2] for row in table.rows]
    if lang == "zh":
        assert any(v.endswith("元/(kW·月)") for v in values)  # the demand charge
        assert any(v.endswith("元/(kWp·年)") for v in values)  # PV O&M
        assert not [v for v in values if re.search(r"/k\w+/[月年]|\d s$", v)]


# --------------------------------------------------------------------------- zero export
@pytest.mark.parametrize("lang", LANGS)
def test_a_zero_export_proposal_claims_no_export_income(zero_export, lang):
    t = Texts(lang)
    result = zero_export
    assert result.energy.exported_kwh < 0.5 and result.energy.curtailed_kwh > 1000.0
    words = _words(result, lang)
    assert t("kpi.savings") not in words
    assert t("bills.with_system") not in words  # neither in a table nor in a chart's legend
    assert t("finance.owner_no_export") in words
    assert t("energy.day_caption_pv_no_export") in words
    split = t("carbon.split_no_export", total=build_proposal(result, lang).section(
        "carbon").blocks[0].items[0].value)
    assert split in words
    bills = next(b for b in build_proposal(result, lang).section("bills").blocks
                 if isinstance(b, Figure))
    assert t("bills.with_system_no_export") in _legend_labels(bills)


def test_with_export_income_the_labels_say_it_is_included(owner):
    t = Texts("zh")
    words = _words(owner, "zh")
    assert owner.bills.export_revenue_annual > 1.0
    assert t("kpi.savings") in words and t("finance.owner") in words
    assert t("kpi.savings_no_export") not in words.split("\n")


# --------------------------------------------------------------------------- EMC
@pytest.mark.parametrize("lang", LANGS)
def test_the_emc_investors_cash_table_calls_the_companys_payment_income(emc, lang):
    t = Texts(lang)
    finance = build_proposal(emc, lang).section("finance")
    cash = next(b for b in finance.blocks if isinstance(b, Table)
                and t("finance.net") in b.header)
    assert t("finance.savings_emc") in cash.header
    assert t("finance.savings") not in cash.header
    column = cash.header.index(t("finance.savings_emc"))
    year1 = float(cash.rows[1][column].replace(",", ""))
    assert year1 == pytest.approx(float(emc.cash_flow["energy_savings"].iloc[1]), abs=1.0)
    # the charts name the company's grid bill, as the bills table does
    for block in _blocks(emc, lang):
        if isinstance(block, Figure) and block.key in ("bills", "summary_bills"):
            assert t("bills.with_system_emc") in _legend_labels(block)
            assert t("bills.with_system") not in _legend_labels(block)
            assert block.spec["config"]["legend"]["labelLimit"] == 0  # never cut short


@pytest.mark.parametrize("lang", LANGS)
def test_the_emc_workbooks_cash_flow_is_labelled_the_investors(emc, lang):
    t = Texts(lang)
    ws = _sheet(emc, lang, "Cash flow")
    keys = [c.value for c in ws[2]]
    label = ws.cell(1, keys.index("energy_savings") + 1).value
    assert label.startswith(t("views.cash_savings_emc"))
    assert t("views.cash_note_emc") in ws["A1"].comment.text


# --------------------------------------------------------------------------- no PV
@pytest.mark.parametrize("lang", LANGS)
def test_without_generation_the_self_consumption_share_is_not_available(no_pv, lang):
    t = Texts(lang)
    assert no_pv.pv.capacity_kwp == 0.0
    shares = [b.value for b in _blocks(no_pv, lang)
              if isinstance(b, Kpi) and b.label == t("kpi.self_consumption")]
    assert shares and set(shares) == {t.na}
    energy = next(b for b in build_proposal(no_pv, lang).section("energy").blocks
                  if isinstance(b, Table))
    assert energy.rows[-1][-1] == t.na  # the year's total, as each month


# --------------------------------------------------------------------------- workbook
@pytest.mark.parametrize("lang", LANGS)
def test_the_workbooks_prices_keep_their_decimals_and_units(zero_export, lang):
    unit = "元" if lang == "zh" else "CNY"
    hourly = _sheet(zero_export, lang, "Hourly results")
    keys = [c.value for c in hourly[2]]
    for key in ("import_price_per_kwh", "export_price_per_kwh"):
        col = keys.index(key) + 1
        assert hourly.cell(1, col).value.endswith(f"({unit}/kWh)")
        assert hourly.cell(3, col).number_format == "0.0000"
    cash = _sheet(zero_export, lang, "Cash flow")
    keys = [c.value for c in cash[2]]
    for key in ("tax_loss_balance", "debt_balance"):
        assert cash.cell(1, keys.index(key) + 1).value.endswith(f"({unit})")
    carbon = _sheet(zero_export, lang, "Carbon")
    keys = [c.value for c in carbon[2]]
    certificate = Texts(lang)("units.certificate")
    assert carbon.cell(1, keys.index("certificate_price") + 1).value.endswith(
        f"({unit}/{certificate})")
    assert carbon.cell(1, keys.index("certificates_issued") + 1).value.endswith(
        f"({certificate})")


@pytest.mark.parametrize("lang", LANGS)
def test_the_workbooks_sensitivity_gives_each_inputs_move(owner, lang):
    t = Texts(lang)
    ws = _sheet(owner, lang, "Summary")
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    head = next(k for k, row in enumerate(rows) if row[0] == t("sensitivity.factor"))
    assert rows[head][3] == t("sensitivity.move")
    table = next(b for b in build_proposal(owner, lang).section("sensitivity").blocks
                 if isinstance(b, Table) and t("sensitivity.move") in b.header)
    moves = {row[0]: row[1] for row in table.rows}
    sheet = {row[0]: row[3] for row in rows[head + 1:head + 1 + len(moves)]}
    assert sheet == moves


@pytest.mark.parametrize("lang", LANGS)
def test_the_inputs_sheet_names_fields_not_form_instructions(owner, lang):
    t = Texts(lang)
    ws = _sheet(owner, lang, "Inputs")
    labels = {row[3]: row[1] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert labels["site.country"] == t("input_fields.sheet_site_country")
    assert "ISO" not in labels["site.country"]


def test_the_chinese_cover_and_ledger_write_chinese_brackets_and_counts(owner):
    t = Texts("zh")
    proposal = build_proposal(owner, "zh")
    site = dict(proposal.cover_rows)[t("doc.site")]
    assert "（北纬" in site and site.endswith("）") and "(" not in site
    ledger = next(b for b in proposal.section("carbon").blocks if isinstance(b, Table)
                  and b.title == t("carbon.ledger_table"))
    issued = next(h for h in ledger.header if h.startswith(t("carbon.issued")))
    assert issued.endswith(f"({t('units.certificate')})")
    limit = next(row[2] for row in next(
        b for b in proposal.section("assumptions").blocks if isinstance(b, Table)).rows
        if row[1] == t("assumption_items.constraints_solver_time_limit_s"))
    assert limit.endswith(" 秒")
