"""The GET helper: timeouts, bounded retries with backoff, Retry-After, clear failures."""

from __future__ import annotations

import email.utils
import math
from datetime import UTC, datetime, timedelta

import pytest
import requests

from weather.errors import WeatherInputError, WeatherSourceUnavailable
from weather.http import USER_AGENT, RetryPolicy, check_coordinates, http_get, json_body

URL = "https://re.jrc.ec.europa.eu/api/v5_3/tmy"
HINT = "use --source synthetic or a weather file"


class Recorder:
    """Stands in for time.sleep: records the waits, returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def test_success_sends_timeouts_and_user_agent():
    seen = {}

    class Session:
        def get(self, url, **kwargs):
            seen.update(kwargs, url=url)
            response = requests.Response()
            response.status_code = 200
            response._content = b'{"ok": true}'
            return response

    response = http_get(
        URL,
        source="PVGIS",
        params={"lat": 30.0},
        session=Session(),
        timeout_s=30.0,
        connect_timeout_s=10.0,
    )
    assert response.status_code == 200
    assert seen["timeout"] == (10.0, 30.0)  # (connect, read) [s]
    assert seen["params"] == {"lat": 30.0}
    assert seen["headers"]["User-Agent"].startswith("pvplanner/")
    assert USER_AGENT.startswith("pvplanner/")


def test_429_then_200_waits_as_asked(requests_mock):
    requests_mock.get(
        URL,
        [
            {"status_code": 429, "headers": {"Retry-After": "5"}},
            {"status_code": 200, "json": {"ok": True}},
        ],
    )
    sleep = Recorder()
    response = http_get(URL, source="PVGIS", sleep=sleep)
    assert response.json() == {"ok": True}
    assert sleep.waits == [5.0]
    assert requests_mock.call_count == 2
    assert requests_mock.request_history[0].headers["User-Agent"] == USER_AGENT


def test_retry_after_as_http_date(requests_mock):
    when = datetime.now(UTC) + timedelta(seconds=30)
    requests_mock.get(
        URL,
        [
            {
                "status_code": 503,
                "headers": {"Retry-After": email.utils.format_datetime(when, usegmt=True)},
            },
            {"status_code": 200, "json": {}},
        ],
    )
    sleep = Recorder()
    http_get(URL, source="PVGIS", sleep=sleep)
    # HTTP dates have 1 s resolution and the clock moves on: 28-30 s.
    assert 28.0 <= sleep.waits[0] <= 30.0


def test_retry_after_longer_than_patience_fails_at_once(requests_mock):
    requests_mock.get(URL, status_code=429, headers={"Retry-After": "3600"})
    sleep = Recorder()
    with pytest.raises(WeatherSourceUnavailable, match="3600 s") as info:
        http_get(URL, source="PVGIS", sleep=sleep)
    assert sleep.waits == []
    assert requests_mock.call_count == 1
    assert str(info.value).endswith(HINT)


def test_503_exhausts_tries_with_exponential_backoff(requests_mock):
    requests_mock.get(URL, status_code=503, reason="Service Unavailable")
    sleep = Recorder()
    with pytest.raises(WeatherSourceUnavailable) as info:
        http_get(URL, source="PVGIS", sleep=sleep)
    # Default policy: 4 tries, waits 1, 2, 4 s in between.
    assert requests_mock.call_count == 4
    assert sleep.waits == [1.0, 2.0, 4.0]
    message = str(info.value)
    assert message.startswith(f"could not reach PVGIS at {URL}: HTTP 503 Service Unavailable")
    assert "4 tries" in message and message.endswith(HINT)


def test_backoff_is_capped():
    policy = RetryPolicy(tries=5, backoff_s=25.0, backoff_factor=2.0, max_wait_s=60.0)
    assert [policy.wait_s(n) for n in (1, 2, 3, 4)] == [25.0, 50.0, 60.0, 60.0]


def test_connection_error_then_success(requests_mock):
    requests_mock.get(
        URL,
        [
            {"exc": requests.exceptions.ConnectionError("Connection refused")},
            {"status_code": 200, "json": {}},
        ],
    )
    sleep = Recorder()
    assert http_get(URL, source="PVGIS", sleep=sleep).status_code == 200
    assert sleep.waits == [1.0]


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (
            requests.exceptions.ConnectionError(
                "HTTPSConnectionPool(host='re.jrc.ec.europa.eu', port=443): Max retries exceeded "
                "(Caused by NameResolutionError(\"Failed to resolve 're.jrc.ec.europa.eu' "
                '([Errno -2] Name or service not known)"))'
            ),
            "the host name could not be resolved (offline, or no DNS)",
        ),
        (
            requests.exceptions.ConnectionError("[Errno 111] Connection refused"),
            "connection refused",
        ),
        (requests.exceptions.ConnectTimeout("timed out"), "no connection within 10 s"),
        (requests.exceptions.ReadTimeout("read timed out"), "no answer within 30 s"),
    ],
)
def test_unreachable_message_names_source_url_reason_and_fallback(requests_mock, exc, reason):
    requests_mock.get(URL, exc=exc)
    sleep = Recorder()
    with pytest.raises(WeatherSourceUnavailable) as info:
        http_get(URL, source="PVGIS", sleep=sleep, retry=RetryPolicy(tries=3))
    assert str(info.value) == f"could not reach PVGIS at {URL}: {reason} (3 tries); {HINT}"
    assert sleep.waits == [1.0, 2.0]


def test_offline_socket_gives_a_clear_message():
    # No mock: the test suite's socket guard refuses the connection like an offline machine.
    # 192.0.2.1 is TEST-NET-1 (RFC 5737), so no DNS lookup is attempted.
    sleep = Recorder()
    with pytest.raises(WeatherSourceUnavailable) as info:
        http_get("http://192.0.2.1/api", source="PVGIS", sleep=sleep, retry=RetryPolicy(tries=2))
    message = str(info.value)
    assert message.startswith("could not reach PVGIS at http://192.0.2.1/api: ")
    assert message.endswith(HINT)
    assert sleep.waits == [1.0]


def test_client_errors_are_returned_not_retried(requests_mock):
    requests_mock.get(
        URL, status_code=400, json={"message": "Location over the sea", "status": 400}
    )
    sleep = Recorder()
    response = http_get(URL, source="PVGIS", sleep=sleep)
    assert response.status_code == 400
    assert requests_mock.call_count == 1 and sleep.waits == []


def test_json_body_rejects_html(requests_mock):
    requests_mock.get(URL, text="<html>maintenance</html>")
    response = http_get(URL, source="PVGIS")
    with pytest.raises(WeatherSourceUnavailable, match="not JSON"):
        json_body(response, "PVGIS")


def test_check_coordinates():
    assert check_coordinates("30.27", 120) == (30.27, 120.0)
    assert check_coordinates(-90, 180) == (-90.0, 180.0)
    for lat, lon, named in [
        (91, 0, "latitude 91"),
        (0, -180.5, "longitude -180.5"),
        (math.nan, 0, "latitude"),
        (0, math.inf, "longitude"),
        ("north", 0, "'north'"),
    ]:
        with pytest.raises(WeatherInputError, match=named):
            check_coordinates(lat, lon)
