"""Photo errors carry a stable code; the app shows `t("photo_error.<code>")`."""
from __future__ import annotations

# Every code process_photo can raise; fieldapp/i18n/catalog_photos.py labels each.
PHOTO_ERROR_CODES = (
    "empty",  # zero bytes
    "unreadable",  # the file cannot be read (missing, permissions)
    "too_large",  # the source file is over MAX_SOURCE_BYTES
    "not_image",  # Pillow cannot identify it as an image
    "heic_unsupported",  # HEIC/HEIF: no decoder here (no pillow-heif)
    "unsupported_format",  # an image, but not JPEG, PNG or WebP
    "bad_dimensions",  # absurd width/height (side too long, too thin)
    "bomb",  # more pixels than we will ever decode (decompression bomb)
    "truncated",  # the file ends before the image data does
    "corrupt",  # the image data cannot be decoded
    "write_failed",  # the output could not be written (disk full, read-only)
)


class PhotoError(ValueError):
    def __init__(self, code: str, detail: str = "") -> None:
        if code not in PHOTO_ERROR_CODES:
            raise ValueError(f"unknown photo error code {code!r}")
        self.code = code
        self.detail = detail
        super().__init__(code + (f" ({detail})" if detail else ""))
