"""The photo pipeline: source photo -> oriented, location-free 1600 px upload
JPEG + 320 px thumbnail, both named by the SHA-256 of the upload JPEG.

Order matters for speed and memory (see docs/PHOTOS.md): the JPEG is decoded
at reduced scale (draft) aimed at the real output size, resized in its stored
orientation, and only the small result is rotated per EXIF Orientation.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .errors import PhotoError
from .files import publish
from .source import Source, open_source

UPLOAD_LONG_SIDE = 1600
THUMB_LONG_SIDE = 320
UPLOAD_MAX_BYTES = 400 * 1024
UPLOAD_QUALITIES = (80, 72, 64, 56, 48, 40)  # stepped down until under UPLOAD_MAX_BYTES
THUMB_QUALITY = 75
ORIENTATION_TAG = 0x0112
# EXIF Orientation -> the transpose that shows the picture upright
TRANSPOSE_FOR_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class ProcessedPhoto:
    sha256: str  # of the upload JPEG; also its file name
    path: Path  # <out_dir>/<sha256>.jpg
    thumb_path: Path  # <out_dir>/<sha256>.thumb.jpg
    width: int  # of the upload JPEG, upright
    height: int
    bytes: int  # size of the upload JPEG


def fit(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    """Scale (w, h) so the longer side is `long_side`; never enlarge."""
    width, height = size
    scale = min(1.0, long_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def read_orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(ORIENTATION_TAG, 1)
    except Exception:  # malformed EXIF must not lose the photo: show it as stored
        return 1
    return value if value in TRANSPOSE_FOR_ORIENTATION else 1


def flatten(image: Image.Image) -> Image.Image:
    """RGB for JPEG; transparency goes onto white, not black."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def decode_upright(image: Image.Image) -> Image.Image:
    """Decode (reduced scale for JPEG) to an upright RGB image <= 1600 px."""
    orientation = read_orientation(image)
    target = fit(image.size, UPLOAD_LONG_SIDE)
    if image.format in ("JPEG", "MPO"):
        image.draft("RGB", target)  # aimed at the real output size: both sides
    try:
        image.load()
    except OSError as exc:
        code = "truncated" if "truncated" in str(exc) else "corrupt"
        raise PhotoError(code, str(exc)[:80]) from None
    except (ValueError, SyntaxError, EOFError) as exc:
        raise PhotoError("corrupt", str(exc)[:80]) from None
    rgb = flatten(image)
    if rgb.size != target:
        # After draft the scale step is < 2x: bicubic looks the same as Lanczos
        # here and costs a third less (docs/bench/photos.md).
        rgb = rgb.resize(target, Image.Resampling.BICUBIC, reducing_gap=2.0)
    if rgb is image:
        rgb = image.copy()  # the source gets closed: keep pixels of our own
    image.close()  # free the decoded source before rotating: lowers the peak
    if orientation != 1:
        rgb = rgb.transpose(TRANSPOSE_FOR_ORIENTATION[orientation])
    return rgb


def encode_jpeg(image: Image.Image, quality: int, icc_profile: bytes | None) -> bytes:
    # Pillow copies a source JPEG comment from image.info: start clean, and
    # pass no exif/xmp at all, so no location (or anything else) survives.
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, icc_profile=icc_profile)
    return out.getvalue()


def encode_upload(image: Image.Image, icc_profile: bytes | None) -> bytes:
    for quality in UPLOAD_QUALITIES:
        data = encode_jpeg(image, quality, icc_profile)
        if len(data) <= UPLOAD_MAX_BYTES:
            break
    return data


def process_photo(src: Source, out_dir: Path) -> ProcessedPhoto:
    """Turn a photo (a path or its bytes) into the upload JPEG and thumbnail in
    `out_dir`. Raises PhotoError(code) for anything it refuses; on any error no
    file (whole or partial) is left behind."""
    out_dir = Path(out_dir)
    with open_source(src) as image:
        icc_profile = image.info.get("icc_profile") or None
        upright = decode_upright(image)
    upload = encode_upload(upright, icc_profile)
    thumb_size = fit(upright.size, THUMB_LONG_SIDE)
    thumb_image = upright.resize(thumb_size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    thumb = encode_jpeg(thumb_image, THUMB_QUALITY, icc_profile)
    sha = hashlib.sha256(upload).hexdigest()
    path, thumb_path = out_dir / f"{sha}.jpg", out_dir / f"{sha}.thumb.jpg"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        publish({path: upload, thumb_path: thumb}, out_dir)
    except OSError as exc:
        raise PhotoError("write_failed", type(exc).__name__) from None
    return ProcessedPhoto(sha, path, thumb_path, upright.width, upright.height, len(upload))
