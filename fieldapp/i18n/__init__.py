"""Every visible string goes through `t(key, **params)`.

zh-CN first, English second. Catalogs are plain dicts, one module per area
(`catalog_*.py`, each defining CATALOG = {key: {"zh-CN": ..., "en": ...}}),
merged at import so each area's strings live beside its screens.
A missing key shows itself as the key: visible in screenshots, never a crash.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Any

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"

_catalog: dict[str, dict[str, str]] = {}
_language = DEFAULT_LANGUAGE


def _load() -> None:
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("catalog_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            _catalog.update(module.CATALOG)


def set_language(language: str) -> None:
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    _language = language


def language() -> str:
    return _language


def t(key: str, **params: Any) -> str:
    entry = _catalog.get(key)
    if entry is None:
        return key
    text = entry.get(_language) or entry.get(DEFAULT_LANGUAGE) or key
    return text.format(**params) if params else text


def has(key: str) -> bool:
    return key in _catalog


def missing_keys(keys: list[str]) -> list[str]:
    return [k for k in keys if k not in _catalog]


_load()
