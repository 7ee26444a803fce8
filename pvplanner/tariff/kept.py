"""A small, thread-safe store of the last few results of a costly, pure computation.

A plan compiles, calendars and prices one tariff on one time axis several times, and a batch
plans many sites on a few presets: :mod:`pvplanner.tariff.compile` and
:mod:`pvplanner.tariff.schedule` keep their last results here. What is kept is shared, so its
arrays are made read-only when it is stored.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

import numpy as np

__all__ = ["Kept"]

V = TypeVar("V")


class Kept(Generic[V]):
    """The last ``size`` values stored, by key, the least recently used dropped first.

    Parameters
    ----------
    size : int
        How many values are kept.

    Examples
    --------
    >>> kept = Kept(2)
    >>> _ = kept.put("a", 1), kept.put("b", 2), kept.get("a"), kept.put("c", 3)
    >>> kept.get("a"), kept.get("b"), kept.get("c")
    (1, None, 3)
    """

    def __init__(self, size: int) -> None:
        self.size = int(size)
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, valid: Callable[[V], bool] | None = None) -> V | None:
        """The value kept under ``key`` (and, if given, passing ``valid``), else None."""
        with self._lock:
            value = self._values.get(key)
            if value is None or (valid is not None and not valid(value)):
                return None
            self._values.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V, shared_arrays: Iterable[np.ndarray] = ()) -> V:
        """Keep ``value`` under ``key`` (its ``shared_arrays`` made read-only); returns it."""
        for array in shared_arrays:
            array.flags.writeable = False  # shared through the store
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value
