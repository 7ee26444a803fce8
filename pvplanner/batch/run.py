"""Many sites at once: ``pvplanner batch SITES.csv --out DIR`` on Dask.

:func:`run_batch` reads and validates the sites file (:mod:`pvplanner.batch.sites`; every bad
row is reported at once), skips sites whose stored result was made from the same inputs
(resume), groups the others by weather cell, and plans the groups on Dask: a
:class:`distributed.LocalCluster` with one single-threaded worker process per core by
default, or an existing cluster by scheduler address. Groups are submitted in bounded waves
and each finished group's JSON files are written at once, so memory stays flat however many
sites there are. A failing site is recorded (error type and message) and the batch goes on.
The results table (CSV, Parquet, XLSX) is sorted by row and does not depend on the number of
workers. Columns and files: ``data/batch/README.md``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

from pvplanner.batch.local import local_client
from pvplanner.batch.output import (
    atomic_write,
    portfolio_summary,
    results_frame,
    site_json_path,
    stored_document,
    write_summary,
    write_tables,
)
from pvplanner.batch.progress import Progress
from pvplanner.batch.progress import reporter as progress_reporter
from pvplanner.batch.remote import connect_scheduler
from pvplanner.batch.sites import (
    DEFAULT_CELL_DEG,
    SiteJob,
    parse_sites,
    read_sites,
    slugify,
    weather_cell,
)
from pvplanner.batch.task import failure, plan_group, table_row
from pvplanner.errors import PlannerInputError
from pvplanner.guard.files import os_reason
from pvplanner.messages import Message
from pvplanner.scenario.model import Scenario

__all__ = [
    "DEFAULT_CELL_DEG",
    "IN_PROCESS",
    "SiteJob",
    "parse_sites",
    "portfolio_summary",
    "read_sites",
    "run_batch",
    "run_jobs",
    "slugify",
    "weather_cell",
]

#: Most sites in one task: big cells are split so that the workers stay evenly loaded.
MAX_GROUP_SITES = 50

#: Tasks in flight per worker: enough to keep a worker busy while results are written,
#: few enough that pending work and results stay small.
TASKS_PER_WORKER = 2

#: ``scheduler`` value that plans in the calling process, without Dask.
IN_PROCESS = "in-process"

def run_batch(
    sites_path: str | Path,
    out_dir: str | Path,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Progress = True,
    *,
    base: Scenario | str | Path | None = None,
    cell_deg: float = DEFAULT_CELL_DEG,
    client: Any = None,
    processes: bool = True,
    aggregate_days: int | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """Plan every site of a sites file and write the results.

    Parameters
    ----------
    sites_path : str or Path
        The sites CSV (columns in ``data/batch/README.md``).
    out_dir : str or Path
        Output folder; created if needed. Results already there with a matching input hash
        are reused (resume).
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); its workers must see the
        sites file's meter files at the same paths. ``"in-process"`` plans in this process
        without Dask. Default: a local cluster.
    workers : int, optional
        Worker processes of the local cluster (default: one per core).
    progress : bool or callable
        ``True`` shows a progress bar on stderr (tqdm when installed); a callable gets
        ``(done, total, failed)`` after each group.
    base : Scenario, str or Path, optional
        Scenario every site starts from (default: the embedded demo's settings).
    cell_deg : float
        Weather cell size [deg]; sites of one cell share one weather year (0: none shared).
    client : distributed.Client, optional
        Use this client instead of starting a cluster (tests, notebooks).
    processes : bool
        Local cluster workers as processes (default) or as threads of this process.
    aggregate_days : int, optional
        Plan sites that allow a battery on this many typical days (24..365,
        :mod:`pvplanner.aggregate`; ``--aggregate N``) instead of the exact year. With 96
        days, on 20 varied sites with batteries: 4.4x less CPU per site, NPV within 0.4 %
        on average and 1.7 % at worst, battery sizes within 7 % (kWh) and 12 % (kW)
        (``benchmarks/bench_batch_aggregate.py``). Sites without a battery are planned
        exactly (fast already). Default: the exact year for every site.
    lang : {"en", "zh"}
        The language of the progress display (:mod:`pvplanner.batch.progress`).

    Returns
    -------
    dict
        ``sites``, ``ok``, ``failed``, ``planned`` (this run), ``resumed`` (reused),
        ``seconds``, ``sites_per_second`` (planned / seconds of planning), ``workers``,
        ``scheduler``, ``out_dir``, ``files`` and ``portfolio``
        (:func:`portfolio_summary`). Also written to ``DIR/summary.json``.

    Raises
    ------
    PlannerInputError
        For a bad sites file (all bad rows listed) or a bad argument.
    """
    start = time.perf_counter()
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise PlannerInputError(Message.of(
            "errors.batch.workers", "--workers must be a whole number of at least 1, got "
            "{workers}", workers=str(workers)))
    if scheduler is not None and workers is not None:  # it would be ignored
        raise PlannerInputError(Message.of(
            "errors.batch.workers_with_scheduler", "--workers sets how many workers a local "
            "cluster starts; with --scheduler the sites run on that cluster's own workers: "
            "leave --workers out, or --scheduler to run locally"))
    if aggregate_days is not None and (isinstance(aggregate_days, bool) or not isinstance(
            aggregate_days, int) or not 24 <= aggregate_days <= 365):
        raise PlannerInputError(Message.of(
            "errors.batch.aggregate", "--aggregate must be a whole number of typical days from "
            "24 to 365, got {days}; 96 (eight a month) is a good start",
            days=str(aggregate_days)), field="aggregate_days")
    jobs = [job.aggregated(aggregate_days)
            for job in read_sites(sites_path, base=base, cell_deg=cell_deg)]
    out = Path(out_dir)
    try:
        (out / "sites").mkdir(parents=True, exist_ok=True)
    except OSError as problem:
        raise PlannerInputError(Message.of(
            "errors.batch.out_folder", "cannot create the output folder {out}: {detail}; check "
            "the path and that you may write there",
            out=str(out), detail=os_reason(problem))) from None
    summary = run_jobs(jobs, out, scheduler=scheduler, workers=workers, progress=progress,
                       client=client, processes=processes, lang=lang)
    summary["seconds"] = time.perf_counter() - start
    summary["aggregate_days"] = aggregate_days
    write_summary(out, summary)
    return summary


def run_jobs(
    jobs: list[SiteJob],
    out_dir: Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Progress = True,
    client: Any = None,
    processes: bool = True,
    lang: str = "en",
) -> dict[str, Any]:
    """Plan validated jobs into ``out_dir`` (see :func:`run_batch`); returns the summary."""
    out_dir = Path(out_dir)
    rows: list[dict[str, Any]] = []
    pending: list[SiteJob] = []
    for job in jobs:
        document = stored_document(out_dir, job.slug, job.input_hash)
        if document is None:
            pending.append(job)
        else:
            rows.append(table_row(job.to_task(), document))
    resumed = len(rows)

    tick = time.perf_counter()
    worker_count, where = 0, "none (all sites resumed)"
    if pending:
        reporter = progress_reporter(progress, len(pending), lang)
        sink = _Sink(out_dir, {job.row: job.to_task() for job in pending}, rows, reporter)
        try:
            with _executor(scheduler, workers, client, processes) as (submit, worker_count,
                                                                       where):
                groups = list(group_jobs(pending, worker_count))
                _run_waves(submit, groups, sink, window=TASKS_PER_WORKER * worker_count)
        finally:
            reporter(None)  # the display's line ends, also before an interrupt's message
    planning_seconds = time.perf_counter() - tick

    frame = results_frame(rows)
    portfolio = portfolio_summary(frame)
    files = write_tables(frame, portfolio, out_dir)
    files["sites"] = str(out_dir / "sites")
    planned = len(pending)
    return {
        "sites": len(jobs),
        "ok": portfolio["ok"],
        "failed": portfolio["failed"],
        "planned": planned,
        "resumed": resumed,
        "seconds": planning_seconds,
        "sites_per_second": planned / planning_seconds if planned and planning_seconds else None,
        "workers": worker_count,
        "scheduler": where,
        "out_dir": str(out_dir),
        "files": files,
        "portfolio": portfolio,
    }


def group_jobs(jobs: list[SiteJob], workers: int) -> Iterator[list[dict[str, Any]]]:
    """Tasks of sites of one weather cell each, at most :data:`MAX_GROUP_SITES` sites.

    Cells keep their first-seen order. Big cells are cut so that there are a few tasks per
    worker; a cut cell costs one more weather fetch, on another worker.
    """
    by_cell: dict[str, list[SiteJob]] = {}
    for job in jobs:
        by_cell.setdefault(job.cell, []).append(job)
    size = max(1, min(MAX_GROUP_SITES, -(-len(jobs) // (4 * max(1, workers)))))
    for members in by_cell.values():
        for first in range(0, len(members), size):
            yield [job.to_task() for job in members[first:first + size]]


def _run_waves(submit, groups: list[list[dict[str, Any]]], sink: _Sink, *, window: int) -> None:
    """Keep at most ``window`` groups in flight; hand each finished group to ``sink``."""
    if submit is None:  # in-process
        for group in groups:
            sink.accept(group, _safe_plan(group))
        return
    from distributed import as_completed

    queue = iter(groups)
    owner = {}
    first = []
    for group in islice(queue, max(1, window)):
        future = submit(group)
        owner[future.key] = group
        first.append(future)
    flow = as_completed(first)
    for future in flow:
        group = owner.pop(future.key)
        try:
            records = future.result()
        except Exception as problem:  # noqa: BLE001 - e.g. a worker died: record, go on
            records = [failure(task, problem) for task in group]
        future.release()
        sink.accept(group, records)
        following = next(queue, None)
        if following is not None:
            nxt = submit(following)
            owner[nxt.key] = following
            flow.add(nxt)


def _safe_plan(group: list[dict[str, Any]]) -> list[dict[str, Any]]:
    try:
        return plan_group(group)
    except Exception as problem:  # noqa: BLE001 - plan_group guards sites; this is belt and braces
        return [failure(task, problem) for task in group]


class _Sink:
    """Writes each site's JSON as soon as its group finishes and keeps its table row."""

    def __init__(self, out_dir: Path, tasks: dict[int, dict[str, Any]],
                 rows: list[dict[str, Any]], reporter) -> None:
        self.out_dir, self.tasks, self.rows, self.reporter = out_dir, tasks, rows, reporter
        self.done = self.failed = 0

    def accept(self, group: list[dict[str, Any]], records: list[dict[str, Any]]) -> None:
        for record in records:
            task = self.tasks[record["row"]]
            payload = record.get("payload")
            path = site_json_path(self.out_dir, task["slug"])
            if payload is None:
                # A stale result of older inputs must not be mistaken for this one's.
                path.unlink(missing_ok=True)
                self.rows.append(table_row(task, None, record))
                self.failed += 1
            else:
                atomic_write(path, payload)
                # The row comes from the JSON text, exactly as a resumed run reads it back.
                self.rows.append(table_row(task, json.loads(payload)))
        self.done += len(group)
        self.reporter((self.done, self.failed))


@contextmanager
def _executor(scheduler: str | None, workers: int | None, client: Any, processes: bool):
    """Yields ``(submit, worker_count, description)``; ``submit`` is None in-process."""
    if scheduler == IN_PROCESS and client is None:
        yield None, 1, IN_PROCESS
        return
    if client is not None:
        yield _submitter(client), _worker_count(client), str(client.scheduler.address)
        return
    if scheduler:
        remote = connect_scheduler(scheduler)
        with remote:
            yield _submitter(remote), _worker_count(remote), scheduler
        return
    count = workers or os.cpu_count() or 1
    # Its workers leave Ctrl-C to this process, which stops them (pvplanner.batch.local).
    with local_client(count, processes) as local:
        yield _submitter(local), count, f"local ({count} {'processes' if processes else 'threads'})"


def _submitter(client):
    def submit(group):
        # pure=False: each group is planned exactly once; keys stay unique on a shared cluster
        return client.submit(plan_group, group, pure=False)

    return submit


def _worker_count(client) -> int:
    threads = client.nthreads()
    return max(1, sum(threads.values())) if threads else 1
