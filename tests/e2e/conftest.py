"""Make `tests.support…` and `tests.e2e.helpers` importable (no package __init__ here)."""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

