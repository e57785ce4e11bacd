"""Per-field last-writer-wins by HLC: two people editing different fields of
one record both keep their change; the same op applied twice changes nothing,
and any delivery order of the same ops converges to the same state."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class MergeResult:
    record: dict[str, Any]
    field_hlc: dict[str, str]
    changed: dict[str, Any] = field(default_factory=dict)  # field -> new value
    lost: dict[str, Any] = field(default_factory=dict)  # op fields older than what is held


def merge_fields(
    record: dict[str, Any], field_hlc: dict[str, str], fields: dict[str, Any], hlc: str
) -> MergeResult:
    """Apply `fields` stamped `hlc` onto a record whose fields carry `field_hlc`.
    Returns new dicts; the inputs are not modified."""
    out = dict(record)
    stamps = dict(field_hlc)
    result = MergeResult(out, stamps)
    for name, value in fields.items():
        held = stamps.get(name)
        if held is None or hlc > held:
            stamps[name] = hlc
            if out.get(name) != value or name not in out:
                result.changed[name] = value
            out[name] = value
        elif hlc == held:
            continue  # the very same write, delivered again
        else:
            result.lost[name] = value
    return result
