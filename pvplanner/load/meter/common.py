"""What the meter reader's parts share: time units, the thresholds file and small formatters.

The thresholds (``data/load_templates/load_rules.toml``) are read once per process by
:func:`meter_rules`; the analytics read their section from the same file.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from pvplanner.guard.toml_words import read_data_toml
from pvplanner.messages import bilingual

#: Nanoseconds in a minute and in a day: timestamps travel between the parts as int64 ns.
NS_PER_MIN = 60 * 10**9
NS_PER_DAY = 1440 * NS_PER_MIN

#: "No timestamp" in an int64 ns array (numpy's NaT as an integer).
NAT = np.iinfo(np.int64).min

#: How many example rows a quality report lists per finding.
MAX_EXAMPLES = 10

#: How many file rows an error lists as examples of a kind of bad cell.
_ROWS_SHOWN = 5


@cache
def meter_rules() -> dict[str, Any]:
    """Thresholds of the reader and of the analytics (``data/load_templates/load_rules.toml``)."""
    return read_data_toml("load_templates", "load_rules.toml")


def iso(ns: int) -> str:
    """ISO text of an int64 ns timestamp (naive: the site's standard time)."""
    return str(pd.Timestamp(int(ns)).isoformat())


def minute_str(ns: int) -> str:
    """``YYYY-MM-DD HH:MM`` of an int64 ns timestamp, as a reader sees a time."""
    return pd.Timestamp(int(ns)).strftime("%Y-%m-%d %H:%M")


def day_str(day_int: int) -> str:
    """``YYYY-MM-DD`` of a day counted from 1970-01-01."""
    return str(np.datetime64(int(day_int), "D"))


def finite_or_none(value: float) -> float | None:
    """``value`` as a float, None if NaN or infinite (JSON has neither)."""
    return float(value) if np.isfinite(value) else None


def row_listing(rows: np.ndarray) -> dict[str, str]:
    """File rows as a message value: the first five, then "…" in English when there are more
    (the Chinese texts say 例如, "for example", before the list)."""
    shown = [str(int(row)) for row in rows[:_ROWS_SHOWN]]
    more = [", …"] if len(rows) > _ROWS_SHOWN else []
    return bilingual(", ".join(shown) + "".join(more), "、".join(shown))
