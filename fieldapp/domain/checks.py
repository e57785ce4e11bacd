"""Small field checkers: each takes a raw JSON value and returns the
normalised value or raises ValidationError(field, code)."""
from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from .errors import ValidationError

Check = Callable[[str, Any], Any]

SHA256_RE = re.compile(r"^[0-9a-f]{64}\Z")  # \Z: "$" would accept a trailing newline
PHONE_RE = re.compile(r"^[0-9+\- ]{3,20}$")
MASKED_ID_RE = re.compile(r"^[0-9]{4}\*{10}[0-9Xx*]{4}$")


def text(max_len: int, *, allow_empty: bool = True) -> Check:
    def check(name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError(name, "not_text")
        value = value.strip()
        if not value and not allow_empty:
            raise ValidationError(name, "required")
        if len(value) > max_len:
            raise ValidationError(name, "too_long", str(max_len))
        return value

    return check


def optional(inner: Check) -> Check:
    def check(name: str, value: Any) -> Any:
        return None if value is None else inner(name, value)

    return check


def uuid_str(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError(name, "not_id")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ValidationError(name, "not_id") from None


def choice(enum: type[StrEnum]) -> Check:
    def check(name: str, value: Any) -> str:
        try:
            return enum(value).value
        except ValueError:
            raise ValidationError(name, "bad_choice", str(value)[:40]) from None

    return check


def choices(enum: type[StrEnum], max_items: int = 20) -> Check:
    one = choice(enum)

    def check(name: str, value: Any) -> list[str]:
        if not isinstance(value, list):
            raise ValidationError(name, "not_list")
        if len(value) > max_items:
            raise ValidationError(name, "too_many", str(max_items))
        out: list[str] = []
        for item in value:
            code = one(name, item)
            if code not in out:
                out.append(code)
        return out

    return check


def boolean(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(name, "not_bool")
    return value


def integer(lo: int, hi: int) -> Check:
    def check(name: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(name, "not_int")
        if not lo <= value <= hi:
            raise ValidationError(name, "out_of_range", f"{lo}..{hi}")
        return value

    return check


def timestamp(name: str, value: Any) -> str:
    """ISO-8601 instant; stored normalised to UTC with a 'Z'."""
    if not isinstance(value, str):
        raise ValidationError(name, "not_time")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(name, "not_time") from None
    if parsed.tzinfo is None:
        raise ValidationError(name, "time_without_zone")
    try:
        utc = parsed.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 falls before year 1 in UTC
        raise ValidationError(name, "not_time") from None
    return utc.isoformat(timespec="seconds").replace("+00:00", "Z")


def day(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError(name, "not_date")
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValidationError(name, "not_date") from None


def sha256_hex(name: str, value: Any) -> str:
    if not isinstance(value, str) or not SHA256_RE.match(value):
        raise ValidationError(name, "not_sha256")
    return value


def phone(name: str, value: Any) -> str:
    if not isinstance(value, str) or not PHONE_RE.match(value.strip()):
        raise ValidationError(name, "bad_phone")
    return value.strip()


def mask_id_number(raw: str) -> str:
    """Keep the first 4 and last 4 characters of an 18-digit ID: 2201**********1234.
    The full number is never stored anywhere."""
    cleaned = raw.strip().replace(" ", "")
    if MASKED_ID_RE.match(cleaned):
        return cleaned.upper()
    if not re.fullmatch(r"[0-9]{17}[0-9Xx]", cleaned):
        raise ValidationError("id_number", "bad_id_number")
    return cleaned[:4] + "*" * 10 + cleaned[-4:].upper()


def masked_id(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError(name, "bad_id_number")
    try:
        return mask_id_number(value)
    except ValidationError:
        raise ValidationError(name, "bad_id_number") from None


def obj_list(item: Check, max_items: int) -> Check:
    def check(name: str, value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise ValidationError(name, "not_list")
        if len(value) > max_items:
            raise ValidationError(name, "too_many", str(max_items))
        return [item(f"{name}[{i}]", v) for i, v in enumerate(value)]

    return check


def obj(fields: dict[str, tuple[Check, bool]]) -> Check:
    """A nested object: {key: (check, required)}; unknown keys are errors."""

    def check(name: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValidationError(name, "not_object")
        unknown = set(value) - set(fields)
        if unknown:
            raise ValidationError(f"{name}.{sorted(unknown)[0]}", "unknown_field")
        out: dict[str, Any] = {}
        for key, (inner, required) in fields.items():
            if key in value and value[key] is not None:
                out[key] = inner(f"{name}.{key}", value[key])
            elif required:
                raise ValidationError(f"{name}.{key}", "required")
        return out

    return check


def int_map(keys: type[StrEnum], lo: int, hi: int) -> Check:
    """{enum code: int} e.g. cadence days per tag."""
    key_check = choice(keys)
    val_check = integer(lo, hi)

    def check(name: str, value: Any) -> dict[str, int]:
        if not isinstance(value, dict):
            raise ValidationError(name, "not_object")
        return {key_check(name, k): val_check(f"{name}.{k}", v) for k, v in value.items()}

    return check
