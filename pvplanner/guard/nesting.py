"""How deeply a JSON-like document nests its tables and lists, counted without recursion.

Parsers of user documents (scenario files, store imports) refuse documents nested deeper
than they need, so that thousands of nested brackets give a message instead of exhausting
the recursion of the code that walks them (validation, copying, writing).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["nesting_depth"]


def nesting_depth(value: Any, limit: int) -> int:
    """Levels of tables and lists in a JSON-like value, counted up to ``limit + 1``.

    Iterative (no recursion), and it stops as soon as the count passes ``limit``, so a
    hostile document costs no more than the levels it is allowed.

    Parameters
    ----------
    value : Any
        Parsed JSON/TOML (dicts, lists, tuples and scalars).
    limit : int
        Deepest nesting of interest; the count stops at ``limit + 1``.

    Returns
    -------
    int
        0 for a scalar, 1 for a flat table or list, and so on; ``limit + 1`` means "deeper
        than ``limit``".

    Examples
    --------
    >>> nesting_depth({"a": [1, {"b": 2}]}, 32)
    3
    """
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children: Iterable[Any] = node.values()
        elif isinstance(node, (list, tuple)):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest
