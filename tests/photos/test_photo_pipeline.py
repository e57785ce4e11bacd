"""fieldapp.photos.process_photo on good input: orientation, location,
sizes, formats, naming."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from photo_samples import (
    GPS_IFD_TAG,
    encoded,
    is_red,
    is_white,
    jpeg_bytes,
    marked,
    segment_markers,
    textured,
)
from PIL import Image

from fieldapp.photos import process_photo
from fieldapp.photos.pipeline import UPLOAD_MAX_BYTES

APP1, COM = 0xE1, 0xFE


def corners(path: Path) -> dict[str, tuple[int, ...]]:
    with Image.open(path) as image:
        width, height = image.size
        rgb = image.convert("RGB")
        inset = 8
        return {
            "top_left": rgb.getpixel((inset, inset)),
            "top_right": rgb.getpixel((width - 1 - inset, inset)),
            "bottom_left": rgb.getpixel((inset, height - 1 - inset)),
            "bottom_right": rgb.getpixel((width - 1 - inset, height - 1 - inset)),
        }


@pytest.mark.parametrize(
    ("orientation", "red_corner", "upright_size"),
    [
        (None, "top_left", (400, 300)),
        (1, "top_left", (400, 300)),
        (3, "bottom_right", (400, 300)),  # stored upside down
        (6, "top_right", (300, 400)),  # phone held upright: rotate 90° clockwise
        (8, "bottom_left", (300, 400)),  # rotate 90° counter-clockwise
    ],
)
def test_exif_orientation_is_applied_to_the_pixels(tmp_path, orientation, red_corner, upright_size):
    src = jpeg_bytes(marked(400, 300), orientation=orientation)
    photo = process_photo(src, tmp_path)
    assert (photo.width, photo.height) == upright_size
    seen = corners(photo.path)
    assert is_red(seen[red_corner]), seen
    assert all(is_white(pixel) for name, pixel in seen.items() if name != red_corner), seen
    thumb = corners(photo.thumb_path)
    assert is_red(thumb[red_corner]), thumb


def test_orientation_survives_the_reduced_scale_decode(tmp_path):
    # 3200x2400 is decoded at half scale (draft) before the rotation
    src = jpeg_bytes(marked(3200, 2400), orientation=6)
    photo = process_photo(src, tmp_path)
    assert (photo.width, photo.height) == (1200, 1600)
    assert is_red(corners(photo.path)["top_right"])


def test_no_location_or_other_metadata_is_kept(tmp_path):
    src = jpeg_bytes(marked(800, 600), orientation=6, gps=True, comment=b"GPS 43.87N 125.32E")
    with Image.open(__import__("io").BytesIO(src)) as original:
        assert original.getexif().get_ifd(GPS_IFD_TAG)  # the input really has GPS
    photo = process_photo(src, tmp_path)
    for path in (photo.path, photo.thumb_path):
        data = path.read_bytes()
        markers = segment_markers(data)
        assert APP1 not in markers  # no EXIF and no XMP segment at all
        assert COM not in markers  # the source's comment is not copied
        with Image.open(path) as image:
            assert len(image.getexif()) == 0
            assert "xmp" not in image.info


def test_large_photo_is_resized_to_1600_and_320(tmp_path):
    photo = process_photo(jpeg_bytes(marked(3200, 2400)), tmp_path)
    assert (photo.width, photo.height) == (1600, 1200)
    with Image.open(photo.path) as image:
        assert image.format == "JPEG" and image.size == (1600, 1200)
    with Image.open(photo.thumb_path) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (320, 240)


def test_realistic_12mp_photo_fits_the_upload_budget(tmp_path):
    src = jpeg_bytes(textured(4000, 3000), orientation=6, gps=True, quality=92)
    photo = process_photo(src, tmp_path)
    assert (photo.width, photo.height) == (1200, 1600)
    assert photo.bytes == photo.path.stat().st_size <= UPLOAD_MAX_BYTES


@pytest.mark.parametrize(("size", "thumb_size"), [((800, 600), (320, 240)), ((200, 120), (200, 120))])
def test_small_photos_are_not_enlarged(tmp_path, size, thumb_size):
    photo = process_photo(jpeg_bytes(marked(*size)), tmp_path)
    assert (photo.width, photo.height) == size
    with Image.open(photo.thumb_path) as thumb:
        assert thumb.size == thumb_size


def test_files_are_named_by_the_sha256_of_the_upload_jpeg(tmp_path):
    photo = process_photo(jpeg_bytes(marked(640, 480)), tmp_path)
    data = photo.path.read_bytes()
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert photo.path == tmp_path / f"{photo.sha256}.jpg"
    assert photo.thumb_path == tmp_path / f"{photo.sha256}.thumb.jpg"
    assert photo.bytes == len(data)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([photo.path.name, photo.thumb_path.name])


def test_same_photo_from_path_or_bytes_gives_the_same_files(tmp_path):
    src = jpeg_bytes(marked(640, 480), orientation=8)
    source_file = tmp_path / "camera.jpg"
    source_file.write_bytes(src)
    from_path = process_photo(source_file, tmp_path / "a")
    from_bytes = process_photo(src, tmp_path / "a")
    again = process_photo(src, tmp_path / "b")
    assert from_path == from_bytes
    assert again.sha256 == from_path.sha256
    assert len(list((tmp_path / "a").iterdir())) == 2


def test_png_with_transparency_becomes_a_jpeg_on_white(tmp_path):
    image = Image.new("RGBA", (500, 400), (0, 0, 0, 0))
    image.paste((220, 20, 20, 255), (0, 0, 125, 100))
    photo = process_photo(encoded(image, "PNG"), tmp_path)
    with Image.open(photo.path) as out:
        assert out.format == "JPEG" and out.mode == "RGB" and out.size == (500, 400)
    seen = corners(photo.path)
    assert is_red(seen["top_left"]) and is_white(seen["bottom_right"])


@pytest.mark.parametrize("mode", ["L", "P", "RGB"])
def test_png_in_other_modes_is_converted(tmp_path, mode):
    photo = process_photo(encoded(marked(300, 200).convert(mode), "PNG"), tmp_path)
    with Image.open(photo.path) as out:
        assert out.format == "JPEG" and out.mode == "RGB" and out.size == (300, 200)


def test_webp_is_converted_and_resized(tmp_path):
    photo = process_photo(encoded(marked(2000, 1000), "WEBP", quality=80), tmp_path)
    assert (photo.width, photo.height) == (1600, 800)
    with Image.open(photo.path) as out:
        assert out.format == "JPEG"
    assert is_red(corners(photo.path)["top_left"])


def test_cmyk_jpeg_is_converted_to_rgb(tmp_path):
    photo = process_photo(encoded(marked(400, 300).convert("CMYK"), "JPEG"), tmp_path)
    with Image.open(photo.path) as out:
        assert out.mode == "RGB"
    assert is_red(corners(photo.path)["top_left"])


def test_multi_picture_jpeg_keeps_only_the_main_picture(tmp_path):
    """Some phones write MPO (a JPEG with a second picture appended)."""
    second = Image.new("RGB", (400, 300), (20, 20, 220))
    mpo = encoded(marked(400, 300), "MPO", save_all=True, append_images=[second])
    photo = process_photo(mpo, tmp_path)
    with Image.open(photo.path) as out:
        assert out.format == "JPEG" and getattr(out, "n_frames", 1) == 1
    assert is_red(corners(photo.path)["top_left"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    width=st.integers(1, 2400),
    height=st.integers(1, 2400),
    orientation=st.sampled_from([None, 1, 2, 3, 4, 5, 6, 7, 8]),
)
def test_any_size_and_orientation_fits_the_box(tmp_path, width, height, orientation):
    if max(width, height) / min(width, height) > 20:
        return  # refused as bad_dimensions: covered in test_photo_errors
    photo = process_photo(jpeg_bytes(marked(width, height), orientation=orientation), tmp_path)
    upright = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
    long_side = max(upright)
    scale = min(1.0, 1600 / long_side)
    assert max(photo.width, photo.height) == min(1600, long_side)
    assert abs(photo.width - upright[0] * scale) <= 1 and abs(photo.height - upright[1] * scale) <= 1
    with Image.open(photo.thumb_path) as thumb:
        assert max(thumb.size) == min(320, max(photo.width, photo.height))
