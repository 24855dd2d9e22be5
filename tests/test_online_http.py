"""The one HTTP session of the online features, against a local HTTP server (no internet).

Retries (429/503 with Retry-After, 5xx, timeouts, POST included), the Retry-After cap, redirects,
TLS/URL policy, the JSON-serialised private cache, --offline and the never-replay rule for bad
answers. Waits are observed through the client's ``sleep`` hook; nothing measures wall time.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from varhlh.errors import ConfigError, OnlineError
from varhlh.online import OnlineRequest, default_cache_dir
from varhlh.online.http import CACHE_FILE, USER_AGENT, OnlineClient, ResponseError, check_url, parse_retry_after
from varhlh.settings import Settings

FAST = Settings(online_backoff_s=0.25, online_retries=2, online_connect_timeout_s=2, online_read_timeout_s=5)


def as_is(data: object) -> object:
    return data


class Sleeps:
    """Records the waits the client asks for (and does not wait)."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def client(tmp_path: Path, sleeps: Sleeps | None = None, settings: Settings = FAST, **request: object) -> OnlineClient:
    return OnlineClient(settings, OnlineRequest(cache_dir=tmp_path / "cache", **request),  # type: ignore[arg-type]
                        sleep=sleeps or Sleeps())


def test_fractional_retry_after_on_429_is_honoured_for_a_post_batch(httpserver: HTTPServer, tmp_path: Path) -> None:
    """Ensembl sends 'Retry-After: 40.0'; urllib3's Retry would raise InvalidHeader on it."""
    body = {"variants": ["10 72358355 . C T . . ."]}
    httpserver.expect_ordered_request("/vep", method="POST", json=body).respond_with_data(
        "{}", status=429, headers={"Retry-After": "1.5", "X-RateLimit-Remaining": "0"})
    httpserver.expect_ordered_request("/vep", method="POST", json=body).respond_with_json([{"ok": 1}])
    sleeps = Sleeps()
    with client(tmp_path, sleeps) as c:
        got = c.post_json("VEP", httpserver.url_for("/vep"), "batch 1/1", as_is, body, body["variants"])
        exchange = c.exchanges[-1]
    assert got == [{"ok": 1}]
    assert sleeps.calls == [1.5]
    assert (exchange.attempts, exchange.status, exchange.from_cache, exchange.transmitted) == (2, 200, False, True)
    assert [json.loads(r.data) for r, _ in httpserver.log] == [body, body]  # the same POST body, retried


def test_503_without_retry_after_backs_off_exponentially_then_succeeds(httpserver: HTTPServer, tmp_path: Path) -> None:
    for _ in range(2):
        httpserver.expect_ordered_request("/info").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/info").respond_with_json({"release": 113})
    sleeps = Sleeps()
    with client(tmp_path, sleeps) as c:
        assert c.get_json("VEP", httpserver.url_for("/info"), "release", as_is) == {"release": 113}
    assert sleeps.calls == [0.25, 0.5]


def test_500_exhausts_the_bounded_retries_with_one_line(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/info").respond_with_json({"error": "Internal\nServer  Error"}, status=500)
    sleeps = Sleeps()
    with client(tmp_path, sleeps) as c, pytest.raises(OnlineError) as caught:
        c.get_json("VEP", httpserver.url_for("/info"), "release", as_is)
    message = str(caught.value)
    assert "HTTP 500 (Internal Server Error) after 3 attempt(s)" in message and "\n" not in message
    assert len(httpserver.log) == 3 and sleeps.calls == [0.25, 0.5]


def test_retry_after_beyond_the_cap_fails_at_once(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/vep", method="POST").respond_with_data("", status=429, headers={"Retry-After": "3600"})
    sleeps = Sleeps()
    with client(tmp_path, sleeps) as c, pytest.raises(OnlineError, match=r"Retry-After 3600 s, more than "
                                                                         r"online_max_retry_after_s = 120"):
        c.post_json("VEP", httpserver.url_for("/vep"), "batch 1/1", as_is, {"variants": []}, [])
    assert sleeps.calls == [] and len(httpserver.log) == 1


def test_client_errors_are_not_retried(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/vep", method="POST").respond_with_json(
        {"error": "POST message too large. You have submitted 201 variants, the limit is 200"}, status=400)
    with client(tmp_path) as c, pytest.raises(OnlineError, match=r"HTTP 400 .POST message too large"):
        c.post_json("VEP", httpserver.url_for("/vep"), "batch 1/1", as_is, {"variants": []}, [])
    assert len(httpserver.log) == 1


def test_read_timeouts_are_retried_then_fail(httpserver: HTTPServer, tmp_path: Path) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/vep", method="POST").respond_with_handler(slow)
    settings = Settings(online_read_timeout_s=0.1, online_retries=1, online_backoff_s=0)
    with client(tmp_path, settings=settings) as c:
        with pytest.raises(OnlineError, match="ReadTimeout") as caught:
            c.post_json("VEP", httpserver.url_for("/vep"), "batch 1/1", as_is, {"variants": ["x"]}, ["x"])
        exchange = c.exchanges[-1]
    assert "after 2 attempt(s)" in str(caught.value)
    assert (exchange.attempts, exchange.status, exchange.transmitted) == (2, None, True)


def test_redirects_are_not_followed(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/vep", method="POST").respond_with_data(
        "", status=301, headers={"Location": "https://elsewhere.example/vep"})
    with client(tmp_path) as c, pytest.raises(OnlineError, match=r"redirect to 'https://elsewhere\.example/vep', "
                                                                 r"not followed"):
        c.post_json("VEP", httpserver.url_for("/vep"), "batch", as_is, {"variants": ["x"]}, ["x"])


@pytest.mark.parametrize(("url", "ok"), [
    ("https://grch37.rest.ensembl.org/", True),
    ("http://127.0.0.1:8080", True),
    ("http://localhost:5000/api/v1", True),
    ("http://grch37.rest.ensembl.org", False),
    ("ftp://rest.ensembl.org", False),
])
def test_only_https_or_loopback_http(url: str, ok: bool) -> None:
    if ok:
        assert check_url(url, "vep_grch37_url") == url.rstrip("/")
    else:
        with pytest.raises(ConfigError, match=r"must use https://"):
            check_url(url, "vep_grch37_url")


def test_parse_retry_after_forms() -> None:
    from datetime import datetime, timezone

    now = datetime(2026, 2, 17, 11, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("40.0") == 40.0
    assert parse_retry_after("1.0232") == pytest.approx(1.0232)
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Tue, 17 Feb 2026 11:00:30 GMT", now) == 30.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_cache_is_json_private_and_replayed_offline(httpserver: HTTPServer, tmp_path: Path) -> None:
    body = {"variants": ["10 72358355 . C T . . ."]}
    httpserver.expect_request("/vep", method="POST", json=body).respond_with_json([{"input": body["variants"][0]}])
    with client(tmp_path) as c:
        c.post_json("VEP", httpserver.url_for("/vep"), "batch", as_is, body, body["variants"])
    assert httpserver.log[0][0].headers["User-Agent"] == USER_AGENT
    directory, database = tmp_path / "cache", tmp_path / "cache" / CACHE_FILE
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700 and stat.S_IMODE(database.stat().st_mode) == 0o600
    with sqlite3.connect(database) as db:
        stored = [row[0] for row in db.execute("SELECT value FROM responses")]
    assert len(stored) == 1
    assert json.loads(stored[0])["status_code"] == 200  # JSON text, not a pickle
    with client(tmp_path, offline=True) as c:  # offline: answered from the cache, no request sent
        assert c.post_json("VEP", httpserver.url_for("/vep"), "batch", as_is, body, body["variants"])
        exchange = c.exchanges[-1]
    assert len(httpserver.log) == 1
    assert (exchange.from_cache, exchange.transmitted) == (True, False)


def test_offline_cache_miss_fails_without_network(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/info").respond_with_json({"release": 113})
    with client(tmp_path, offline=True) as c, pytest.raises(OnlineError, match=r"not in the cache .* --offline "
                                                                                r"forbids network access"):
        c.get_json("VEP", httpserver.url_for("/info"), "release", as_is)
    assert httpserver.log == []


def test_bad_answers_are_never_cached_for_replay(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_ordered_request("/info").respond_with_data('{"release": 11', content_type="application/json")
    httpserver.expect_ordered_request("/info").respond_with_json({"releases": [113]})
    httpserver.expect_ordered_request("/info").respond_with_json({"release": 113})

    def needs_release(data: object) -> object:
        if not isinstance(data, dict) or "release" not in data:
            msg = "no 'release' field"
            raise ResponseError(msg)
        return data

    with client(tmp_path) as c:
        with pytest.raises(OnlineError, match=r"not valid JSON .* truncated or garbled"):
            c.get_json("VEP", httpserver.url_for("/info"), "release", needs_release)
        with pytest.raises(OnlineError, match=r"unusable response .no 'release' field.*nothing was treated as benign"):
            c.get_json("VEP", httpserver.url_for("/info"), "release", needs_release)
        assert c.get_json("VEP", httpserver.url_for("/info"), "release", needs_release) == {"release": 113}
    assert len(httpserver.log) == 3  # neither bad answer was served again from the cache


def test_a_shared_cache_directory_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    if os.name != "posix":  # pragma: no cover
        pytest.skip("POSIX permissions only")
    with pytest.raises(ConfigError, match=r"patient-derived variant lists.*mode 755.*chmod 700"):
        OnlineClient(FAST, OnlineRequest(cache_dir=shared))


def test_default_cache_dir_is_per_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("VARHLH_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "varhlh"
    monkeypatch.setenv("VARHLH_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"
