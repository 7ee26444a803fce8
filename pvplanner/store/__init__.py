"""Saved scenarios and their results: SQLite by default, any SQLAlchemy URL for a team."""

from __future__ import annotations

from pvplanner.store.repository import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    MAX_NAME_CHARS,
    STORE_SCHEMA_VERSION,
    SavedScenario,
    ScenarioStore,
    ScenarioSummary,
    StoreConflictError,
    StoreError,
    StoreSetupError,
)

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "MAX_NAME_CHARS",
    "SavedScenario",
    "ScenarioStore",
    "ScenarioSummary",
    "STORE_SCHEMA_VERSION",
    "StoreConflictError",
    "StoreError",
    "StoreSetupError",
]
