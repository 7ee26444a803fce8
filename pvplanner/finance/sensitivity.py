"""One-at-a-time sensitivity (tornado) of any scalar result, usually the NPV."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from pvplanner.errors import PlannerInputError
from pvplanner.finance.inputs import finance_defaults

__all__ = ["default_tornado_factors", "tornado"]


def default_tornado_factors() -> dict[str, dict[str, Any]]:
    """Factor -> ``{"kind": "relative"|"absolute", "low": x, "high": y}`` from the data file."""
    return {k: dict(v) for k, v in finance_defaults()["tornado"].items()}


def tornado(
    base_inputs: Mapping[str, float],
    evaluate: Callable[[dict[str, float]], float],
    factors: Mapping[str, Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """Low/high result per factor, sorted by swing (largest first).

    Parameters
    ----------
    base_inputs : mapping
        Base value of every factor, e.g. ``{"capex": 3100, "tariff": 1.0, "yield": 1.0,
        "discount_rate": 0.06, "export_price": 0.4153}``. Its meaning is up to ``evaluate``.
    evaluate : callable
        ``evaluate(values) -> float`` with a full copy of ``base_inputs`` in which one factor
        is changed. Pure: it must not modify its argument.
    factors : mapping, optional
        Factor -> ``{"kind": "relative"|"absolute", "low": dl, "high": dh}``: relative
        factors become ``base (1 + d)``, absolute ones ``base + d``. Default: capex +/-20 %,
        tariff +/-20 %, yield +/-10 %, discount rate +/-2 pp, export price +/-30 %
        (``data/finance_defaults.toml``).

    Returns
    -------
    pandas.DataFrame
        Columns ``factor``, ``base_value``, ``low_value``, ``high_value``, ``base_result``,
        ``result_low``, ``result_high``, ``swing`` (= |high - low|).
    """
    spec = default_tornado_factors() if factors is None else factors
    base = {k: float(v) for k, v in base_inputs.items()}
    base_result = float(evaluate(dict(base)))
    rows = []
    for name, f in spec.items():
        if name not in base:
            raise PlannerInputError(
                f"tornado factor '{name}' has no base value; base inputs are {sorted(base)}",
                field=f"tornado.{name}",
            )
        kind = f.get("kind", "relative")
        if kind not in ("relative", "absolute"):
            raise PlannerInputError(
                f"tornado factor '{name}': kind must be 'relative' or 'absolute', got {kind!r}",
                field=f"tornado.{name}.kind",
            )
        values = []
        for delta in (float(f["low"]), float(f["high"])):
            values.append(base[name] * (1.0 + delta) if kind == "relative"
                          else base[name] + delta)
        results = [float(evaluate({**base, name: v})) for v in values]
        rows.append({
            "factor": name,
            "base_value": base[name],
            "low_value": values[0],
            "high_value": values[1],
            "base_result": base_result,
            "result_low": results[0],
            "result_high": results[1],
            "swing": abs(results[1] - results[0]),
        })
    columns = ["factor", "base_value", "low_value", "high_value", "base_result",
               "result_low", "result_high", "swing"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
