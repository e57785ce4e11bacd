"""Household search: names (any member) and their pinyin initials and full pinyin,
address text and phone numbers. One precomputed lowercase haystack per
household, kept current from the store's change feed, so a keystroke is a
substring test per household (≈1 ms at 5,000 households)."""
from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from fieldapp.store import Store

SEP = "\x00"  # no query can match across two keys


@lru_cache(maxsize=50_000)
def pinyin_keys(text: str) -> tuple[str, str]:
    """('zhm', 'zhanghongmei') for 张红梅; non-Chinese characters pass through.
    One pypinyin call per name: initials are the syllables' first letters.
    pypinyin is imported here, not at module import: it takes ~0.5 s to load
    its dictionaries, which the background index build absorbs, not app start."""
    from pypinyin import lazy_pinyin

    syllables = [s.lower() for s in lazy_pinyin(text) if s.strip()]
    return "".join(s[0] for s in syllables), "".join(syllables)


def address_text(address: dict[str, Any] | None) -> str:
    address = address or {}
    return "".join(str(address.get(k) or "") for k in ("street", "building", "unit", "room"))


def household_names(household: dict[str, Any]) -> list[str]:
    names = [household.get("head_name") or ""]
    names += [m.get("name") or "" for m in household.get("members") or []]
    return [n for n in dict.fromkeys(names) if n]


def haystack(household: dict[str, Any]) -> tuple[str, str]:
    """(names part, everything) — names are ranked above address/phone matches."""
    names = household_names(household)
    name_keys = [n.lower() for n in names]
    for name in names:
        name_keys.extend(pinyin_keys(name))
    phones = [m.get("phone") or "" for m in household.get("members") or []]
    address = address_text(household.get("address"))
    other = [address.lower(), *phones]  # addresses are typed as written: 林海路3号楼
    names_part = SEP + SEP.join(name_keys)  # leading SEP: "starts a key" is a find of SEP + query
    return names_part, names_part + SEP + SEP.join(k for k in other if k)


class HouseholdIndex:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._hay: dict[str, tuple[str, str]] | None = None  # built on first search
        self._dirty: set[str] = set()
        self._lock = threading.Lock()
        self.unsubscribe = store.subscribe(self._on_change)

    def warm(self) -> None:
        """Build the index now (e.g. in a background thread at login)."""
        with self._lock:
            self._refresh()

    def _on_change(self, touched: list[tuple[str, str]]) -> None:
        self._dirty.update(record_id for entity, record_id in touched if entity == "household")

    def _refresh(self) -> dict[str, tuple[str, str]]:
        if self._hay is None:
            self._hay = {h["id"]: haystack(h) for h in self._store.all("household")}
            self._dirty.clear()
        while self._dirty:
            record_id = self._dirty.pop()
            household = self._store.get("household", record_id)
            if household is None:
                self._hay.pop(record_id, None)
            else:
                self._hay[record_id] = haystack(household)
        return self._hay

    def search(self, query: str) -> list[str]:
        """Ids of matching households, best first: a name or its pinyin starting
        with the query, then a name containing it, then address / phone."""
        q = "".join(query.split()).lower()
        starts = SEP + q
        ranked: tuple[list[str], list[str], list[str]] = ([], [], [])
        with self._lock:
            hay = self._refresh()
            for record_id, (names, everything) in hay.items():
                if q not in everything:
                    continue
                if starts in names:
                    ranked[0].append(record_id)
                elif q in names:
                    ranked[1].append(record_id)
                else:
                    ranked[2].append(record_id)
        return ranked[0] + ranked[1] + ranked[2]
