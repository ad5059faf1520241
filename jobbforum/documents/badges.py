"""Name badges and tickets as PDF: pure functions from :class:`BadgeData` to bytes.

Layouts:

* ``"a4-8up"``: A4 portrait sheets with 2×4 badges of 90×65 mm (the common badge-holder
  insert), with cut marks outside each badge's corners;
* ``"a6"``: one badge per A6 page (for a badge printer or folding), see also :func:`ticket_pdf`.

Every badge has a role band (colour per role, text colour chosen for ≥ 7:1 contrast), the name
as large as fits (shrunk, then wrapped to two lines), the organisation if given, the event and
its time, and a vector QR code of at least 30 mm that encodes only the ticket code. Names may be
in any script the installed fonts cover (see :mod:`jobbforum.documents.fonts`).

PDF metadata carries the given title and "Jobbforum" as creator, nothing about the people.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .fonts import FittedText, fit_text
from .qr import draw_qr

Layout = Literal["a4-8up", "a6"]
LAYOUTS: tuple[Layout, ...] = ("a4-8up", "a6")


@dataclass(frozen=True)
class BadgeData:
    """What one badge or ticket shows. Texts are final: already translated and formatted."""

    ticket_code: str
    name: str
    #: participant | mentor | visitor | exhibitor | staff (others get a neutral style)
    role: str
    role_label: str
    #: Shown when given: the caller passes it for exhibitors (and may for mentors or staff).
    organisation: str | None
    event_title: str
    event_when: str
    round_label: str | None = None


@dataclass(frozen=True)
class RoleStyle:
    """Colours of a role band: ``text`` on ``band`` has a contrast ratio of at least 7:1."""

    band: Color
    text: Color


ROLE_STYLES: dict[str, RoleStyle] = {
    "participant": RoleStyle(HexColor("#1F4E9A"), white),  # blue, 8.0:1
    "mentor": RoleStyle(HexColor("#1B5E20"), white),  # green, 7.9:1
    "visitor": RoleStyle(HexColor("#5B2C83"), white),  # purple, 9.9:1
    "exhibitor": RoleStyle(HexColor("#F2B705"), black),  # amber, 11.6:1
    "staff": RoleStyle(HexColor("#9A1B1B"), white),  # red, 8.3:1
}
DEFAULT_ROLE_STYLE = RoleStyle(HexColor("#222222"), white)  # 15.9:1

#: Badge size of the A4 layout: standard 90×65 mm badge-holder insert, landscape.
CARD_W, CARD_H = 90 * mm, 65 * mm
_COLS, _ROWS = 2, 4
_GUTTER_X, _GUTTER_Y = 10 * mm, 7 * mm
_MARK_OFFSET, _MARK_LEN = 1 * mm, 2 * mm  # cut marks: from 1 to 3 mm outside the corner
#: Side of the QR area on an A4 badge, quiet zone included: the symbol itself is ~30.6 mm.
CARD_QR = 38 * mm

_Fit = Callable[..., FittedText]


def card_origins() -> list[tuple[float, float]]:
    """Lower-left corners of the 8 badges on an A4 page, filled row by row from the top."""
    page_w, page_h = A4
    left = (page_w - _COLS * CARD_W - (_COLS - 1) * _GUTTER_X) / 2
    bottom = (page_h - _ROWS * CARD_H - (_ROWS - 1) * _GUTTER_Y) / 2
    return [
        (left + col * (CARD_W + _GUTTER_X), bottom + (_ROWS - 1 - row) * (CARD_H + _GUTTER_Y))
        for row in range(_ROWS)
        for col in range(_COLS)
    ]


_CARD_ORIGINS = card_origins()


def _new_canvas(out: io.BytesIO, pagesize: tuple[float, float], title: str) -> Canvas:
    canvas = Canvas(out, pagesize=pagesize, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("")
    canvas.setSubject("")
    canvas.setCreator("Jobbforum")
    return canvas


def _style(role: str) -> RoleStyle:
    return ROLE_STYLES.get(role, DEFAULT_ROLE_STYLE)


def _centre_top(block: FittedText, bottom: float, height: float) -> float:
    """The ``top`` for :meth:`FittedText.draw` that centres ``block`` vertically in a zone."""
    return bottom + (height + block.height) / 2


def _draw_band(
    canvas: Canvas,
    fit: _Fit,
    badge: BadgeData,
    x: float,
    y: float,
    w: float,
    h: float,
    label_size: float,
    pad: float,
) -> None:
    """The role band: coloured rectangle, role label at the start, round label at the end
    (start is the right edge when the role label is in a right-to-left script)."""
    style = _style(badge.role)
    canvas.setFillColor(style.band)
    canvas.rect(x, y, w, h, stroke=0, fill=1)
    canvas.setFillColor(style.text)
    inner = w - 2 * pad
    label = fit(
        badge.role_label,
        max_width=inner * 0.58 if badge.round_label else inner,
        max_size=label_size,
        min_size=6,
        max_height=h * 0.8,
        bold=True,
    )
    rtl = bool(label.lines) and label.lines[0].rtl
    start, end = (x + w - pad, x + pad) if rtl else (x + pad, x + w - pad)
    if badge.round_label:
        rnd = fit(
            badge.round_label,
            max_width=inner * 0.4,
            max_size=label_size * 0.7,
            min_size=6,
            max_height=h * 0.8,
        )
        rnd.draw(canvas, end, _centre_top(rnd, y, h), "left" if rtl else "right")
    label.draw(canvas, start, _centre_top(label, y, h), "right" if rtl else "left")


def _draw_card(canvas: Canvas, fit: _Fit, badge: BadgeData) -> None:
    """One 90×65 mm badge with its lower-left corner at the canvas origin."""
    pad = 4 * mm
    band_h = 9 * mm
    _draw_band(canvas, fit, badge, 0, CARD_H - band_h, CARD_W, band_h, 14, pad)

    qr_x, qr_y = CARD_W - CARD_QR - 1 * mm, 1 * mm
    name_bottom = qr_y + CARD_QR + 1 * mm
    name_h = CARD_H - band_h - 1.5 * mm - name_bottom
    canvas.setFillColor(black)
    name = fit(
        badge.name,
        max_width=CARD_W - 2 * pad,
        max_size=28,
        min_size=9,
        max_height=name_h,
        max_lines=2,
        bold=True,
    )
    name.draw(canvas, CARD_W / 2, _centre_top(name, name_bottom, name_h), "center")

    draw_qr(canvas, badge.ticket_code, qr_x, qr_y, CARD_QR)

    col_w = qr_x - pad - 1 * mm  # up to the QR code's quiet zone, never into it
    top = qr_y + CARD_QR - 1 * mm
    if badge.organisation:
        org = fit(
            badge.organisation,
            max_width=col_w,
            max_size=12,
            min_size=7,
            max_height=11 * mm,
            max_lines=2,
            bold=True,
        )
        org.draw(canvas, pad, top, "left")
    when = fit(badge.event_when, max_width=col_w, max_size=8.5, min_size=6)
    when_top = 3 * mm + when.height
    when.draw(canvas, pad, when_top, "left")
    event = fit(
        badge.event_title,
        max_width=col_w,
        max_size=9.5,
        min_size=6.5,
        max_height=9 * mm,
        max_lines=2,
        bold=True,
    )
    event.draw(canvas, pad, when_top + 1.2 * mm + event.height, "left")


def _cut_marks(x: float, y: float, w: float, h: float) -> list[tuple[float, float, float, float]]:
    """Line segments marking the corners of the rectangle, entirely outside it."""
    near, far = _MARK_OFFSET, _MARK_OFFSET + _MARK_LEN
    segments = []
    for cx, sx in ((x, -1), (x + w, 1)):
        for cy, sy in ((y, -1), (y + h, 1)):
            segments.append((cx + sx * near, cy, cx + sx * far, cy))  # along the edge line
            segments.append((cx, cy + sy * near, cx, cy + sy * far))
    return segments


def _draw_a6(
    canvas: Canvas,
    fit: _Fit,
    badge: BadgeData,
    venue: str | None = None,
    extra_lines: Sequence[str] = (),
) -> None:
    """One badge or ticket filling an A6 portrait page."""
    page_w, page_h = A6
    pad = 6 * mm
    band_h = 16 * mm
    inner = page_w - 2 * pad
    _draw_band(canvas, fit, badge, 0, page_h - band_h, page_w, band_h, 22, pad)

    canvas.setFillColor(black)
    name_bottom, name_h = page_h - band_h - 24 * mm, 21 * mm
    name = fit(
        badge.name,
        max_width=inner,
        max_size=32,
        min_size=11,
        max_height=name_h,
        max_lines=2,
        bold=True,
    )
    name.draw(canvas, page_w / 2, _centre_top(name, name_bottom, name_h), "center")
    if badge.organisation:
        org = fit(badge.organisation, max_width=inner, max_size=14, min_size=8, max_height=6 * mm)
        org.draw(canvas, page_w / 2, name_bottom - 0.5 * mm, "center")

    qr_size = 56 * mm
    qr_y = name_bottom - 8 * mm - qr_size
    draw_qr(canvas, badge.ticket_code, (page_w - qr_size) / 2, qr_y, qr_size)

    y = qr_y - 1 * mm
    blocks: list[tuple[str, float, int, bool]] = [
        (badge.event_title, 13, 2, True),
        (badge.event_when, 11, 1, False),
    ]
    if venue:
        blocks.append((venue, 10, 2, False))
    blocks.extend((line, 9, 1, False) for line in extra_lines)
    for text, size, lines, bold in blocks:
        block = fit(text, max_width=inner, max_size=size, min_size=6.5, max_lines=lines, bold=bold)
        if y - block.height < pad * 0.5:
            break  # out of room: later lines are the least important
        block.draw(canvas, page_w / 2, y, "center")
        y -= block.height + 1.5 * mm


def _document_fitter() -> _Fit:
    """A memoised :func:`fit_text` for one document: roles, event texts and rounds repeat."""
    return lru_cache(maxsize=512)(fit_text)


def badge_sheet_pdf(
    badges: Iterable[BadgeData],
    *,
    layout: Layout = "a4-8up",
    title: str = "Namnbrickor",
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """A PDF with one badge per item of ``badges``, in input order.

    ``layout="a4-8up"``: 8 badges per A4 page with cut marks; ``"a6"``: one per A6 page.
    ``title`` becomes the PDF title metadata: give it no personal data. ``progress`` is called
    with the number of badges drawn so far after each badge. An empty ``badges`` gives a valid
    PDF with one blank page. Raises ValueError for an unknown layout.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown badge layout {layout!r}; expected one of {LAYOUTS}")
    out = io.BytesIO()
    canvas = _new_canvas(out, A4 if layout == "a4-8up" else A6, title)
    fit = _document_fitter()
    per_page = len(_CARD_ORIGINS) if layout == "a4-8up" else 1
    done = 0
    for badge in badges:
        slot = done % per_page
        if done and slot == 0:
            canvas.showPage()
        if layout == "a4-8up":
            x, y = _CARD_ORIGINS[slot]
            canvas.setLineWidth(0.3)
            canvas.setStrokeColor(black)
            canvas.lines(_cut_marks(x, y, CARD_W, CARD_H))
            canvas.saveState()
            canvas.translate(x, y)
            _draw_card(canvas, fit, badge)
            canvas.restoreState()
        else:
            _draw_a6(canvas, fit, badge)
        done += 1
        if progress is not None:
            progress(done)
    canvas.save()
    return out.getvalue()


def ticket_pdf(
    badge: BadgeData, *, venue: str, extra_lines: Sequence[str] = (), title: str | None = None
) -> bytes:
    """A one-page A6 ticket: role band, name, a 56 mm QR code of the ticket code, the event,
    its time, ``venue`` and ``extra_lines`` (e.g. what to bring), as many as fit.

    The PDF title is ``title`` (default "Biljett – <event title>"); no personal data in the
    metadata.
    """
    out = io.BytesIO()
    canvas = _new_canvas(out, A6, title if title is not None else f"Biljett – {badge.event_title}")
    _draw_a6(canvas, _document_fitter(), badge, venue=venue, extra_lines=extra_lines)
    canvas.save()
    return out.getvalue()
