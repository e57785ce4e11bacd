"""Valid records for each entity: tests change one thing at a time."""

from __future__ import annotations

import uuid
from typing import Any


def uid() -> str:
    return str(uuid.uuid4())


GRID_ID, HOUSEHOLD_ID, WORKER_ID, NEED_ID = uid(), uid(), uid(), uid()
AT = "2026-03-01T09:30:00+08:00"


def household(**changes: Any) -> dict[str, Any]:
    record = {
        "grid_id": GRID_ID,
        "address": {"building": "3栋", "unit": "2单元", "room": "501"},
        "head_name": "王德福",
        "members": [{"name": "王德福", "relation": "head", "birth_year": 1951, "phone": "13800000000"}],
        "tags": ["living_alone", "disabled"],
        "created_at": "2026-01-05T08:00:00Z",
    }
    return {**record, **changes}


def diary_entry(**changes: Any) -> dict[str, Any]:
    record = {
        "household_id": HOUSEHOLD_ID,
        "grid_id": GRID_ID,
        "worker_id": WORKER_ID,
        "visited_at": AT,
        "kind": "special",
        "notes": "腿脚不便，轮椅已送到。",
        "categories": ["disability_aid", "elderly_care"],
        "photos": [{"sha256": "a" * 64, "consent": True}],
    }
    return {**record, **changes}


def need(**changes: Any) -> dict[str, Any]:
    record = {
        "household_id": HOUSEHOLD_ID,
        "grid_id": GRID_ID,
        "first_responder_id": WORKER_ID,
        "owner_id": WORKER_ID,
        "title": "申请低保",
        "urgency": "urgent",
        "handling": "promised",
        "deadline": "2026-03-08",
        "status": "open",
        "raised_at": AT,
    }
    return {**record, **changes}


def errand(**changes: Any) -> dict[str, Any]:
    record = {
        "household_id": HOUSEHOLD_ID,
        "grid_id": GRID_ID,
        "type": "medical_insurance",
        "status": "requested",
        "requested_at": AT,
    }
    return {**record, **changes}


VALID = {
    "community": {"name": "林场社区", "cadence_days": {"living_alone": 3}, "regular_interval_days": 60},
    "grid": {"community_id": uid(), "name": "第一网格"},
    "household": household(),
    "diary_entry": diary_entry(),
    "need": need(),
    "need_event": {"need_id": NEED_ID, "grid_id": GRID_ID, "kind": "raised", "actor_id": WORKER_ID, "at": AT},
    "errand": errand(),
    "comment": {"entry_id": uid(), "grid_id": GRID_ID, "author_id": uid(), "at": AT, "text": "记录详细。"},
    "user": {"username": "li", "display_name": "李网格", "role": "worker", "grid_ids": [GRID_ID]},
}
