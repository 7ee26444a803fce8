"""Guards on what users bring: paths confined to their folder, size-limited file reads,
nesting depth of documents, and spreadsheet cells that never become formulas.

Each part has one job and is imported directly (``pvplanner.guard.paths`` ...); the app,
the store, the batch runner and the readers share them so every route applies one rule.
"""
