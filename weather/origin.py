"""Where a step of the typical year came from in the user's file: its own time and line.

The readers map a file of any year onto the typical-year axis
(:func:`weather.timeaxis.to_typical_year`) before :func:`weather.validate.clean_weather`
checks it, so the checks see typical-year times (``2026-06-10 00:00``) that nobody finds in a
2023 file. :class:`SourceTimes` turns a typical-year time back into the file's: the time as
the file writes it, with its line where the format has lines, or for a step the file has no
row for (a gap) the file's own calendar time of that step.

A time is given as a message value in both languages (``{"en": ..., "zh": ...}``), so it
reads the same in an error and in a note, and survives the notes' JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from weather.timeaxis import to_typical_year
from weather.timing import utc_text

__all__ = ["SourceTimes", "source_times", "typical_time"]


def typical_time(when: pd.Timestamp) -> dict[str, str]:
    """A typical-year time as a message value (data without a file: online sources).

    Examples
    --------
    >>> typical_time(pd.Timestamp("2026-06-10 13:00", tz="UTC"))
    {'en': '2026-06-10 13:00', 'zh': '2026-06-10 13:00'}
    """
    text = f"{when:%Y-%m-%d %H:%M}"
    return {"en": text, "zh": text}


@dataclass(frozen=True)
class SourceTimes:
    """The file's own time (and line) of each step of the typical-year axis.

    Attributes
    ----------
    axis : pandas.DatetimeIndex
        The typical-year axis the checks see.
    rows : numpy.ndarray of int
        For each step of ``axis``, the file's row it holds (-1: none, a gap).
    stamps : pandas.DatetimeIndex
        Each file row's time in the file's own time zone.
    texts : sequence of str or None
        Each file row's time as the file writes it (a plain CSV's time cells).
    lines : numpy.ndarray of int or None
        Each file row's line in the file (1-based).
    zone : str
        The file's time zone (``"UTC"``, ``"UTC+8"``) where it is not the axis's, said after
        a time the file does not write as it is; ``""`` when they agree.
    """

    axis: pd.DatetimeIndex
    rows: np.ndarray
    stamps: pd.DatetimeIndex
    texts: Sequence[str] | None = None
    lines: np.ndarray | None = None
    zone: str = ""

    def __call__(self, when: pd.Timestamp) -> dict[str, str]:
        """The file's own time of the typical-year step ``when`` (a message value).

        Examples
        --------
        >>> index = pd.date_range("2023-01-01", periods=8760, freq="h", tz="Etc/GMT-8")
        >>> times = source_times(index, 8.0, 60, lines=np.arange(8760) + 3)
        >>> times(pd.Timestamp("2026-06-10 00:00", tz="Etc/GMT-8"))["en"]
        '2023-06-10 00:00 on line 3843'
        >>> times(pd.Timestamp("2026-06-10 00:00", tz="Etc/GMT-8"))["zh"]
        '第 3843 行 2023-06-10 00:00'
        """
        position = int(self.axis.get_indexer([when])[0])
        row = int(self.rows[position]) if position >= 0 else -1
        if row < 0:
            return self._between(when, position)
        if self.texts is not None:
            text = str(self.texts[row]).strip()
        else:
            text = self._stamp_text(self.stamps[row])
        if self.lines is None:
            return {"en": text, "zh": text}
        line = int(self.lines[row])
        return {"en": f"{text} on line {line}", "zh": f"第 {line} 行 {text}"}

    def _stamp_text(self, stamp: pd.Timestamp) -> str:
        text = f"{stamp:%Y-%m-%d %H:%M}"
        return f"{text} {self.zone}" if self.zone else text

    def _between(self, when: pd.Timestamp, position: int) -> dict[str, str]:
        """A step without a row: the time of the nearest earlier row (of the first row, for
        a gap at the start) moved by the steps between them, on the file's calendar; the
        typical time if the file has no row at all."""
        known = np.flatnonzero(self.rows >= 0)
        if position < 0 or not len(known):
            return typical_time(when)
        before = known[known <= position]
        anchor = int(before[-1]) if len(before) else int(known[0])
        text = self._stamp_text(self.stamps[int(self.rows[anchor])] + (when - self.axis[anchor]))
        return {"en": text, "zh": text}


def source_times(
    index: pd.DatetimeIndex,
    utc_offset_hours: float,
    interval_minutes: int,
    *,
    texts: Sequence[str] | None = None,
    lines: Sequence[int] | np.ndarray | None = None,
) -> SourceTimes:
    """Where each typical-year step comes from, for data of a file read onto the axis.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        The file's rows as the reader parsed them (tz-aware, in the file's own time zone,
        labels at interval start), in file order or sorted, one per row.
    utc_offset_hours : float
        The site's standard time, the axis's offset [h].
    interval_minutes : int
        Step of the axis [min]; finer rows are averaged onto it, and the first row of a
        step stands for it.
    texts : sequence of str, optional
        Each row's time as the file writes it.
    lines : sequence of int, optional
        Each row's line in the file.

    Returns
    -------
    SourceTimes
    """
    index = pd.DatetimeIndex(index)
    step = f"{int(interval_minutes)}min"
    ids = pd.DataFrame({"row": np.arange(len(index), dtype=float)},
                       index=index.floor(step) if len(index) else index)
    ids = ids[~ids.index.duplicated(keep="first")]
    typical = to_typical_year(ids, utc_offset_hours, interval_minutes=int(interval_minutes))
    rows = typical["row"].fillna(-1).to_numpy(dtype=int)
    own = index[0].utcoffset() if len(index) else None
    own_hours = own.total_seconds() / 3600.0 if own is not None else float(utc_offset_hours)
    zone = "" if abs(own_hours - float(utc_offset_hours)) < 1e-9 else utc_text(own_hours)
    return SourceTimes(
        axis=pd.DatetimeIndex(typical.index), rows=rows, stamps=index,
        texts=None if texts is None else list(texts),
        lines=None if lines is None else np.asarray(lines, dtype=int), zone=zone)
