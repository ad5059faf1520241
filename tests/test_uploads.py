"""The image upload sanitiser: PNG/JPEG by content only, size and pixel limits, metadata stripped."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from jobbforum.services import uploads
from tests.exhibitor_builders import jpeg_bytes, png_bytes


def crafted_bomb_png(width: int = 60_000, height: int = 60_000) -> bytes:
    """A tiny valid-looking PNG whose header claims ``width`` × ``height`` pixels."""
    data = bytearray(png_bytes((1, 1)))
    ihdr = 8 + 8  # signature, then length + type of the IHDR chunk
    data[ihdr:ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12:ihdr + 13]))
    data[ihdr + 13:ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


def _save(data: bytes) -> str:
    return uploads.save_image(io.BytesIO(data), kind="logos")


def test_png_is_stored_under_a_new_name(app, db):
    name = _save(png_bytes())
    assert uploads.STORED_NAME_RE.match(name) and name.endswith(".png")
    path = uploads.stored_path("logos", name)
    assert path is not None and Path(path).parent.name == "logos"
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (64, 48)


def test_jpeg_exif_and_gps_are_stripped(app, db):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"        # Make
    exif[0x8825] = {1: "N", 2: (59.0, 51.0, 30.0)}  # GPS IFD
    name = _save(jpeg_bytes(exif=exif.tobytes()))
    assert name.endswith(".jpg")
    raw = uploads.stored_path("logos", name).read_bytes()
    assert b"SecretCam" not in raw and b"Exif" not in raw
    with Image.open(io.BytesIO(raw)) as image:
        assert not image.getexif()


def test_png_text_chunks_are_stripped(app, db):
    info = PngInfo()
    info.add_text("Author", "Karin Lind, karin@example.se")
    name = _save(png_bytes(pnginfo=info))
    assert b"karin@example.se" not in uploads.stored_path("logos", name).read_bytes()


def test_large_images_are_scaled_down(app, db):
    name = _save(png_bytes((3000, 1500)))
    with Image.open(uploads.stored_path("logos", name)) as image:
        assert max(image.size) == uploads.MAX_SIDE


@pytest.mark.parametrize("data, fragment", [
    (b"", "empty"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "SVG"),
    (b"<svg onload=alert(1)></svg>", "SVG"),
    (b"GIF89a" + b"\x00" * 100, "Only PNG and JPEG"),
    (b"%PDF-1.7\n" + b"x" * 100, "Only PNG and JPEG"),
    (b"MZ\x90\x00" + b"\x00" * 100, "Only PNG and JPEG"),
    (png_bytes()[:40], "damaged"),
    (b"\x89PNG\r\n\x1a\n" + b"<script>" * 10, "damaged"),
])
def test_refused_with_a_clear_message(app, db, data, fragment):
    with pytest.raises(uploads.UploadRejected) as info:
        _save(data)
    assert fragment in str(info.value.message)
    assert info.value.context["field"] == "logo"


def test_oversized_file_refused_without_reading_it_all(app, db):
    big = png_bytes() + b"\x00" * (uploads.MAX_LOGO_BYTES + 10)
    stream = io.BytesIO(big)
    with pytest.raises(uploads.UploadRejected, match="too large"):
        uploads.save_image(stream)
    assert stream.tell() == uploads.MAX_LOGO_BYTES + 1


def test_decompression_bomb_refused_before_decoding(app, db):
    with pytest.raises(uploads.UploadRejected, match="too many pixels"):
        _save(crafted_bomb_png())


def test_nothing_is_left_behind_when_refused(app, db):
    directory = uploads.upload_dir("logos")
    before = set(directory.iterdir())
    for data in (b"GIF89a", crafted_bomb_png()):
        with pytest.raises(uploads.UploadRejected):
            _save(data)
    assert set(directory.iterdir()) == before


@pytest.mark.parametrize("name", ["../../etc/passwd", "x.png", "0" * 32 + ".svg", ""])
def test_stored_path_accepts_only_generated_names(app, db, name):
    assert uploads.stored_path("logos", name) is None
