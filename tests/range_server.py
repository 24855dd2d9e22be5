"""A tiny threaded HTTP server for the ``varhlh resources update`` tests: static files with byte ranges, and an
Ensembl-REST-like sequence service.

* ``/files/<name>``: files of a directory, ``Range: bytes=a-b`` answered with 206 and ``Content-Range`` (the way
  the NCBI FTP site and the gnomAD S3 bucket answer), a whole file with 200;
* ``/ensembl37/...`` and ``/ensembl38/...``: ``info/assembly/homo_sapiens``, ``info/software`` (JSON) and
  ``sequence/region/human/CHROM:START..END:1`` (text/plain), answered from a ``sequence(build, chrom, start, end)``
  callable;
* every request is logged (method, path with query, headers), so a test can assert what left the machine;
* faults per path prefix: an HTTP status, a delay (for timeouts), a truncated body, a corrupted byte.

Loopback only (``http://127.0.0.1``), which the online layer accepts without TLS.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")
_REGION = re.compile(r"^/sequence/region/human/([^:/]+):(\d+)\.\.(\d+)(?::(-?1))?$")


@dataclass
class Fault:
    status: int | None = None
    """Answer with this HTTP status instead."""
    delay: float = 0.0
    """Sleep this long before answering (longer than the client's read timeout: a timeout)."""
    truncate: int | None = None
    """Send only this many bytes of the body (Content-Length still says the full size)."""
    flip: int | None = None
    """XOR this byte of the body with 0xFF (a corrupted download)."""
    times: int | None = None
    """Apply to this many requests only (None: all)."""


@dataclass
class Logged:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class State:
    root: Path
    sequence: Callable[[str, str, int, int], str | None]
    assemblies: dict[str, str] = field(default_factory=lambda: {"ensembl37": "GRCh37", "ensembl38": "GRCh38"})
    release: int = 113
    faults: dict[str, Fault] = field(default_factory=dict)
    log: list[Logged] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fault(self, path: str) -> Fault | None:
        with self.lock:
            for prefix, fault in self.faults.items():
                if path.startswith(prefix):
                    if fault.times is not None:
                        if fault.times <= 0:
                            continue
                        fault.times -= 1
                    return fault
        return None


class _Handler(BaseHTTPRequestHandler):
    state: State
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40-ms delayed-ACK stall per request

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        state = self.state
        with state.lock:
            state.log.append(Logged("GET", self.path, dict(self.headers.items())))
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        fault = state.fault(path)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.status is not None:
            self._send(fault.status, b'{"error": "injected fault"}', "application/json")
            return
        if path.startswith("/files/"):
            self._file(state.root / path[len("/files/"):], fault)
        elif path.startswith(("/ensembl37/", "/ensembl38/")):
            service, _, rest = path[1:].partition("/")
            self._ensembl(service, "/" + rest, parse_qs(parts.query), fault)
        else:
            self._send(404, b"not found", "text/plain")

    def _file(self, target: Path, fault: Fault | None) -> None:
        if not target.is_file():
            self._send(404, b"<Error><Code>NoSuchKey</Code></Error>", "application/xml")
            return
        data = target.read_bytes()
        header = self.headers.get("Range")
        stamp = {"Last-Modified": self.date_time_string(int(target.stat().st_mtime))}
        if header is None:
            self._send(200, data, "application/octet-stream", fault=fault, extra=stamp)
            return
        match = _RANGE.match(header.strip())
        if match is None or int(match.group(1)) >= len(data):
            self._send(416, b"", "text/plain", extra={"Content-Range": f"bytes */{len(data)}"})
            return
        start = int(match.group(1))
        end = min(int(match.group(2)) if match.group(2) else len(data) - 1, len(data) - 1)
        self._send(206, data[start:end + 1], "application/octet-stream", fault=fault,
                   extra={"Content-Range": f"bytes {start}-{end}/{len(data)}", "Accept-Ranges": "bytes", **stamp})

    def _ensembl(self, service: str, path: str, query: dict[str, list[str]], fault: Fault | None) -> None:
        build = self.state.assemblies.get(service, "")
        if path == "/info/assembly/homo_sapiens":
            body = {"assembly_name": f"{build}.p13" if build == "GRCh37" else f"{build}.p14",
                    "default_coord_system_version": build, "assembly_accession": "GCA_000001405"}
            self._send(200, json.dumps(body).encode(), "application/json", fault=fault)
            return
        if path == "/info/software":
            self._send(200, json.dumps({"release": self.state.release}).encode(), "application/json", fault=fault)
            return
        match = _REGION.match(path)
        if match is None:
            self._send(400, b'{"error": "unknown endpoint"}', "application/json")
            return
        chrom, start, end = match.group(1), int(match.group(2)), int(match.group(3))
        if end - start + 1 > 10_000_000:
            self._send(400, b'{"error": "maximum allowed length exceeded"}', "application/json")
            return
        sequence = self.state.sequence(build, chrom, start, end)
        if sequence is None:
            self._send(400, b'{"error": "no slice"}', "application/json")
            return
        self._send(200, sequence.encode(), "text/plain", fault=fault)

    def _send(self, status: int, body: bytes, kind: str, fault: Fault | None = None,
              extra: dict[str, str] | None = None) -> None:
        length = len(body)
        if fault is not None and fault.flip is not None and fault.flip < len(body):
            body = body[:fault.flip] + bytes([body[fault.flip] ^ 0xFF]) + body[fault.flip + 1:]
        if fault is not None and fault.truncate is not None:
            body = body[:fault.truncate]
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        if fault is not None and fault.truncate is not None:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)


@contextmanager
def serve(root: Path, sequence: Callable[[str, str, int, int], str | None]) -> Iterator[tuple[str, State]]:
    """Serve ``root`` and the sequence service on a free loopback port; yields (base URL, state)."""
    state = State(root, sequence)
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
