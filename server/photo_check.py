"""Re-check an uploaded photo before the server keeps it.

The app sends the processed JPEG (fieldapp/photos): upright, <= 1600 px, no
EXIF location. The server trusts none of that: the body must hash to its
name, be a complete JPEG of sane size, and carry no location; the stored file
is then exactly the hashed body. (The server may import only fieldapp.domain,
so this shares the idea of fieldapp.photos, not its code.)
"""
from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTO_PIXELS = 4096 * 4096  # the app sends <= 1600 px on the long side
MAX_PHOTO_SIDE = 8192
THUMB_LONG_SIDE = 320
THUMB_QUALITY = 75
GPS_IFD_TAG = 0x8825
ORIENTATION_TAG = 0x0112
SHA256_RE = re.compile(r"^[0-9a-f]{64}\Z")  # \Z: "$" would accept a trailing newline


class PhotoRejected(ValueError):  # noqa: N818 -- name fixed by docs/CONTRACTS.md
    """An upload the server refuses: `code` is stable, `http_status` is a 4xx."""

    def __init__(self, code: str, http_status: int, detail: str = "") -> None:
        self.code = code
        self.http_status = http_status
        self.detail = detail
        super().__init__(f"{http_status} {code}" + (f" ({detail})" if detail else ""))

    def as_detail(self) -> dict[str, str]:
        return {"code": self.code, "field": "photo", "detail": self.detail}


@dataclass(frozen=True)
class CheckedPhoto:
    sha256: str
    width: int
    height: int
    jpeg_bytes: bytes  # exactly the body that was hashed


def check_photo(body: bytes, sha256: str) -> CheckedPhoto:
    """Accept `body` as the photo named `sha256`, or raise PhotoRejected."""
    if not isinstance(sha256, str) or not SHA256_RE.match(sha256):
        raise PhotoRejected("not_sha256", 400)
    if len(body) > MAX_PHOTO_BYTES:
        raise PhotoRejected("too_large", 413, f"max {MAX_PHOTO_BYTES} bytes")
    if not body:
        raise PhotoRejected("empty", 415)
    if hashlib.sha256(body).hexdigest() != sha256:
        raise PhotoRejected("hash_mismatch", 400)
    with _open_jpeg(body) as image:
        if _has_location(image):
            raise PhotoRejected("has_location", 422, "GPS metadata")
        _decode(image)
        return CheckedPhoto(sha256, image.width, image.height, bytes(body))


def make_thumbnail(jpeg: bytes) -> bytes:
    """A 320 px JPEG of an accepted photo, decoded at reduced scale."""
    with _open_jpeg(jpeg) as image:
        orientation = _orientation(image)
        width, height = image.size
        scale = min(1.0, THUMB_LONG_SIDE / max(width, height))
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image.draft("RGB", size)
        _decode(image)
        thumb = image.convert("RGB").resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    if orientation != 1:
        thumb = _upright(thumb, orientation)
    thumb.info = {}  # no EXIF, XMP or comment copied into the thumbnail
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=THUMB_QUALITY, optimize=True)
    return out.getvalue()


def _open_jpeg(body: bytes) -> Image.Image:
    """Open (header only); refuse non-images, non-JPEGs and bombs."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(body))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise PhotoRejected("bomb", 422) from None
        except (UnidentifiedImageError, OSError):
            raise PhotoRejected("not_image", 415) from None
    # MPO (a JPEG with more pictures appended) would keep unchecked images.
    if image.format != "JPEG":
        image.close()
        raise PhotoRejected("not_jpeg", 415, str(image.format))
    width, height = image.size
    if width * height > MAX_PHOTO_PIXELS or max(width, height) > MAX_PHOTO_SIDE:
        image.close()
        raise PhotoRejected("bomb", 422, f"{width}x{height}")
    return image


def _decode(image: Image.Image) -> None:
    """Decode every byte: verify() alone passes truncated JPEGs."""
    try:
        image.load()
    except OSError as exc:
        code = "truncated" if "truncated" in str(exc) else "corrupt"
        raise PhotoRejected(code, 422) from None
    except (ValueError, SyntaxError, EOFError):
        raise PhotoRejected("corrupt", 422) from None


def _has_location(image: Image.Image) -> bool:
    xmp = image.info.get("xmp") or b""
    if b"GPSLatitude" in xmp or b"GPSLongitude" in xmp:
        return True
    try:
        exif = image.getexif()
        return GPS_IFD_TAG in exif or bool(exif.get_ifd(GPS_IFD_TAG))
    except Exception:  # unreadable EXIF: we cannot prove there is no location
        return True


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(ORIENTATION_TAG, 1)
    except Exception:  # malformed EXIF: show the picture as stored
        return 1
    return value if value in range(1, 9) else 1


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    transpose = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }[orientation]
    return image.transpose(transpose)
