"""Make `tests.support…` and `tests.e2e.helpers` importable (no package __init__ here),
and the stack most browser tests run on: a real server with the demo community
and a real app process pointed at it, both stopped by pid afterwards."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))



@pytest.fixture()
def stack(tmp_path: Path) -> Iterator[tuple[object, object]]:
    from tests.e2e import helpers as h
    from tests.support.server_process import run_demo, start_server

    server = start_server(tmp_path / "server")
    app = None
    try:
        run_demo(tmp_path / "server", None)
        app = h.start_app(tmp_path / "app", server.base_url)
        yield server, app
    finally:
        if app is not None:
            app.stop()
        server.stop()
