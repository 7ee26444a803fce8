"""The sizing LP as data: export regimes, sparse expressions, the built model, an outcome.

:func:`solver.build.build_model` fills a :class:`LinearModel`; :mod:`solver.highs` solves
it; :mod:`solver.physical`, :mod:`solver.pv_only` and :mod:`solver.api` read its maps back
to the problem's quantities (:meth:`LinearModel.flows`). Nothing here builds or solves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import scipy.sparse as sp

from solver.problem import SizingProblem

__all__ = ["LinExpr", "LinearModel", "Regime", "SolveOutcome", "regimes"]


@dataclass(frozen=True)
class Regime:
    """How exports are paid: the tariff's export price, or net metering (REopt's NEM).

    Attributes
    ----------
    name : str
        ``"standard"`` or ``"net_metering"``.
    export_price_per_kwh : ndarray
        Price earned by exports in this regime [currency/kWh].
    max_total_kwp : float
        Extra upper bound on total PV [kWp] (the net-metering size limit), inf if none.
    exports_within_imports : bool
        Whether the year's exports may not exceed the year's imports (net metering).
    """

    name: str
    export_price_per_kwh: np.ndarray
    max_total_kwp: float = math.inf
    exports_within_imports: bool = False


def regimes(problem: SizingProblem) -> list[Regime]:
    """Export regimes to compare: the standard one, plus net metering when it is offered."""
    out = [Regime("standard", problem.export_price_per_kwh)]
    if problem.net_metering_limit_kw is not None:
        credit = cast("np.ndarray", problem.net_metering_credit_per_kwh)  # set with the limit
        out.append(Regime("net_metering", credit, problem.net_metering_limit_kw, True))
    return out


@dataclass
class LinExpr:
    """Sparse linear expression ``sum(val * var[idx]) + const`` over model columns."""

    idx: np.ndarray
    val: np.ndarray
    const: float = 0.0

    @staticmethod
    def zero() -> LinExpr:
        return LinExpr(np.zeros(0, dtype=np.int64), np.zeros(0))

    def __add__(self, other: LinExpr) -> LinExpr:
        return LinExpr(np.concatenate([self.idx, other.idx]),
                       np.concatenate([self.val, other.val]), self.const + other.const)

    def __sub__(self, other: LinExpr) -> LinExpr:
        return self + other * -1.0

    def __mul__(self, k: float) -> LinExpr:
        return LinExpr(self.idx, self.val * k, self.const * k)

    __rmul__ = __mul__

    def dense(self, n: int) -> np.ndarray:
        """Coefficient vector of length ``n`` (duplicates summed)."""
        out = np.zeros(n)
        np.add.at(out, self.idx, self.val)
        return out

    def value(self, colvals: np.ndarray) -> float:
        """Value of the expression at a column solution."""
        return float(np.dot(self.val, colvals[self.idx]) + self.const)


@dataclass
class LinearModel:
    """A built LP: ``min cost @ v + offset`` s.t. ``row_lower <= A v <= row_upper``,
    ``col_lower <= v <= col_upper``, plus the maps back to the problem's quantities."""

    problem: SizingProblem
    regime: Regime
    cost: np.ndarray
    offset: float
    matrix: sp.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    x: np.ndarray  # column of each plane's kWp
    battery_kwh: int  # column or -1
    battery_kw: int  # column or -1
    peak: np.ndarray  # column of each demand-charge window's peak import
    fam: dict[str, np.ndarray]  # per-step column index or -1, for l, e, cp, cg, d, w
    implicit_l: np.ndarray  # bool (T,): pv_to_load equals the PV output (reduced layout)
    avail: np.ndarray  # (T, P) available PV output per kWp (levelised) [kW/kWp]
    rows: dict[str, np.ndarray] = field(default_factory=dict)
    exprs: dict[str, LinExpr] = field(default_factory=dict)
    reduced: bool = False
    pv_built: bool = True
    build_args: dict = field(default_factory=dict)
    row_steps: dict = field(default_factory=dict)  # group -> (step of each row, window key)
    integer: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    x_upper: np.ndarray | None = None  # upper bound on each plane implied by all limits [kWp]
    big_m_assumed: bool = False  # a big-M of the behind-the-meter rule had no finite bound

    @property
    def n_cols(self) -> int:
        return int(self.cost.shape[0])

    @property
    def n_rows(self) -> int:
        return int(self.row_lower.shape[0])

    def flows(self, colvals: np.ndarray) -> dict[str, np.ndarray | float]:
        """Turn a column solution into sizes and full-length flow arrays [kW], SOC [kWh]."""
        v = np.asarray(colvals, dtype=float)
        x = np.maximum(v[self.x], 0.0)
        g = self.avail @ x
        out: dict[str, np.ndarray | float] = {"kwp": x, "pv_available": g}
        arrays: dict[str, np.ndarray] = {}
        for name in ("l", "e", "cp", "cg", "d", "w"):
            col = self.fam[name]
            arr = np.zeros(col.shape[0])
            has = col >= 0
            arr[has] = np.maximum(v[col[has]], 0.0)
            arrays[name] = arr
        arrays["l"][self.implicit_l] = g[self.implicit_l]
        out.update(arrays)
        be = max(float(v[self.battery_kwh]), 0.0) if self.battery_kwh >= 0 else 0.0
        bp = max(float(v[self.battery_kw]), 0.0) if self.battery_kw >= 0 else 0.0
        out["battery_kwh"] = be
        out["battery_kw"] = bp
        m = self.problem.battery.min_soc_fraction if be > 0 else 0.0
        out["soc"] = m * be + arrays["w"]
        return out


@dataclass
class SolveOutcome:
    """What a backend returns: status, column values, objective and timing."""

    status: str  # "optimal", "infeasible", "unbounded", "time_limit", "error"
    colvals: np.ndarray | None
    objective: float
    seconds: float
    backend: str
    message: str = ""
    bound: float = math.nan  # MILP: best bound on the (minimised) objective

