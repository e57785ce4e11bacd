"""server.photo_check: every rule the server applies before keeping a photo."""
from __future__ import annotations

import hashlib
import io

import pytest
from photo_samples import (
    encoded,
    forge_jpeg_size,
    heic_like,
    is_red,
    jpeg_bytes,
    marked,
    segment_markers,
    textured,
)
from PIL import Image

from fieldapp.photos import process_photo
from server.photo_check import MAX_PHOTO_BYTES, PhotoRejected, check_photo, make_thumbnail


def sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def rejected(body: bytes, name: str | None = None) -> tuple[str, int]:
    with pytest.raises(PhotoRejected) as caught:
        check_photo(body, sha(body) if name is None else name)
    return caught.value.code, caught.value.http_status


@pytest.fixture(scope="module")
def app_photo(tmp_path_factory) -> bytes:
    """What the app really uploads: process_photo's output."""
    out = tmp_path_factory.mktemp("app")
    src = jpeg_bytes(textured(2000, 1500), orientation=6, gps=True)
    return process_photo(src, out).path.read_bytes()


def test_the_apps_upload_is_accepted_as_is(app_photo):
    checked = check_photo(app_photo, sha(app_photo))
    assert checked.sha256 == sha(app_photo)
    assert (checked.width, checked.height) == (1200, 1600)
    assert checked.jpeg_bytes == app_photo


def test_plain_exif_without_location_is_accepted():
    body = jpeg_bytes(marked(320, 200), orientation=3)
    assert check_photo(body, sha(body)).width == 320


def test_hash_mismatch():
    body = jpeg_bytes(marked(32, 32))
    assert rejected(body, sha(body + b"x")) == ("hash_mismatch", 400)


def test_name_that_is_not_a_sha256():
    body = jpeg_bytes(marked(32, 32))
    assert rejected(body, "../../etc/passwd") == ("not_sha256", 400)
    assert rejected(body, sha(body).upper()) == ("not_sha256", 400)
    assert rejected(body, sha(body) + "\n") == ("not_sha256", 400)


def test_too_large_is_413_before_anything_else():
    body = b"\xff\xd8" + b"\0" * MAX_PHOTO_BYTES
    assert rejected(body, "0" * 64) == ("too_large", 413)


def test_empty_body():
    assert rejected(b"") == ("empty", 415)


@pytest.mark.parametrize("body", [b"hello world" * 50, heic_like()])
def test_not_an_image_is_415(body):
    assert rejected(body) == ("not_image", 415)


@pytest.mark.parametrize("image_format", ["PNG", "WEBP", "GIF", "AVIF"])
def test_other_formats_are_415(image_format):
    assert rejected(encoded(marked(64, 48), image_format)) == ("not_jpeg", 415)


def test_multi_picture_jpeg_is_415():
    """The appended pictures would be stored unchecked: only plain JPEG is kept."""
    mpo = encoded(marked(64, 48), "MPO", save_all=True, append_images=[marked(64, 48)])
    assert rejected(mpo) == ("not_jpeg", 415)


def test_truncated_is_422():
    body = jpeg_bytes(textured(800, 600))
    assert rejected(body[: len(body) * 6 // 10]) == ("truncated", 422)


@pytest.mark.parametrize(("width", "height"), [(5000, 4000), (12_000, 9_000), (30_000, 30_000)])
def test_bomb_is_422(width, height):
    assert rejected(forge_jpeg_size(jpeg_bytes(marked(64, 48)), width, height)) == ("bomb", 422)


def test_gps_exif_is_refused():
    assert rejected(jpeg_bytes(marked(64, 48), gps=True)) == ("has_location", 422)


def test_gps_in_xmp_is_refused():
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="43,52.1N"'
        b' exif:GPSLongitude="125,19.0E"/></rdf:RDF></x:xmpmeta>'
    )
    body = encoded(marked(64, 48), "JPEG", xmp=xmp)
    assert rejected(body) == ("has_location", 422)


def test_rejection_carries_an_api_detail():
    with pytest.raises(PhotoRejected) as caught:
        check_photo(b"", sha(b""))
    assert caught.value.as_detail()["code"] == "empty"


def test_thumbnail_is_320_px_jpeg_without_metadata(app_photo):
    thumb = make_thumbnail(app_photo)
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.format == "JPEG" and image.size == (240, 320)
    assert 0xE1 not in segment_markers(thumb)


def test_thumbnail_of_a_small_photo_is_not_enlarged():
    with Image.open(io.BytesIO(make_thumbnail(jpeg_bytes(marked(200, 100))))) as image:
        assert image.size == (200, 100)


def test_thumbnail_applies_exif_orientation():
    thumb = make_thumbnail(jpeg_bytes(marked(800, 600), orientation=6))
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.size == (240, 320)
        assert is_red(image.convert("RGB").getpixel((image.width - 6, 6)))


def test_thumbnail_of_garbage_is_refused():
    with pytest.raises(PhotoRejected) as caught:
        make_thumbnail(b"not a jpeg at all")
    assert caught.value.http_status == 415
