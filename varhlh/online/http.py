"""The one HTTP session of the online features, and the record of every request it makes.

Rules (docs/validation-and-security.md, "Online features (opt-in) and privacy"):

* one ``requests_cache.CachedSession`` per run, ``User-Agent: varhlh/<version>``, explicit
  ``(connect, read)`` timeouts from Settings, TLS verification always on (``verify=True`` on every
  call; ``https://`` required except for a loopback host), no redirects followed (a redirected
  POST could carry patient variants to another host: a 3xx is an error naming the new address);
* bounded retries: timeouts, connection errors, 429, 500, 502, 503 and 504 are retried up to
  ``online_retries`` times, POST batches included. On 429/503 the server's ``Retry-After`` is
  honoured (seconds, fractional as Ensembl sends them, e.g. ``40.0``, or an HTTP date); without it
  the wait is ``online_backoff_s x 2^(retry-1)``. A ``Retry-After`` above
  ``online_max_retry_after_s`` fails at once. urllib3's ``Retry`` is not used because it rejects
  fractional ``Retry-After`` values (``InvalidHeader: 40.0``) and skips POST by default;
* cache: SQLite with the **JSON serializer** (never pickle), explicit expiry
  (``online_cache_days``), GET and POST cached (the POST body is part of the key), only status
  200 stored, in a per-user directory created with mode 0700 (file 0600). An existing directory
  that other users can access is refused: the cache holds patient-derived variant lists.
  ``--offline`` answers from the cache only; ``--no-cache`` keeps responses in memory;
* a response is parsed as JSON and validated by the caller before use; a garbled or drifted
  response is an :class:`OnlineError`, and its cache entry is deleted so it cannot be replayed;
* :meth:`OnlineClient.get_bytes` and :meth:`OnlineClient.get_text` (``varhlh resources update``: byte
  ranges of public files, plain-text sequence) never use the cache: a range is not part of the cache key,
  and an update must see the current release. A body shorter than its ``Content-Length`` (a dropped
  connection) is retried like a connection error; a range request must be answered ``206`` with the
  ``Content-Range`` asked for (a server that ignores ``Range`` would send the whole multi-GB file);
* every logical request is recorded as an :class:`Exchange` (endpoint, purpose, number of
  variants sent, from cache or not, attempts, whether data left the machine).
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from varhlh import __version__
from varhlh.errors import ConfigError, OnlineError
from varhlh.online import INSTALL_ONLINE, OnlineRequest, default_cache_dir
from varhlh.settings import Settings

log = logging.getLogger("varhlh")
T = TypeVar("T")

USER_AGENT = f"varhlh/{__version__}"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})
CACHE_FILE = "http_cache.sqlite"
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")


class ResponseError(ValueError):
    """A parsed response that the caller's validator rejects (schema drift, missing results)."""


@dataclass(frozen=True)
class Exchange:
    """One logical request (its retries included), as recorded in the result's provenance."""

    service: str
    method: str
    endpoint: str
    """URL without the query string."""
    query: str
    purpose: str
    variants_sent: int
    from_cache: bool
    transmitted: bool
    """True when the request left (or may have left) the machine: any attempt not answered from
    the cache, failed attempts included."""
    status: int | None
    attempts: int
    items: tuple[str, ...] = field(default=(), repr=False)
    """The exact variant strings in the body (for the data-sent list; not repeated per request)."""
    received: int = 0
    """Bytes of the response body used (0 when the request failed)."""

    def to_dict(self) -> dict[str, Any]:
        return {"service": self.service, "method": self.method, "endpoint": self.endpoint, "query": self.query,
                "purpose": self.purpose, "variants_sent": self.variants_sent, "from_cache": self.from_cache,
                "left_machine": self.transmitted, "status": self.status, "attempts": self.attempts}


def check_url(url: str, setting: str) -> str:
    """The base URL without a trailing slash; https only, http only for a loopback host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and host:
        return url.rstrip("/")
    if parts.scheme == "http" and host in _LOOPBACK:
        return url.rstrip("/")
    msg = (f"setting {setting} = {url!r}: online services must use https:// (http:// only for a loopback "
           "host); TLS verification cannot be turned off")
    raise ConfigError(msg)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: '40.0', '3', or an HTTP date; None if absent/invalid."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class OnlineClient:
    """The run's single session; use as a context manager so that the cache is closed."""

    def __init__(self, settings: Settings, request: OnlineRequest,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        try:
            import requests
            import requests_cache
        except ImportError as exc:  # pragma: no cover - the online extra is in the test extra
            msg = f"online features need the 'online' extra ({exc.name} is missing): {INSTALL_ONLINE}"
            raise ConfigError(msg) from exc
        if request.offline and not request.use_cache:
            msg = "--offline needs the cache (it answers from the cache only); drop --no-cache"
            raise ConfigError(msg)
        self.settings = settings
        self.offline = request.offline
        self.exchanges: list[Exchange] = []
        self._requests = requests
        self._sleep = sleep
        self.cache = _cache_description(settings, request)
        backend: Any = "memory"
        if request.use_cache:
            database = Path(self.cache["path"]) / CACHE_FILE
            _private_file(database)
            backend = requests_cache.backends.sqlite.SQLiteCache(str(database), serializer="json")
        self.session = requests_cache.CachedSession(
            backend=backend, expire_after=timedelta(days=settings.online_cache_days),
            allowable_methods=("GET", "POST"), allowable_codes=(200,), stale_if_error=False,
            match_headers=False)
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})

    def __enter__(self) -> OnlineClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.close()  # type: ignore[no-untyped-call]

    def get_json(self, service: str, url: str, purpose: str, validate: Callable[[Any], T],
                 params: Mapping[str, str] | None = None) -> T:
        return self._call(service, "GET", url, purpose, validate, params, None, ())

    def post_json(self, service: str, url: str, purpose: str, validate: Callable[[Any], T], body: Any,
                  items: Sequence[str], params: Mapping[str, str] | None = None) -> T:
        return self._call(service, "POST", url, purpose, validate, params, body, tuple(items))

    def get_text(self, service: str, url: str, purpose: str, validate: Callable[[str], T],
                 params: Mapping[str, str] | None = None) -> T:
        """A plain-text GET (not cached); ``validate`` gets the body decoded as UTF-8."""
        return self._call(service, "GET", url, purpose, validate, params, None, (), parse=_text, cached=False,
                          headers={"Accept": "text/plain"})

    def get_bytes(self, service: str, url: str, purpose: str, byte_range: tuple[int, int] | None = None
                  ) -> RangeAnswer:
        """A binary GET (not cached): the whole file, or bytes ``start..end`` (inclusive) answered with 206."""
        headers = {"Range": f"bytes={byte_range[0]}-{byte_range[1]}", "Accept": "*/*"} if byte_range else \
            {"Accept": "*/*"}
        expected = 206 if byte_range else 200
        return self._call(service, "GET", url, purpose, lambda answer: _check_range(answer, byte_range), None, None,
                          (), parse=_binary, cached=False, headers=headers, ok=expected,
                          query=headers.get("Range", ""))

    # ------------------------------------------------------------------ internals

    def _call(self, service: str, method: str, url: str, purpose: str, validate: Callable[[Any], T],
              params: Mapping[str, str] | None, body: Any, items: tuple[str, ...], *,
              parse: Callable[[Any, str], Any] | None = None, cached: bool = True,
              headers: Mapping[str, str] | None = None, ok: int = 200, query: str | None = None) -> T:
        query = query if query is not None else "&".join(f"{k}={v}" for k, v in (params or {}).items())
        where = f"{service} ({url}): {purpose}"
        state: dict[str, Any] = {"attempts": 0, "transmitted": False, "status": None, "from_cache": False,
                                 "received": 0}
        try:
            if cached:
                response = self._send(method, url, params, body, where, state)
            else:
                with self.session.cache_disabled():
                    response = self._send(method, url, params, body, where, state, headers=headers, ok=ok)
            state["received"] = len(response.content)
            try:
                return validate((parse or _parse)(response, where))
            except (OnlineError, ResponseError) as exc:
                if cached:
                    self.session.cache.delete(requests=[response.request])  # never replay a bad answer
                if isinstance(exc, OnlineError):
                    raise
                msg = f"{where}: unusable response ({exc}); no result was used, nothing was treated as benign"
                raise OnlineError(msg) from exc
        finally:
            self.exchanges.append(Exchange(service, method, url, query, purpose, len(items),
                                           bool(state["from_cache"]), bool(state["transmitted"]),
                                           state["status"], int(state["attempts"]), items,
                                           int(state["received"])))

    def _send(self, method: str, url: str, params: Mapping[str, str] | None, body: Any, where: str,
              state: dict[str, Any], headers: Mapping[str, str] | None = None, ok: int = 200) -> Any:
        requests = self._requests
        settings = self.settings
        attempts = 1 + (0 if self.offline else settings.online_retries)
        timeout = (settings.online_connect_timeout_s, settings.online_read_timeout_s)
        last = ""
        for attempt in range(1, attempts + 1):
            state["attempts"] = attempt
            try:
                response = self.session.request(method, url, params=params, json=body, timeout=timeout, verify=True,
                                                allow_redirects=False, only_if_cached=self.offline,
                                                headers=dict(headers) if headers else None)
            except requests.exceptions.SSLError as exc:
                state["transmitted"] = True
                msg = (f"{where}: TLS certificate verification failed ({_reason(exc)}); check the URL and the "
                       "system CA store")
                raise OnlineError(msg) from exc
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                state["transmitted"] = True
                last = f"{type(exc).__name__}: {_reason(exc)}"
                if isinstance(exc, requests.exceptions.ChunkedEncodingError):  # fewer bytes than Content-Length
                    last = f"truncated response ({_reason(exc)})"
                wait = self._backoff(attempt)
            else:
                from_cache = bool(getattr(response, "from_cache", False))
                state.update(status=response.status_code, from_cache=from_cache)
                state["transmitted"] = state["transmitted"] or not from_cache
                log.info("online: %s %s (%s) -> HTTP %s%s", method, url, where.rsplit(": ", 1)[-1],
                         response.status_code, " from cache" if from_cache else "")
                if self.offline and response.status_code == 504 and from_cache:
                    msg = (f"{where}: not in the cache (or older than online_cache_days = "
                           f"{settings.online_cache_days:g} days) and --offline forbids network access; run once "
                           "without --offline or point --cache-dir at the cache of an earlier run")
                    raise OnlineError(msg)
                if response.status_code == ok:
                    return response
                if response.status_code == 200 and ok == 206:
                    msg = (f"{where}: the server ignored the byte range (HTTP 200 for a Range request); a whole "
                           "file was not downloaded: use a server that supports range requests")
                    raise OnlineError(msg)
                if 300 <= response.status_code < 400:
                    msg = (f"{where}: HTTP {response.status_code} redirect to {response.headers.get('Location')!r}, "
                           "not followed; update the service URL setting")
                    raise OnlineError(msg)
                last = f"HTTP {response.status_code}{_detail(response)}"
                if response.status_code not in RETRY_STATUSES:
                    msg = f"{where}: {last}; check the request parameters and the service URL"
                    raise OnlineError(msg)
                wait = self._wait(response, attempt, where)
            if attempt < attempts:
                log.warning("online: %s: %s; retry %d of %d in %.1f s", where, last, attempt,
                            attempts - 1, wait)
                self._sleep(wait)
        msg = f"{where}: {last} after {attempts} attempt(s); retry later or check the network, proxy and URL"
        raise OnlineError(msg)

    def _backoff(self, attempt: int) -> float:
        return float(self.settings.online_backoff_s * 2 ** (attempt - 1))

    def _wait(self, response: Any, attempt: int, where: str) -> float:
        if response.status_code not in RETRY_AFTER_STATUSES:
            return self._backoff(attempt)
        asked = parse_retry_after(response.headers.get("Retry-After"))
        if asked is None:
            return self._backoff(attempt)
        if asked > self.settings.online_max_retry_after_s:
            msg = (f"{where}: HTTP {response.status_code} with Retry-After {asked:g} s, more than "
                   f"online_max_retry_after_s = {self.settings.online_max_retry_after_s:g}; retry later")
            raise OnlineError(msg)
        return asked


@dataclass(frozen=True)
class RangeAnswer:
    """The body of a binary GET, with what the server said about the file."""

    data: bytes
    start: int
    """Offset of ``data`` in the file."""
    total: int | None
    """Size of the whole file (``Content-Range``/``Content-Length``), None if not stated."""
    version: str | None
    """ETag or Last-Modified of the file: a file replaced between two range requests is detected."""


def _binary(response: Any, where: str) -> RangeAnswer:
    data = response.content
    stated = response.headers.get("Content-Length")
    if stated is not None and stated.isdigit() and int(stated) != len(data):
        msg = f"{where}: truncated response ({len(data)} of {stated} bytes); nothing was used"
        raise OnlineError(msg)
    start, total = 0, len(data) if response.status_code == 200 else None
    content_range = response.headers.get("Content-Range", "")
    if response.status_code == 206:
        match = _CONTENT_RANGE.match(content_range.strip())
        if match is None:
            msg = f"{where}: HTTP 206 without a valid Content-Range ({content_range!r}); nothing was used"
            raise OnlineError(msg)
        start = int(match.group(1))
        total = int(match.group(3)) if match.group(3) != "*" else None
        if int(match.group(2)) - start + 1 != len(data):
            msg = (f"{where}: Content-Range {content_range} but {len(data)} bytes received (truncated); "
                   "nothing was used")
            raise OnlineError(msg)
    version = response.headers.get("ETag") or response.headers.get("Last-Modified")
    return RangeAnswer(data, start, total, version)


def _check_range(answer: RangeAnswer, byte_range: tuple[int, int] | None) -> RangeAnswer:
    if byte_range is not None and answer.start != byte_range[0]:
        msg = f"asked for bytes from {byte_range[0]}, got bytes from {answer.start}"
        raise ResponseError(msg)
    return answer


def _text(response: Any, where: str) -> str:
    try:
        return str(response.content.decode("utf-8"))
    except UnicodeDecodeError as exc:
        msg = f"{where}: response is not UTF-8 text ({exc.reason} at byte {exc.start}); nothing was used"
        raise OnlineError(msg) from exc


def _parse(response: Any, where: str) -> Any:
    try:
        return json.loads(response.content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        size = len(response.content)
        msg = (f"{where}: response is not valid JSON ({exc.__class__.__name__} at {getattr(exc, 'pos', '?')} of "
               f"{size} bytes: truncated or garbled); no result was used")
        raise OnlineError(msg) from exc


def _detail(response: Any) -> str:
    """Up to 160 characters of the server's error message (Ensembl 'error', DRF 'detail')."""
    try:
        data = json.loads(response.content.decode("utf-8"))
        text = str(data.get("error") or data.get("detail") or "") if isinstance(data, dict) else ""
    except (UnicodeDecodeError, json.JSONDecodeError):
        text = ""
    text = " ".join(text.split())[:160]
    return f" ({text})" if text else ""


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]


def _cache_description(settings: Settings, request: OnlineRequest) -> dict[str, Any]:
    if not request.use_cache:
        return {"path": None, "backend": "memory (this run only)", "serializer": None,
                "expire_after_days": settings.online_cache_days, "offline": request.offline}
    directory = (request.cache_dir or default_cache_dir()).expanduser().resolve()
    _private_dir(directory)
    return {"path": str(directory), "backend": "sqlite", "serializer": "json",
            "expire_after_days": settings.online_cache_days, "offline": request.offline}


def _private_dir(directory: Path) -> None:
    """Create ``directory`` with mode 0700; refuse an existing one that other users can reach."""
    if not directory.exists():
        try:
            directory.mkdir(mode=0o700, parents=True)
        except OSError as exc:
            msg = f"{directory}: cannot create the online cache directory ({exc.strerror}); choose another --cache-dir"
            raise ConfigError(msg) from exc
        return
    info = directory.stat()
    if not stat.S_ISDIR(info.st_mode):
        msg = f"{directory}: --cache-dir is not a directory"
        raise ConfigError(msg)
    if os.name == "posix" and (info.st_mode & 0o077 or info.st_uid != os.getuid()):
        msg = (f"{directory}: the online cache holds patient-derived variant lists, but this directory is "
               f"accessible to other users (mode {stat.S_IMODE(info.st_mode):o}); run 'chmod 700 {directory}' "
               "or choose a private --cache-dir")
        raise ConfigError(msg)


def _private_file(path: Path) -> None:
    """Create the cache database readable by its owner only (an empty file is an empty SQLite database)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        if os.name == "posix":
            path.chmod(0o600)
    except OSError as exc:
        msg = f"{path}: cannot create the online cache ({exc.strerror}); choose another --cache-dir"
        raise ConfigError(msg) from exc


__all__ = ["Exchange", "OnlineClient", "RangeAnswer", "ResponseError", "check_url", "parse_retry_after"]
