"""PV and battery sizing by optimization: arrays and costs in, sizes and dispatch out.

Knows nothing of pvlib, tariffs or the UI.
"""

from solver.api import diagnose, optimize
from solver.curves import co2_frontier, npv_curve
from solver.errors import InfeasibleProblemError, SolverInputError
from solver.problem import BatteryOptions, Costs, DemandCharge, SizingProblem
from solver.result import Dispatch, SizingResult

__all__ = [
    "BatteryOptions",
    "Costs",
    "DemandCharge",
    "Dispatch",
    "InfeasibleProblemError",
    "SizingProblem",
    "SizingResult",
    "SolverInputError",
    "co2_frontier",
    "diagnose",
    "npv_curve",
    "optimize",
]
