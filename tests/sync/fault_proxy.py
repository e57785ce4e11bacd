"""A small HTTP fault-injecting proxy for the sync tests (loopback only).

It sits between the engine and a real server and, per request, passes it or
breaks it on purpose. Each client connection carries ONE request (the proxy
answers `Connection: close`), each upstream connection too, so a response is
simply everything the server sends until it closes. Faults:

  pass           forward, answer
  drop_request   close the client connection; the server never sees it
  drop_response  forward (the server applies it), then close without answering
  cut_body       forward, then send the headers and half the body, then close
  repeat         forward the request twice, answer with the second response
  restart        forward, restart the server process, drop the answer
  down           answer nothing, as if the server were down

Bounded: every socket has a timeout, the accept loop polls a stop flag, and
`stop()` joins every thread it started.
"""
from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

FAULTS = ("pass", "drop_request", "drop_response", "cut_body", "repeat", "restart", "down")
IO_TIMEOUT = 30.0
MAX_HEADER = 64 * 1024

Plan = Callable[[int, str, str], str]  # (request number from 0, method, path) -> fault


@dataclass
class Logged:
    number: int
    method: str
    path: str
    fault: str


@dataclass
class FaultProxy:
    upstream_port: int
    plan: Plan = field(default=lambda n, m, p: "pass")
    restart_server: Callable[[], None] | None = None
    log: list[Logged] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._count = 0
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept_loop, name="fault-proxy", daemon=True)
        self._acceptor.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def faults_used(self) -> set[str]:
        return {entry.fault for entry in self.log}

    def stop(self) -> None:
        self._stop.set()
        self._acceptor.join(timeout=5)
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=IO_TIMEOUT)

    # -- plumbing -------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(IO_TIMEOUT)
        with conn:
            request = _read_request(conn)
            if request is None:
                return
            method, path = _request_line(request)
            with self._lock:
                number = self._count
                self._count += 1
            fault = self.plan(number, method, path)
            self.log.append(Logged(number, method, path, fault))
            self._apply(conn, fault, _close_request(request))

    def _apply(self, conn: socket.socket, fault: str, request: bytes) -> None:
        if fault in ("drop_request", "down"):
            return
        response = self._forward(request)
        if fault == "repeat":
            response = self._forward(request)
        if fault == "restart" and self.restart_server is not None:
            self.restart_server()
            return
        if response is None or fault == "drop_response":
            return
        response = _close_response(response)
        if fault == "cut_body":
            head, _, body = response.partition(b"\r\n\r\n")
            response = head + b"\r\n\r\n" + body[: max(1, len(body) // 2)]
        conn.sendall(response)

    def _forward(self, request: bytes) -> bytes | None:
        try:
            with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=IO_TIMEOUT) as up:
                up.sendall(request)
                chunks = []
                while chunk := up.recv(65536):
                    chunks.append(chunk)
                return b"".join(chunks) or None
        except OSError:
            return None  # server down: the client sees a closed connection


def _read_request(conn: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = conn.recv(65536)
        except OSError:
            return None
        if not chunk or len(data) > MAX_HEADER:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n" + body


def _request_line(request: bytes) -> tuple[str, str]:
    parts = request.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
    return parts[0], parts[1] if len(parts) > 1 else ""


def _with_close(head: bytes) -> bytes:
    lines = [ln for ln in head.split(b"\r\n") if not ln.lower().startswith((b"connection:", b"keep-alive:"))]
    return b"\r\n".join([*lines, b"Connection: close"])


def _close_request(request: bytes) -> bytes:
    head, _, body = request.partition(b"\r\n\r\n")
    return _with_close(head) + b"\r\n\r\n" + body


def _close_response(response: bytes) -> bytes:
    head, _, body = response.partition(b"\r\n\r\n")
    return _with_close(head) + b"\r\n\r\n" + body


def scripted(script: dict[int, str], default: str = "pass") -> Plan:
    """Faults by request number: {0: "drop_request", 3: "cut_body", ...}."""
    return lambda number, _method, _path: script.get(number, default)
