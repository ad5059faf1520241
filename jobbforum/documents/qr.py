"""The one place that makes QR codes: a module matrix and its SVG, PNG and PDF renderings.

Every renderer goes through :func:`qr_matrix`, so a code printed on a badge, shown on a web page
or attached to an e-mail is the same symbol. Ticket codes (``secrets.token_urlsafe(16..32)``,
22–43 characters) always fit :data:`TICKET_VERSION` at error-correction level M, so all tickets
get symbols of the same size; longer texts fall back to the smallest version that fits.

The mask pattern is fixed (:data:`FIXED_MASK`) instead of letting the library try all eight and
score them: that scoring is ~85 % of the encoding time. Any mask gives a valid, decodable symbol;
the one chosen has the lowest mean ISO/IEC 18004 penalty over random ticket codes (measured over
200 codes: it was best for 52 % of them, and no other mask for more than 24 %).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html import escape

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
from reportlab.pdfgen.canvas import Canvas

#: Error-correction level M: ~15 % of the symbol may be damaged (creases, pen marks, glare).
ERROR_CORRECTION = ERROR_CORRECT_M
#: 33×33 modules; holds 62 bytes at level M, so every ticket code (≤ 43 characters) fits.
TICKET_VERSION = 4
#: Fixed mask pattern (see the module docstring for how it was chosen).
FIXED_MASK = 2
#: Quiet zone, in modules, that the standard requires around the symbol.
QUIET_ZONE = 4

#: ``matrix[row][col]`` is True for a dark module; square, without quiet zone.
QRMatrix = list[list[bool]]

_DARK_RUN = re.compile(b"\x01+")  # over bytes(row): True -> 1


def _encode(text: str, version: int | None) -> QRMatrix:
    qr = qrcode.QRCode(
        version=version, error_correction=ERROR_CORRECTION, mask_pattern=FIXED_MASK, border=0
    )
    # optimize=0: one byte-mode segment; mode switching gains nothing on base64 codes.
    qr.add_data(text, optimize=0)
    qr.make(fit=version is None)
    return qr.modules  # type: ignore[return-value]  # fresh lists of bools after make()


def qr_matrix(text: str) -> QRMatrix:
    """The QR symbol for ``text`` (UTF-8, byte mode, level M, mask :data:`FIXED_MASK`).

    Guarantees: a new square list of rows of bools (True = dark), without quiet zone;
    33×33 (version :data:`TICKET_VERSION`) whenever the UTF-8 text is at most 62 bytes,
    otherwise the smallest version that holds it. Raises ``qrcode.exceptions.DataOverflowError``
    if the text does not fit even version 40.
    """
    try:
        return _encode(text, TICKET_VERSION)
    except DataOverflowError:
        return _encode(text, None)


def dark_runs(matrix: QRMatrix) -> Iterator[tuple[int, int, int]]:
    """Yield ``(row, col, length)`` for each maximal horizontal run of dark modules, row by row."""
    for y, row in enumerate(matrix):
        for run in _DARK_RUN.finditer(bytes(row)):
            start, end = run.span()
            yield y, start, end - start


def qr_svg(
    text: str,
    *,
    module_px: int = 4,
    border: int = QUIET_ZONE,
    title: str | None = "QR code",
) -> str:
    """Inline SVG markup for the QR code of ``text``.

    Guarantees: one ``<svg>`` element whose dark modules are a single ``<path>`` (horizontal runs
    merged), on a white background rectangle that includes ``border`` quiet-zone modules, so the
    code stays readable on dark page themes; ``width``/``height`` are ``module_px`` per module and
    the ``viewBox`` is in modules, so CSS may scale it. With a ``title`` the image is announced to
    screen readers (``role="img"``, ``aria-label`` and ``<title>``, escaped); with ``title=None``
    it is ``aria-hidden`` (use when the code is also shown as text next to it).
    """
    matrix = qr_matrix(text)
    side = len(matrix) + 2 * border
    d = "".join(f"M{x + border} {y + border}h{n}v1h-{n}z" for y, x, n in dark_runs(matrix))
    if title is None:
        a11y = 'aria-hidden="true"'
        title_el = ""
    else:
        label = escape(title, quote=True)
        a11y = f'role="img" aria-label="{label}"'
        title_el = f"<title>{label}</title>"
    px = side * module_px
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" '
        f'width="{px}" height="{px}" shape-rendering="crispEdges" {a11y}>{title_el}'
        f'<rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path fill="#000" d="{d}"/></svg>'
    )


def qr_png(text: str, scale: int = 8, *, border: int = QUIET_ZONE) -> bytes:
    """PNG bytes of the QR code of ``text``: black on white, 1 bit per pixel.

    Guarantees: each module is exactly ``scale``×``scale`` pixels (no resampling blur) and the
    image includes ``border`` white quiet-zone modules on every side.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    matrix = qr_matrix(text)
    n = len(matrix)
    side = n + 2 * border
    img = Image.new("1", (side, side), 1)
    img.paste(
        Image.frombytes("L", (n, n), bytes(0 if dark else 255 for row in matrix for dark in row)),
        (border, border),
    )
    if scale > 1:
        img = img.resize((side * scale, side * scale), Image.Resampling.NEAREST)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False)
    return out.getvalue()


def draw_qr(
    canvas: Canvas, text: str, x: float, y: float, size: float, *, border: int = QUIET_ZONE
) -> None:
    """Draw the QR code of ``text`` as vector graphics onto a reportlab canvas.

    ``(x, y)`` is the lower-left corner and ``size`` the side of the square, in points, quiet zone
    (``border`` modules) included. Guarantees: a white square covering the whole area, then all
    dark modules as ONE filled path of rectangles (one per horizontal run), so rasterisers draw
    no seams between modules; the canvas graphics state is restored afterwards.
    """
    matrix = qr_matrix(text)
    module = size / (len(matrix) + 2 * border)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    # Module coordinates from here on: origin at the symbol's top-left, y growing downwards.
    canvas.translate(x + border * module, y + size - border * module)
    canvas.scale(module, -module)
    canvas.setFillColorRGB(0, 0, 0)
    # The path goes into the content stream directly: its coordinates are small integers, and
    # reportlab's PDFPathObject.rect would format each one as a float (3x slower per badge).
    canvas.addLiteral(
        "".join(f"{col} {row} {length} 1 re\n" for row, col, length in dark_runs(matrix)) + "f"
    )
    canvas.restoreState()
