"""What every service shares: the logged-in user, their store, the clock."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fieldapp.domain.cadence import local_today
from fieldapp.domain.errors import ValidationError
from fieldapp.domain.records import validate_fields
from fieldapp.store import Store


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class ServiceContext:
    store: Store
    user: dict[str, Any]  # {id, username, display_name, role, community_id, grid_ids}
    data_dir: Path
    server_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def user_id(self) -> str:
        return self.user["id"]

    @property
    def grid_ids(self) -> list[str]:
        """The user's grids as the server last said: their own user record once pulled
        (a coordinator may move a worker to other grids), else what login answered."""
        own = self.store.get("user", self.user_id)
        grids = own.get("grid_ids") if own else None
        return list(grids if isinstance(grids, list) else self.user.get("grid_ids") or [])

    def today(self) -> date:
        """The community's day (Beijing time), the same rule as domain.cadence.to_day."""
        return local_today()

    def write(self, changes: list[tuple[str, str, dict[str, Any]]], *,
              photos: list[Any] | None = None) -> list[dict[str, Any]]:
        """Validate each change against the domain, then apply all of them and
        queue their operations in one durable commit."""
        clean = []
        for entity, record_id, fields in changes:
            creating = self.store.get(entity, record_id) is None
            clean.append((entity, record_id, validate_fields(entity, fields, creating=creating)))
        try:
            return self.store.write_local(clean, self.user_id, photos=photos)
        except OSError as err:  # disk full / read-only: nothing was saved, say so
            raise ValidationError("storage", "storage_failed", err.strerror or "") from None

    def require(self, entity: str, record_id: str) -> dict[str, Any]:
        record = self.store.get(entity, record_id)
        if record is None:
            raise ValidationError("id", "not_found", entity)
        return record
