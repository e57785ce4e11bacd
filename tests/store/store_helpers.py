"""Small record builders for store tests."""
from __future__ import annotations

import uuid
from typing import Any

GRID = "00000000-0000-4000-8000-000000000001"
USER = "00000000-0000-4000-8000-0000000000aa"


def new_id() -> str:
    return str(uuid.uuid4())


def household(head: str = "张红梅", grid: str = GRID, **extra: Any) -> dict[str, Any]:
    return {"grid_id": grid, "address": {"building": "3", "room": "101"}, "head_name": head,
            "created_at": "2026-01-01T00:00:00Z", **extra}


def remote_change(entity: str, record_id: str, record: dict[str, Any], stamp: str,
                  by: str = "00000000-0000-4000-8000-0000000000bb") -> dict[str, Any]:
    return {"entity": entity, "id": record_id, "seq": 1, "record": {"id": record_id, **record},
            "field_hlc": {k: stamp for k in record}, "field_by": {k: by for k in record}}
