"""Every code a sync can report has words in both languages."""
from __future__ import annotations

import pytest

from fieldapp import i18n

REPORT_ERRORS = ["unreachable", "server_error", "login_needed"]
PHOTO_REFUSALS = ["hash_mismatch", "too_large", "bomb", "corrupt", "empty", "has_location", "not_image",
                  "not_jpeg", "missing_file"]
SYNTHETIC_REJECTIONS = ["op_too_large"]


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_sync_codes_have_text(language: str) -> None:
    previous = i18n.language()
    i18n.set_language(language)
    try:
        for code in REPORT_ERRORS + PHOTO_REFUSALS + SYNTHETIC_REJECTIONS:
            key = f"error.{code}"
            assert i18n.has(key), key
            assert i18n.t(key, detail="") != key
    finally:
        i18n.set_language(previous)
