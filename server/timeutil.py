"""UTC time as the ISO text the database stores (sorts correctly as text)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def now_iso() -> str:
    return iso(now())


def ago_iso(seconds: float) -> str:
    return iso(now() - timedelta(seconds=seconds))
