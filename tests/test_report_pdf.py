"""The PDF proposal: section titles and Result figures in its text (Chinese included), every
page renders, every font is embedded, charts render Chinese with the shipped font."""

from __future__ import annotations

import datetime as dt
import io
import re

import numpy as np
import pypdf
import pypdfium2
import pytest

from pvplanner.display.names import name as reader_name
from pvplanner.display.numbers import NumberFormat
from pvplanner.pipeline import plan
from pvplanner.report import render_pdf
from pvplanner.report.content import SECTION_KEYS
from pvplanner.report.text import Texts
from pvplanner.scenario.model import demo_scenario

DATE = dt.date(2026, 3, 15)


@pytest.fixture(scope="module")
def demo():
    scenario = demo_scenario()
    return scenario, plan(scenario)


@pytest.fixture(scope="module")
def pdfs(demo):
    scenario, result = demo
    return {lang: render_pdf(result, lang, preparer="张三 / Sunny Solar", date=DATE)
            for lang in ("zh", "en")}


def _squeeze(text: str) -> str:
    # Line breaks and table cells split text differently from the source: ignore spacing.
    return re.sub(r"\s+", "", text)


def _pypdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return _squeeze("".join(page.extract_text() for page in reader.pages))


def _pdfium_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_text_has_section_titles(pdfs, lang):
    texts = Texts(lang)
    extracted = _pypdf_text(pdfs[lang])
    titles = [texts(f"sections.{key}") for key in SECTION_KEYS]
    assert len(titles) == 9
    for title in [texts("doc.title"), *titles]:
        assert _squeeze(title) in extracted, title
    if lang == "zh":
        # The Chinese titles come out as Chinese characters, exactly (pdfium keeps spacing).
        exact = _pdfium_text(pdfs["zh"])
        for title in ("屋顶分布式光伏项目建议书", "执行摘要", "场地与系统设计", "发电量与自发自用",
                      "电费节省", "财务分析", "敏感性分析与风险", "碳资产", "假设与数据来源",
                      "免责声明"):
            assert title in exact


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_shows_the_results_figures(demo, pdfs, lang):
    scenario, result = demo
    f = NumberFormat(lang, result.currency)
    extracted = _pypdf_text(pdfs[lang])
    figures = {
        "capacity": f.kwp(result.pv.capacity_kwp),
        "generation": f.kwh(result.pv.annual_generation_kwh),
        "self_consumption": f.percent(result.energy.self_consumption_ratio),
        "savings": f.money(result.bills.savings_annual),
        "capex": f.money(result.finance.capex),
        "npv": f.money(result.finance.npv),
        "irr": f.percent(result.finance.irr),
        "payback": f.years(result.finance.payback_years),
        "avoided": f.tco2(result.carbon.avoided_tco2_year1),
        "certificates": f.count(result.carbon.certificates_year1),
        "customer": reader_name(scenario.site.name, lang),  # the demo's own name in Chinese
        "preparer": "张三 / Sunny Solar",
    }
    for name, shown in figures.items():
        assert _squeeze(shown) in extracted, (name, shown)
    # The formatter itself, checked by hand: thousands separators and the currency mark.
    npv = round(result.finance.npv)
    expected_npv = f"¥{npv:,}" if lang == "zh" else f"CNY {npv:,}"
    assert figures["npv"] == expected_npv
    assert _squeeze(expected_npv) in extracted
    assert figures["irr"] == f"{100 * result.finance.irr:.1f}%"
    # Plane table: each plane's capacity with one decimal and thousands separators.
    for plane in result.pv.planes:
        assert _squeeze(f"{plane.capacity_kwp:,.1f}") in extracted


def test_pdf_pages_render_and_are_not_blank(pdfs):
    for lang, data in pdfs.items():
        document = pypdfium2.PdfDocument(data)
        try:
            assert len(document) >= 8, lang
            for index in range(len(document)):
                page = document[index]
                width, height = page.get_size()
                assert (round(width), round(height)) == (595, 842)  # A4 in points
                image = np.asarray(page.render(scale=0.4).to_pil().convert("L"))
                ink = (image < 200).mean()
                # Every page carries text or graphics: measured 1.5-60 % dark pixels.
                assert ink > 0.004, (lang, index, ink)
        finally:
            document.close()


def test_every_pdf_font_is_embedded(pdfs):
    """No font is left to the viewer: Chinese renders on a machine without fonts."""
    for lang, data in pdfs.items():
        reader = pypdf.PdfReader(io.BytesIO(data))
        seen = 0
        for page in reader.pages:
            fonts = page["/Resources"].get_object().get("/Font", {})
            for font in fonts.values():
                font = font.get_object()
                descendants = font.get("/DescendantFonts")
                target = descendants[0].get_object() if descendants else font
                descriptor = target["/FontDescriptor"].get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), lang
                assert "NotoSansSC" in str(target["/BaseFont"])
                seen += 1
        assert seen >= 8, lang


def test_chart_renderer_draws_chinese_with_the_shipped_font():
    """vl-convert finds no 'Noto Sans SC' unless we register the font: before registration
    it draws nothing for the family (measured: 0 dark pixels); after, real glyphs."""
    import vl_convert
    from PIL import Image

    from pvplanner.report.fonts import FONT_FAMILY, register_chart_font

    register_chart_font()

    def draw(char: str) -> np.ndarray:
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60">'
               f'<rect width="120" height="60" fill="white"/><text x="10" y="45" font-size="40" '
               f'font-family="{FONT_FAMILY}">{char}</text></svg>')
        png = vl_convert.svg_to_png(svg)
        return np.asarray(Image.open(io.BytesIO(png)).convert("L"))

    guang, fu = draw("光"), draw("伏")
    assert (guang < 128).sum() > 150 and (fu < 128).sum() > 150  # measured ~420 each
    assert (guang != fu).sum() > 200  # different glyphs, not two identical "tofu" boxes


def test_pdf_metadata_and_lang(pdfs, demo):
    scenario, _ = demo
    reader = pypdf.PdfReader(io.BytesIO(pdfs["zh"]))
    assert reader_name(scenario.site.name, "zh") in reader.metadata.title
    assert reader.metadata.author == "张三 / Sunny Solar"
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    # Bookmarks name the sections.
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert any("执行摘要" in title for title in outline)
