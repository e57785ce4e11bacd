"""The browser gets the CJK font from the web client's font manifest (loaded
while the engine starts), under the family name the theme uses."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path

from fieldapp.__main__ import ASSETS_DIR
from fieldapp.views.theme import CJK_FONT, make_theme


def manifest() -> list[dict]:
    return json.loads((ASSETS_DIR / "assets" / "FontManifest.json").read_text(encoding="utf-8"))


def served_file(asset: str) -> Path:
    """Flutter fetches a manifest asset at /assets/<asset>; ours resolve into assets_dir."""
    url_path = posixpath.normpath(posixpath.join("assets", asset))
    return ASSETS_DIR / url_path


def test_manifest_declares_the_theme_font_family_with_a_served_file() -> None:
    families = {entry["family"]: entry["fonts"] for entry in manifest()}
    family = make_theme().font_family
    assert family in families and family in CJK_FONT
    files = [served_file(font["asset"]) for font in families[family]]
    assert files == [ASSETS_DIR / CJK_FONT[family]]  # the same URL as page.fonts on a built app
    assert files[0].stat().st_size > 1_000_000


def test_manifest_keeps_material_icons_and_drops_unused_fonts() -> None:
    families = [entry["family"] for entry in manifest()]
    assert "MaterialIcons" in families
    assert not [f for f in families if "KaTeX" in f or "Cupertino" in f]
