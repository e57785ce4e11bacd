"""Run the real server (`python -m server serve`) as a subprocess on a free
loopback port, and seed it through its CLI.

    with start_server(tmp_path) as srv:          # SQLite file in tmp_path
        ids = create_user(tmp_path, None, "w1", "secret1", "worker", community="社区", grids=["一网格"])
        httpx.get(srv.base_url + "/api/v1/healthz")
    # stopped by pid: SIGTERM, then SIGKILL if it lingers

`create_user` prints/returns {"user_id", "community_id", "grid_ids"}; the
community and grids named are created if missing.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PYTHON = str(REPO / ".venv" / "bin" / "python")
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra or {})
    return env


@dataclass
class ServerProcess:
    data_dir: Path
    db_url: str | None = None
    env: dict[str, str] | None = None
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return self.base_url + "/api/v1"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def start(self) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        cmd = [PYTHON, "-m", "server", "serve", "--data", str(self.data_dir),
               "--host", "127.0.0.1", "--port", str(self.port)]
        if self.db_url:
            cmd += ["--db", self.db_url]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=REPO, env=_env(self.env), stdout=log, stderr=log,
                                         start_new_session=True)
        self._wait_healthy()
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            health = self.api + "/healthz"
            with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=2) as answer:
                if answer.status == 200:
                    return
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"server not healthy within {START_TIMEOUT_S}s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM the server's process group by pid; SIGKILL if it does not go."""
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=STOP_TIMEOUT_S)

    def restart(self) -> ServerProcess:
        """Stop and start again on the same port with the same data."""
        self.stop()
        return self.start()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def start_server(data_dir: Path | str, db_url: str | None = None,
                 env: dict[str, str] | None = None) -> ServerProcess:
    """A started server (healthz answered); use as a context manager or call .stop()."""
    return ServerProcess(Path(data_dir), db_url, env).start()


def run_cli(data_dir: Path | str, db_url: str | None, *args: str, check: bool = True,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python -m server <command> --data DIR [--db URL] args...`."""
    command, *rest = args
    cmd = [PYTHON, "-m", "server", command, "--data", str(data_dir)]
    if db_url:
        cmd += ["--db", db_url]
    done = subprocess.run([*cmd, *rest], cwd=REPO, env=_env(None), capture_output=True, text=True,
                          timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[2:4])} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def create_user(data_dir: Path | str, db_url: str | None, username: str, password: str, role: str,
                display_name: str | None = None, community: str | None = None,
                grids: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """Create a user through the CLI; returns {"user_id", "community_id", "grid_ids"}."""
    args = ["create-user", "--username", username, "--password", password, "--role", role,
            "--display-name", display_name or username]
    if community:
        args += ["--community", community]
    for grid in grids:
        args += ["--grid", grid]
    return json.loads(run_cli(data_dir, db_url, *args).stdout.strip().splitlines()[-1])


def run_demo(data_dir: Path | str, db_url: str | None) -> str:
    """Load the demo community through the CLI; returns what it printed (the logins)."""
    return run_cli(data_dir, db_url, "demo").stdout
