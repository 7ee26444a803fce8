"""A SQLite store this process may not write is opened read-only (issue 15): its scenarios
can be listed, loaded and exported; every change is refused with a message that says why."""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from pvplanner.store.repository import ScenarioStore, StoreError


@contextmanager
def unwritable(*paths: Path):
    """Make files and folders unwritable for this process, also as root (the immutable
    flag, which even root's writes respect), and restore them afterwards."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make a folder read-only")
        done = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"chattr +i is not supported here: {done.stderr.decode().strip()}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", *map(str, paths)], check=True)
        return
    modes = {path: path.stat().st_mode for path in paths}
    for path in paths:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


@pytest.fixture
def saved_store(tmp_path) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "scenarios.sqlite"
    with ScenarioStore(str(path)) as store:
        store.save("Plant A", {"site": {"latitude": 30.2}}, {"pv": {"capacity_kwp": 100.0}})
        store.save("Plant B", {"site": {"latitude": 31.0}})
    assert not any(folder.glob("*-wal")) and not any(folder.glob("*-shm"))
    return path


def test_a_read_only_store_can_be_read(saved_store):
    with unwritable(saved_store, saved_store.parent):
        with ScenarioStore(str(saved_store)) as store:
            assert store.read_only
            names = sorted(item.name for item in store.list())
            assert names == ["Plant A", "Plant B"]
            first = next(item for item in store.list() if item.name == "Plant A")
            assert store.load(first.id).scenario == {"site": {"latitude": 30.2}}
            assert first.capacity_kwp == 100.0
            assert "Plant B" in store.export_json()
            for change in (lambda: store.save("C", {}),
                           lambda: store.rename(first.id, "A2"),
                           lambda: store.delete(first.id),
                           lambda: store.duplicate(first.id),
                           lambda: store.import_json(store.export_json())):
                with pytest.raises(StoreError, match="read-only") as caught:
                    change()
                assert "make the file and its folder writable" in str(caught.value)
        # Nothing was written beside the file.
        assert sorted(p.name for p in saved_store.parent.iterdir()) == ["scenarios.sqlite"]
    # Writable again: a normal store.
    with ScenarioStore(str(saved_store)) as store:
        assert not store.read_only
        store.save("Plant C", {})
        assert len(store.list()) == 3


def test_a_read_only_file_in_a_writable_folder_is_read_only_too(saved_store):
    with unwritable(saved_store):
        with ScenarioStore(str(saved_store)) as store:
            assert store.read_only and len(store.list()) == 2


def test_an_empty_read_only_database_says_it_cannot_be_set_up(tmp_path):
    import sqlite3

    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "empty.sqlite"
    sqlite3.connect(path).close()  # an empty database file
    with unwritable(path, folder):
        with pytest.raises(StoreError, match="read-only .* cannot be set up"):
            ScenarioStore(str(path))


def test_a_writable_store_is_not_read_only(tmp_path):
    with ScenarioStore(str(tmp_path / "s.sqlite")) as store:
        assert not store.read_only
    with ScenarioStore("sqlite://") as memory:
        assert not memory.read_only
