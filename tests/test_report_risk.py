"""The proposal of issue 14: each party's money labelled (EMC, lease), the sensitivity and
P50/P90 section in both languages, the seller's company, contact, note and logo, pages that
are not left mostly empty, real representative days, the east-west sketch, a binding
battery limit said, and sensible precision."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import numpy as np
import pypdf
import pypdfium2
import pytest
from PIL import Image

from pvplanner.display.numbers import NumberFormat
from pvplanner.errors import PlannerInputError
from pvplanner.pipeline import plan
from pvplanner.report import render_html, render_pdf
from pvplanner.report.content import build_proposal
from pvplanner.report.layout import PlaneSketch, roof_sketch_svg
from pvplanner.report.logo import MAX_LOGO_BYTES, check_logo, read_logo
from pvplanner.report.model import Figure, KpiGrid, Paragraph, Table
from pvplanner.report.tables import representative_day, typical_day
from pvplanner.report.text import Texts
from pvplanner.result import BatterySummary
from pvplanner.scenario.model import demo_scenario, parse_scenario

DATE = dt.date(2026, 3, 15)
#: Every page but the last must have ink below this share of its text area (no page left
#: two-thirds empty).
MIN_PAGE_FILL = 0.4


@pytest.fixture(scope="module")
def demo():
    return plan(demo_scenario())


@pytest.fixture(scope="module")
def emc():
    scenario = demo_scenario()
    scenario = scenario.model_copy(update={"finance": scenario.finance.model_copy(
        update={"ownership": "emc"})})
    return plan(scenario, with_npv_curve=False)


@pytest.fixture(scope="module")
def logo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("logo") / "logo.png"
    image = Image.new("RGBA", (900, 300), (255, 255, 255, 0))
    image.paste((11, 79, 108, 255), (300, 100, 880, 200))
    image.save(path)
    return path


@pytest.fixture(scope="module")
def seller(logo_file):
    return {"seller_company": "阳光能源科技有限公司", "preparer": "王小明",
            "seller_contact": "王经理 138-0000-0000\nsales@sunny.example",
            "cover_note": "尊敬的客户：感谢贵司对屋顶光伏项目的关注。<b>不是标记</b> =SUM(A1)",
            "logo_file": str(logo_file)}


@pytest.fixture(scope="module")
def pdfs(demo, seller):
    return {lang: render_pdf(demo, lang, date=DATE, proposal=seller) for lang in ("zh", "en")}


def _text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def _kpis(section) -> dict[str, str]:
    return {k.label: k.value for b in section.blocks if isinstance(b, KpiGrid) for k in b.items}


# --------------------------------------------------------------------------- perspectives
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_emc_proposal_separates_the_company_and_the_investor(emc, lang):
    t, f = Texts(lang), NumberFormat(lang, emc.currency)
    proposal = build_proposal(emc, lang, date=DATE)
    finance = proposal.section("finance")
    grids = [b for b in finance.blocks if isinstance(b, KpiGrid)]
    assert [g.title for g in grids] == [t("views.host_title"), t("views.investor_title")]
    host, investor = ({k.label: k.value for k in g.items} for g in grids)
    assert host[t("views.host_savings_year1")] == f.money(emc.finance.host_savings_year1)
    assert host[t("views.host_investment")] == t("views.none")
    assert investor[t("views.investor_npv_after_tax")] == f.money(emc.finance.npv)
    assert investor[t("views.investor_irr_after_tax")] == f.percent(emc.finance.irr)
    # Every payback and IRR label names its tax basis.
    for label in [*host, *investor]:
        if any(word in label for word in ("IRR", "payback", "收益率", "回收期")):
            assert any(word in label for word in ("after tax", "before tax", "税后", "税前"))
    # The summary's saving is the company's, not the grid bill's fall.
    summary = _kpis(proposal.section("summary"))
    assert summary[t("views.host_savings_year1")] == f.money(emc.finance.host_savings_year1)
    assert t("kpi.savings") not in summary
    assert f.money(emc.finance.host_savings_year1) != f.money(emc.bills.savings_annual)
    # The company's own table adds up to its lifetime savings.
    table = next(b for b in finance.blocks
                 if isinstance(b, Table) and b.title.startswith(t("views.host_table")))
    assert table.rows[-1][-2] == f.number(emc.finance.host_savings_lifetime)
    bills = " ".join(b.text for b in proposal.section("bills").blocks
                     if isinstance(b, Paragraph))
    assert f.money(emc.finance.host_savings_year1) in bills


def test_self_investment_keeps_one_view(demo):
    proposal = build_proposal(demo, "en", date=DATE)
    grids = [b for b in proposal.section("finance").blocks if isinstance(b, KpiGrid)]
    assert len(grids) == 1 and not grids[0].title


# --------------------------------------------------------------------------- sensitivity
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sensitivity_section_shows_the_tornado_and_p50_p90(demo, pdfs, lang):
    t, f = Texts(lang), NumberFormat(lang, demo.currency)
    section = build_proposal(demo, lang, date=DATE).section("sensitivity")
    assert section.title == t("sections.sensitivity")
    assert any(isinstance(b, Figure) and b.key == "tornado" for b in section.blocks)
    npv_table = next(b for b in section.blocks if isinstance(b, Table)
                     and b.title == t("sensitivity.table"))
    row = demo.sensitivity.iloc[0]
    assert npv_table.rows[0][2:4] == [f.number(row["result_low"]), f.number(row["result_high"])]
    p_table = next(b for b in section.blocks if isinstance(b, Table)
                   and b.title == t("sensitivity.risk_title"))
    values = dict(p_table.rows)
    assert values[t("sensitivity.p90")] == f.kwh(demo.pv.p90_annual_generation_kwh)
    assert values[t("sensitivity.p50")] == f.kwh(demo.pv.annual_generation_kwh)
    assert values[t("sensitivity.sigma")] == f.percent(demo.pv.interannual_variability, 1)
    text = _text(pdfs[lang])
    for needle in (t("sections.sensitivity"), t("sensitivity.risk_title"),
                   f.kwh(demo.pv.p90_annual_generation_kwh)):
        assert re.sub(r"\s+", "", needle) in text, needle


def test_the_discount_rate_moves_in_whole_points(demo):
    section = build_proposal(demo, "zh", date=DATE).section("sensitivity")
    table = next(b for b in section.blocks if isinstance(b, Table))
    moves = {row[0]: row[1] for row in table.rows}
    assert moves["折现率"] == "±2个百分点" and moves["投资额"] == "±20%"


# --------------------------------------------------------------------------- the seller
def test_the_seller_is_on_the_cover_and_user_text_stays_text(demo, seller, pdfs):
    proposal = build_proposal(demo, "zh", date=DATE, proposal=seller)
    assert ("编制单位", "阳光能源科技有限公司") in proposal.cover_rows
    assert ("编制", "王小明") in proposal.cover_rows
    assert ("联系方式", seller["seller_contact"]) in proposal.cover_rows
    note = proposal.section("summary").blocks[0]
    assert isinstance(note, Paragraph) and note.style == "box"
    assert note.text.startswith(seller["cover_note"]) and "阳光能源科技有限公司" in note.text
    assert proposal.logo_png is not None and proposal.logo_png.startswith(b"\x89PNG")
    html = render_html(demo, "zh", date=DATE, proposal=seller)
    assert "&lt;b&gt;不是标记&lt;/b&gt;" in html and "<b>不是标记" not in html
    assert 'src="data:image/png;base64,' in html
    assert "138-0000-0000<br>sales@sunny.example" in html  # the contact's lines kept
    cover = pypdf.PdfReader(io.BytesIO(pdfs["zh"])).pages[0]
    assert len(cover.images) == 1  # the logo


def test_the_seller_comes_from_the_scenario_by_default(demo, seller):
    scenario = parse_scenario({**demo.inputs, "proposal": seller})
    result = dataclasses.replace(demo, inputs=scenario.model_dump(mode="json"))
    proposal = build_proposal(result, "en", date=DATE)
    assert ("Company", "阳光能源科技有限公司") in proposal.cover_rows
    assert "阳光能源科技有限公司" in proposal.footer_note


def test_a_logo_must_be_a_small_png_or_jpeg(tmp_path):
    with pytest.raises(PlannerInputError, match="not a PNG or JPEG image") as error:
        check_logo(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.png")
    assert error.value.field == "proposal.logo_file"
    with pytest.raises(PlannerInputError, match="more than the"):
        check_logo(b"\x89PNG" + b"\0" * MAX_LOGO_BYTES, "huge.png")
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    with pytest.raises(PlannerInputError, match="not a PNG or JPEG"):
        check_logo(gif.getvalue(), "logo.gif")
    with pytest.raises(PlannerInputError, match="does not exist"):
        read_logo(tmp_path / "gone.png")
    jpeg = io.BytesIO()
    Image.new("RGB", (2000, 500), "navy").save(jpeg, format="JPEG")
    png = check_logo(jpeg.getvalue(), "logo.jpg")
    assert Image.open(io.BytesIO(png)).format == "PNG"
    assert max(Image.open(io.BytesIO(png)).size) <= 720


def test_proposal_inputs_have_limits():
    document = demo_scenario().model_dump(mode="json")
    with pytest.raises(PlannerInputError) as error:
        parse_scenario({**document, "proposal": {"seller_company": "x" * 121}})
    assert error.value.field == "proposal.seller_company"
    with pytest.raises(PlannerInputError, match="more than 4 lines"):
        parse_scenario({**document, "proposal": {"seller_contact": "a\nb\nc\nd\ne"}})
    with pytest.raises(PlannerInputError, match="control character"):
        parse_scenario({**document, "proposal": {"cover_note": "abc\u202edef"}})


# --------------------------------------------------------------------------- layout
def _fill(page: pypdfium2.PdfPage) -> float:
    """The share of the page's text area above its lowest ink."""
    pixels = np.asarray(page.render(scale=0.5).to_pil().convert("L"))
    height = pixels.shape[0]
    body = pixels[int(height * 0.07):int(height * 0.93)]
    inked = np.nonzero((body < 235).any(axis=1))[0]
    return (inked.max() + 1) / body.shape[0] if inked.size else 0.0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_is_left_mostly_empty(pdfs, lang):
    document = pypdfium2.PdfDocument(pdfs[lang])
    try:
        fills = [_fill(document[i]) for i in range(len(document))]
    finally:
        document.close()
    assert min(fills[:-1]) > MIN_PAGE_FILL, fills


def test_representative_day_is_a_real_day_closest_to_the_months_means(demo):
    day = typical_day(demo, 7)
    date = day.attrs["date"]
    assert date.month == 7 and date == representative_day(demo, 7).date()
    hourly = demo.hourly
    in_day = hourly.loc[hourly.index.date == date]
    assert day["load_kw"].tolist() == pytest.approx(in_day["load_kw"].tolist())
    # A real day of a plant without a battery: it never buys while it exports.
    assert not ((day["grid_to_load_kw"] > 1e-6) & (day["pv_to_grid_kw"] > 1e-6)).any()
    # No other July day is closer to the month's daily means.
    july = hourly.loc[hourly.index.month == 7]
    daily = july.groupby(july.index.date).agg({"load_kw": "sum", "pv_available_kw": "sum",
                                               "curtailed_kw": "sum"})
    pv = daily["pv_available_kw"] - daily["curtailed_kw"]
    score = ((pv - pv.mean()) / pv.mean()) ** 2 + (
        (daily["load_kw"] - daily["load_kw"].mean()) / daily["load_kw"].mean()) ** 2
    assert score.idxmin() == date


def test_east_west_racks_get_a_double_arrow_across_their_azimuth():
    def arrows(mounting: str) -> list[str]:
        svg = roof_sketch_svg([PlaneSketch("p", 2000.0, 100.0, 200.0, 180.0, mounting, "x")])
        return re.findall(r'<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"', svg)

    (x1, y1, x2, y2), = arrows("east_west")
    assert float(y1) == pytest.approx(float(y2)) and float(x1) != pytest.approx(float(x2))
    (x1, y1, x2, y2), = arrows("tilted_rows")  # facing south: the arrow points down
    assert float(x1) == pytest.approx(float(x2)) and float(y2) > float(y1)
    svg = roof_sketch_svg([PlaneSketch("p", 2000.0, 100.0, 200.0, 180.0, "east_west", "x")])
    assert svg.count("<polygon") == 3  # two arrow heads and the compass


def test_a_battery_held_by_its_limit_is_said(demo):
    # The box says the limits the plan names (Result.solver.binding_limits), as the Results
    # page does, in the customer's words: no advice to raise a limit and plan again.
    held = dataclasses.replace(demo, battery=BatterySummary(
        energy_kwh=500.0, power_kw=250.0, annual_discharge_kwh=1.0e5, max_energy_kwh=500.0,
        max_power_kw=2500.0), solver=dataclasses.replace(
        demo.solver, binding_limits=(*demo.solver.binding_limits, "battery.max_energy_kwh")))
    assert held.battery.energy_limit_binding
    proposal = build_proposal(held, "en", date=DATE)
    limit = ("The battery is held by its limits, not by the economics: battery energy limit "
             "(500 kWh, by default one day of the load's energy). No battery beyond them was "
             "assessed.")
    for key in ("summary", "design"):
        assert any(getattr(b, "text", "") == limit for b in proposal.section(key).blocks), key
    free = dataclasses.replace(held, battery=dataclasses.replace(held.battery, energy_kwh=420.0),
                               solver=demo.solver)
    assert not any("held by its limits" in getattr(b, "text", "")
                   for b in build_proposal(free, "en", date=DATE).section("design").blocks)


def test_carbon_figures_at_sensible_precision(demo):
    carbon = build_proposal(demo, "en", date=DATE).section("carbon")
    scope2 = next(b for b in carbon.blocks if isinstance(b, Table) and "Scope 2" in b.title)
    for row in scope2.rows:
        for cell in row[1:4]:
            number = float(cell.replace(",", ""))
            assert number < 100 or "." not in cell, cell  # "1,615", never "1,615.0"
    ledger = next(b for b in carbon.blocks if isinstance(b, Table) and b.total_rows)
    assert not any(re.fullmatch(r"[\d,]{4,}\.\d", cell) for row in ledger.rows for cell in row)
