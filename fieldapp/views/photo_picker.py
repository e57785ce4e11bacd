"""Pick photos from the camera or gallery. On the web a picked file has no
path, so the bytes come with it (`with_data=True`)."""

from __future__ import annotations

import logging

import flet as ft

log = logging.getLogger(__name__)


async def pick_images(ctx_page: ft.Page, multiple: bool = True) -> list[tuple[str, bytes]]:
    """[(file name, bytes)]; empty when the user cancels."""
    picker = ft.FilePicker()
    try:
        files = await picker.pick_files(
            file_type=ft.FilePickerFileType.IMAGE, allow_multiple=multiple, with_data=True
        )
    except Exception:
        log.exception("file picker failed")
        return []
    out = []
    for f in files or []:
        data = f.bytes
        if data is None and f.path:
            with open(f.path, "rb") as handle:
                data = handle.read()
        if data:
            out.append((f.name, data))
    return out


def thumb_from_bytes(data: bytes, size: int = 88) -> ft.Control:
    return ft.Image(
        src=data, width=size, height=size, fit=ft.BoxFit.COVER, border_radius=ft.BorderRadius.all(6)
    )
