"""Fixtures' building blocks for services tests."""
from __future__ import annotations

import io
import uuid

from PIL import Image

GRID = "00000000-0000-4000-8000-000000000001"
WORKER = {"id": "00000000-0000-4000-8000-0000000000aa", "username": "wang", "display_name": "王芳",
          "role": "worker", "community_id": "00000000-0000-4000-8000-0000000000c0", "grid_ids": [GRID]}
COLLEAGUE = "00000000-0000-4000-8000-0000000000bb"


def address(building: str = "3", room: str = "101") -> dict:
    return {"street": "林海路", "building": building, "unit": "2", "room": room}


def jpeg_bytes(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def new_id() -> str:
    return str(uuid.uuid4())
