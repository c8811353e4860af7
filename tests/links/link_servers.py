"""Web servers on 127.0.0.1 to 127.0.0.8 for the link checks, each counting what it is asked.

Linux routes all of 127/8 to loopback, so eight addresses are eight hosts to the checker. Each
server is a ``ThreadingHTTPServer`` in a thread; the path says what it answers (below), and it
records every request (method and path) and the most requests it ever had in flight at once.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ADDRESSES = tuple(f"127.0.0.{n}" for n in range(1, 9))


class LinkServer:
    def __init__(self, address: str) -> None:
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.in_flight = 0  # requests of this test (since the last reset) not yet answered
        self.most_in_flight = 0
        self.generation = 0  # a request still sleeping from an earlier test is not counted
        self.asked: dict[str, int] = {}
        self.agents: set[str] = set()
        self.release = threading.Event()  # ends every /hang of this test (set by reset)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                pass

            def do_HEAD(self) -> None:
                server.answer(self, "HEAD")

            def do_GET(self) -> None:
                server.answer(self, "GET")

        self.httpd = ThreadingHTTPServer((address, 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://{address}:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, method: str | None = None) -> int:
        with self.lock:
            return sum(1 for m, _ in self.requests if method is None or m == method)

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.asked.clear()
            self.agents.clear()
            self.most_in_flight = 0
            self.in_flight = 0
            self.generation += 1
            self.release.set()
            self.release = threading.Event()

    def answer(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query)
        with self.lock:
            self.requests.append((method, handler.path))
            self.agents.add(handler.headers.get("User-Agent", ""))
            generation = self.generation
            release = self.release
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            times = self.asked[handler.path] = self.asked.get(handler.path, 0) + 1
        try:
            delay = float(query.get("ms", ["0"])[0]) / 1000
            if delay:
                time.sleep(delay)
            if parts.path == "/hang":  # answers only once the test is over, however slow it is
                release.wait(60)
            if parts.path == "/head-breaks" and method == "HEAD":
                handler.close_connection = True  # hangs up without a word
                return
            status, headers = self.route(parts.path, method, times)
            body = b"hello " * 1000 if method == "GET" and status == 200 else b""
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if body:
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self.lock:
                if generation == self.generation:
                    self.in_flight -= 1

    def route(self, path: str, method: str, times: int) -> tuple[int, dict[str, str]]:
        """What each path answers."""
        if path == "/hang":
            return 200, {}
        if path.startswith("/ok") or (path.endswith("/") and path.startswith("/slash")):
            return 200, {}
        if path == "/head-breaks":
            return 200, {}
        if path == "/head405":
            return (405, {}) if method == "HEAD" else (200, {})
        if path.startswith("/status/"):
            return int(path.rsplit("/", 1)[1]), {}
        if path == "/moved":
            return 301, {"Location": "/chain/2"}
        if path == "/chain/2":
            return 308, {"Location": self.url("/ok/final")}
        if path == "/temporary":
            return 302, {"Location": "/ok/elsewhere"}
        if path == "/moved-then-gone":
            return 301, {"Location": "/status/404"}
        if path == "/slash":
            return 301, {"Location": "/slash/"}
        if path == "/to-https":
            return 301, {"Location": self.url("/ok").replace("http:", "https:")}
        if path == "/loop":
            return 302, {"Location": "/loop-back"}
        if path == "/loop-back":
            return 302, {"Location": "/loop"}
        if path.startswith("/hops/"):
            left = int(path.rsplit("/", 1)[1])
            return (200, {}) if left == 0 else (302, {"Location": f"/hops/{left - 1}"})
        if path == "/to-ftp":
            return 301, {"Location": "ftp://example.invalid/file"}
        if path == "/busy":
            return (429, {"Retry-After": "1"}) if times == 1 else (200, {})
        if path == "/always-busy":
            return 429, {"Retry-After": "1"}
        if path == "/flaky":
            return (503, {}) if times == 1 else (200, {})
        if path == "/slow":
            time.sleep(3)
            return 200, {}
        return 404, {}


@contextmanager
def link_servers() -> Iterator[list[LinkServer]]:
    servers = [LinkServer(address) for address in ADDRESSES]
    threads = [threading.Thread(target=s.httpd.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    try:
        yield servers
    finally:
        for server in servers:
            server.httpd.shutdown()
            server.httpd.server_close()


def closed_port_url() -> str:
    """A URL on a port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/nothing"
