"""Test-wide settings: no internet, a private weather cache, network tests opt-in; store URLs
for SQLite and for a real PostgreSQL server."""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
import uuid
from collections.abc import Iterator

import pytest

#: The environment variable holding a PostgreSQL server's SQLAlchemy URL for the store tests
#: (``.ci/run`` starts one with ``.ci/postgres start DIR`` and exports it). The role must be
#: allowed to create databases: each test gets a fresh one.
POSTGRES_URL_VARIABLE = "PVPLANNER_TEST_POSTGRES_URL"

_real_connect = socket.socket.connect


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX paths
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self, address):
    if not _is_local(address):
        raise OSError(f"test tried to reach {address!r}: tests must not touch the internet")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_internet(request, monkeypatch, tmp_path_factory):
    """Block non-loopback sockets and point the weather cache at a fresh folder."""
    monkeypatch.setenv("PVPLANNER_CACHE_DIR", str(tmp_path_factory.mktemp("weather-cache")))
    if request.node.get_closest_marker("network") is None:
        monkeypatch.setenv("PVPLANNER_OFFLINE", "1")
        monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    yield


@pytest.fixture(autouse=True)
def _keep_main_module():
    """Put ``sys.modules["__main__"]`` back after each test.

    Streamlit's AppTest runs the app script as ``__main__`` and leaves it there; a later
    test in the same worker that spawns processes (the store's concurrency tests) would
    make every child re-run that deleted script file and die at start-up.
    """
    main = sys.modules.get("__main__")
    yield
    if main is not None and sys.modules.get("__main__") is not main:
        sys.modules["__main__"] = main


def pytest_collection_modifyitems(config, items):
    if config.getoption("-m"):
        return
    skip_network = pytest.mark.skip(reason="touches the internet; run with -m network")
    for item in items:
        if "network" in item.keywords:
            item.add_marker(skip_network)


# ----------------------------------------------------------------- store databases
@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The test PostgreSQL server's URL from ``$PVPLANNER_TEST_POSTGRES_URL``.

    Unset: the test is skipped, except under ``CI=true`` where it fails, so that CI cannot
    pass by silently skipping every PostgreSQL test.
    """
    url = os.environ.get(POSTGRES_URL_VARIABLE, "").strip()
    if url:
        return url
    how = (
        f"{POSTGRES_URL_VARIABLE} is not set; start a throw-away server with "
        "`url=$(.ci/postgres start DIR)` and export it"
    )
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true but {how}", pytrace=False)
    pytest.skip(how)


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """The URL of a fresh, empty database on the test server, dropped after the test."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    name = f"pvtest_{uuid.uuid4().hex[:20]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
        yield make_url(postgres_server_url).set(database=name).render_as_string(
            hide_password=False
        )
        with admin.connect() as conn:  # FORCE: ends connections a killed test left behind
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A URL for a new scenario store: a SQLite file that does not exist yet, or a fresh
    database on the test PostgreSQL server (see :func:`postgres_server_url`)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'scenarios.sqlite'}"
    return request.getfixturevalue("postgres_url")
