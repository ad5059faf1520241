"""Fonts and text lines for PDFs that must show people's names in any script.

Names of newly arrived job seekers come in Latin (Swedish, Somali, Turkish …), Cyrillic
(Ukrainian, Russian), Arabic script (Arabic, Dari, Kurdish Sorani; written right to left, with
letters that join), Ge'ez/Ethiopic (Tigrinya, Amharic) and more. This module

* registers Noto fonts with reportlab on first use, one per script and weight
  (:func:`registered_font`), falling back to Helvetica with one logged warning per missing file;
* picks a font by script (:func:`font_for`);
* lays out one line of text (:func:`layout_line`) as runs of (font, glyphs) in visual order:
  the implicit Unicode bidirectional algorithm for right-to-left scripts, Arabic
  joining/ligatures with HarfBuzz (``uharfbuzz``, through reportlab's own shaping support), font
  changes inside the line where the script changes;
* fits a text into a box by shrinking and wrapping to two lines (:func:`fit_text`).

Font files are searched in the directories of the environment variable ``JOBBFORUM_FONT_DIRS``
(``os.pathsep``-separated), then in Debian's ``fonts-noto-core`` directory.
"""

from __future__ import annotations

import bisect
import logging
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from reportlab.lib.abag import ABag
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, TTFont, shapeFragWord
from reportlab.pdfgen.canvas import Canvas

log = logging.getLogger(__name__)

#: Environment variable with extra font directories, searched first.
FONT_DIRS_ENV = "JOBBFORUM_FONT_DIRS"
#: Where Debian's ``fonts-noto-core`` puts its TrueType files.
DEFAULT_FONT_DIRS: tuple[str, ...] = ("/usr/share/fonts/truetype/noto",)

LATIN = "latin"  # also Greek and Cyrillic: Noto Sans covers all three
ARABIC = "arabic"
ETHIOPIC = "ethiopic"
HEBREW = "hebrew"
ARMENIAN = "armenian"
GEORGIAN = "georgian"

#: (regular, bold) font file per script; a missing bold falls back to the regular weight.
FONT_FILES: dict[str, tuple[str, str]] = {
    LATIN: ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ARABIC: ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    ETHIOPIC: ("NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf"),
    HEBREW: ("NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf"),
    ARMENIAN: ("NotoSansArmenian-Regular.ttf", "NotoSansArmenian-Bold.ttf"),
    GEORGIAN: ("NotoSansGeorgian-Regular.ttf", "NotoSansGeorgian-Bold.ttf"),
}
#: Built-in PDF fonts used when no Noto Sans is installed (Latin-1 only).
FALLBACK_FONTS = ("Helvetica", "Helvetica-Bold")

# Unicode blocks of the scripts that need a font other than Noto Sans; sorted, non-overlapping.
_SCRIPT_RANGES: list[tuple[int, int, str]] = sorted(
    [
        (0x0530, 0x058F, ARMENIAN),
        (0x0590, 0x05FF, HEBREW),
        (0x0600, 0x06FF, ARABIC),
        (0x0750, 0x077F, ARABIC),
        (0x0870, 0x08FF, ARABIC),
        (0x10A0, 0x10FF, GEORGIAN),
        (0x1200, 0x139F, ETHIOPIC),
        (0x1C90, 0x1CBF, GEORGIAN),
        (0x2D00, 0x2D2F, GEORGIAN),
        (0x2D80, 0x2DDF, ETHIOPIC),
        (0xAB00, 0xAB2F, ETHIOPIC),
        (0xFB13, 0xFB17, ARMENIAN),
        (0xFB1D, 0xFB4F, HEBREW),
        (0xFB50, 0xFDFF, ARABIC),
        (0xFE70, 0xFEFF, ARABIC),
        (0x1E7E0, 0x1E7FF, ETHIOPIC),
    ]
)
_RANGE_STARTS = [lo for lo, _, _ in _SCRIPT_RANGES]

#: Characters with a strong right-to-left direction live in these blocks.
_RTL_RE = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_MARK_CLASSES = frozenset({"NSM", "BN"})  # combining marks, zero-width (non-)joiners
#: Bracket-like characters and their mirror images, for right-to-left runs not shaped by HarfBuzz.
_MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")
#: Paired brackets (Bidi_Paired_Bracket) for rule N0: opening -> closing.
_BRACKETS = {"(": ")", "[": "]", "{": "}"}
_CLOSING = frozenset(_BRACKETS.values())
_KEEP_FORMAT = frozenset({"\u200c", "\u200d"})  # ZWNJ/ZWJ matter for Persian and Arabic
_SPACES_RE = re.compile(r"\s+")

#: HarfBuzz features: its defaults (joining forms, required ligatures, marks, kerning) but no
#: discretionary ligatures, which would turn the name "محمد" into one calligraphic glyph.
_HB_FEATURES: dict[str, bool] = {"dlig": False}
#: Font size at which runs are measured; widths are per 1000 units of the font size.
_EM = 1000.0

Align = Literal["left", "center", "right", "start"]


def font_dirs() -> list[Path]:
    """The directories searched for font files, in order (see the module docstring)."""
    extra = [p for p in os.environ.get(FONT_DIRS_ENV, "").split(os.pathsep) if p]
    return [Path(p) for p in (*extra, *DEFAULT_FONT_DIRS)]


@cache
def _load(filename: str) -> str | None:
    """Register ``filename`` under its stem; None (and one warning) if no directory has it."""
    for directory in font_dirs():
        path = directory / filename
        if path.is_file():
            name = path.stem
            pdfmetrics.registerFont(TTFont(name, str(path)))
            return name
    log.warning(
        "Font file %s not found in %s; text needing it falls back to another font",
        filename,
        os.pathsep.join(map(str, font_dirs())),
    )
    return None


@cache
def registered_font(script: str = LATIN, bold: bool = False) -> str:
    """Name of a reportlab font for ``script`` (one of the script constants) and weight.

    Registers the font on first use. Guarantees a usable font name: a missing bold file falls
    back to the script's regular weight, a missing script font to the Latin font of the same
    weight, a missing Latin font to Helvetica (each missing file logged once, as a warning).
    Unknown scripts are treated as Latin.
    """
    regular, bold_file = FONT_FILES.get(script, FONT_FILES[LATIN])
    for filename in (bold_file, regular) if bold else (regular,):
        name = _load(filename)
        if name is not None:
            return name
    if script != LATIN:
        return registered_font(LATIN, bold)
    return FALLBACK_FONTS[1] if bold else FALLBACK_FONTS[0]


def clear_font_cache() -> None:
    """Forget which font files were found, e.g. after fonts were installed or the search path
    changed; the next :func:`registered_font` call looks again (and warns again)."""
    registered_font.cache_clear()
    _load.cache_clear()
    _glyph_set.cache_clear()


def script_of(char: str) -> str | None:
    """The script constant whose font ``char`` needs, or None for script-neutral characters.

    Neutral: spaces, punctuation, symbols, ASCII digits and combining marks outside the script
    blocks; they take the font of the text around them.
    """
    cp = ord(char)
    i = bisect.bisect_right(_RANGE_STARTS, cp) - 1
    if i >= 0 and cp <= _SCRIPT_RANGES[i][1]:
        return _SCRIPT_RANGES[i][2]
    return LATIN if char.isalpha() else None


def font_for(text: str, bold: bool = False) -> str:
    """The font for ``text`` by the script of its first letter that needs a specific font.

    For a single-script name this is the font to draw it with; mixed-script text is split into
    runs of the right fonts by :func:`layout_line`.
    """
    for char in text:
        script = script_of(char)
        if script is not None:
            return registered_font(script, bold)
    return registered_font(LATIN, bold)


@lru_cache(maxsize=64)
def _glyph_set(font: str) -> frozenset[int] | None:
    """Code points ``font`` has glyphs for; None for built-in fonts (treated as covering all)."""
    face = pdfmetrics.getFont(font)
    return frozenset(face.face.charToGlyph) if isinstance(face, TTFont) else None


def _has_glyph(font: str, char: str) -> bool:
    glyphs = _glyph_set(font)
    return glyphs is None or ord(char) in glyphs


def clean_text(text: str) -> str:
    """NFC-normalised ``text`` on one line: whitespace runs become one space, control and format
    characters are dropped (except the zero-width (non-)joiners), ends are stripped."""
    text = unicodedata.normalize("NFC", _SPACES_RE.sub(" ", text))
    if not text.isprintable():
        text = "".join(c for c in text if c in _KEEP_FORMAT or unicodedata.category(c)[0] != "C")
    return text.strip()


@dataclass(frozen=True)
class Run:
    """Part of a line in one font and one direction, ready for ``Canvas.drawString``."""

    font: str
    #: The glyphs in visual (left-to-right drawing) order; a reportlab ``ShapedStr`` if shaped.
    text: str
    #: Width in 1/1000 of the font size.
    advance: float


@dataclass(frozen=True)
class TextLine:
    """One laid-out line of text: runs left to right, independent of the font size."""

    runs: tuple[Run, ...]
    #: Whether the paragraph direction is right-to-left (first strong character is RTL).
    rtl: bool

    @property
    def advance(self) -> float:
        """Total width in 1/1000 of the font size."""
        return sum(run.advance for run in self.runs)

    def width(self, size: float) -> float:
        """Width in points when drawn at ``size`` points."""
        return self.advance * size / _EM

    def draw(self, canvas: Canvas, x: float, y: float, size: float, align: Align = "left") -> None:
        """Draw the line with its baseline at ``y``, in the canvas's current fill colour.

        ``x`` is the left edge, centre or right edge by ``align``; ``"start"`` means left for
        left-to-right lines and right for right-to-left ones. Changes the canvas font.
        """
        if align == "start":
            align = "right" if self.rtl else "left"
        if align == "center":
            x -= self.width(size) / 2
        elif align == "right":
            x -= self.width(size)
        for run in self.runs:
            canvas.setFont(run.font, size)
            canvas.drawString(x, y, run.text)
            x += run.advance * size / _EM


_warned_unshaped = False


def _shape(logical: str, font: str) -> str | None:
    """HarfBuzz-shaped glyphs for ``logical`` text, in visual order (HarfBuzz picks the direction
    from the script, and mirrors brackets in right-to-left runs), or None if ``font`` cannot be
    shaped (not a TrueType font, or ``uharfbuzz`` missing)."""
    if not getattr(pdfmetrics.getFont(font), "shapable", False):
        return None
    word = shapeFragWord(
        [0, (ABag(fontName=font, fontSize=_EM), logical)], features=_HB_FEATURES, force=True
    )
    glyphs = word[1][1]
    for _, more in word[2:]:
        glyphs = glyphs + more
    return glyphs


def _measure(text: str, font: str) -> float:
    if isinstance(text, ShapedStr):
        return float(sum(d.x_advance for d in text.__shapeData__))
    return pdfmetrics.stringWidth(text, font, _EM)


def _make_run(logical: str, font: str, rtl: bool) -> Run:
    """A run from ``logical`` text at one embedding level, converted to visual order.

    Right-to-left runs with letters of a right-to-left script are shaped by HarfBuzz (joining,
    ligatures, marks, mirroring); other right-to-left runs (neutrals such as a closing bracket)
    are reversed and mirrored here. Left-to-right runs are shaped only if they have combining
    marks.
    """
    global _warned_unshaped
    text: str | None = None
    if rtl:
        if _RTL_RE.search(logical):
            text = _shape(logical, font)
            if text is None and not _warned_unshaped:
                _warned_unshaped = True
                log.warning(
                    "Cannot shape right-to-left text in %s (not a TrueType font, or uharfbuzz "
                    "not installed): letters will not join",
                    font,
                )
        if text is None:
            text = logical[::-1].translate(_MIRRORED)
    elif not _RTL_RE.search(logical) and any(unicodedata.combining(c) for c in logical):
        text = _shape(logical, font)
    if text is None:
        text = logical
    return Run(font, text, _measure(text, font))


def _strong(bidi_class: str) -> str:
    """Direction of a resolved class for rule N1: numbers count as right-to-left."""
    return "L" if bidi_class == "L" else "R"


def _bracket_pairs(text: str, types: Sequence[str]) -> list[tuple[int, int]]:
    """Positions of matching bracket pairs (UAX #9 BD16), sorted by the opening bracket."""
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []  # (expected closing bracket, position)
    for i, char in enumerate(text):
        if types[i] != "ON":
            continue
        if char in _BRACKETS:
            if len(stack) == 63:  # BD16: stop at overflow
                break
            stack.append((_BRACKETS[char], i))
        elif char in _CLOSING:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == char:
                    pairs.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    return sorted(pairs)


def _resolve_brackets(text: str, types: list[str], edge: str) -> None:
    """Rule N0: a bracket pair takes the embedding direction if it encloses text of that
    direction, else the opposite direction if it encloses that and follows it."""
    for opening, closing in _bracket_pairs(text, types):
        inside = {_strong(t) for t in types[opening + 1 : closing] if t in ("L", "R", "EN", "AN")}
        if not inside:
            continue
        if edge in inside:
            direction = edge
        else:  # only the opposite direction inside: it wins if the text before has it too
            direction = next(
                (_strong(t) for t in reversed(types[:opening]) if t in ("L", "R", "EN", "AN")), edge
            )
        types[opening] = types[closing] = direction
        for k in (opening, closing):  # marks on a bracket follow it (they were W1-resolved to ON)
            k += 1
            while k < len(types) and unicodedata.bidirectional(text[k]) in _MARK_CLASSES:
                types[k] = direction
                k += 1


def bidi_levels(text: str) -> tuple[list[int], int]:
    """Embedding level of each character of one line of plain text, and the paragraph level.

    Implements the implicit part of the Unicode Bidirectional Algorithm (UAX #9 rules P2–P3,
    W1–W7, N0–N2, I1–I2), which is all that applies after :func:`clean_text` has removed the
    explicit formatting characters (zero-width joiners are treated like combining marks).
    Even levels are left-to-right, odd ones right-to-left.
    """
    types = [unicodedata.bidirectional(c) or "L" for c in text]
    base = next((0 if t == "L" else 1 for t in types if t in ("L", "R", "AL")), 0)
    edge = "R" if base else "L"  # sos and eos: there are no embeddings
    n = len(types)
    prev = edge
    for i, t in enumerate(types):  # W1: marks take the class before them
        if t in _MARK_CLASSES:
            types[i] = prev
        prev = types[i]
    last_strong = edge
    for i, t in enumerate(types):  # W2: European digits after Arabic letters are Arabic digits
        if t in ("L", "R", "AL"):
            last_strong = t
        elif t == "EN" and last_strong == "AL":
            types[i] = "AN"
    types = ["R" if t == "AL" else t for t in types]  # W3
    for i in range(1, n - 1):  # W4: one separator between two numbers of the same kind
        before, t, after = types[i - 1], types[i], types[i + 1]
        if before == after and (
            (t == "ES" and before == "EN") or (t == "CS" and before in ("EN", "AN"))
        ):
            types[i] = before
    i = 0
    while i < n:  # W5: terminators (%, currency signs) next to European numbers
        j = i
        while j < n and types[j] == "ET":
            j += 1
        if j > i and ((i > 0 and types[i - 1] == "EN") or (j < n and types[j] == "EN")):
            types[i:j] = ["EN"] * (j - i)
        i = max(j, i + 1)
    types = ["ON" if t in ("ES", "ET", "CS") else t for t in types]  # W6
    last_strong = edge
    for i, t in enumerate(types):  # W7: European numbers in left-to-right context
        if t in ("L", "R"):
            last_strong = t
        elif t == "EN" and last_strong == "L":
            types[i] = "L"
    _resolve_brackets(text, types, edge)  # N0
    i = 0
    while i < n:  # N1, N2: neutrals between equal directions take it, others the paragraph's
        if types[i] in ("L", "R", "EN", "AN"):
            i += 1
            continue
        j = i
        while j < n and types[j] not in ("L", "R", "EN", "AN"):
            j += 1
        before = _strong(types[i - 1]) if i > 0 else edge
        after = _strong(types[j]) if j < n else edge
        types[i:j] = [before if before == after else edge] * (j - i)
        i = j
    if base == 0:  # I1, I2
        return [1 if t == "R" else 2 if t in ("EN", "AN") else 0 for t in types], base
    return [2 if t in ("L", "EN", "AN") else 1 for t in types], base


def _visual_order(levels: Sequence[int]) -> list[int]:
    """Indices of items with these levels in display order (UAX #9 rule L2)."""
    order = list(range(len(levels)))
    odd_levels = [lv for lv in levels if lv % 2]
    if not odd_levels:
        return order
    for level in range(max(levels), min(odd_levels) - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] < level:
                i += 1
                continue
            j = i
            while j < len(order) and levels[order[j]] >= level:
                j += 1
            order[i:j] = order[i:j][::-1]
            i = j
    return order


def _fonts_per_char(text: str, bold: bool) -> list[str]:
    """The font for each character: its script's font; neutrals take the font of the
    character before them (or after, at the start) when that font has the glyph."""
    scripts = [script_of(c) for c in text]
    fonts: list[str | None] = [None if s is None else registered_font(s, bold) for s in scripts]
    latin = registered_font(LATIN, bold)
    nearest = next((f for f in fonts if f is not None), latin)
    for i, char in enumerate(text):
        font = fonts[i]
        if font is None:
            fonts[i] = nearest if _has_glyph(nearest, char) else latin
        else:
            nearest = font
    return fonts  # type: ignore[return-value]  # every None was filled


def layout_line(text: str, *, bold: bool = False) -> TextLine:
    """Lay out ``text`` as one line (see :func:`clean_text`) for drawing with :meth:`TextLine.draw`.

    This is the helper that prepares right-to-left text: give it text in logical (typed) order.
    Guarantees: runs are in visual order, each in a font that has its script (as far as the
    installed fonts allow); right-to-left runs are reordered by the Unicode bidirectional
    algorithm (:func:`bidi_levels`), shaped (joined letters, lam-alef ligatures, placed marks)
    and mirrored; PDF text extraction yields the characters of the text.
    """
    text = clean_text(text)
    if text.isascii():  # fast path: most names
        font = registered_font(LATIN, bold)
        return TextLine((Run(font, text, pdfmetrics.stringWidth(text, font, _EM)),), rtl=False)
    if _RTL_RE.search(text):
        levels, base = bidi_levels(text)
    else:
        levels, base = [0] * len(text), 0
    fonts = _fonts_per_char(text, bold)
    runs: list[Run] = []
    run_levels: list[int] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or fonts[i] != fonts[start] or levels[i] != levels[start]:
            runs.append(_make_run(text[start:i], fonts[start], levels[start] % 2 == 1))
            run_levels.append(levels[start])
            start = i
    return TextLine(tuple(runs[k] for k in _visual_order(run_levels)), rtl=base == 1)


@dataclass(frozen=True)
class FittedText:
    """Text fitted into a box by :func:`fit_text`."""

    lines: tuple[TextLine, ...]
    size: float
    leading: float

    @property
    def height(self) -> float:
        """Height of the block in points: one font size per line plus the extra leading."""
        return self.size * (1 + (len(self.lines) - 1) * self.leading)

    def draw(self, canvas: Canvas, x: float, top: float, align: Align = "left") -> None:
        """Draw the lines downwards from ``top`` (the first line's cap height touches it)."""
        y = top - 0.75 * self.size
        for line in self.lines:
            line.draw(canvas, x, y, self.size, align)
            y -= self.size * self.leading


def _truncate(text: str, bold: bool, max_advance: float) -> TextLine:
    """The longest prefix of ``text`` plus "…" whose line is at most ``max_advance`` wide."""
    line = layout_line(text, bold=bold)
    if line.advance <= max_advance:
        return line
    lo, hi = 0, len(text)  # invariant: prefix of length lo fits (0 always "fits")
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if layout_line(text[:mid].rstrip() + "…", bold=bold).advance <= max_advance:
            lo = mid
        else:
            hi = mid - 1
    return layout_line(text[:lo].rstrip() + "…", bold=bold)


def _two_line_splits(words: Sequence[str], bold: bool) -> tuple[TextLine, TextLine, str, str]:
    """The split of ``words`` into two lines whose longer line is shortest."""
    best: tuple[TextLine, TextLine, str, str] | None = None
    for k in range(1, len(words)):
        first, second = " ".join(words[:k]), " ".join(words[k:])
        a, b = layout_line(first, bold=bold), layout_line(second, bold=bold)
        if best is None or max(a.advance, b.advance) < max(best[0].advance, best[1].advance):
            best = (a, b, first, second)
    assert best is not None
    return best


def fit_text(
    text: str,
    *,
    max_width: float,
    max_size: float,
    min_size: float,
    max_height: float | None = None,
    max_lines: Literal[1, 2] = 1,
    bold: bool = False,
    leading: float = 1.15,
) -> FittedText:
    """Fit ``text`` into ``max_width`` × ``max_height`` points at the largest size ≤ ``max_size``.

    Tries one line, and with ``max_lines=2`` the most balanced two-line split at word
    boundaries; takes whichever allows the larger size (one line on a tie). If even
    ``min_size`` is too large, uses ``min_size`` and cuts overflowing lines with "…".
    Guarantees: ``size >= min_size``, every line at most ``max_width`` wide, and, unless the
    text had to be cut, the block within ``max_height``.
    """
    text = clean_text(text)
    one = layout_line(text, bold=bold)

    def size_for(lines: Sequence[TextLine]) -> float:
        widest = max(line.advance for line in lines)
        size = max_size if widest <= 0 else min(max_size, max_width * _EM / widest)
        if max_height is not None:
            size = min(size, max_height / (1 + (len(lines) - 1) * leading))
        return size

    lines: tuple[TextLine, ...] = (one,)
    texts = [text]
    size = size_for(lines)
    words = text.split(" ")
    if max_lines >= 2 and len(words) >= 2 and size < max_size:
        a, b, first, second = _two_line_splits(words, bold)
        size_two = size_for((a, b))
        if size_two > size:
            lines, texts, size = (a, b), [first, second], size_two
    if size < min_size:
        size = min_size
        limit = max_width * _EM / size
        lines = tuple(_truncate(t, bold, limit) for t in texts)
    return FittedText(lines, size, leading)
