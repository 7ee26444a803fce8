"""Connecting a batch run to a Dask scheduler the operator names (``--scheduler``).

``distributed.Client`` with a wrong address does not always fail in words: a port out of
range or a server that is not a Dask scheduler (the dashboard's port 8787 instead of the
scheduler's 8786, a web server) can keep it waiting well past its own ``timeout``, and
some answers make it try to allocate exabytes (``MemoryError``). :func:`connect_scheduler`
checks the address's form, then that something listens there, waits at most a fixed time
for Dask's answer and tells every failure in the catalogue's words (``errors.batch.scheduler*``), never Dask's English.
"""

from __future__ import annotations

import queue
import re
import socket
import threading
from typing import Any

from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message

__all__ = ["SCHEDULER_SCHEMES", "connect_scheduler", "scheduler_address_problem"]

#: Address schemes a Dask scheduler listens on that a batch run may name.
SCHEDULER_SCHEMES = ("tcp", "tls")
#: ``[scheme://]host:port`` with an IPv6 host in brackets.
_ADDRESS = re.compile(r"^(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?"
                      r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(?::(?P<port>\d{1,6}))?$")
_EXAMPLE = "tcp://10.0.0.5:8786"


def scheduler_address_problem(address: str) -> Message | None:
    """What is wrong with a scheduler's address as written, or None when it can be tried.

    Examples
    --------
    >>> scheduler_address_problem("tcp://10.0.0.5:8786") is None
    True
    >>> [scheduler_address_problem(a).key.rsplit(".", 1)[1]
    ...  for a in ("http://h:8787", "tcp://h", "h:99999", "a b")]
    ['address_scheme', 'address_port', 'address_port', 'address_form']
    """
    found = _ADDRESS.match(address.strip())
    if found is None:
        return Message.of("errors.batch.address_form", "it is not written as "
                          "[tcp://]host:port, e.g. {example}", example=_EXAMPLE)
    scheme = (found["scheme"] or "tcp").lower()
    if scheme not in SCHEDULER_SCHEMES:
        return Message.of("errors.batch.address_scheme", "a Dask scheduler is reached by "
                          "tcp:// or tls://, not {scheme}:// (the dashboard's web address "
                          "is not the scheduler's)", scheme=scheme)
    port = found["port"]
    if port is None or not 1 <= int(port) <= 65535:
        return Message.of("errors.batch.address_port", "it needs a port from 1 to 65535 "
                          "after the host (a scheduler listens on 8786 unless told otherwise)")
    return None


def connect_scheduler(address: str, wait_s: float = 30.0) -> Any:
    """A ``distributed.Client`` on the scheduler at ``address``.

    Parameters
    ----------
    address : str
        ``tcp://host:port`` or ``tls://host:port`` (``host:port`` means tcp).
    wait_s : float
        Longest wait for the scheduler's answer [s]; Dask's own connect timeout is two
        thirds of it. A connection that has not answered by then is left to a background
        thread that ends with the process.

    Returns
    -------
    distributed.Client

    Raises
    ------
    PlannerInputError
        ``errors.batch.scheduler`` naming the address and why: its form, no answer in time,
        the connection refused, or an answer that is not a Dask scheduler's.
    """
    problem = scheduler_address_problem(address) or _reachable(address.strip(), wait_s / 3)
    if problem is None:
        problem = _connect(address.strip(), wait_s)
    if isinstance(problem, Message):
        raise PlannerInputError(Message.of(
            "errors.batch.scheduler", "cannot reach the Dask scheduler at {scheduler}: "
            "{detail}; check --scheduler (e.g. {example}) and that the scheduler is running",
            scheduler=address, detail=problem, example=_EXAMPLE))
    return problem


def _reachable(address: str, wait_s: float) -> Message | None:
    """Why nothing can be reached at the address's host and port (Dask's client says "Timed
    out" for all of these after retrying for its whole timeout), or None."""
    found = _ADDRESS.match(address)
    assert found is not None  # checked by scheduler_address_problem
    host = found["host"].strip("[]")
    try:
        with socket.create_connection((host, int(found["port"])), timeout=wait_s):
            return None
    except socket.gaierror:
        return Message.of("errors.batch.scheduler_host", "the host name {host} is not known",
                          host=host)
    except ConnectionRefusedError:
        return Message.of("errors.batch.scheduler_refused", "nothing listens on that port "
                          "(the connection was refused)")
    except OSError:  # a timeout, no route, the network down
        return Message.of("errors.batch.scheduler_silent", "no answer within {seconds} s "
                          "(is something else listening on that port?)",
                          seconds=round(wait_s))


def _connect(address: str, wait_s: float) -> Any:
    """The client, or a Message saying why there is none."""
    from distributed import Client

    answers: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)

    def attempt() -> None:
        try:
            answers.put(("client", Client(address, timeout=f"{wait_s * 2 / 3:.0f}s")))
        except BaseException as failure:  # noqa: BLE001 - every failure is told below
            answers.put(("failure", failure))

    # A daemon thread: a connection that never answers must not keep the process alive.
    threading.Thread(target=attempt, name="pvplanner-scheduler", daemon=True).start()
    try:
        kind, value = answers.get(timeout=wait_s)
    except queue.Empty:
        kind, value = "silent", None
    if kind == "client":
        return value
    if isinstance(value, (KeyboardInterrupt, SystemExit)):
        raise value
    # The port answered (see _reachable) but no Dask handshake followed in time, or the
    # answer was not Dask's (a web server's reply read as a frame length: MemoryError).
    return Message.of("errors.batch.scheduler_not_dask", "what answers there is not a "
                      "Dask scheduler")
