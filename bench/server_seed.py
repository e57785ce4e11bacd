"""Bench-only seeding and server start for bench_server.py.

Records go in through `server.records.seed_many` (the path the demo CLI
uses). Accounts are made with `server.auth.create_user`, but with a cheap
argon2 hash (time_cost=1, memory 1 MiB): argon2 reads its parameters from the
hash, so the server verifies it unchanged. Production parameters would make
seeding 500 accounts and 500 simultaneous logins a benchmark of argon2.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from server import auth
from server.config import Settings
from server.db import open_database
from server.db.scratch import fresh_pg_database
from server.demo import DemoCommunity
from server.records import seed_many

ROOT = Path(__file__).resolve().parents[1]
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass(frozen=True)
class BenchWorker:
    username: str
    device: str
    grid_id: str
    households: list[str]


def seed_database(data_dir: Path, demo: DemoCommunity, workers: int, password: str,
                  db_url: str | None = None) -> list[BenchWorker]:
    """The demo community plus `workers` worker accounts spread over its grids."""
    engine = open_database(Settings.from_env(data_dir, db_url).database_url)
    households: dict[str, list[str]] = {}
    for entity, rid, fields in demo.records:
        if entity == "household":
            households.setdefault(fields["grid_id"], []).append(rid)
    admin = next(u for u in demo.users if u.role == "admin")
    cheap_hash = CHEAP_HASHER.hash(password)
    original = auth.hash_password
    auth.hash_password = lambda _password: cheap_hash  # bench-only: see module docstring
    try:
        with Session(engine) as session:
            auth.create_user(session, admin.username, password, "admin", admin.display_name,
                             user_id=admin.id)
            seed_many(session, demo.records, admin.id)
            out = []
            for i in range(workers):
                grid = demo.grids[i % len(demo.grids)]
                name = f"bench{i + 1:04d}"
                auth.create_user(session, name, password, "worker", f"网格员{i + 1}",
                                 community_id=demo.community_id, grid_ids=[grid.id])
                out.append(BenchWorker(name, f"bench-dev-{i + 1}", grid.id, households[grid.id]))
            session.commit()
    finally:
        auth.hash_password = original
        engine.dispose()
    return out


@contextlib.contextmanager
def fresh_database(base_url: str | None) -> Iterator[str | None]:
    """None for SQLite; for a PostgreSQL URL, a new empty database dropped afterwards."""
    if not base_url:
        yield None
        return
    with fresh_pg_database(base_url, prefix="bench") as url:
        yield url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class BenchServer:
    base_url: str
    process: subprocess.Popen


def start_bench_server(data_dir: Path, db_url: str | None = None,
                       workers: int = 1) -> contextlib.AbstractContextManager[BenchServer]:
    """`python -m server serve` on a free loopback port (our own small launcher: the
    test harness's start_server writes its log the same way, but we want no test imports
    here). Always stopped by pid (SIGTERM, then SIGKILL) on the way out."""
    port = free_port()
    command = [sys.executable, "-m", "server", "serve", "--data", str(data_dir),
               "--host", "127.0.0.1", "--port", str(port)] + (["--db", db_url] if db_url else [])
    if workers > 1:
        command += ["--workers", str(workers)]
    return _serving(command, port, data_dir / "server.log")


def start_null_server() -> contextlib.AbstractContextManager[BenchServer]:
    """bench/null_server.py on a free loopback port: the floor (no database, no checks)."""
    port = free_port()
    return _serving([sys.executable, str(ROOT / "bench" / "null_server.py"), "--port", str(port)], port, None)


@contextlib.contextmanager
def _serving(command: list[str], port: int, log: Path | None) -> Iterator[BenchServer]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(log or os.devnull, "wb") as err:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(base_url, process)
            yield BenchServer(base_url, process)
        finally:
            _stop(process)


def _wait_healthy(base_url: str, process: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base_url + "/api/v1/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("server did not become healthy")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
