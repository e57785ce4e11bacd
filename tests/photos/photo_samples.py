"""Build test photos in memory: marked corners, EXIF orientation and GPS,
forged headers (bombs, absurd sizes), truncated files, other formats."""
from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw

RED = (220, 20, 20)
WHITE = (255, 255, 255)
ORIENTATION_TAG = 0x0112
GPS_IFD_TAG = 0x8825


def marked(width: int, height: int) -> Image.Image:
    """White picture with a red block in its (stored) top-left corner."""
    image = Image.new("RGB", (width, height), WHITE)
    ImageDraw.Draw(image).rectangle([0, 0, width // 4, height // 4], fill=RED)
    return image


def textured(width: int, height: int) -> Image.Image:
    """Gradients plus noise: compresses roughly like a real photo."""
    base = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 40)
    radial = Image.radial_gradient("L").resize((width, height))
    return Image.merge(
        "RGB",
        (
            Image.blend(base, noise, 0.35),
            Image.blend(radial, noise.transpose(Image.Transpose.ROTATE_180), 0.3),
            Image.blend(base.transpose(Image.Transpose.FLIP_LEFT_RIGHT), radial, 0.5),
        ),
    )


def exif_with(orientation: int | None = None, gps: bool = False) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make: ordinary non-location EXIF
    if orientation is not None:
        exif[ORIENTATION_TAG] = orientation
    if gps:
        gps_ifd = exif.get_ifd(GPS_IFD_TAG)
        gps_ifd[1] = "N"
        gps_ifd[2] = (43.0, 52.0, 10.0)
        gps_ifd[3] = "E"
        gps_ifd[4] = (125.0, 19.0, 5.0)
    return exif


def jpeg_bytes(image: Image.Image, *, orientation: int | None = None, gps: bool = False,
               quality: int = 90, **extra: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif_with(orientation, gps), **extra)
    return out.getvalue()


def encoded(image: Image.Image, image_format: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **params)
    return out.getvalue()


def forge_jpeg_size(jpeg: bytes, width: int, height: int) -> bytes:
    """Rewrite the SOF0 header to claim another size (the data stays small)."""
    at = jpeg.index(b"\xff\xc0")
    return jpeg[: at + 5] + struct.pack(">HH", height, width) + jpeg[at + 9 :]


def forge_png_size(png: bytes, width: int, height: int) -> bytes:
    """Rewrite IHDR (with a correct CRC) to claim another size."""
    start = 8 + 8  # signature, then IHDR length + type
    ihdr = struct.pack(">II", width, height) + png[start + 8 : start + 13]
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return png[:start] + ihdr + crc + png[start + 17 :]


def heic_like() -> bytes:
    """The opening of an iPhone HEIC file (ISO-BMFF 'ftyp' box, brand heic)."""
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(range(256)) * 8


def segment_markers(jpeg: bytes) -> list[int]:
    """The marker bytes of every segment before the image data (SOS)."""
    assert jpeg[:2] == b"\xff\xd8"
    markers, at = [], 2
    while at < len(jpeg):
        marker = jpeg[at + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        at += 2 + struct.unpack(">H", jpeg[at + 2 : at + 4])[0]
    return markers


def is_red(pixel: tuple[int, ...]) -> bool:
    red, green, blue = pixel[:3]
    return red > 180 and green < 80 and blue < 80


def is_white(pixel: tuple[int, ...]) -> bool:
    return min(pixel[:3]) > 220
