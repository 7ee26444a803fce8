"""Provincial coal-fired benchmark prices (燃煤发电基准价), the classic export price.

Kept apart from the file readers so the tariff checks (:mod:`pvplanner.tariff.compile`) and
the price series can look a province up without importing the model's readers.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from pvplanner.errors import TariffError
from pvplanner.messages import Message
from pvplanner.tariff.province_names import province_name
from weather.datafiles import data_path

__all__ = ["coal_benchmark_price", "export_price_table"]


@cache
def export_price_table() -> pd.DataFrame:
    """Provincial coal-fired benchmark prices (燃煤发电基准价) from ``data/export_prices.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``province``, ``province_zh``, ``price_per_kwh`` [CNY/kWh], ``source``,
        ``date``, ``status``.
    """
    table = pd.read_csv(data_path("export_prices.csv"), dtype={"price_per_kwh": float})
    return table


def coal_benchmark_price(province: str) -> float:
    """Coal benchmark price of a province [CNY/kWh], by English or Chinese name.

    Raises
    ------
    TariffError
        If the province is not in the table (the message lists the known names).
    """
    key = str(province or "").strip()
    price = _coal_prices().get(province_name(key) or key.lower())
    if price is None:
        table = export_price_table()
        raise TariffError(
            Message.of("errors.tariff.no_coal_price",
                       "no coal benchmark export price for province {province}; set tariff.region "
                       "or export.province to one of {provinces}, or use export.kind = "
                       "'constant' with price_per_kwh", province=repr(province),
                       provinces=", ".join(table["province"])),
            field="tariff.export.province",
        )
    return price


@cache
def _coal_prices() -> dict[str, float]:
    """Price by English province name (:func:`province_name`; as written in lower case
    where it is not one)."""
    table = export_price_table()
    return {province_name(str(row.province)) or str(row.province).lower():
            float(row.price_per_kwh) for row in table.itertuples(index=False)}
