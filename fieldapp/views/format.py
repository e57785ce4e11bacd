"""Plain formatters for what screens show: dates, relative deadlines, days
since the last visit, addresses. No Flet: tested directly in tests/app."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fieldapp.domain.cadence import local_today, to_day
from fieldapp.domain.deadlines import deadline_state
from fieldapp.views.context import translate

EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_instant(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def date_text(lang: str, value: str | date | None) -> str:
    if not value:
        return ""
    day = to_day(value)
    if lang == "zh-CN":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"


def datetime_text(lang: str, value: str | None) -> str:
    """Local time of day, date in the user's language."""
    if not value:
        return ""
    moment = parse_instant(value).astimezone()
    return f"{date_text(lang, moment.date())} {moment:%H:%M}"


def deadline_text(lang: str, deadline: str | date, today: date) -> tuple[str, str]:
    """("还剩2天" / "逾期3天" / "今天到期", state) where state is overdue|due_soon|ok."""
    state = deadline_state(deadline, today)
    if state.state == "overdue":
        return translate(lang, "app.deadline.overdue", n=state.days), state.state
    if state.days == 0:
        return translate(lang, "app.deadline.today"), state.state
    return translate(lang, "app.deadline.left", n=state.days), state.state


def since_visit_text(lang: str, days: int | None) -> str:
    if days is None:
        return translate(lang, "round.never_visited")
    if days == 0:
        return translate(lang, "round.visited_today")
    return translate(lang, "round.days_since", n=days)


def due_text(lang: str, days_overdue: int) -> str:
    if days_overdue > 0:
        return translate(lang, "round.overdue_by", n=days_overdue)
    if days_overdue == 0:
        return translate(lang, "round.due_today")
    return translate(lang, "round.due_in", n=-days_overdue)


def address_text(address: dict[str, Any] | None) -> str:
    """'幸福小区 3栋 2单元 401' — building / unit / room as entered."""
    if not address:
        return ""
    parts = [address.get(k) or "" for k in ("street", "building", "unit", "room")]
    return " ".join(p for p in parts if p)


def today_local() -> date:
    """The community's day (Beijing time), as the services and the domain count it."""
    return local_today()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
