"""Time-of-use tariffs: presets in ``data/tariffs`` -> price series and bills.

The public API of the tariff model lives here; the implementation is split over siblings with
one job each:

* :mod:`pvplanner.tariff.model` - the :class:`Tariff` input model;
* :mod:`pvplanner.tariff.compile` - its checks, and its schedules compiled into arrays;
* :mod:`pvplanner.tariff.schedule` - periods and prices of every step of a time axis, and the
  demand-charge windows the optimizer needs;
* :mod:`pvplanner.tariff.bill` - :func:`compute_bill` and the :class:`Bill`;
* :mod:`pvplanner.tariff.files` - presets, TOML/JSON files, the coal benchmark export prices;
* :mod:`pvplanner.tariff.urdb` - tariffs from the U.S. Utility Rate Database format (REopt).

Examples
--------
>>> from weather.timeaxis import typical_year_index
>>> tariff = load_tariff_preset("zhejiang_2026_general_ci")
>>> index = typical_year_index(8, 15)
>>> prices = price_series(tariff, index)        # period, import and export price per step
>>> bill = compute_bill(tariff, index, [100.0] * len(index))
"""

from __future__ import annotations

from pvplanner.tariff.bill import COMPONENTS, Bill, compute_bill
from pvplanner.tariff.files import (
    coal_benchmark_price,
    export_price_table,
    flat_tariff,
    list_tariff_presets,
    load_tariff_file,
    load_tariff_preset,
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
from pvplanner.tariff.schedule import (
    demand_charge_windows,
    price_series,
    tariff_periods,
)
from pvplanner.tariff.urdb import tariff_from_urdb

__all__ = [
    "COMPONENTS",
    "PERIODS",
    "PERIODS_ZH",
    "Bill",
    "CapacityCharge",
    "CoincidentPeakWindow",
    "DemandCharge",
    "DemandTier",
    "EnergyTier",
    "ExportPolicy",
    "PeriodBlock",
    "PeriodOverride",
    "PriceLevels",
    "Season",
    "Tariff",
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
    "price_series",
    "save_tariff_file",
    "tariff_from_urdb",
    "tariff_periods",
    "tariff_to_toml",
]
