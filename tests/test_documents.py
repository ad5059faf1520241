"""Tests of jobbforum.documents: QR codes, fonts and text layout, badges and tickets.

Decoding checks use poppler-utils (pdftoppm, pdftotext, pdfinfo) and zbar-tools (zbarimg):
skipped where missing, except under CI=true, where a missing tool fails the test.
"""

from __future__ import annotations

import logging
import re
import secrets
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from jobbforum.documents import fonts
from jobbforum.documents.badges import (
    CARD_H,
    CARD_QR,
    CARD_W,
    DEFAULT_ROLE_STYLE,
    ROLE_STYLES,
    BadgeData,
    _cut_marks,
    badge_sheet_pdf,
    card_origins,
    ticket_pdf,
)
from jobbforum.documents.fonts import bidi_levels, fit_text, font_for, layout_line
from jobbforum.documents.qr import (
    FIXED_MASK,
    QUIET_ZONE,
    dark_runs,
    draw_qr,
    qr_matrix,
    qr_png,
    qr_svg,
)
from tests.conftest import skip_or_fail

ARABIC_NAME = "محمد الأحمد"
TIGRINYA_NAME = "ሃብቶም ተስፋይ"
UKRAINIAN_NAME = "Олена Коваленко"
SWEDISH_NAME = "Åsa Öberg"
NAMES = [ARABIC_NAME, TIGRINYA_NAME, UKRAINIAN_NAME, SWEDISH_NAME]
ROLES = [
    ("participant", "Deltagare"),
    ("mentor", "Mentor"),
    ("visitor", "Besökare"),
    ("exhibitor", "Utställare"),
    ("staff", "Personal"),
]


# --- helpers -------------------------------------------------------------------------------


def need(tool: str) -> str:
    """Path of a command-line tool; skip without it, but fail under CI=true."""
    path = shutil.which(tool)
    if path is None:
        skip_or_fail(f"{tool} is not installed (poppler-utils / zbar-tools)")
    return path


def zbar_decode(png: Path) -> list[str]:
    """All QR payloads zbarimg finds in an image (one per line)."""
    result = subprocess.run(
        [need("zbarimg"), "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 4), result.stderr  # 4: nothing found
    return [line for line in result.stdout.splitlines() if line]


def rasterise(pdf: bytes, tmp_path: Path, dpi: int = 150) -> list[Path]:
    """The PDF's pages as PNG files, in page order."""
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [need("pdftoppm"), "-r", str(dpi), "-png", str(source), str(tmp_path / "page")],
        check=True,
        timeout=300,
    )
    return sorted(tmp_path.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        [need("pdftotext"), "-enc", "UTF-8", str(source), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


def pdf_info(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    source = tmp_path / "info.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(
        [need("pdfinfo"), str(source)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def normalise(text: str) -> str:
    """Extracted text made comparable: compatibility forms (Arabic presentation forms) folded,
    bidi control characters dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return re.sub(r"\s+", " ", text)


def contains_name(extracted: str, name: str) -> bool:
    """Whether ``name`` is in the text, in logical order (or fully reversed visual order)."""
    text = normalise(extracted)
    return name in text or name[::-1] in text


def badge(i: int, name: str | None = None, code: str | None = None) -> BadgeData:
    role, label = ROLES[i % len(ROLES)]
    return BadgeData(
        ticket_code=code or secrets.token_urlsafe(16 if i % 2 else 32),
        name=name or NAMES[i % len(NAMES)],
        role=role,
        role_label=label,
        organisation="Göteborgs Stad – Arbetsmarknad" if role == "exhibitor" else None,
        event_title="Jobbmässan för nyanlända 2026",
        event_when="tisdag 12 maj 2026, 10:00–15:00",
        round_label="Pass 2" if i % 3 == 0 else None,
    )


# --- QR codes ------------------------------------------------------------------------------


@pytest.mark.parametrize("nbytes", [16, 24, 32])
def test_ticket_codes_use_one_symbol_size(nbytes: int) -> None:
    code = secrets.token_urlsafe(nbytes)
    matrix = qr_matrix(code)
    assert len(matrix) == 33 and all(len(row) == 33 for row in matrix)
    assert qr_matrix(code) == matrix  # deterministic


def test_long_text_gets_a_larger_symbol() -> None:
    matrix = qr_matrix("https://jobbforum.example/t/" + "x" * 100)
    assert len(matrix) > 33 and (len(matrix) - 17) % 4 == 0


def test_dark_runs_rebuild_the_matrix() -> None:
    matrix = qr_matrix(secrets.token_urlsafe(32))
    rebuilt = [[False] * len(matrix) for _ in matrix]
    previous_end: dict[int, int] = {}
    for row, col, length in dark_runs(matrix):
        assert length >= 1
        assert col > previous_end.get(row, -1)  # maximal: a light module between runs
        previous_end[row] = col + length
        for c in range(col, col + length):
            rebuilt[row][c] = True
    assert rebuilt == matrix


@pytest.mark.parametrize("nbytes", [16, 32])
def test_qr_png_decodes(nbytes: int, tmp_path: Path) -> None:
    code = secrets.token_urlsafe(nbytes)
    png = tmp_path / "qr.png"
    png.write_bytes(qr_png(code, scale=6))
    with Image.open(png) as img:
        assert img.size == ((33 + 2 * QUIET_ZONE) * 6,) * 2
        assert img.getpixel((0, 0)) != 0  # quiet zone is white
    assert zbar_decode(png) == [code]


def _svg_to_png(svg: str, path: Path, scale: int = 6) -> None:
    """Rasterise our own SVG (a background rect and one path of 'M x y h n v1 h-n z')."""
    root = ET.fromstring(svg)
    side = int(root.get("viewBox", "").split()[2])
    img = Image.new("1", (side * scale, side * scale), 1)
    draw = ImageDraw.Draw(img)
    (path_el,) = root.findall("{http://www.w3.org/2000/svg}path")
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path_el.get("d", "")):
        x0, y0, w = int(x) * scale, int(y) * scale, int(n) * scale
        draw.rectangle([x0, y0, x0 + w - 1, y0 + scale - 1], fill=0)
    img.save(path)


def test_qr_svg_is_one_accessible_path_and_decodes(tmp_path: Path) -> None:
    code = secrets.token_urlsafe(32)
    svg = qr_svg(code, module_px=5, title='Biljett <"Åsa">')
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert len(root.findall(f"{ns}path")) == 1
    assert root.get("viewBox") == "0 0 41 41" and root.get("width") == "205"
    assert root.get("role") == "img" and root.get("aria-label") == 'Biljett <"Åsa">'
    assert root.findtext(f"{ns}title") == 'Biljett <"Åsa">'
    png = tmp_path / "svg.png"
    _svg_to_png(svg, png)
    assert zbar_decode(png) == [code]


def test_qr_svg_without_title_is_hidden_from_screen_readers() -> None:
    root = ET.fromstring(qr_svg("abc", title=None))
    assert root.get("aria-hidden") == "true" and root.get("role") is None
    assert root.find("{http://www.w3.org/2000/svg}title") is None


def _content_stream(pdf: bytes) -> str:
    """The (uncompressed or Flate-only) content of the first stream that draws rectangles."""
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = match.group(1)
        for candidate in (data, _inflate(data)):
            if candidate and b" re" in candidate:
                return candidate.decode("latin-1")
    raise AssertionError("no content stream with rectangles")


def _inflate(data: bytes) -> bytes | None:
    try:
        return zlib.decompress(data)
    except zlib.error:
        return None


def test_draw_qr_is_one_path_of_merged_runs(tmp_path: Path) -> None:
    code = secrets.token_urlsafe(32)
    out = tmp_path / "one.pdf"
    canvas = Canvas(str(out), pagesize=(120 * mm, 120 * mm), pageCompression=0)
    draw_qr(canvas, code, 10 * mm, 10 * mm, 100 * mm)
    canvas.save()
    stream = _content_stream(out.read_bytes())
    runs = list(dark_runs(qr_matrix(code)))
    assert stream.count(" re") == len(runs) + 1  # + the white background
    dark_modules = sum(sum(row) for row in qr_matrix(code))
    assert len(runs) < dark_modules  # runs were merged
    assert re.search(r" re\s*f\b", stream) and stream.count("\nf") == 1  # filled once
    pages = rasterise(out.read_bytes(), tmp_path, dpi=100)
    assert zbar_decode(pages[0]) == [code]


def test_fixed_mask_is_used() -> None:
    # Format information (row 8, columns 0-5 and 7) carries the mask; compare with qrcode itself.
    import qrcode

    code = secrets.token_urlsafe(32)
    reference = qrcode.QRCode(
        version=4,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        mask_pattern=FIXED_MASK,
        border=0,
    )
    reference.add_data(code, optimize=0)
    reference.make(fit=False)
    assert qr_matrix(code) == reference.modules


# --- fonts and text --------------------------------------------------------------------------


def test_font_for_picks_by_script() -> None:
    assert "Arabic" in font_for(ARABIC_NAME)
    assert "Ethiopic" in font_for(TIGRINYA_NAME, bold=True) and "Bold" in font_for(
        TIGRINYA_NAME, bold=True
    )
    assert font_for(UKRAINIAN_NAME) == font_for(SWEDISH_NAME) == "NotoSans-Regular"
    assert font_for("123 !") == "NotoSans-Regular"


def _visual(text: str) -> str:
    """What a line draws, left to right, with presentation forms folded back to letters."""
    return unicodedata.normalize("NFKC", "".join(run.text for run in layout_line(text).runs))


@pytest.mark.parametrize(
    ("logical", "visual"),
    [
        (SWEDISH_NAME, SWEDISH_NAME),
        ("محمد علي", "يلع دمحم"),
        ("محمد (Anna)", "(Anna) دمحم"),
        ("Anna محمد Smith", "Anna دمحم Smith"),
        ("Anna (محمد) 12%", "Anna (دمحم) 12%"),
        ("بيت ١٢٣ 45", "45 ١٢٣ تيب"),
        ("עדן כהן", "ןהכ ןדע"),
    ],
)
def test_layout_line_orders_bidirectional_text(logical: str, visual: str) -> None:
    assert _visual(logical) == visual


def test_bidi_levels() -> None:
    assert bidi_levels("abc") == ([0, 0, 0], 0)
    assert bidi_levels("ab سم") == ([0, 0, 0, 1, 1], 0)
    assert bidi_levels("سم ab 12") == ([1, 1, 1, 2, 2, 2, 2, 2], 1)  # W7: 12 follows "ab"
    assert bidi_levels("سم 12 ab") == ([1, 1, 1, 2, 2, 1, 2, 2], 1)


def test_arabic_is_shaped_and_mixed_scripts_change_font() -> None:
    line = layout_line(ARABIC_NAME, bold=True)
    assert [run.font for run in line.runs] == ["NotoSansArabic-Bold"] and line.rtl
    # joined letters: presentation forms (or private glyph codes), not the isolated letters
    assert all(c not in line.runs[0].text for c in "محد")
    mixed = layout_line(f"{SWEDISH_NAME} {TIGRINYA_NAME}")
    assert [run.font for run in mixed.runs] == ["NotoSans-Regular", "NotoSansEthiopic-Regular"]
    assert not mixed.rtl


def test_no_discretionary_ligature_for_muhammad() -> None:
    # Noto Sans Arabic has a single-glyph "Muhammad" ligature (U+FDF4); a name must not use it.
    assert "\ufdf4" not in layout_line("محمد").runs[0].text


def test_fit_text_shrinks_then_wraps_then_cuts() -> None:
    short = fit_text("Li", max_width=200, max_size=28, min_size=9, max_lines=2)
    assert short.size == 28 and len(short.lines) == 1
    long = fit_text(
        "Mohammed Abdirahman Abdullahi Hassan Warsame",
        max_width=230,
        max_size=28,
        min_size=9,
        max_height=41,
        max_lines=2,
        bold=True,
    )
    assert len(long.lines) == 2 and long.size > 9
    assert all(line.width(long.size) <= 230 + 1e-6 for line in long.lines)
    assert long.height <= 41 + 1e-6
    huge = fit_text("x" * 300, max_width=100, max_size=20, min_size=8)
    assert huge.size == 8 and huge.lines[0].width(8) <= 100
    assert huge.lines[0].runs[-1].text.endswith("…")


def test_clean_text_drops_controls_keeps_joiners() -> None:
    assert fonts.clean_text(" Anna\n\t Berg\u202e ") == "Anna Berg"
    assert fonts.clean_text("می\u200cخواهم") == "می\u200cخواهم"
    assert fonts.clean_text("A\u030a") == "Å"  # NFC


def test_missing_fonts_fall_back_to_helvetica(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    monkeypatch.setattr(fonts, "DEFAULT_FONT_DIRS", ())
    monkeypatch.setenv(fonts.FONT_DIRS_ENV, str(tmp_path))
    fonts.clear_font_cache()
    try:
        with caplog.at_level(logging.WARNING, logger="jobbforum.documents.fonts"):
            assert fonts.registered_font(fonts.LATIN) == "Helvetica"
            assert fonts.registered_font(fonts.ARABIC, bold=True) == "Helvetica-Bold"
            assert fonts.registered_font(fonts.LATIN) == "Helvetica"
            pdf = badge_sheet_pdf([badge(i) for i in range(4)])
        assert pdf.startswith(b"%PDF")
        missing = [
            r.getMessage() for r in caplog.records if "NotoSans-Regular.ttf" in r.getMessage()
        ]
        assert len(missing) == 1  # warned once
    finally:
        monkeypatch.undo()
        fonts.clear_font_cache()
    assert fonts.registered_font(fonts.LATIN) == "NotoSans-Regular"


# --- badges and tickets ---------------------------------------------------------------------


def _contrast(a, b) -> float:  # WCAG 2 contrast ratio
    def luminance(c) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(c.red) + 0.7152 * channel(c.green) + 0.0722 * channel(c.blue)

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_role_bands_have_high_contrast_and_distinct_colours() -> None:
    styles = [*ROLE_STYLES.values(), DEFAULT_ROLE_STYLE]
    assert set(ROLE_STYLES) == {"participant", "mentor", "visitor", "exhibitor", "staff"}
    assert all(_contrast(s.band, s.text) >= 7 for s in styles)
    assert len({s.band.hexval() for s in styles}) == len(styles)


def test_a4_geometry_cards_and_cut_marks() -> None:
    origins = card_origins()
    assert len(origins) == 8
    cards = [(x, y, x + CARD_W, y + CARD_H) for x, y in origins]
    for x0, y0, x1, y1 in cards:
        assert 5 * mm <= x0 and x1 <= A4[0] - 5 * mm and 5 * mm <= y0 and y1 <= A4[1] - 5 * mm
    for x, y in origins:
        for sx0, sy0, sx1, sy1 in _cut_marks(x, y, CARD_W, CARD_H):
            for cx0, cy0, cx1, cy1 in cards:  # no mark enters any badge
                inside_x = min(sx0, sx1) < cx1 and max(sx0, sx1) > cx0
                inside_y = min(sy0, sy1) < cy1 and max(sy0, sy1) > cy0
                assert not (inside_x and inside_y)
    assert round(CARD_W / mm) == 90 and round(CARD_H / mm) == 65
    assert CARD_QR * 33 / (33 + 2 * QUIET_ZONE) >= 30 * mm  # the symbol itself is >= 30 mm


def test_badge_sheet_every_qr_decodes(tmp_path: Path) -> None:
    items = [badge(i) for i in range(20)]
    seen: list[int] = []
    pdf = badge_sheet_pdf(items, title="Namnbrickor – test", progress=seen.append)
    assert seen == list(range(1, 21))
    info = pdf_info(pdf, tmp_path)
    assert info["Pages"] == "3" and "A4" in info["Page size"]
    dpi = 150
    scale = dpi / 72
    decoded: list[str] = []
    for page_no, page in enumerate(rasterise(pdf, tmp_path, dpi)):
        # Badge by badge: zbar, given a whole page with 8 codes, now and then overlooks one
        # (about 1 in 500) that it reads fine on its own; a door scanner sees one badge.
        with Image.open(page) as img:
            for slot, (x, y) in enumerate(card_origins()):
                index = page_no * 8 + slot
                if index >= len(items):
                    break
                crop = tmp_path / f"card-{index}.png"
                img.crop(
                    (
                        int(x * scale),
                        int(img.height - (y + CARD_H) * scale),
                        int((x + CARD_W) * scale) + 1,
                        int(img.height - y * scale) + 1,
                    )
                ).save(crop)
                codes = zbar_decode(crop)
                assert codes == [items[index].ticket_code], f"badge {index}"
                decoded.extend(codes)
    assert sorted(decoded) == sorted(b.ticket_code for b in items)


def test_names_in_all_scripts_are_in_the_text_layer(tmp_path: Path) -> None:
    items = [badge(i, name=name) for i, name in enumerate(NAMES)]
    text = pdf_text(badge_sheet_pdf(items), tmp_path)
    for name in NAMES:
        assert contains_name(text, name), name
    assert "Jobbmässan för" in text and "Deltagare" in text


def test_metadata_has_title_and_no_personal_data(tmp_path: Path) -> None:
    items = [badge(i) for i in range(3)]
    pdf = badge_sheet_pdf(items, title="Namnbrickor – Jobbmässan")
    info = pdf_info(pdf, tmp_path)
    assert info["Title"] == "Namnbrickor – Jobbmässan"
    assert info["Creator"] == "Jobbforum"
    dump = " ".join(info.values())
    for item in items:
        assert item.name not in dump and item.ticket_code not in dump
        assert item.ticket_code.encode() not in pdf  # the code exists only as QR modules
    ticket = pdf_info(ticket_pdf(items[0], venue="Folkets Hus"), tmp_path)
    assert ticket["Title"] == "Biljett – Jobbmässan för nyanlända 2026"
    assert items[0].name not in " ".join(ticket.values())


def test_a6_layout_one_badge_per_page(tmp_path: Path) -> None:
    items = [badge(i) for i in range(5)]
    pdf = badge_sheet_pdf(items, layout="a6")
    info = pdf_info(pdf, tmp_path)
    assert info["Pages"] == "5" and info["Page size"].startswith("297.638 x 419.528 pts")
    pages = rasterise(pdf, tmp_path, dpi=100)
    assert [zbar_decode(page) for page in pages] == [[b.ticket_code] for b in items]
    text = pdf_text(pdf, tmp_path)
    assert all(contains_name(text, b.name) for b in items)


def test_ticket_pdf(tmp_path: Path) -> None:
    item = badge(1, name=ARABIC_NAME)
    lines = ["Ta med legitimation och CV.", "Spårvagn 1, 3 eller 6 till Järntorget."]
    pdf = ticket_pdf(item, venue="Folkets Hus, Järntorget 12, Göteborg", extra_lines=lines)
    info = pdf_info(pdf, tmp_path)
    assert info["Pages"] == "1" and info["Page size"].startswith("297.638 x 419.528 pts")
    (page,) = rasterise(pdf, tmp_path, dpi=100)
    assert zbar_decode(page) == [item.ticket_code]
    text = pdf_text(pdf, tmp_path)
    assert contains_name(text, ARABIC_NAME)
    assert "Folkets Hus, Järntorget 12, Göteborg" in text
    assert all(line in text for line in lines)


def test_empty_sheet_and_unknown_layout() -> None:
    assert badge_sheet_pdf([]).startswith(b"%PDF")
    with pytest.raises(ValueError):
        badge_sheet_pdf([badge(0)], layout="letter")  # type: ignore[arg-type]


def test_page_sizes_are_a4_and_a6() -> None:
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in badge_sheet_pdf([badge(0)])
    assert b"/MediaBox [ 0 0 297.6378 419.5276 ]" in badge_sheet_pdf([badge(0)], layout="a6")
    assert A4[0] == pytest.approx(595.2756, abs=1e-3) and A6[1] == pytest.approx(419.5276, abs=1e-3)
