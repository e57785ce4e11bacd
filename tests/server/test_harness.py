"""The shared harness itself: the postgresql case fails under CI without a
database URL (never silently skipped there), and is skipped with the reason
elsewhere; stop() leaves no server process behind."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support import start_server

REPO = Path(__file__).resolve().parents[2]
PROBE = '''
from tests.support.fixtures import database_url  # noqa: F401
def test_probe(database_url):
    pass
'''


def _run_probe(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess:
    probe = tmp_path / "test_probe.py"
    probe.write_text(PROBE)
    env = {k: v for k, v in os.environ.items() if k not in ("PEOPLE_DIARY_PG_URL", "CI")}
    env["PYTHONPATH"] = str(REPO)
    if ci:
        env["CI"] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(probe)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_postgresql_case_fails_under_ci_without_a_url(tmp_path: Path) -> None:
    done = _run_probe(tmp_path, ci=True)
    assert done.returncode != 0
    assert "1 passed" in done.stdout and ("1 failed" in done.stdout or "1 error" in done.stdout), done.stdout
    assert "PEOPLE_DIARY_PG_URL is not set" in done.stdout


def test_postgresql_case_is_skipped_with_the_reason_outside_ci(tmp_path: Path) -> None:
    done = _run_probe(tmp_path, ci=False)
    assert done.returncode == 0, done.stdout
    assert "1 passed, 1 skipped" in done.stdout and "PEOPLE_DIARY_PG_URL is not set" in done.stdout


def test_stop_ends_the_server_process(tmp_path: Path) -> None:
    srv = start_server(tmp_path)
    pid = srv.pid
    srv.stop()
    assert srv.proc is not None and srv.proc.poll() is not None  # exited and reaped
    try:
        os.killpg(pid, 0)  # the whole process group is gone too
        raise AssertionError("server process group still alive")
    except ProcessLookupError:
        pass
