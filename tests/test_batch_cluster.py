"""``pvplanner batch --scheduler ADDRESS`` on a real multi-process Dask cluster.

A scheduler and two workers run as separate processes (``python -m distributed.cli.dask_*``,
the modules behind ``dask scheduler`` and ``dask worker``, on 127.0.0.1), and the batch runs as
the ``pvplanner`` command in its own process. One worker (its nanny and worker process) is
SIGKILLed while the batch runs: every site must still be planned, once, with nothing lost.
Then the batch command itself is SIGKILLed mid-run and started again: it resumes from the
sites already written and ends with the same table. The sites use synthetic weather (no
network) and no battery (an exact LP each), so the tables of different runs are identical.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pvplanner.batch.run import read_sites

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow

#: Sites in the test file, each in its own weather cell (one task per site).
SITE_COUNT = 12
#: Longest wait for a process to start or a batch to finish [s] (a loaded 2-core machine).
TIMEOUT_S = 180.0

_TEMPLATES = ("three_shift_continuous", "two_shift", "one_day_shift", "cold_storage")


def _sites_text() -> str:
    """Sites across Zhejiang, 0.3 deg of latitude apart (one weather cell each)."""
    lines = ["name,lat,lon,province,roof_area_m2,annual_kwh,template,tariff,weather.source,"
             "battery.allowed"]
    for index in range(SITE_COUNT):
        lines.append(
            f"Site {index:02d},{27.6 + 0.3 * index:.2f},{119.6 + 0.12 * index:.2f},Zhejiang,"
            f"{1500 + 250 * index},{400_000 + 90_000 * index},"
            f"{_TEMPLATES[index % len(_TEMPLATES)]},zhejiang_2026_general_ci,synthetic,false")
    return "\n".join(lines) + "\n"


class Cluster:
    """A Dask scheduler and workers as separate process groups, logging into ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.scheduler_file = folder / "scheduler.json"
        self.env = dict(os.environ, PVPLANNER_OFFLINE="1",
                        PVPLANNER_CACHE_DIR=str(folder / "weather-cache"))
        self.processes: dict[str, subprocess.Popen] = {}
        self.address = ""
        self.client = None

    def _start(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("wb")
        process = subprocess.Popen(  # its own session: a kill takes its children too
            [sys.executable, "-m", *argv], cwd=self.folder, env=self.env, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")[-4000:]

    def start_scheduler(self) -> None:
        process = self._start("scheduler", [
            "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
            "--no-dashboard", "--scheduler-file", str(self.scheduler_file),
            "--idle-timeout", "900"])
        deadline = time.monotonic() + TIMEOUT_S
        while not self.scheduler_file.is_file():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Dask scheduler did not start:\n" + self.log("scheduler"))
            time.sleep(0.2)
        time.sleep(0.2)  # the file is written in one go, but let it land
        self.address = json.loads(self.scheduler_file.read_text())["address"]
        assert self.address.startswith("tcp://127.0.0.1:")
        self.client = distributed.Client(self.address, timeout="60s")

    def start_worker(self, name: str) -> None:
        self._start(name, [
            "distributed.cli.dask_worker", "--scheduler-file", str(self.scheduler_file),
            "--nworkers", "1", "--nthreads", "1", "--name", name, "--no-dashboard",
            "--local-directory", str(self.folder / name), "--death-timeout", "60"])

    def workers(self) -> dict[str, str]:
        """Workers the scheduler knows: ``{name: address}``."""
        info = self.client.scheduler_info(n_workers=-1)["workers"]
        return {str(worker["name"]): address for address, worker in info.items()}

    def wait_for_workers(self, names: set[str]) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while not names <= set(self.workers()):
            if time.monotonic() > deadline:
                pytest.fail(f"workers {sorted(names)} did not join:\n"
                            + "\n".join(self.log(name) for name in names))
            time.sleep(0.2)

    def kill(self, name: str) -> None:
        """SIGKILL a worker's whole process group (nanny and worker process)."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(TIMEOUT_S)

    def stop(self) -> None:
        if self.client is not None:
            self.client.close()
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(15)

    def batch(self, sites: Path, out: Path) -> subprocess.Popen:
        """``pvplanner batch SITES --out OUT --scheduler ADDRESS`` as a process."""
        return subprocess.Popen(
            [sys.executable, "-m", "pvplanner.cli", "batch", str(sites), "--out", str(out),
             "--scheduler", self.address, "--json"],
            cwd=self.folder, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, start_new_session=True)


def _finish(run: subprocess.Popen) -> dict:
    """Wait for a batch process; its summary (stdout is one JSON object)."""
    try:
        out, err = run.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        out, err = run.communicate()
        pytest.fail(f"the batch did not finish in {TIMEOUT_S} s:\n{err[-4000:]}")
    assert run.returncode == 0, err[-4000:]
    assert "Traceback" not in err
    return json.loads(out)


def _done(out: Path) -> int:
    return len(list((out / "sites").glob("*.json")))


def _wait_for_sites(run: subprocess.Popen, out: Path, count: int) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while _done(out) < count:
        assert run.poll() is None, "the batch ended before the kill: " + run.stderr.read()
        assert time.monotonic() < deadline, f"fewer than {count} sites after {TIMEOUT_S} s"
        time.sleep(0.05)


def _check_every_site_once(out: Path, sites: Path) -> pd.DataFrame:
    """One result per site of the file, made from its own inputs, and a table row each."""
    jobs = read_sites(sites)
    table = pd.read_csv(out / "results.csv", keep_default_na=False)
    assert list(table["row"]) == [job.row for job in jobs]  # each row once, in order
    assert list(table["name"]) == [job.name for job in jobs]
    assert set(table["status"]) == {"ok"}, table.loc[table["status"] != "ok", "error_message"]
    files = sorted(path.name for path in (out / "sites").glob("*.json"))
    assert files == sorted(f"{job.slug}.json" for job in jobs)
    for job in jobs:
        document = json.loads((out / "sites" / f"{job.slug}.json").read_text("utf-8"))
        assert document["batch"]["input_hash"] == job.input_hash
        assert document["batch"]["row"] == job.row
        assert document["pv"]["capacity_kwp"] > 0
    return table


@pytest.fixture
def cluster(tmp_path):
    running = Cluster(tmp_path / "cluster")
    running.folder.mkdir()
    try:
        running.start_scheduler()
        running.start_worker("w1")
        running.start_worker("w2")
        running.wait_for_workers({"w1", "w2"})
        yield running
    finally:
        running.stop()


def _run_killing_a_worker(cluster: Cluster, sites: Path, out: Path) -> None:
    """A batch on two workers during which the busy worker ``w2`` is SIGKILLed."""
    run = cluster.batch(sites, out)
    _wait_for_sites(run, out, 2)  # under way: workers warm, results coming in
    address = cluster.workers()["w2"]
    busy = cluster.client.processing(workers=[address])[address]
    done_at_kill = _done(out)
    cluster.kill("w2")
    # The kill really hit a worker with work in hand while the batch was running.
    assert busy, "w2 held no task when it was killed"
    assert run.poll() is None and done_at_kill < SITE_COUNT
    summary = _finish(run)
    assert set(cluster.workers()) == {"w1"}
    assert summary["workers"] == 2 and summary["scheduler"] == cluster.address
    assert (summary["sites"], summary["ok"], summary["failed"]) == (SITE_COUNT, SITE_COUNT, 0), (
        _failures(out))
    assert (summary["planned"], summary["resumed"]) == (SITE_COUNT, 0)
    _check_every_site_once(out, sites)


def _failures(out: Path) -> list[str]:
    table = pd.read_csv(out / "results.csv", keep_default_na=False)
    failed = table.loc[table["status"] != "ok"]
    return [f"{row['name']}: {row['error_type']}: {row['error_message']}"
            for _, row in failed.iterrows()]


def _run_again(cluster: Cluster, sites: Path, out: Path) -> None:
    """The same batch again: every site is resumed, no file is rewritten."""
    before = (out / "results.csv").read_bytes()
    stamps = {path.name: path.stat().st_mtime_ns for path in (out / "sites").glob("*.json")}
    summary = _finish(cluster.batch(sites, out))
    assert (summary["resumed"], summary["planned"], summary["ok"]) == (SITE_COUNT, 0, SITE_COUNT)
    assert (out / "results.csv").read_bytes() == before
    assert {p.name: p.stat().st_mtime_ns for p in (out / "sites").glob("*.json")} == stamps


def _kill_the_command_and_resume(cluster: Cluster, sites: Path, out: Path) -> None:
    """The batch command SIGKILLed mid-run, then started again: it plans only the rest."""
    run = cluster.batch(sites, out)
    _wait_for_sites(run, out, 3)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait(TIMEOUT_S)
    done = _done(out)
    assert 3 <= done < SITE_COUNT, done
    assert not (out / "results.csv").exists()
    summary = _finish(cluster.batch(sites, out))
    assert (summary["resumed"], summary["planned"]) == (done, SITE_COUNT - done)
    assert (summary["ok"], summary["failed"]) == (SITE_COUNT, 0)
    _check_every_site_once(out, sites)


def test_batch_survives_a_killed_worker_and_a_killed_command(cluster, tmp_path):
    # One test (not three sharing a module fixture): under pytest -n 2 the phases would
    # otherwise be spread over two processes, each starting its own cluster.
    sites = tmp_path / "sites.csv"
    sites.write_text(_sites_text(), encoding="utf-8")
    first, second = tmp_path / "killed-worker", tmp_path / "killed-command"
    _run_killing_a_worker(cluster, sites, first)
    _run_again(cluster, sites, first)
    cluster.start_worker("w3")  # back to two workers
    cluster.wait_for_workers({"w1", "w3"})
    _kill_the_command_and_resume(cluster, sites, second)
    # Killed worker, killed command, resumed: the same table as the first run.
    assert (second / "results.csv").read_bytes() == (first / "results.csv").read_bytes()
