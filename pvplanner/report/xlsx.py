"""The proposal's data as an Excel workbook (XlsxWriter).

Sheets: Summary, Inputs (the scenario the plan ran on, flattened), Hourly results (one row per
step of the typical year: 8,760 hours, or 35,040 quarter hours for a plan on a meter file's
15-minute readings), Monthly, Cash flow, Carbon, Assumptions. Figures are stored as numbers with
display formats, so the customer's analyst can recompute anything. Every cell a reader sees
is in the proposal's language; what programs need stays in the workbook, hidden:

* Data sheets (Hourly results, Monthly, Cash flow, Carbon) have two header rows: labels in
  the proposal's language, then the field names of the Result in a hidden row 2 (a note on
  cell A1 says so). Excel shows it on "Unhide rows"; programs read it as they always did::

      pd.read_excel(path, sheet_name=3, header=1, index_col=0)   # columns by field name
      pd.read_excel(path, sheet_name=3, header=[0, 1], index_col=0)  # both rows

  The hourly sheet's time-of-use period is written in words; its codes (``valley``...) are in
  the hidden last column ``period_code``.
* Inputs: category, label and value in the reader's words (:mod:`pvplanner.report.input_rows`),
  then two hidden columns ``field`` (the dotted path) and ``value`` (the value as stored)::

      pd.read_excel(path, sheet_name=1, usecols="D:E", index_col=0)["value"]

Text that came from a user (site and plane names, any string of the scenario) is written
as a string cell, never a formula (:mod:`pvplanner.guard.cells`): a string cell is not
evaluated however it starts (``=HYPERLINK(...)`` stays text), so text is shown exactly as
typed, with no apostrophe in front. XlsxWriter writes the 8760-row sheet several times
faster than openpyxl (a 35,040-row sheet in a few seconds).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

import pvplanner.report.tables as tables
from pvplanner.display.messages import translate
from pvplanner.display.numbers import NumberFormat, invested_payback
from pvplanner.guard.cells import sheet_text, write_cell
from pvplanner.report.charts import COLORS
from pvplanner.report.content import design_limit_lines
from pvplanner.report.input_rows import input_rows
from pvplanner.report.limits import battery_limit_notes
from pvplanner.report.model import Proposal, Table
from pvplanner.report.risk import factor_move
from pvplanner.report.text import Texts
from pvplanner.report.views import contract_years, has_two_views, view_years
from pvplanner.result import Result

#: Sheet names (stable English names: scripts and tests look them up; the labels inside are
#: translated, and a Chinese workbook names its sheets in Chinese: :func:`sheet_names`).
SHEETS: tuple[str, ...] = (
    "Summary", "Inputs", "Hourly results", "Monthly", "Cash flow", "Carbon", "Assumptions",
)
#: Sheets only a plan with saving measures or a product footprint has, after :data:`SHEETS`.
OPTIONAL_SHEETS: tuple[str, ...] = ("Measures and footprint",)


def sheet_names(lang: str, *, optional: bool = False) -> dict[str, str]:
    """Each sheet's name in a workbook of ``lang``, by its stable English name (:data:`SHEETS`,
    with ``optional`` also :data:`OPTIONAL_SHEETS`; texts ``workbook.sheets.*`` of the
    message catalogue).

    Examples
    --------
    >>> sheet_names("zh")["Hourly results"], sheet_names("en")["Cash flow"]
    ('逐时结果', 'Cash flow')
    >>> sheet_names("zh", optional=True)["Measures and footprint"]
    '节能措施与碳足迹'
    """
    names = (*SHEETS, *OPTIONAL_SHEETS) if optional else SHEETS
    return {name: translate(f"workbook.sheets.{name.lower().replace(' ', '_')}", lang)
            for name in names}

#: Rows above the data in the data sheets (label row, field-name row).
HEADER_ROWS = 2
#: Columns of the Inputs sheet a reader sees (category, label, value); the field path and
#: the stored value follow, hidden, headed by these names.
INPUT_COLUMNS = 3
INPUT_KEYS: tuple[str, str] = ("field", "value")
#: The hourly sheet's hidden column of time-of-use period codes.
PERIOD_CODE = "period_code"
#: Row options of a row (or column options of a column) kept for programs, out of sight.
_HIDDEN: dict[str, bool] = {"hidden": True}


def safe_text(value: Any) -> str:
    """Text for a string cell (:func:`pvplanner.guard.cells.sheet_text`): written with
    ``write_string`` it is never a formula, so it needs no apostrophe."""
    return sheet_text(value)


class _Book:
    """A workbook with the proposal's cell formats."""

    def __init__(self, buffer: io.BytesIO, lang: str = "en") -> None:
        self.names = sheet_names(lang, optional=True)
        self.wb = xlsxwriter.Workbook(buffer, {
            "in_memory": True,
            # Never turn text into formulas, numbers or links: user text stays text.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": False,
        })
        brand = COLORS["brand"]
        self.head = self.wb.add_format({"bold": True, "font_color": "#FFFFFF",
                                        "bg_color": brand, "text_wrap": True,
                                        "valign": "top"})
        self.key = self.wb.add_format({"italic": True, "font_color": "#5B6670",
                                       "font_size": 9})
        self.title = self.wb.add_format({"bold": True, "font_size": 14, "font_color": brand})
        self.wrap = self.wb.add_format({"text_wrap": True, "valign": "top"})
        self.time = self.wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self._numbers: dict[str, Format] = {}

    def number(self, num_format: str) -> Format:
        if num_format not in self._numbers:
            self._numbers[num_format] = self.wb.add_format({"num_format": num_format})
        return self._numbers[num_format]

    def sheet(self, name: str) -> Worksheet:
        """A new sheet of stable name ``name`` (:data:`SHEETS`), named in the book's language."""
        return self.wb.add_worksheet(self.names.get(name, name))


def _write(ws: Worksheet, row: int, col: int, value: Any, fmt: Format | None = None) -> None:
    """Write one value as a literal: number, boolean, datetime or text, never a formula."""
    write_cell(ws, row, col, value, fmt)


def _header(book: _Book, ws: Worksheet, labels: Sequence[str], keys: Sequence[str],
            texts: Texts, currency: str, note: str = "") -> None:
    """Row 1: labels for the reader; row 2, hidden: field names for programs (the note on
    cell A1 says so, followed by ``note``, what the reader must know of the whole sheet)."""
    for col, (label, key) in enumerate(zip(labels, keys, strict=True)):
        ws.write_string(0, col, safe_text(label), book.head)
        ws.write_string(1, col, safe_text(key), book.key)
    ws.set_row(0, 30)
    ws.set_row(1, None, None, _HIDDEN)
    text = texts("xlsx.sheet_note", currency=_money_unit(texts, currency))
    ws.write_comment(0, 0, f"{text}\n{note}" if note else text,
                     {"x_scale": 2.5, "y_scale": 1.5 + len(note) / 120})


def _money_unit(texts: Texts, currency: str) -> str:
    """The currency as the reader writes it (元 in Chinese)."""
    return texts("input_fields.money_unit") if currency == "CNY" else currency


def _number_format(column: str, money: bool = False) -> str:
    if column.endswith(("_ratio", "_fraction")):
        return "0.0%"
    if column.endswith(("_per_kwh", "_price")) or column == "degradation_factor":
        return "0.0000"
    if column.endswith(("_mwh", "_tco2")):
        return "#,##0.0"
    if column.startswith("certificates_"):
        return "#,##0"
    return "#,##0" if money or column.endswith("_kwh") else "#,##0.00"


def _label(texts: Texts, column: str) -> str:
    return texts.get(f"columns.{column}", column)


def _column_unit(column: str, money_unit: str, texts: Texts, money: bool = False) -> str:
    """The unit a data column's header gives its figures ("" for none).

    Parameters
    ----------
    column : str
        The Result's field name.
    money_unit : str
        The currency as the reader writes it (元, or the ISO code).
    texts : Texts
        The proposal's words.
    money : bool
        Whether the column holds amounts of money.

    Returns
    -------
    str
        Prices per kWh, per certificate or per tCO2 with both their units; certificate
        counts in certificates; amounts in the currency.

    Examples
    --------
    >>> t = Texts("zh")
    >>> _column_unit("import_price_per_kwh", "元", t), _column_unit("certificate_price", "元", t)
    ('元/kWh', '元/张')
    >>> _column_unit("certificates_sold", "元", t), _column_unit("om_cost", "元", t, True)
    ('张', '元')
    """
    if column.endswith("_per_kwh"):
        return f"{money_unit}/kWh"
    if column == "certificate_price":
        return f"{money_unit}/{texts('units.certificate')}"
    if column == "credit_price":
        return f"{money_unit}/{texts('units.tco2')}"
    if column.startswith("certificates_"):
        return texts("units.certificate")
    return money_unit if money else ""


def _with_unit(label: str, unit: str) -> str:
    """``label (unit)``, unless the label already gives its unit or there is none."""
    return f"{label} ({unit})" if unit and "(" not in label else label


def _frame_sheet(book: _Book, name: str, frame: pd.DataFrame, texts: Texts, *,
                 index_label: str, index_key: str, money: Sequence[str] = (),
                 currency: str = "CNY", labels: dict[str, str] | None = None,
                 note: str = "") -> None:
    """A table with its index as the first column and two header rows (``labels`` names
    some columns otherwise than the catalogue's ``columns.*``; ``note`` is added to the note
    on cell A1)."""
    ws = book.sheet(name)
    columns = [str(c) for c in frame.columns]
    # Every column says its unit in the header (元, 元/kWh, 张...), as the other figures'
    # labels do.
    unit = _money_unit(texts, currency)
    named = labels or {}
    headers = [_with_unit(named.get(c) or _label(texts, c),
                          _column_unit(c, unit, texts, c in money)) for c in columns]
    ws.set_column(0, 0, 10)
    for col, label in enumerate(headers, start=1):
        ws.set_column(col, col, max(12.0, min(28.0, len(label) * 1.6)))
    _header(book, ws, [index_label, *headers], [index_key, *columns], texts, currency, note)
    formats = [book.number(_number_format(c, money=c in money)) for c in columns]
    for r, (index, values) in enumerate(zip(frame.index, frame.itertuples(index=False),
                                            strict=True), start=HEADER_ROWS):
        _write(ws, r, 0, index)
        for c, (value, fmt) in enumerate(zip(values, formats, strict=True), start=1):
            _write(ws, r, c, value, fmt)
    ws.freeze_panes(HEADER_ROWS, 1)


def _hourly_sheet(book: _Book, result: Result, texts: Texts) -> None:
    """The Result's time series, one row per step of the plan (hours or quarter hours)."""
    ws = book.sheet("Hourly results")
    frame = result.hourly
    columns = [str(c) for c in frame.columns]
    ws.set_column(0, 0, 17)
    ws.set_column(1, len(columns), 14)
    codes = len(columns) + 1 if "period" in columns else None
    index = frame.index
    minutes = tables.step_minutes(result) or 60
    # A plan on a meter file's quarter hours says its step where the sheet's name says hours
    # (the name stays stable for the scripts that look it up).
    time_label = texts("xlsx.time") if minutes == 60 else texts("xlsx.time_step", minutes=minutes)
    unit = _money_unit(texts, result.currency)
    _header(book, ws, [time_label] + [_with_unit(_label(texts, c), _column_unit(c, unit, texts))
                                      for c in columns]
            + ([texts("columns.period")] if codes else []),
            ["time", *columns] + ([PERIOD_CODE] if codes else []), texts, result.currency)
    if codes:
        ws.set_column(codes, codes, 14, None, _HIDDEN)
    if isinstance(index, pd.DatetimeIndex) and index.tz is not None:
        index = index.tz_localize(None)  # Excel has no time zones: local standard time
    two_decimals = book.number("0.00")
    for r, stamp in enumerate(index, start=HEADER_ROWS):
        _write(ws, r, 0, stamp, book.time)
    for c, column in enumerate(columns, start=1):
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values):
            # prices per kWh keep four decimals (0.3643 元/kWh, as the assumptions give it)
            power = column.endswith(("_kw", "_kwh")) and not column.endswith("_per_kwh")
            fmt = two_decimals if power else book.number(_number_format(column))
            array = values.to_numpy(dtype=float)
            for r, value in enumerate(array, start=HEADER_ROWS):
                if math.isfinite(value):
                    ws.write_number(r, c, value, fmt)
        else:
            shown = _period_names(values.tolist(), texts) if column == "period" \
                else values.tolist()
            for r, value in enumerate(shown, start=HEADER_ROWS):
                _write(ws, r, c, value)
            if column == "period" and codes:
                for r, value in enumerate(values.tolist(), start=HEADER_ROWS):
                    _write(ws, r, codes, value)
    ws.freeze_panes(HEADER_ROWS, 1)


def _period_names(codes: Sequence[Any], texts: Texts) -> list[Any]:
    """Time-of-use periods in the reader's words (``valley`` -> 低谷), as the proposal names
    them (``tou_period.*``); a code without a name stays as it is."""
    names: dict[Any, Any] = {}
    for code in codes:
        if code not in names:
            names[code] = texts.get(f"tou_period.{code}", code)
    return [names[code] for code in codes]


def _inputs_sheet(book: _Book, result: Result, texts: Texts) -> None:
    """The scenario's fields: category, label and value in the reader's words; the field's
    path and its stored value in two hidden columns for programs."""
    ws = book.sheet("Inputs")
    for col, width in enumerate((18, 44, 50)):
        ws.set_column(col, col, width)
    ws.set_column(INPUT_COLUMNS, INPUT_COLUMNS + 1, 40, None, _HIDDEN)
    for col, key in enumerate(("assumptions.category", "xlsx.inputs_field",
                               "xlsx.inputs_value")):
        ws.write_string(0, col, texts(key), book.head)
    for col, key in enumerate(INPUT_KEYS, start=INPUT_COLUMNS):
        ws.write_string(0, col, key, book.key)
    ws.write_comment(0, 0, texts("xlsx.inputs_note"), {"x_scale": 2.5, "y_scale": 1.2})
    for row, line in enumerate(input_rows(result, texts), start=1):
        _write(ws, row, 0, line.category)
        _write(ws, row, 1, line.label)
        _write(ws, row, 2, line.shown, book.number(line.number_format)
               if line.number_format else None)
        _write(ws, row, INPUT_COLUMNS, line.path)
        _write(ws, row, INPUT_COLUMNS + 1, line.stored)
    ws.freeze_panes(1, 0)


def _summary_sheet(book: _Book, result: Result, proposal: Proposal, texts: Texts) -> None:
    ws = book.sheet("Summary")
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 2, 12)
    currency = _money_unit(texts, result.currency)
    ws.write_string(0, 0, safe_text(proposal.title), book.title)
    row = 1
    for label, value in proposal.cover_rows:
        _write(ws, row, 0, label)
        _write(ws, row, 1, value)
        row += 1
    row += 1
    for col, key in enumerate(("xlsx.item", "xlsx.value", "xlsx.unit")):
        ws.write_string(row, col, texts(key), book.head)
    row += 1
    r, fin, carbon = result, result.finance, result.carbon
    with_key, savings_key = tables.bill_label_keys(r)  # EMC: the company's grid bill
    if has_two_views(r):
        savings_key = "kpi.savings"  # EMC, lease: the two-party rows below name it
    rows = [
        ("kpi.capacity", r.pv.capacity_kwp, "kWp", "#,##0.0"),
        ("kpi.generation", r.pv.annual_generation_kwh, "kWh", "#,##0"),
        ("kpi.specific_yield", r.pv.specific_yield_kwh_per_kwp, "kWh/kWp", "#,##0"),
        ("kpi.self_consumption", r.energy.self_consumption_ratio, "", "0.0%"),
        ("kpi.self_sufficiency", r.energy.self_sufficiency_ratio, "", "0.0%"),
        ("bills.baseline", tables.annual_bills(r)[0], currency, "#,##0"),
        (with_key, tables.annual_bills(r)[1], currency, "#,##0"),
        (savings_key, tables.annual_bills(r)[2], currency, "#,##0"),
        ("kpi.capex", fin.capex, currency, "#,##0"),
        ("kpi.npv", fin.npv, currency, "#,##0"),
        ("kpi.irr", fin.irr, "", "0.0%"),
        ("kpi.payback_pre_tax", fin.payback_years_pre_tax, texts("units.years"), "0.0"),
        ("kpi.payback", fin.payback_years, texts("units.years"), "0.0"),
        ("kpi.discounted_payback_pre_tax", fin.discounted_payback_years_pre_tax,
         texts("units.years"), "0.0"),
        ("kpi.discounted_payback", fin.discounted_payback_years, texts("units.years"), "0.0"),
        ("kpi.lcoe", fin.lcoe_per_kwh, f"{currency}/kWh", "0.000"),
        ("kpi.avoided", carbon.avoided_tco2_year1, "tCO2", "#,##0.0"),
        ("kpi.avoided_lifetime", carbon.avoided_tco2_lifetime, "tCO2", "#,##0.0"),
        ("kpi.certificates", carbon.certificates_year1, texts("units.certificate"), "#,##0"),
        ("kpi.credits", carbon.credits_tco2_year1, "tCO2", "#,##0.0"),
    ]
    if r.battery.energy_kwh > 0:
        rows[1:1] = [("kpi.battery", r.battery.energy_kwh, "kWh", "#,##0"),
                     ("kpi.battery_power", r.battery.power_kw, "kW", "#,##0")]
    if has_two_views(r):
        rows = _two_party_rows(rows, str(fin.perspective))
    shown = _shown_figures(r)
    for key, figure, unit, fmt in rows:
        _figure_row(book, ws, row, texts(key), shown.get(key, figure), unit, fmt, texts)
        row += 1
    row = _risk_rows(book, ws, row, result, texts)
    row = _limit_rows(book, ws, row, result, texts)
    scope2 = carbon.scope2 or {}
    if scope2:
        row += 1
        for col, key in enumerate(("xlsx.scope2", "carbon.before", "carbon.after")):
            ws.write_string(row, col, texts(key), book.head)
        row += 1
        for method in ("location", "market"):
            _write(ws, row, 0, texts(f"carbon.{method}"))
            _write(ws, row, 1, scope2.get(f"{method}_before_tco2"), book.number("#,##0.0"))
            _write(ws, row, 2, scope2.get(f"{method}_after_tco2"), book.number("#,##0.0"))
            row += 1
    _write(ws, row + 1, 0, texts("xlsx.generated_by"))


def _shown_figures(result: Result) -> dict[str, float | None]:
    """The Summary's figures that every output shows as missing in some cases, as the HTML
    and PDF show them: a payback where nothing was invested (:func:`invested_payback`), the
    share self-consumed without generation, the yield of a system of 0 kWp."""
    fin = result.finance
    return {
        "kpi.payback_pre_tax": invested_payback(fin.payback_years_pre_tax, fin.capex),
        "kpi.payback": invested_payback(fin.payback_years, fin.capex),
        "kpi.discounted_payback_pre_tax": invested_payback(
            fin.discounted_payback_years_pre_tax, fin.capex),
        "kpi.discounted_payback": invested_payback(fin.discounted_payback_years, fin.capex),
        "kpi.self_consumption": tables.self_consumption_shown(result),
        "kpi.specific_yield": tables.specific_yield_shown(result),
    }


def _figure_row(book: _Book, ws: Worksheet, row: int, label: str, figure: Any, unit: str,
                num_format: str, texts: Texts) -> None:
    """One Summary row: label, figure, unit; a figure that is not defined (an IRR of flows
    that never change sign, a payback never reached) reads "n/a" / "—" as in the proposal,
    not an empty cell that could be taken for a figure left out."""
    _write(ws, row, 0, label)
    number = figure if isinstance(figure, (int, float)) else None
    if number is None or not math.isfinite(number):
        _write(ws, row, 1, NumberFormat(texts.lang).na)
        return
    if num_format == "0.0" and 0 < abs(number) < 0.05:
        num_format = "0.000"  # a payback of weeks: not "0.0", which reads as nothing
    _write(ws, row, 1, number, book.number(num_format))
    _write(ws, row, 2, unit)


#: Summary rows whose figures are one party's under EMC or a lease: they are given with their
#: party and tax basis by :func:`_risk_rows` instead.
_ONE_PARTY_ROWS = frozenset({
    "kpi.npv", "kpi.irr", "kpi.payback_pre_tax", "kpi.payback",
    "kpi.discounted_payback_pre_tax", "kpi.discounted_payback",
})


def _two_party_rows(rows: list[tuple[str, Any, str, str]], perspective: str
                    ) -> list[tuple[str, Any, str, str]]:
    """The Summary's rows under EMC (``investor``) or a lease (``host``): the grid bill's
    reduction said to be that (not the company's saving, which is after its payments to the
    investor), the investment named by who makes it, and no unlabelled NPV, IRR or payback
    (each party's come after, labelled with its tax basis)."""
    out = []
    for key, figure, unit, fmt in rows:
        if key in _ONE_PARTY_ROWS:
            continue
        if key == "kpi.savings":
            key = ("xlsx.grid_bill_reduction" if perspective == "investor"
                   else "xlsx.grid_bill_reduction_lease")
        elif key == "kpi.capex":
            key = "views.capex_investor" if perspective == "investor" else "views.capex_lessor"
        out.append((key, figure, unit, fmt))
    return out


def _risk_rows(book: _Book, ws: Worksheet, row: int, result: Result, texts: Texts) -> int:
    """The Summary's rows of each party's money (EMC, lease), P50/P90 generation and the
    NPV sensitivity; returns the next free row."""
    fin, pv = result.finance, result.pv
    currency = _money_unit(texts, result.currency)
    years = "units.years"
    rows: list[tuple[str, Any, str, str]] = []
    if has_two_views(result):
        n, total = contract_years(result), view_years(result)
        rows += [
            (texts("views.host_savings_year1"), fin.host_savings_year1, currency, "#,##0"),
            (texts("views.host_savings_contract", years=n), fin.host_savings_contract,
             currency, "#,##0"),
            (texts("views.host_savings_lifetime", years=total), fin.host_savings_lifetime,
             currency, "#,##0"),
            (texts("views.host_npv"), fin.host_npv, currency, "#,##0"),
        ]
        tax = "after_tax" if fin.investor_tax_basis == "after_tax" else "pre_tax"
        rows += [
            (texts(f"views.investor_npv_{tax}"), fin.investor_npv, currency, "#,##0"),
            (texts(f"views.investor_irr_{tax}"), fin.investor_irr, "", "0.0%"),
            (texts("views.investor_payback_pre_tax" if fin.perspective == "investor"
                   else "views.lessor_payback_pre_tax"),
             invested_payback(fin.investor_payback_years_pre_tax, fin.capex), texts(years),
             "0.0"),
        ]
        if tax == "after_tax":
            rows.append((texts("views.investor_payback_after_tax"),
                         invested_payback(fin.investor_payback_years, fin.capex), texts(years),
                         "0.0"))
        if fin.perspective == "investor":  # EMC: the scenario's own flows are the investor's
            rows.append((texts("views.investor_discounted_payback_after_tax"),
                         invested_payback(fin.discounted_payback_years, fin.capex),
                         texts(years), "0.0"))
        if fin.perspective == "host":  # a lease: the scenario's own NPV is the company's
            rows.insert(4, (texts("views.host_npv_after_tax"), fin.npv, currency, "#,##0"))
    if pv.p90_annual_generation_kwh is not None:
        rows += [(texts("sensitivity.p50"), pv.p50_annual_generation_kwh, "kWh", "#,##0"),
                 (texts("sensitivity.p90"), pv.p90_annual_generation_kwh, "kWh", "#,##0"),
                 (texts("sensitivity.sigma"), pv.interannual_variability, "", "0.0%")]
    for label, figure, unit, fmt in rows:
        _figure_row(book, ws, row, label, figure, unit, fmt, texts)
        row += 1
    table = result.sensitivity
    if table is not None and len(table):
        row += 1  # whose NPV it is: the investor's under EMC, the company's otherwise
        whose = texts(f"sensitivity.whose_{fin.perspective or 'owner'}")
        ws.write_string(row, 0, texts("sensitivity.table_whose", whose=whose), book.head)
        row += 1
        # the move of each factor beside its NPVs, as the proposal's table gives it
        for col, key in enumerate(("sensitivity.factor", "sensitivity.npv_low",
                                   "sensitivity.npv_high", "sensitivity.move")):
            ws.write_string(row, col, _with_unit(texts(key), currency if col in (1, 2) else ""),
                            book.head)
        row += 1
        numbers = NumberFormat(texts.lang, result.currency)
        for _, line in table.iterrows():
            factor = str(line["factor"])
            _write(ws, row, 0, texts.get(f"sensitivity.factor_{factor}", factor))
            _write(ws, row, 1, float(line["result_low"]), book.number("#,##0"))
            _write(ws, row, 2, float(line["result_high"]), book.number("#,##0"))
            _write(ws, row, 3, factor_move(line, texts, numbers))
            row += 1
    return row


def _limit_rows(book: _Book, ws: Worksheet, row: int, result: Result, texts: Texts) -> int:
    """The Summary's rows on what held the design, as the proposal's summary says it: a
    heading, then one wrapped row per sentence (:func:`design_limit_lines`, then the
    battery's box, :func:`battery_limit_notes`); nothing when no limit held anything.
    Returns the next free row."""
    lines = design_limit_lines(result, texts.lang) + [
        note.text for note in battery_limit_notes(result, texts.lang)]
    if not lines:
        return row
    row += 1
    for col in range(3):
        ws.write_string(row, col, texts("xlsx.limits") if col == 0 else "", book.head)
    for line in lines:
        row += 1
        ws.merge_range(row, 0, row, 2, "", book.wrap)  # a blank cell, then the text
        _write(ws, row, 0, line, book.wrap)
        ws.set_row(row, _wrapped_height(line, _SUMMARY_WIDTH))
    return row + 1


#: Width of the Summary's three columns together [Excel character widths].
_SUMMARY_WIDTH = 34 + 24 + 12


def _wrapped_height(text: str, width: float) -> float:
    """Height [points] of a row whose text wraps in ``width`` character widths (Excel does
    not fit merged cells' rows itself); a Chinese character is two widths wide.

    Examples
    --------
    >>> _wrapped_height("a" * 60, 70), _wrapped_height("字" * 36, 70)
    (16.0, 31.0)
    """
    widths = sum(2 if ord(char) >= 0x2E80 else 1 for char in text)
    return 15.0 * max(1, math.ceil(widths / (width - 1))) + 1.0


def _monthly_sheet(book: _Book, result: Result, texts: Texts) -> None:
    """Energy and bills of each month, then (where the tariff charges demand or capacity)
    the maximum demand [kW] and the basic charge without and with the system; the note on
    cell A1 says what the maxima are measured on and what a saving rests on
    (:func:`tables.demand_sheet_note`)."""
    demand = tables.monthly_demand(result)
    frame = _monthly_frame(result, texts, demand)
    named = tables.demand_labels(result, texts.lang) if demand is not None else {}
    labels = {column: _with_unit(label, unit) if unit == "kW" else label
              for column, (label, unit) in named.items()}
    money = ("bill_baseline", "bill_with_system", "bill_savings",
             *[column for column, (_, unit) in named.items() if unit != "kW"])
    _frame_sheet(book, "Monthly", frame, texts, index_label=texts("energy.month"),
                 index_key="month", money=money, currency=result.currency,
                 labels={"bill_with_system": texts(tables.bill_label_keys(result)[0]),
                         **labels},
                 note=tables.demand_sheet_note(result, texts.lang) if demand is not None
                 else "")


def _monthly_frame(result: Result, texts: Texts,
                   demand: pd.DataFrame | None = None) -> pd.DataFrame:
    """The Monthly sheet's table: :func:`tables.monthly_energy`, the bills and ``demand``
    (:func:`tables.monthly_demand`, None: no demand columns), one row per month."""
    energy = tables.monthly_energy(result)
    bills = tables.monthly_bills(result).rename(columns={
        "baseline": "bill_baseline", "with_system": "bill_with_system",
        "savings": "bill_savings"})
    frame = pd.concat([energy, bills, *([] if demand is None else [demand])], axis=1)
    frame.index = pd.Index(texts.raw("month.short"), name="month")
    return frame


def _assumptions_sheet(book: _Book, proposal: Proposal) -> None:
    section = proposal.section("assumptions")
    table = next(b for b in section.blocks if isinstance(b, Table))
    ws = book.sheet("Assumptions")
    for col, width in enumerate((16, 30, 36, 90, 12)):
        ws.set_column(col, col, width)
    for col, text in enumerate(table.header):
        ws.write_string(0, col, safe_text(text), book.head)
    category = ""
    for row, cells in enumerate(table.rows, start=1):
        category = cells[0] or category  # the PDF blanks repeated categories; a sheet repeats
        _write(ws, row, 0, category)
        for col, text in enumerate(cells[1:], start=1):
            _write(ws, row, col, text, book.wrap)
    ws.freeze_panes(1, 0)


#: Columns of the measures table: (MeasureResult field, label key, number format); columns
#: without a format are text, written in the reader's language.
_MEASURE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("name", "measures.name", ""), ("effect", "xlsx.effect", ""),
    ("kwh_saved_per_year", "measures.saved", "#,##0"),
    ("kwh_shifted_per_year", "measures.shifted", "#,##0"),
    ("bill_savings_per_year", "measures.savings", "#,##0"), ("capex", "measures.capex", "#,##0"),
    ("simple_payback_years", "measures.payback", "0.0"), ("life_years", "xlsx.life", "0.0"),
    ("tco2_avoided_per_year", "measures.co2", "#,##0.0"), ("status", "measures.status", ""),
    ("source", "xlsx.source", ""), ("cost_source", "xlsx.cost_source", ""),
)
_FOOTPRINT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("units", "xlsx.units"), ("load_kwh", "footprint.kwh"), ("grid_kwh", "footprint.grid_kwh"),
    ("kwh_per_unit", "footprint.kwh"), ("grid_kwh_per_unit", "footprint.grid_kwh"),
    ("footprint_location_kgco2e_per_unit", "footprint.location"),
    ("footprint_market_kgco2e_per_unit", "footprint.market"),
    ("scope2_location_kgco2_per_unit", "footprint.scope2_location"),
    ("scope2_market_kgco2_per_unit", "footprint.scope2_market"),
)


def _footprint_label(texts: Texts, field: str, key: str, unit: str) -> str:
    """A footprint column's label with its unit (per unit of product, or the year's)."""
    if field == "units":
        return f"{texts(key)} ({unit})"
    if field.endswith("_per_unit"):
        kg = texts("units.kgco2e") if "kgco2e" in field else (
            texts("units.kgco2") if "kgco2" in field else "kWh")
        return f"{texts(key)} ({kg}/{unit})"
    return f"{texts(key)} (kWh)"


def _measures_sheet(book: _Book, result: Result, texts: Texts) -> None:
    """Saving measures, the combined plan and the product footprint (the sheet exists only
    when the plan has measures or a footprint). Text cells are string cells."""
    from pvplanner.report.measures import measure_source

    ws = book.sheet("Measures and footprint")
    lang = texts.lang
    ws.set_column(0, 0, 40)
    ws.set_column(1, len(_MEASURE_COLUMNS), 16)
    row = 0
    if result.measures:
        ws.write_string(row, 0, safe_text(texts("xlsx.measures_title")), book.title)
        row += 1
        for col, (field, key, _) in enumerate(_MEASURE_COLUMNS):
            ws.write_string(row, col, safe_text(texts(key)), book.head)
            ws.write_string(row + 1, col, safe_text(field), book.key)
        ws.set_row(row + 1, None, None, _HIDDEN)
        row += 2
        for m in result.measures:
            text = {"name": m.name_zh if lang == "zh" else m.name_en,
                    "effect": texts.get(f"xlsx.effect_{m.effect}", m.effect),
                    "status": texts.get(f"status.{m.status}", m.status),
                    "source": measure_source(m, lang),
                    "cost_source": measure_source(m, lang, "cost_source")}
            for col, (field, _, fmt) in enumerate(_MEASURE_COLUMNS):
                value = text[field] if field in text else getattr(m, field)
                _write(ws, row, col, value, book.number(fmt) if fmt else book.wrap)
            row += 1
        row = _combined_rows(book, ws, row + 1, result, texts)
    footprint = result.footprint
    if footprint is not None:
        row = _footprint_rows(book, ws, row + 1, footprint, texts)


def _combined_rows(book: _Book, ws: Worksheet, row: int, result: Result, texts: Texts) -> int:
    """The combined plan: today, after the measures, with measures + PV + battery."""
    c = result.measures_combined
    if c is None:
        return row
    for col, key in enumerate(("measures.combined_table", "measures.today",
                               "measures.after_measures", "measures.with_all")):
        ws.write_string(row, col, safe_text(texts(key)), book.head)
    money = book.number("#,##0")
    lines = [
        ("measures.bill", c.bill_baseline_annual, c.bill_after_measures_annual,
         c.bill_with_measures_and_system_annual, money),
        ("measures.bill_savings", None, c.bill_savings_measures_annual,
         c.bill_savings_total_annual, money),
        ("measures.investment", None, c.capex_measures, c.capex_total, money),
        ("measures.payback", None, c.simple_payback_measures_years,
         c.simple_payback_total_years, book.number("0.0")),
        ("measures.co2_avoided", None, c.tco2_avoided_measures_per_year,
         c.tco2_avoided_total_per_year, book.number("#,##0.0")),
    ]
    for key, today, measures, everything, fmt in lines:
        row += 1
        _write(ws, row, 0, texts(key))
        for col, value in enumerate((today, measures, everything), start=1):
            _write(ws, row, col, value, fmt)
    return row + 1


def _footprint_rows(book: _Book, ws: Worksheet, row: int, footprint: Any,
                    texts: Texts) -> int:
    """The footprint per unit for the year and by month, and the factor with its source."""
    from pvplanner.display.sources import citation

    unit = footprint.unit
    names = {s: texts(f"footprint.{s}") for s in ("baseline", "measures", "system")}
    _write(ws, row, 0, texts("xlsx.factor"))
    _write(ws, row, 1, footprint.factor_kgco2e_per_kwh, book.number("0.0000"))
    _write(ws, row, 2, f"{texts('units.kgco2e')}/kWh")
    _write(ws, row + 1, 0, texts("xlsx.factor_source"))
    _write(ws, row + 1, 1, citation(footprint.factor_source, texts.lang, footprint.factor_status)
           + (f" ({footprint.factor_date})" if footprint.factor_date else ""))
    row += 3
    for title, records, first in (("xlsx.footprint_title", footprint.stages, None),
                                  ("xlsx.footprint_monthly", footprint.monthly, "month")):
        ws.write_string(row, 0, safe_text(texts(title)), book.title)
        keys = ([first] if first else []) + ["stage"] + [f for f, _ in _FOOTPRINT_COLUMNS]
        labels = ([texts("energy.month")] if first else []) + [texts("footprint.stage")] + [
            _footprint_label(texts, field, key, unit) for field, key in _FOOTPRINT_COLUMNS]
        for col, (label, key) in enumerate(zip(labels, keys, strict=True)):
            ws.write_string(row + 1, col, safe_text(label), book.head)
            ws.write_string(row + 2, col, safe_text(key), book.key)
        ws.set_row(row + 2, None, None, _HIDDEN)
        row += 3
        for record in records:
            for col, key in enumerate(keys):
                value = record.get(key)
                if key == "stage":
                    value = names.get(str(value), value)
                fmt = None if key in ("stage", "month") else book.number(
                    "#,##0" if key in ("units", "load_kwh", "grid_kwh") else "#,##0.00")
                _write(ws, row, col, value, fmt)
            row += 1
        row += 1
    return row


def render_workbook(result: Result, proposal: Proposal) -> bytes:
    """The workbook as ``.xlsx`` bytes."""
    texts = Texts(proposal.lang)
    buffer = io.BytesIO()
    book = _Book(buffer, proposal.lang)
    _summary_sheet(book, result, proposal, texts)
    _inputs_sheet(book, result, texts)
    _hourly_sheet(book, result, texts)
    _monthly_sheet(book, result, texts)
    cash = result.cash_flow
    investor = tables.exports_paid_to_investor(result)  # EMC: the investor's cash flow
    _frame_sheet(book, "Cash flow", cash, texts, index_label=texts("finance.year"),
                 index_key="year", money=[c for c in cash.columns if not c.endswith(
                     ("_kwh", "_factor"))], currency=result.currency,
                 labels={"energy_savings": texts("views.cash_savings_emc")} if investor else None,
                 note=texts("views.cash_note_emc") if investor else "")
    _frame_sheet(book, "Carbon", tables.ledger_for_reader(result.carbon_ledger, texts.lang), texts,
                 index_label=texts("carbon.year"),
                 index_key="year", money=("certificate_price", "certificate_revenue",
                                           "credit_price", "credit_revenue"),
                 currency=result.currency)
    _assumptions_sheet(book, proposal)
    if result.measures or result.footprint is not None:
        _measures_sheet(book, result, texts)
    book.wb.close()
    return buffer.getvalue()
