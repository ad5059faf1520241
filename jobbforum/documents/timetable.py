"""Printable workshop documents: the timetable of a round or county (A4 landscape) and a door
sign per session (A4 portrait) with the session's check-in QR code for staff.

Pure functions: the caller passes plain rows (already in local time, already translated) and
gets PDF bytes. The QR code holds only a staff URL (the session's roll-call page), never
personal data.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jobbforum.documents.qr import draw_qr

BRAND = colors.HexColor("#0b5cad")


@dataclass(frozen=True)
class TimetableRow:
    day: str
    time: str
    title: str
    room: str
    facilitator: str = ""
    language_support: str = ""
    audience: str = ""
    seats: str = ""


@dataclass(frozen=True)
class DoorSign:
    title: str
    day: str
    time: str
    room: str
    facilitator: str = ""
    language_support: str = ""
    #: What the QR code opens (the staff roll-call/scan page of the session).
    qr_text: str = ""
    qr_caption: str = ""
    footer: str = ""


def timetable_pdf(rows: Sequence[TimetableRow], *, title: str, subtitle: str = "",
                  headers: Sequence[str]) -> bytes:
    """The timetable as a table, one row per session, repeated header on every page.

    ``headers`` are the eight column titles (day, time, session, room, facilitator, language,
    audience, seats), translated by the caller.
    """
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=12 * mm,
                            rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=12 * mm,
                            title=title)
    styles = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=styles["BodyText"], fontSize=9, leading=11)
    story = [Paragraph(title, styles["Title"])]
    if subtitle:
        story += [Paragraph(subtitle, styles["Normal"]), Spacer(1, 4 * mm)]
    data = [[Paragraph(f"<b>{h}</b>", cell) for h in headers]]
    for row in rows:
        data.append([Paragraph(_escape(v), cell) for v in (
            row.day, row.time, row.title, row.room, row.facilitator, row.language_support,
            row.audience, row.seats)])
    widths = [c * mm for c in (26, 22, 62, 52, 34, 30, 24, 20)]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f6f8fa")]),
    ]))
    story.append(table)
    doc.build(story)
    return buffer.getvalue()


def door_sign_pdf(sign: DoorSign) -> bytes:
    """One A4 page for the room door: big title and time, room, facilitator, language support,
    and the staff check-in QR code."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    width, height = A4
    canvas.setTitle(sign.title)
    canvas.setFillColor(BRAND)
    canvas.rect(0, height - 40 * mm, width, 40 * mm, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    _fit(canvas, sign.title, "Helvetica-Bold", 34, width / 2, height - 25 * mm, width - 30 * mm)
    canvas.setFillColor(colors.black)
    y = height - 65 * mm
    _fit(canvas, sign.day, "Helvetica-Bold", 28, width / 2, y, width - 30 * mm)
    _fit(canvas, sign.time, "Helvetica-Bold", 40, width / 2, y - 18 * mm, width - 30 * mm)
    _fit(canvas, sign.room, "Helvetica", 22, width / 2, y - 34 * mm, width - 30 * mm)
    lines = [v for v in (sign.facilitator, sign.language_support) if v]
    for i, line in enumerate(lines):
        _fit(canvas, line, "Helvetica", 18, width / 2, y - 48 * mm - i * 10 * mm, width - 30 * mm)
    if sign.qr_text:
        size = 60 * mm
        draw_qr(canvas, sign.qr_text, (width - size) / 2, 45 * mm, size)
        canvas.setFont("Helvetica", 11)
        canvas.drawCentredString(width / 2, 38 * mm, sign.qr_caption)
    if sign.footer:
        canvas.setFont("Helvetica", 10)
        canvas.setFillColor(colors.HexColor("#4a5560"))
        canvas.drawCentredString(width / 2, 15 * mm, sign.footer)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _fit(canvas: Canvas, text: str, font: str, size: float, x: float, y: float,
         max_width: float) -> None:
    """Centred text, shrunk until it fits ``max_width``."""
    while size > 8 and canvas.stringWidth(text, font, size) > max_width:
        size -= 1
    canvas.setFont(font, size)
    canvas.drawCentredString(x, y, text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
