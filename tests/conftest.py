"""Test-wide settings: no internet, a private weather cache, network tests opt-in."""

from __future__ import annotations

import ipaddress
import socket
import sys

import pytest

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
