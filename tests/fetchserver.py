"""A small threaded HTTP/1.1 server on 127.0.0.1 that misbehaves on request.

pytest-httpserver (werkzeug) cannot reset a connection mid-body, lie about Content-Length or
trickle a body, and those are exactly the faults the fetcher must survive, so the server speaks
raw sockets. Each path has a list of replies used in turn (the last one repeats); every request
is counted, so tests can assert what was retried and what was never contacted.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import socketserver
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["FaultServer", "Reply", "html_page"]


def html_page(title: str, body: str = "", *, charset: str = "utf-8") -> bytes:
    """A minimal report-like page in ``charset``."""
    text = (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><h1>{title}</h1>{body}</body></html>"
    )
    return text.encode(charset)


@dataclass
class Reply:
    """One canned answer. ``fault``: None | "reset" | "truncate" | "slow" | "stall" | "close"."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    fault: str | None = None
    pause: float = 0.0  # "slow": between 16-byte pieces; "stall": before the body; else before replying
    chunked: bool = False
    gzip: bool = False
    etag: str | None = None  # answer If-None-Match with 304
    location: str | None = None


@dataclass
class _Route:
    replies: list[Reply]
    used: int = 0

    def next(self) -> Reply:
        reply = self.replies[min(self.used, len(self.replies) - 1)]
        self.used += 1
        return reply


class FaultServer:
    """``with FaultServer() as server: server.add("/a", Reply(...)); server.url("/a")``."""

    def __init__(self) -> None:
        self.routes: dict[str, _Route | Callable[[str, dict[str, str]], Reply]] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                server._handle(self)

            def finish(self) -> None:
                with contextlib.suppress(OSError):  # the connection was reset on purpose
                    super().finish()

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 128

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, *replies: Reply) -> str:
        self.routes[path] = _Route(list(replies) or [Reply()])
        return self.url(path)

    def add_handler(self, path: str, handler: Callable[[str, dict[str, str]], Reply]) -> str:
        """``handler(path_with_query, headers)``; a path ending in ``?*`` matches any query."""
        self.routes[path] = handler
        return self.url(path)

    def _reply_for(self, path: str, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.hits[path] += 1
            self.requests.append((path, headers))
            route = self.routes.get(path) or self.routes.get(path.split("?", 1)[0] + "?*")
            if route is None:
                return Reply(404, b"not found", "text/plain")
            if isinstance(route, _Route):
                return route.next()
        return route(path, headers)

    def _handle(self, handler: socketserver.StreamRequestHandler) -> None:
        line = handler.rfile.readline(65537).decode("latin-1")
        if not line.strip():
            return
        headers: dict[str, str] = {}
        while True:
            raw = handler.rfile.readline(65537)
            if raw in (b"\r\n", b"\n", b""):
                break
            name, _, value = raw.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        path = line.split(" ")[1]
        reply = self._reply_for(path, headers)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            _send(handler.connection, reply, headers)


def _send(conn: socket.socket, reply: Reply, request_headers: dict[str, str]) -> None:
    if reply.pause and reply.fault is None:
        time.sleep(reply.pause)
    if reply.etag and request_headers.get("if-none-match") == reply.etag:
        conn.sendall(f"HTTP/1.1 304 Not Modified\r\nETag: {reply.etag}\r\nConnection: close\r\n\r\n".encode())
        return
    if reply.fault == "close":
        _reset(conn)
        return
    body = gzip.compress(reply.body, mtime=0) if reply.gzip else reply.body
    head = [f"HTTP/1.1 {reply.status} X", "Connection: close"]
    if reply.content_type:
        head.append(f"Content-Type: {reply.content_type}")
    if reply.gzip:
        head.append("Content-Encoding: gzip")
    if reply.etag:
        head.append(f"ETag: {reply.etag}")
    if reply.location:
        head.append(f"Location: {reply.location}")
    head += [f"{k}: {v}" for k, v in reply.headers]
    if reply.chunked:
        head.append("Transfer-Encoding: chunked")
    else:
        extra = 100 if reply.fault == "truncate" else 0
        head.append(f"Content-Length: {len(body) + extra}")
    conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
    _send_body(conn, reply, body)


def _send_body(conn: socket.socket, reply: Reply, body: bytes) -> None:
    if reply.fault == "reset":
        conn.sendall(body[: len(body) // 2])
        time.sleep(0.01)
        _reset(conn)
        return
    if reply.fault == "stall":
        time.sleep(reply.pause)
    if reply.chunked:
        for start in range(0, len(body), 4096):
            piece = body[start : start + 4096]
            conn.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        conn.sendall(b"0\r\n\r\n")
        return
    if reply.fault == "slow":
        for start in range(0, len(body), 16):
            conn.sendall(body[start : start + 16])
            time.sleep(reply.pause)
        return
    conn.sendall(body)


def _reset(conn: socket.socket) -> None:
    """Close with RST (SO_LINGER 0) so the client sees 'connection reset', not a clean EOF."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()
