"""HTTP GET for the online weather sources: timeouts, bounded retries, clear failures.

Public weather services throttle (PVGIS answers 429 past 30 calls/s per IP, 529 when
overloaded) and occasionally fail (5xx). :func:`http_get` retries those answers and dropped
connections with exponential backoff, honours ``Retry-After``, gives up after a bounded number
of tries and then raises :class:`~weather.errors.WeatherSourceUnavailable` with a message that
says what happened and what to do instead. Every other answer (2xx, 4xx) is returned to the
caller, who knows what a 400 from its service means.

The session and the ``sleep`` function are injectable so that tests run instantly and never
touch the network.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from weather.coordinates import check_coordinates
from weather.errors import WeatherSourceUnavailable

__all__ = [
    "FALLBACK_HINT",
    "USER_AGENT",
    "RetryPolicy",
    "check_coordinates",
    "error_message",
    "http_get",
    "json_body",
]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pvplanner")
    except PackageNotFoundError:  # not installed (a bare checkout): still a useful agent string
        return "dev"


#: Sent with every request so that providers can see who is calling (PVGIS and POWER ask
#: API users to be identifiable and polite).
USER_AGENT = f"pvplanner/{_version()} (rooftop PV planner; python-requests/{requests.__version__})"

#: What a user can do when an online source fails; ends every unavailability message.
FALLBACK_HINT = "use --source synthetic or a weather file"


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry.

    Attributes
    ----------
    tries : int
        Total number of attempts, the first included (>= 1).
    backoff_s : float
        Wait before the second attempt [s]; each later wait is ``backoff_factor`` times longer.
    backoff_factor : float
        Growth of the wait between attempts [-].
    max_wait_s : float
        Longest single wait [s]. A ``Retry-After`` longer than this is not waited for: the
        call fails at once with a message saying how long the service asked to wait.
    retry_status : tuple of int
        HTTP statuses that are retried (429 and the 5xx family by default).
    """

    tries: int = 4
    backoff_s: float = 1.0
    backoff_factor: float = 2.0
    max_wait_s: float = 60.0
    retry_status: tuple[int, ...] = (429, 500, 502, 503, 504, 529)

    def wait_s(self, attempt: int) -> float:
        """Backoff before attempt ``attempt + 1`` after ``attempt`` failures [s]."""
        return min(self.backoff_s * self.backoff_factor ** (attempt - 1), self.max_wait_s)


def http_get(
    url: str,
    *,
    source: str,
    params: Mapping[str, Any] | None = None,
    session: requests.Session | None = None,
    timeout_s: float = 30.0,
    connect_timeout_s: float = 10.0,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
) -> requests.Response:
    """GET ``url`` with timeouts and bounded retries.

    Parameters
    ----------
    url : str
        Endpoint without query string.
    source : str
        Name of the service for messages, e.g. ``"PVGIS"``.
    params : mapping, optional
        Query parameters.
    session : requests.Session, optional
        Session to use (connection reuse, tests); a private one is opened and closed otherwise.
    timeout_s : float, default 30
        Read timeout [s]: longest silence while waiting for the answer.
    connect_timeout_s : float, default 10
        Connect timeout [s].
    retry : RetryPolicy, optional
        Retry settings; :class:`RetryPolicy` defaults when omitted.
    sleep : callable, optional
        ``sleep(seconds)`` used between tries; :func:`time.sleep` when omitted.

    Returns
    -------
    requests.Response
        The first answer whose status is not retried (any 2xx, 3xx or 4xx except 429).

    Raises
    ------
    WeatherSourceUnavailable
        When the service cannot be reached (DNS, refused, timeout, TLS) or keeps answering 429
        / 5xx for all tries, or asks to wait longer than ``retry.max_wait_s``. The message
        reads ``could not reach <source> at <url>: <reason>; use --source synthetic or a
        weather file``.
    """
    policy = retry if retry is not None else RetryPolicy()
    if policy.tries < 1:
        raise ValueError(f"RetryPolicy.tries must be >= 1, got {policy.tries}")
    pause = sleep if sleep is not None else time.sleep
    own_session = session is None
    http = session if session is not None else requests.Session()
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    try:
        for attempt in range(1, policy.tries + 1):
            last = attempt == policy.tries
            try:
                response = http.get(
                    url,
                    params=dict(params) if params is not None else None,
                    headers=headers,
                    timeout=(connect_timeout_s, timeout_s),
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                reason = _describe_exception(exc, connect_timeout_s, timeout_s)
                if last:
                    raise _unavailable(source, url, f"{reason} ({_tries(attempt)})") from exc
                pause(policy.wait_s(attempt))
                continue
            except requests.RequestException as exc:  # bad URL, too many redirects: no retry
                raise _unavailable(source, url, _describe_exception(exc, 0, 0)) from exc

            if response.status_code not in policy.retry_status:
                return response
            status = f"HTTP {response.status_code} {response.reason or ''}".strip()
            asked = _retry_after_s(response.headers.get("Retry-After"))
            if asked is not None and asked > policy.max_wait_s:
                raise _unavailable(
                    source, url, f"{status}, asked to retry after {asked:.0f} s; try again later"
                )
            if last:
                raise _unavailable(source, url, f"{status} ({_tries(attempt)}); try again later")
            pause(asked if asked is not None else policy.wait_s(attempt))
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover
    finally:
        if own_session:
            http.close()


def json_body(response: requests.Response, source: str) -> Any:
    """Decode a JSON answer or raise :class:`WeatherSourceUnavailable` naming the service."""
    try:
        return response.json()
    except ValueError:
        start = response.text[:120].replace("\n", " ")
        raise _unavailable(
            source, _plain_url(response.url), f"the answer is not JSON (starts {start!r})"
        ) from None


def _unavailable(source: str, url: str, reason: str) -> WeatherSourceUnavailable:
    return WeatherSourceUnavailable(f"could not reach {source} at {url}: {reason}; {FALLBACK_HINT}")


def _tries(count: int) -> str:
    return "1 try" if count == 1 else f"{count} tries"


def _plain_url(url: str | None) -> str:
    return (url or "").split("?", 1)[0]


def _retry_after_s(value: str | None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _describe_exception(exc: Exception, connect_timeout_s: float, read_timeout_s: float) -> str:
    """A one-line reason for a failed request, without urllib3's nested reprs."""
    text = str(exc)
    if isinstance(exc, requests.ConnectTimeout):
        return f"no connection within {connect_timeout_s:g} s"
    if isinstance(exc, requests.ReadTimeout):
        return f"no answer within {read_timeout_s:g} s"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS handshake failed (a proxy or firewall intercepting HTTPS?)"
    lowered = text.lower()
    if isinstance(exc, requests.ConnectionError):
        if any(
            marker in lowered
            for marker in (
                "name or service not known",
                "nameresolutionerror",
                "getaddrinfo failed",
                "temporary failure in name resolution",
                "nodename nor servname",
            )
        ):
            return "the host name could not be resolved (offline, or no DNS)"
        if "connection refused" in lowered:
            return "connection refused"
        if "network is unreachable" in lowered:
            return "network is unreachable (offline?)"
        if "reset by peer" in lowered or "remotedisconnected" in lowered:
            return "the connection was dropped by the server"
    short = text if len(text) <= 200 else text[:197] + "..."
    return f"{type(exc).__name__}: {short}" if short else type(exc).__name__


def error_message(response: requests.Response) -> str:
    """The most useful short text of an error answer: its JSON message, else its body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip() or (response.reason or "")
    if isinstance(body, dict):
        for key in ("messages", "message", "detail", "error", "errors", "header"):
            value = body.get(key)
            if value:
                return "; ".join(map(str, value)) if isinstance(value, list) else str(value)
    return str(body)[:200]
