"""A local HTTP server that replays recorded arXiv responses (OAI-PMH pages, Atom feeds).

Tests register responses keyed by query parameters, run the real harvesters against
``server.url`` and then inspect ``server.requests``. It binds 127.0.0.1 on a free port and runs
in a daemon thread; nothing leaves the machine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/xml; charset=utf-8"})

    @classmethod
    def file(cls, path: Path, status: int = 200, **headers: str) -> Reply:
        content_type = "text/html" if path.suffix == ".html" else "text/xml; charset=utf-8"
        return cls(status=status, body=path.read_bytes(), headers={"Content-Type": content_type, **headers})


Matcher = Callable[[dict[str, str]], bool]


class ReplayServer:
    """Routes: (matcher on the query dict, queue of replies). The last reply of a queue repeats."""

    def __init__(self):
        self.routes: list[tuple[Matcher, list[Reply]]] = []
        self.requests: list[dict[str, str]] = []
        self.paths: list[str] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query, keep_blank_values=True))
                reply = server._reply_for(parts.path, query)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args):  # keep test output clean
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/oai2"

    def add(self, matcher: Matcher | dict[str, str], *replies: Reply) -> None:
        if isinstance(matcher, dict):
            expected = dict(matcher)
            matcher = lambda q, expected=expected: all(q.get(k) == v for k, v in expected.items())  # noqa: E731
        self.routes.append((matcher, list(replies)))

    def _reply_for(self, path: str, query: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(query)
            self.paths.append(path)
            for matcher, replies in self.routes:
                if matcher(query):
                    return replies.pop(0) if len(replies) > 1 else replies[0]
        return Reply(status=404, body=f"no recorded response for {query}".encode(),
                     headers={"Content-Type": "text/plain"})

    def __enter__(self) -> ReplayServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
