"""Time-of-use tariffs: presets in ``data/tariffs`` -> price series and bills.

The public API of the tariff model lives here; the implementation is split over siblings with
one job each:

* :mod:`pvplanner.tariff.model` - the :class:`Tariff` input model;
* :mod:`pvplanner.tariff.compile` - its checks, and its schedules compiled into arrays;
* :mod:`pvplanner.tariff.schedule` - periods and prices of every step of a time axis, and the
  demand-charge windows the optimizer needs;
* :mod:`pvplanner.tariff.bill` - :func:`compute_bill` and the :class:`Bill`;
* :mod:`pvplanner.tariff.files` - TOML/JSON files;
* :mod:`pvplanner.tariff.coal` - the provincial coal benchmark export prices;
* :mod:`pvplanner.tariff.components` - the versioned preset file: price components and rules,
  each with source, date, validity and status;
* :mod:`pvplanner.tariff.versions` - a preset's versions and the one in force on a day;
* :mod:`pvplanner.tariff.build` - a version and the user's facts -> a :class:`Tariff`;
* :mod:`pvplanner.tariff.presets` - :func:`list_tariff_presets`, :func:`load_tariff_preset`;
* :mod:`pvplanner.tariff.entry` - prices typed from a bill or a market contract;
* :mod:`pvplanner.tariff.resolve` - a scenario's tariff choice -> the tariff and its record;
* :mod:`pvplanner.tariff.urdb` - tariffs from the U.S. Utility Rate Database format (REopt).

Examples
--------
>>> from weather.timeaxis import typical_year_index
>>> import datetime as dt
>>> tariff = load_tariff_preset("zhejiang_2026_general_ci", dt.date(2027, 1, 1))
>>> index = typical_year_index(8, 15)
>>> prices = price_series(tariff, index)        # period, import and export price per step
>>> bill = compute_bill(tariff, index, [100.0] * len(index))
"""

from __future__ import annotations

from pvplanner.tariff.bill import COMPONENTS, Bill, compute_bill
from pvplanner.tariff.build import PriceParts, TariffOptions, build_tariff, price_parts
from pvplanner.tariff.entry import BillTariff, apply_bill
from pvplanner.tariff.files import (
    coal_benchmark_price,
    export_price_table,
    flat_tariff,
    load_tariff_file,
    parse_tariff,
    save_tariff_file,
    tariff_to_toml,
)
from pvplanner.tariff.model import (
    PERIODS,
    PERIODS_ZH,
    CapacityCharge,
    CoincidentPeakWindow,
    DemandCharge,
    DemandTier,
    EnergyTier,
    ExportPolicy,
    PeriodBlock,
    PeriodOverride,
    PriceLevels,
    Season,
    Tariff,
    compile_tariff,
)
from pvplanner.tariff.presets import list_tariff_presets, load_tariff_preset
from pvplanner.tariff.resolve import ResolvedTariff, resolve_tariff
from pvplanner.tariff.schedule import (
    demand_charge_windows,
    price_series,
    tariff_periods,
)
from pvplanner.tariff.urdb import tariff_from_urdb
from pvplanner.tariff.versions import TariffVersion, preset_versions, select_tariff_version

__all__ = [
    "COMPONENTS",
    "PERIODS",
    "PERIODS_ZH",
    "Bill",
    "BillTariff",
    "CapacityCharge",
    "CoincidentPeakWindow",
    "DemandCharge",
    "DemandTier",
    "EnergyTier",
    "ExportPolicy",
    "PeriodBlock",
    "PeriodOverride",
    "PriceLevels",
    "PriceParts",
    "ResolvedTariff",
    "Season",
    "Tariff",
    "TariffOptions",
    "TariffVersion",
    "apply_bill",
    "build_tariff",
    "coal_benchmark_price",
    "compile_tariff",
    "compute_bill",
    "demand_charge_windows",
    "export_price_table",
    "flat_tariff",
    "list_tariff_presets",
    "load_tariff_file",
    "load_tariff_preset",
    "parse_tariff",
    "preset_versions",
    "price_parts",
    "price_series",
    "resolve_tariff",
    "save_tariff_file",
    "select_tariff_version",
    "tariff_from_urdb",
    "tariff_periods",
    "tariff_to_toml",
]
