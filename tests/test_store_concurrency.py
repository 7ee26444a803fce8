"""Several processes on one store: nothing lost, stale updates detected, crashes harmless.

Every test runs on a SQLite file and on a fresh database of a real PostgreSQL server
(``store_url`` in conftest.py).

Chosen behaviour for two processes updating the SAME scenario: the store detects the
conflict (one :class:`StoreConflictError`, nothing overwritten); retrying is the caller's
job (reload, re-apply, save), shown by ``_increment_worker`` where every change ends up
applied, in order, with no lost update.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import random
import signal
import sqlite3
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from pvplanner.store.repository import ScenarioStore, StoreConflictError

N_PER_PROCESS = 50
_SPAWN = multiprocessing.get_context("spawn")
_TIMEOUT_S = 180  # generous: spawned workers start slowly on a loaded 2-core machine


# ----------------------------------------------------------------- workers (run in children)
def _rendezvous(folder: str, parties: int = 2) -> None:
    """Block until ``parties`` processes reached this point (a barrier that, unlike
    multiprocessing.Barrier, can be passed to pool workers: files in ``folder``)."""
    Path(folder, f"{os.getpid()}-{uuid.uuid4().hex}").touch()
    deadline = time.monotonic() + _TIMEOUT_S
    while len(os.listdir(folder)) < parties:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the other process never reached {folder}")
        time.sleep(0.002)


def _warm_up(folder: str) -> int:
    _rendezvous(folder)
    return os.getpid()


def _save_worker(url: str, writer: str, count: int, barrier: str) -> int:
    _rendezvous(barrier)  # both processes open the fresh file, then write together
    store = ScenarioStore(url)
    for index in range(count):
        store.save(
            f"{writer}-{index:03d} 工厂",
            {"writer": writer, "index": index, "hours": list(range(24))},
            {"currency": "CNY", "pv": {"capacity_kwp": 100.0 + index}},
        )
    store.close()
    return os.getpid()


def _conflict_worker(url: str, scenario_id: str, label: str, barrier: str) -> tuple:
    store = ScenarioStore(url)
    loaded = store.load(scenario_id)
    _rendezvous(barrier)  # both have loaded revision 1 before either saves
    try:
        saved = store.save(
            loaded.name,
            {**loaded.scenario, "edited_by": label},
            scenario_id=scenario_id,
            expected_revision=loaded.revision,
        )
        outcome: tuple = (label, "saved", saved.revision)
    except StoreConflictError as error:
        outcome = (label, "conflict", error.expected_revision, error.actual_revision)
    store.close()
    return outcome


def _increment_worker(url: str, scenario_id: str, label: str, count: int, barrier: str) -> int:
    store = ScenarioStore(url)
    _rendezvous(barrier)
    conflicts = 0
    for _ in range(count):
        while True:  # the caller's retry loop: reload, re-apply, save
            loaded = store.load(scenario_id)
            changed = dict(loaded.scenario)
            changed["counter"] += 1
            changed["log"] = [*changed["log"], f"{label}:{changed['counter']}"]
            try:
                store.save(
                    loaded.name,
                    changed,
                    scenario_id=scenario_id,
                    expected_revision=loaded.revision,
                )
                break
            except StoreConflictError:
                conflicts += 1
    store.close()
    return conflicts


def _crash_worker(url: str, scenario_id: str) -> None:
    store = ScenarioStore(url)
    with store._write("crashing") as conn:  # a write transaction that never ends
        conn.execute(
            text(
                "UPDATE scenarios SET scenario_json = '{\"broken\": true}', revision = 99 "
                "WHERE id = :id"
            ),
            {"id": scenario_id},
        )
        conn.execute(text("DELETE FROM scenarios"))
        os._exit(3)  # the process dies mid-transaction: no commit, no rollback, no cleanup


def _save_until_killed(url: str, log_path: str, first: int) -> None:
    """Save scenarios one after another; each id is logged only after its save returned."""
    store = ScenarioStore(url)
    with open(log_path, "a", encoding="utf-8") as log:
        for index in itertools.count(first):
            saved = store.save(f"K-{index:05d}", {"index": index, "hours": list(range(24))})
            log.write(f"{saved.id} {index}\n")
            log.flush()


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    """Two spawned worker processes, started once for the module (spawning costs ~2 s)."""
    with ProcessPoolExecutor(max_workers=2, mp_context=_SPAWN) as executor:
        folder = str(tmp_path_factory.mktemp("warm-up"))
        pids = {
            future.result(_TIMEOUT_S)
            for future in [executor.submit(_warm_up, folder) for _ in range(2)]
        }
        assert len(pids) == 2 and os.getpid() not in pids
        yield executor


def _both(pool, function, *argument_lists) -> list:
    futures = [pool.submit(function, *arguments) for arguments in argument_lists]
    return [future.result(_TIMEOUT_S) for future in futures]


# ----------------------------------------------------------------- tests
def test_two_processes_saving_at_once_lose_nothing(pool, tmp_path, store_url):
    url = store_url  # an empty database: both processes create the store's tables at once
    barrier = str(tmp_path / "barrier")
    os.mkdir(barrier)
    pids = _both(
        pool, _save_worker, (url, "P1", N_PER_PROCESS, barrier), (url, "P2", N_PER_PROCESS, barrier)
    )
    assert len(set(pids)) == 2  # really two processes

    with ScenarioStore(url) as store:
        lines = store.list()
        assert len(lines) == 2 * N_PER_PROCESS == 100
        expected = {f"{w}-{i:03d} 工厂" for w in ("P1", "P2") for i in range(N_PER_PROCESS)}
        assert {line.name for line in lines} == expected
        for line in lines:
            saved = store.load(line.id)
            writer, index = line.name.split(" ")[0].split("-")
            assert saved.scenario == {
                "writer": writer,
                "index": int(index),
                "hours": list(range(24)),
            }
            assert saved.result["pv"]["capacity_kwp"] == line.capacity_kwp == 100.0 + int(index)
            assert saved.revision == 1
    _check_sqlite_integrity(url)


def _check_sqlite_integrity(url: str) -> None:
    if url.startswith("sqlite:///"):
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()


def test_two_processes_updating_the_same_revision_get_one_conflict(pool, tmp_path, store_url):
    url = store_url
    with ScenarioStore(url) as store:
        original = store.save("Shared plan", {"capacity_kwp": 300})
    barrier = str(tmp_path / "barrier")
    os.mkdir(barrier)
    outcomes = _both(
        pool,
        _conflict_worker,
        (url, original.id, "alice", barrier),
        (url, original.id, "bob", barrier),
    )
    conflict, success = sorted(outcomes, key=lambda outcome: outcome[1])
    assert conflict[1:] == ("conflict", 1, 2)  # edited revision 1, store already at 2
    assert success[1:] == ("saved", 2)
    with ScenarioStore(url) as store:
        final = store.load(original.id)
    assert final.revision == 2
    assert final.scenario == {"capacity_kwp": 300, "edited_by": success[0]}  # winner kept


def test_retry_loop_applies_every_change_in_order(pool, tmp_path, store_url):
    url = store_url
    count = 25
    with ScenarioStore(url) as store:
        original = store.save("Counter", {"counter": 0, "log": []})
    barrier = str(tmp_path / "barrier")
    os.mkdir(barrier)
    _both(
        pool,
        _increment_worker,
        (url, original.id, "A", count, barrier),
        (url, original.id, "B", count, barrier),
    )
    with ScenarioStore(url) as store:
        final = store.load(original.id)
    assert final.scenario["counter"] == 2 * count  # no lost update
    assert final.revision == 1 + 2 * count
    # The log holds 1..50 in order, each step written by exactly one process.
    log = final.scenario["log"]
    assert [int(entry.split(":")[1]) for entry in log] == list(range(1, 2 * count + 1))
    for label in ("A", "B"):
        assert sum(entry.startswith(f"{label}:") for entry in log) == count


def test_process_dying_mid_write_leaves_the_previous_state(store_url):
    url = store_url
    with ScenarioStore(url) as store:
        kept = store.save("Survivor", {"v": 1}, {"pv": {"capacity_kwp": 42.0}})
        other = store.save("Other", {"v": 2})
    crasher = _SPAWN.Process(target=_crash_worker, args=(url, kept.id))
    crasher.start()
    crasher.join(_TIMEOUT_S)
    assert crasher.exitcode == 3
    with ScenarioStore(url) as store:
        assert store.load(kept.id) == kept
        assert store.load(other.id) == other
        assert len(store.list()) == 2
        # The dead process's lock is gone: writing works at once.
        assert store.save("After", {}).revision == 1


def test_threads_sharing_one_store_object_lose_nothing(store_url):
    # The app shares one ScenarioStore between its sessions' threads.
    with ScenarioStore(store_url) as store:

        def save_many(thread: int) -> list[str]:
            return [store.save(f"T{thread}-{i}", {"i": i}).id for i in range(25)]

        with ThreadPoolExecutor(max_workers=4) as threads:
            ids = [item for batch in threads.map(save_many, range(4)) for item in batch]
        assert len(set(ids)) == 100 and len(store.list()) == 100
        assert store.load(ids[-1]).scenario == {"i": 24}


def _confirmed_saves(log_path: Path) -> dict[str, int]:
    """Saves logged as returned: ``{id: index}`` from the complete lines of the log."""
    text_lines = log_path.read_text(encoding="utf-8").split("\n")[:-1]  # last: partial or ""
    return {line.split()[0]: int(line.split()[1]) for line in text_lines}


def test_processes_killed_while_saving_lose_no_confirmed_save(store_url, tmp_path):
    """SIGKILL lands at an arbitrary moment of a save loop, twice: every save that
    returned is stored intact, at most the one in flight per kill is extra, and the store
    keeps opening and writing."""
    log_path = tmp_path / "saved.log"
    log_path.touch()
    chance = random.Random(15)
    kills = 2
    for kill in range(kills):
        before = len(_confirmed_saves(log_path))
        saver = _SPAWN.Process(target=_save_until_killed,
                               args=(store_url, str(log_path), 1000 * kill))
        saver.start()
        deadline = time.monotonic() + _TIMEOUT_S
        while len(_confirmed_saves(log_path)) < before + 20:
            assert saver.is_alive() and time.monotonic() < deadline, "the saver stopped"
            time.sleep(0.01)
        time.sleep(chance.uniform(0.0, 0.05))  # somewhere inside a later save
        os.kill(saver.pid, signal.SIGKILL)
        saver.join(_TIMEOUT_S)
        assert saver.exitcode == -signal.SIGKILL

    confirmed = _confirmed_saves(log_path)
    assert len(confirmed) >= 20 * kills
    with ScenarioStore(store_url) as store:
        names = {line.id: line.name for line in store.list()}
        assert set(confirmed) <= set(names)  # nothing that returned is lost
        assert len(names) - len(confirmed) <= kills  # at most the one in flight per kill
        for scenario_id, index in confirmed.items():
            saved = store.load(scenario_id)
            assert saved.name == f"K-{index:05d}" and saved.revision == 1
            assert saved.scenario == {"index": index, "hours": list(range(24))}
        assert store.save("After the kills", {}).revision == 1
    _check_sqlite_integrity(store_url)
