"""Open a source photo safely: sniff, check the header's dimensions, and only
then let Pillow decode. Nothing here decodes pixel data."""
from __future__ import annotations

import io
import os
import warnings
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from .errors import PhotoError

Source = Path | str | bytes | bytearray

MAX_SOURCE_BYTES = 50 * 1024 * 1024
# JPEG is decoded at reduced scale (draft): a 64 MP phone photo is decoded as ~4 MP.
MAX_JPEG_PIXELS = 64 * 2**20  # 67.1 M: a 64 MP sensor (9248x6936) passes, 108 MP does not
# PNG/WebP have no reduced-scale decode: every pixel is decoded at full size.
MAX_FULL_DECODE_PIXELS = 24_000_000
MAX_SIDE = 20_000
MAX_ASPECT = 20  # longer side / shorter side; wider than any phone panorama
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
# ISO-BMFF brands of HEIC/HEIF files ("....ftyp<brand>"). AVIF (brand avif) is left to
# Pillow, which can read it here, and is then refused as unsupported_format.
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}

# Deliberate: Pillow warns above this and refuses above twice this; the warning
# is turned into an error in open_source, so nothing above it is ever decoded.
Image.MAX_IMAGE_PIXELS = MAX_JPEG_PIXELS


def read_head(src: Source) -> tuple[int, bytes]:
    """(size in bytes, first 32 bytes) without reading a whole file."""
    if not isinstance(src, str | os.PathLike):
        return len(src), bytes(src[:32])
    try:
        size = os.stat(src).st_size
        with open(src, "rb") as handle:
            return size, handle.read(32)
    except OSError as exc:
        raise PhotoError("unreadable", type(exc).__name__) from None


def sniff(size: int, head: bytes) -> None:
    if size == 0:
        raise PhotoError("empty")
    if size > MAX_SOURCE_BYTES:
        raise PhotoError("too_large", str(size))
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        raise PhotoError("heic_unsupported")


def check_dimensions(width: int, height: int, image_format: str) -> None:
    if min(width, height) < 1 or max(width, height) > MAX_SIDE:
        raise PhotoError("bad_dimensions", f"{width}x{height}")
    if max(width, height) / min(width, height) > MAX_ASPECT:
        raise PhotoError("bad_dimensions", f"{width}x{height}")
    limit = MAX_JPEG_PIXELS if image_format in ("JPEG", "MPO") else MAX_FULL_DECODE_PIXELS
    if width * height > limit:
        raise PhotoError("bomb", f"{width}x{height}")


def open_source(src: Source) -> Image.Image:
    """Open lazily (header only) and refuse what we will not decode."""
    size, head = read_head(src)
    sniff(size, head)
    stream: BinaryIO | str | os.PathLike = src if isinstance(src, str | os.PathLike) else io.BytesIO(src)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(stream)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise PhotoError("bomb", str(exc)[:80]) from None
        except UnidentifiedImageError:
            raise PhotoError("not_image") from None
        except OSError as exc:
            raise PhotoError("unreadable", type(exc).__name__) from None
    if image.format not in ACCEPTED_FORMATS:
        image.close()
        raise PhotoError("unsupported_format", str(image.format))
    try:
        check_dimensions(image.width, image.height, image.format)
    except PhotoError:
        image.close()
        raise
    return image
