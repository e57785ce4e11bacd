"""Fixtures of the sync tests: a real server process seeded with the demo community."""
from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
for path in (str(REPO), str(Path(__file__).parent)):
    if path not in sys.path:
        sys.path.insert(0, path)

from tests.support.server_process import ServerProcess, run_demo, start_server  # noqa: E402


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo community (3 grids, worker1..3, volunteer1, coordinator1; password demo1234),
    loaded once through the CLI; each test gets its own copy."""
    template = tmp_path_factory.mktemp("demo-template")
    run_demo(template, None)
    return template


@pytest.fixture
def server(demo_data: Path, tmp_path: Path) -> Iterator[ServerProcess]:
    data = tmp_path / "server"
    shutil.copytree(demo_data, data)
    proc = start_server(data)
    try:
        yield proc
    finally:
        proc.stop()
