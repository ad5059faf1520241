"""Image uploads (exhibitor logos and later others): checked, re-encoded, stored under new names.

What :func:`save_image` guarantees for anything it stores:

* it is a PNG or JPEG **by content** (magic bytes and Pillow's parser), whatever the file name or
  the browser's content type said; SVG (scriptable) and every other format are refused;
* it was at most ``max_bytes`` (2 MB by default) as uploaded;
* its declared pixel count was checked *before* decoding (a decompression bomb, e.g. a tiny PNG
  claiming 50 000 × 50 000 pixels, is refused without allocating it), and Pillow's own
  ``MAX_IMAGE_PIXELS`` guard is turned into an error;
* it was decoded and re-encoded by Pillow: metadata (EXIF with GPS position, text chunks, ICC
  comments) is dropped, orientation applied, and it is scaled down to ``max_side`` pixels;
* it is stored under ``UPLOAD_DIR/<kind>/`` with a random server-generated name; the uploaded
  name is never used.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import warnings
from pathlib import Path
from typing import IO

from flask import current_app
from PIL import Image, ImageOps

from jobbforum.services.errors import InvalidInput, N_

MAX_LOGO_BYTES = 2 * 1024 * 1024
#: Declared pixels allowed before decoding (24 megapixels: any real logo or photo is smaller).
MAX_PIXELS = 24_000_000
#: Stored images are scaled down to fit in this square.
MAX_SIDE = 1200

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
#: Server-generated names look like this; anything else is not ours.
STORED_NAME_RE = re.compile(r"^[0-9a-f]{32}\.(png|jpg)$")


class UploadRejected(InvalidInput):
    """This file cannot be used."""

    code = "upload_rejected"
    message = N_("This file cannot be used.")


class StorageFull(InvalidInput):
    """The server could not store the file (its disk is full or not writable)."""

    code = "storage_full"
    http_status = 507
    message = N_("The server could not store the file (its disk is full or not writable).")


def _sniff(head: bytes) -> str | None:
    if head.startswith(_PNG_MAGIC):
        return "PNG"
    if head.startswith(_JPEG_MAGIC):
        return "JPEG"
    return None


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(b"<") and (b"<svg" in text or b"<?xml" in text or b"<!doctype svg" in text)


def read_limited(stream: IO[bytes], max_bytes: int, *, field: str) -> bytes:
    """Read at most ``max_bytes`` from ``stream``; raise :class:`UploadRejected` if there is more."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRejected(
            N_("The file is too large. The limit is %(mb)s MB."), mb=f"{max_bytes / 1024 / 1024:g}",
            field=field)
    return data


def check_image(data: bytes, *, field: str = "logo", max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Decode ``data`` as a PNG or JPEG under the guards above; returns the loaded image."""
    if not data:
        raise UploadRejected(N_("The file is empty."), field=field)
    kind = _sniff(data[:16])
    if kind is None:
        if _looks_like_svg(data[:1024]):
            raise UploadRejected(
                N_("SVG images are not accepted. Upload the logo as a PNG or JPEG file."), field=field)
        raise UploadRejected(
            N_("Only PNG and JPEG images are accepted. This file is something else, whatever its "
               "name says."), field=field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[kind])
            width, height = image.size
            if width < 1 or height < 1 or width * height > max_pixels:
                raise UploadRejected(
                    N_("The image has too many pixels (%(w)s × %(h)s). Make it smaller."), w=width,
                    h=height, field=field)
            image.load()
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRejected(N_("The image has too many pixels. Make it smaller."), field=field) from None
    except (OSError, SyntaxError, ValueError):
        raise UploadRejected(N_("The image file is damaged or incomplete."), field=field) from None
    image.format_hint = kind  # type: ignore[attr-defined]
    return image


def reencode(image: Image.Image, kind: str, *, max_side: int = MAX_SIDE) -> tuple[bytes, str]:
    """Re-encode without metadata; returns (bytes, extension)."""
    image = ImageOps.exif_transpose(image)
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    if kind == "PNG":
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        clean = Image.new(image.mode, image.size)
        if image.mode == "P":
            clean.putpalette(image.getpalette() or [])
            transparency = image.info.get("transparency")
            clean.paste(image)
            clean.save(out, "PNG", optimize=True,
                       **({"transparency": transparency} if transparency is not None else {}))
        else:
            clean.paste(image)
            clean.save(out, "PNG", optimize=True)
        return out.getvalue(), "png"
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    clean.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), "jpg"


def upload_dir(kind: str) -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_image(stream: IO[bytes], *, kind: str = "logos", field: str = "logo",
               max_bytes: int = MAX_LOGO_BYTES, max_side: int = MAX_SIDE) -> str:
    """Check, re-encode and store an uploaded image; returns its new file name (see module doc)."""
    data = read_limited(stream, max_bytes, field=field)
    image = check_image(data, field=field)
    content, ext = reencode(image, image.format_hint, max_side=max_side)  # type: ignore[attr-defined]
    name = f"{secrets.token_hex(16)}.{ext}"
    directory = upload_dir(kind)
    temporary = directory / f".{name}.tmp"
    try:
        temporary.write_bytes(content)
        os.replace(temporary, directory / name)
    except OSError as error:  # ENOSPC, EDQUOT, EROFS, EACCES …: say so, keep what was typed
        temporary.unlink(missing_ok=True)
        current_app.logger.error("Could not store an upload in %s: %s", directory, error)
        raise StorageFull(N_("The file could not be saved because the server's storage is "
                             "full. Try again later, or continue without the file."),
                          field=field) from None
    return name


def stored_path(kind: str, name: str) -> Path | None:
    """Path of a stored file if ``name`` is one of our generated names and exists, else ``None``."""
    if not STORED_NAME_RE.match(name or ""):
        return None
    path = Path(current_app.config["UPLOAD_DIR"]) / kind / name
    return path if path.is_file() else None


def delete(kind: str, name: str | None) -> None:
    """Remove a stored file (missing files are fine)."""
    path = stored_path(kind, name or "")
    if path is not None:
        path.unlink(missing_ok=True)
