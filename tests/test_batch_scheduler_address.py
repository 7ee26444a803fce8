"""``pvplanner batch --scheduler`` with a wrong address is told in words, and soon.

Dask's client took ``http://host:8787`` (the dashboard) for an unknown scheme in English,
waited on a port out of range, and against a server that is not a Dask scheduler (a web
server on the port) never came back: it was still waiting after 5 minutes. Each case is
now refused before or after a fixed wait, in the reader's language.
"""

from __future__ import annotations

import http.server
import socket
import threading
import time

import pytest

from pvplanner.batch.remote import connect_scheduler, scheduler_address_problem
from pvplanner.cli import main
from pvplanner.display.messages import render
from pvplanner.errors import PlannerInputError

pytest.importorskip("distributed")


@pytest.mark.parametrize(("address", "key"), [
    ("http://127.0.0.1:8787", "address_scheme"),
    ("ws://127.0.0.1:8786", "address_scheme"),
    ("tcp://127.0.0.1", "address_port"),
    ("127.0.0.1:99999", "address_port"),
    ("tcp://127.0.0.1:0", "address_port"),
    ("tcp://a host:8786", "address_form"),
    ("", "address_form"),
])
def test_an_address_that_cannot_be_a_schedulers_is_refused_at_once(address, key):
    started = time.perf_counter()
    with pytest.raises(PlannerInputError) as caught:
        connect_scheduler(address)
    assert time.perf_counter() - started < 1.0  # no connection was tried
    detail = caught.value.message.params["detail"]
    assert detail.key == f"errors.batch.{key}"
    for lang in ("en", "zh"):
        shown = render(caught.value.message, lang)
        assert "tcp://10.0.0.5:8786" in shown and "{" not in shown
        assert "scheme" not in shown.lower() or lang == "en"


@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "10.0.0.5:8786", "tls://[::1]:8786",
                                     "tcp://scheduler.example.com:8786"])
def test_a_schedulers_address_passes_the_check(address):
    assert scheduler_address_problem(address) is None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_closed_port_is_told_within_the_wait():
    port = _free_port()  # bound and closed again: nothing listens there
    started = time.perf_counter()
    with pytest.raises(PlannerInputError) as caught:
        connect_scheduler(f"tcp://127.0.0.1:{port}", wait_s=3.0)
    assert time.perf_counter() - started < 10.0
    detail = caught.value.message.params["detail"]
    assert detail.key == "errors.batch.scheduler_refused"
    assert render(caught.value.message, "zh").startswith(f"无法连接 Dask 调度器 tcp://127.0.0.1:{port}：")


@pytest.fixture
def web_server():
    """A web server on a local port: what answers on a dashboard's port, not a scheduler."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # the refused handshake is expected
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_web_server_on_the_port_is_refused_after_the_wait(web_server):
    started = time.perf_counter()
    with pytest.raises(PlannerInputError) as caught:
        connect_scheduler(f"tcp://127.0.0.1:{web_server}", wait_s=3.0)
    assert time.perf_counter() - started < 10.0  # it never returned before
    assert caught.value.message.params["detail"].key == "errors.batch.scheduler_not_dask"
    assert render(caught.value.message, "en").startswith(
        f"cannot reach the Dask scheduler at tcp://127.0.0.1:{web_server}: what answers there "
        "is not a Dask scheduler; check --scheduler")


def test_an_unknown_host_is_named():
    with pytest.raises(PlannerInputError) as caught:
        connect_scheduler("tcp://no-such-host.invalid:8786", wait_s=3.0)
    detail = caught.value.message.params["detail"]
    assert detail.key == "errors.batch.scheduler_host"
    assert render(detail, "zh") == "主机名 no-such-host.invalid 无法解析"


@pytest.mark.parametrize(("lang", "start"), [
    ("en", "cannot reach the Dask scheduler at http://127.0.0.1:8787: a Dask scheduler is "
           "reached by tcp:// or tls://"),
    ("zh", "无法连接 Dask 调度器 http://127.0.0.1:8787：Dask 调度器的地址以 tcp:// 或 tls:// 开头"),
])
def test_the_command_line_refuses_the_dashboards_address(tmp_path, monkeypatch, capsys, lang,
                                                        start):
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8" if lang == "zh" else "en_US.UTF-8")
    sites = tmp_path / "sites.csv"
    sites.write_text("name,lat,lon,province,roof_area_m2,annual_kwh,template,tariff,"
                     "weather.source\nA,30.2,120.2,Zhejiang,1500,400000,two_shift,"
                     "zhejiang_2026_general_ci,synthetic\n", encoding="utf-8")
    code = main(["batch", str(sites), "--out", str(tmp_path / "out"),
                 "--scheduler", "http://127.0.0.1:8787"])
    said = capsys.readouterr().err
    assert code == 2, said
    assert start in said, said
    assert "Traceback" not in said
