"""The desk tests import the shared harness as `tests.support…`."""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.fixtures import database_url  # noqa: E402, F401  (module scope: sqlite, postgresql)
