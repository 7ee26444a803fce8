"""Locate the project's ``data/`` folder from a checkout or from an installed wheel.

In a checkout the tables live in ``<repo>/data``; the wheel ships the same folder as the
top-level directory ``pvplanner_data`` (see ``[tool.hatch.build.targets.wheel.force-include]``
in ``pyproject.toml``). Both :mod:`weather` and :mod:`pvplanner` find their tables here.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_ENV_OVERRIDE = "PVPLANNER_DATA_DIR"


@cache
def data_dir() -> Path:
    """Return the folder that holds the project's data tables.

    Returns
    -------
    pathlib.Path
        ``$PVPLANNER_DATA_DIR`` if set, else ``pvplanner_data`` beside the installed packages,
        else ``data`` at the root of the checkout.

    Raises
    ------
    FileNotFoundError
        If neither location exists (a broken installation).
    """
    override = os.environ.get(_ENV_OVERRIDE)
    if override:
        return Path(override)
    root = Path(__file__).resolve().parent.parent
    for candidate in (root / "pvplanner_data", root / "data"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"pvplanner's data folder was not found beside {root}; reinstall the package "
        f"or set {_ENV_OVERRIDE}"
    )


def data_path(*parts: str) -> Path:
    """Path of a file inside the data folder, e.g. ``data_path("tariffs", "zhejiang.toml")``."""
    return data_dir().joinpath(*parts)
