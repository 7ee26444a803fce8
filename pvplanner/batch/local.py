"""The local Dask cluster of a batch, and the terminal's Ctrl-C.

A terminal sends SIGINT to every process of its foreground process group: to the command
and to the worker processes of its local cluster. The command turns it into its
"interrupted" line (exit status 1) and shuts the cluster down, which stops the workers. A
worker that took the signal itself would die printing Python's traceback of
``KeyboardInterrupt`` on the same terminal, and Dask's logs of the comms the shutdown closed
(failed heartbeats, ``CommClosedError``) would follow: English tracebacks for an operator
who asked to stop. So here:

* the worker processes are made while this process ignores SIGINT (:func:`_spawn_workers`):
  they inherit the ignored signal from their first instruction on (Python keeps a SIGINT
  its parent ignored ignored, and asyncio then leaves it alone). This process ignores it
  only until the processes exist (milliseconds each), not while they start up;
* each worker process ignores SIGINT and keeps Dask's loggers quiet from its start
  (:func:`dask_setup`, a Dask worker preload), also a process a nanny starts again later:
  its work is the command's to stop, and its words never reach the operator (a site's
  failure is recorded in its row, in the operator's language);
* this process's own Dask loggers are quiet while it shuts the cluster down after an
  interrupt or an error (:func:`local_client`), and as they were again afterwards.

The sites a worker was planning when the command stopped are planned by the next run
(resume): a site's file is written by the command as soon as its group is done.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["PRELOAD", "dask_setup", "local_client"]

#: The module a local cluster's workers preload (its :func:`dask_setup` runs as they start).
PRELOAD = __name__

#: Dask's loggers and those of the libraries it runs on.
DASK_LOGGERS = ("distributed", "dask", "tornado", "asyncio")

#: A level above every record's: a logger set to it says nothing.
_SILENT = logging.CRITICAL + 1

#: Longest wait [s] for the worker processes to exist while SIGINT is ignored (they are
#: made within milliseconds; the limit only bounds a cluster that makes none).
SPAWN_WAIT_S = 30.0

#: How often [s] the start of the workers is checked (a process that ended is an error).
_START_POLL_S = 1.0


@contextmanager
def local_client(workers: int, processes: bool = True) -> Iterator[Any]:
    """A client of a new local cluster whose workers leave Ctrl-C to this process.

    Parameters
    ----------
    workers : int
        Worker processes (threads when ``processes`` is false), one thread each.
    processes : bool
        Workers as processes (default) or as threads of this process.

    Yields
    ------
    distributed.Client
        Closed with its cluster when the block ends; an exception of the block (an
        interrupt) is raised again once Dask's loggers are quiet for the shutdown.

    Raises
    ------
    RuntimeError
        When a worker process ends while the cluster starts.
    """
    from distributed import Client, LocalCluster

    levels = {name: logging.getLogger(name).level for name in DASK_LOGGERS}
    try:
        # The scheduler first; the workers as the cluster scales up (_spawn_workers). No
        # dashboard, and the scheduler's HTTP routes on a free port: on Dask's 8787, taken
        # by another cluster (another batch), Dask would warn on stderr.
        with LocalCluster(n_workers=0, threads_per_worker=1, processes=processes,
                          dashboard_address=None, scheduler_kwargs={"dashboard_address": ":0"},
                          silence_logs=logging.ERROR,
                          preload=[PRELOAD] if processes else []) as cluster:
            try:
                _start_workers(cluster, workers, processes)
                with Client(cluster) as client:
                    yield client
            except BaseException:
                _quiet()  # before the cluster closes: its comms close mid-work
                raise
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def _start_workers(cluster: Any, count: int, processes: bool) -> None:
    """Scale ``cluster`` to ``count`` workers and wait until they run."""
    if processes:
        spawned = _spawn_workers(cluster, count)
    else:  # threads of this process: nothing to protect
        cluster.scale(count)
        spawned = []
    while True:
        try:
            cluster.wait_for_workers(count, timeout=_START_POLL_S)
            return
        except TimeoutError:
            if any(process.exitcode is not None for process in spawned):
                raise RuntimeError("a worker process of the local cluster ended as it "
                                   "started") from None


def _spawn_workers(cluster: Any, count: int) -> list[Any]:
    """Scale ``cluster`` to ``count`` worker processes made while SIGINT is ignored here
    (so in them); returns the processes. Outside the main thread signals cannot be set:
    the preload alone then protects the workers, once they run."""
    before = set(multiprocessing.active_children())
    if threading.current_thread() is not threading.main_thread():
        cluster.scale(count)
        return []
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        cluster.scale(count)
        deadline = time.monotonic() + SPAWN_WAIT_S
        made: list[Any] = []
        while len(made) < count and time.monotonic() < deadline:
            time.sleep(0.005)
            made = [p for p in multiprocessing.active_children() if p not in before]
        return made
    finally:
        signal.signal(signal.SIGINT, previous)


def dask_setup(worker: Any = None) -> None:
    """Dask's worker preload hook: ignore SIGINT and quiet Dask's loggers in this process.

    Parameters
    ----------
    worker : distributed.Worker, optional
        The worker starting (unused: what is set here is the process's).
    """
    del worker
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _quiet()


def _quiet() -> None:
    for name in DASK_LOGGERS:
        logging.getLogger(name).setLevel(_SILENT)
