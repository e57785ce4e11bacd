"""fieldapp.photos.process_photo on bad input: each refusal has its own stable
code with a message in both languages, and leaves no file behind."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from photo_samples import encoded, forge_jpeg_size, forge_png_size, heic_like, jpeg_bytes, marked, textured
from PIL import Image

import fieldapp.photos.files as photo_files
from fieldapp.i18n import set_language, t
from fieldapp.photos import PHOTO_ERROR_CODES, PhotoError, process_photo


def refused(src: object, out_dir: Path) -> str:
    with pytest.raises(PhotoError) as caught:
        process_photo(src, out_dir)  # type: ignore[arg-type]
    leftovers = list(out_dir.iterdir()) if out_dir.exists() else []
    assert leftovers == [], f"files left after {caught.value.code}: {leftovers}"
    return caught.value.code


@pytest.fixture(scope="module")
def small_jpeg() -> bytes:
    return jpeg_bytes(marked(64, 48))


@pytest.fixture(scope="module")
def big_jpeg() -> bytes:
    return jpeg_bytes(textured(1200, 900))


def test_empty_bytes_and_empty_file(tmp_path):
    assert refused(b"", tmp_path / "out") == "empty"
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    assert refused(empty, tmp_path / "out") == "empty"


def test_missing_file_is_unreadable(tmp_path):
    assert refused(tmp_path / "no-such.jpg", tmp_path / "out") == "unreadable"


def test_not_an_image(tmp_path):
    assert refused(b"these are the minutes of the residents' meeting\n" * 20, tmp_path) == "not_image"


def test_heic_has_its_own_code(tmp_path):
    assert refused(heic_like(), tmp_path) == "heic_unsupported"


def test_other_image_formats_are_refused(tmp_path):
    assert refused(encoded(marked(60, 40), "GIF"), tmp_path) == "unsupported_format"
    assert refused(encoded(marked(60, 40), "BMP"), tmp_path) == "unsupported_format"
    assert refused(encoded(marked(60, 40), "AVIF"), tmp_path) == "unsupported_format"


def test_truncated_jpeg_is_caught_by_decoding(tmp_path, big_jpeg):
    cut = big_jpeg[: len(big_jpeg) * 6 // 10]
    with Image.open(__import__("io").BytesIO(cut)) as image:
        image.verify()  # Pillow's verify() lets this through: decoding must catch it
    assert refused(cut, tmp_path) == "truncated"


def test_truncated_jpeg_is_caught_also_when_decoded_at_reduced_scale(tmp_path):
    big = jpeg_bytes(textured(3200, 2400))  # decoded at half scale (draft)
    assert refused(big[: len(big) * 9 // 10], tmp_path) == "truncated"


def test_truncated_png(tmp_path):
    png = encoded(textured(600, 400), "PNG")
    assert refused(png[: len(png) // 2], tmp_path) in ("truncated", "corrupt")


@pytest.mark.parametrize(("width", "height"), [(10_000, 9_000), (12_000, 9_000), (20_000, 20_000)])
def test_jpeg_header_claiming_too_many_pixels_is_a_bomb(tmp_path, small_jpeg, width, height):
    assert refused(forge_jpeg_size(small_jpeg, width, height), tmp_path) == "bomb"


def test_png_bomb_has_a_lower_limit_than_jpeg(tmp_path):
    # PNG has no reduced-scale decode: 30 MP would be decoded in full
    png = encoded(marked(64, 48), "PNG")
    assert refused(forge_png_size(png, 6000, 5000), tmp_path) == "bomb"


@pytest.mark.parametrize(("width", "height"), [(19_000, 100), (30_000, 1_000), (100, 5_000)])
def test_absurd_dimensions(tmp_path, small_jpeg, width, height):
    assert refused(forge_jpeg_size(small_jpeg, width, height), tmp_path) == "bad_dimensions"


def test_source_over_the_size_limit(tmp_path, monkeypatch, small_jpeg):
    monkeypatch.setattr("fieldapp.photos.source.MAX_SOURCE_BYTES", len(small_jpeg) - 1)
    assert refused(small_jpeg, tmp_path) == "too_large"


def test_out_dir_that_is_a_file_is_write_failed(tmp_path, small_jpeg):
    blocker = tmp_path / "photos"
    blocker.write_bytes(b"not a directory")
    with pytest.raises(PhotoError) as caught:
        process_photo(small_jpeg, blocker)
    assert caught.value.code == "write_failed"
    assert blocker.read_bytes() == b"not a directory"


def test_failure_between_the_two_files_leaves_nothing(tmp_path, monkeypatch, small_jpeg):
    """Disk full after the upload JPEG is in place: it is taken back out, so no
    upload ever exists without its thumbnail, and no temp file stays."""
    real_replace = os.replace
    calls = []

    def replace_then_fail(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(photo_files.os, "replace", replace_then_fail)
    assert refused(small_jpeg, tmp_path) == "write_failed"
    assert len(calls) == 2


def test_failure_while_writing_leaves_no_temp_file(tmp_path, monkeypatch, small_jpeg):
    def fsync_fails(fd):
        raise OSError(5, "I/O error")

    monkeypatch.setattr(photo_files.os, "fsync", fsync_fails)
    assert refused(small_jpeg, tmp_path) == "write_failed"


def test_an_existing_photo_is_not_rewritten(tmp_path, small_jpeg):
    first = process_photo(small_jpeg, tmp_path)
    before = first.path.stat().st_mtime_ns, first.path.stat().st_ino
    second = process_photo(small_jpeg, tmp_path)
    assert second == first
    assert (first.path.stat().st_mtime_ns, first.path.stat().st_ino) == before


def test_every_code_has_a_message_in_both_languages():
    try:
        for language in ("zh-CN", "en"):
            set_language(language)
            for code in PHOTO_ERROR_CODES:
                message = t(f"photo_error.{code}")
                assert message != f"photo_error.{code}", (language, code)
    finally:
        set_language("zh-CN")
    with pytest.raises(ValueError):
        PhotoError("no_such_code")


def test_limits_let_real_phone_photos_through():
    from fieldapp.photos.source import check_dimensions

    check_dimensions(8000, 6000, "JPEG")  # 48 MP sensor, full resolution
    check_dimensions(9248, 6936, "JPEG")  # 64 MP
    check_dimensions(12_000, 2_000, "JPEG")  # a panorama
    check_dimensions(4000, 3000, "PNG")
    with pytest.raises(PhotoError) as caught:
        check_dimensions(8000, 6000, "PNG")  # no reduced-scale decode for PNG
    assert caught.value.code == "bomb"
