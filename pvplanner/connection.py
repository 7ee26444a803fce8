"""The site's grid connection: whether its transformer can carry the plan's flows.

A transformer of ``S`` kVA carries at most ``S`` kW of real power (``P = S x power factor``,
power factor at most 1), so a step whose mean load, purchase or export exceeds the rating
cannot be run through it for long. When the scenario gives the transformer's capacity, the
plan says so where its flows exceed it: either the capacity entered is wrong (a 250 kVA
transformer under a 589 kW load) or the plan needs a larger connection, which a proposal must
not leave unsaid.
"""

from __future__ import annotations

import numpy as np

from pvplanner.messages import Message

__all__ = ["transformer_notes"]


def transformer_notes(transformer_kva: float | None, load_kw: np.ndarray,
                      grid_import_kw: np.ndarray, export_kw: np.ndarray) -> list[Message]:
    """Notes where the load, the plan's purchases or its exports exceed the transformer.

    Parameters
    ----------
    transformer_kva : float or None
        The site's transformer capacity [kVA]; None: not given, nothing to check.
    load_kw, grid_import_kw, export_kw : numpy.ndarray
        Mean power of each step [kW]: the load, the purchases with the system and the
        exports.

    Returns
    -------
    list of Message
        ``notes.connection.load_above_transformer`` when the load's peak exceeds the rating
        (the capacity entered is then in doubt, and the purchases are not said again),
        else ``notes.connection.import_above_transformer`` when the plan's purchases do (a
        battery charging from the grid); and ``notes.connection.export_above_transformer``
        when its exports do.

    Examples
    --------
    >>> notes = transformer_notes(250.0, np.array([100.0, 589.0]), np.array([100.0, 300.0]),
    ...                           np.array([729.0, 0.0]))
    >>> [note.key.rsplit(".", 1)[1] for note in notes]
    ['load_above_transformer', 'export_above_transformer']
    >>> transformer_notes(None, np.array([589.0]), np.array([589.0]), np.array([0.0]))
    []
    """
    if transformer_kva is None or not transformer_kva > 0:
        return []
    kva = float(transformer_kva)
    peaks = {"load": float(np.max(load_kw, initial=0.0)),
             "import": float(np.max(grid_import_kw, initial=0.0)),
             "export": float(np.max(export_kw, initial=0.0))}
    # A load above the rating puts the capacity entered in doubt: the purchases, which
    # include that load, are not said again.
    checked = ("load", "export") if peaks["load"] > kva else ("import", "export")
    return [Message.of(f"notes.connection.{flow}_above_transformer", _ENGLISH[flow],
                       peak=peaks[flow], kva=kva)
            for flow in checked if peaks[flow] > kva]


#: The English of each note (the catalogue's ``notes.connection.*`` texts).
_ENGLISH = {
    "load": "the load's peak of {peak:,.0f} kW is above the transformer's {kva:,.0f} kVA, which "
            "carries at most {kva:,.0f} kW: check the transformer capacity entered",
    "import": "the plan buys up to {peak:,.0f} kW from the grid (the battery charging), above "
              "the transformer's {kva:,.0f} kVA: the battery's charging power needs a limit or a "
              "larger transformer",
    "export": "the plan exports up to {peak:,.0f} kW, above the transformer's {kva:,.0f} kVA: "
              "limit exports to the transformer's capacity (the export limit under the plan's "
              "constraints) or plan a larger transformer",
}
