"""Benchmark: 1,000 badges on A4 8-up sheets, jobbforum.documents vs a naive baseline.

Run ``python bench/bench_badges.py`` (``--json`` prints the figures as JSON). A bench runner
imports this file and calls :func:`run`, which returns the figures as a dict.

Both contenders share the badge layout, fonts and text shaping; they differ in the QR code:

* ours: :func:`jobbforum.documents.qr.draw_qr` (fixed version and mask, dark runs merged into
  one path);
* baseline: ``qrcode.make()`` (automatic version, all eight masks tried and scored, a PIL image
  made) and one ``Canvas.rect`` per dark module, the straightforward way.

Nothing is cached across badges or runs except what a process keeps anyway: registered fonts.
After a common warm-up sheet (font registration), the contenders alternate ``repeats`` times
and each keeps its best run.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sys
import time
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import qrcode  # noqa: E402
from qrcode.constants import ERROR_CORRECT_M  # noqa: E402
from reportlab.lib import rl_accel  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from jobbforum.documents import badges  # noqa: E402
from jobbforum.documents.badges import BadgeData  # noqa: E402
from jobbforum.documents.qr import QUIET_ZONE  # noqa: E402

N_BADGES = 1000
GOAL_BADGES_PER_S = 800.0
GOAL_SPEEDUP = 3.0

_GIVEN = [
    "Åsa",
    "Erik",
    "Fatima",
    "Ahmed",
    "Olena",
    "Hawi",
    "Yonas",
    "Maria",
    "Amina",
    "Abdi",
    "محمد",
    "فاطمة",
    "ሃብቶም",
    "ሰላም",
    "Олена",
    "Андрій",
    "Zainab",
    "Nguyễn Thị",
]
_FAMILY = [
    "Öberg",
    "Svensson",
    "Hassan",
    "Kovalenko",
    "Tesfay",
    "Ali",
    "Warsame",
    "Lindqvist",
    "الأحمد",
    "عبدالله",
    "ተስፋይ",
    "ገብረሚካኤል",
    "Коваленко",
    "Шевченко",
    "Abdullahi Mohamed",
]
_ROLES = [
    ("participant", "Deltagare"),
    ("participant", "Deltagare"),
    ("mentor", "Mentor"),
    ("visitor", "Besökare"),
    ("exhibitor", "Utställare"),
    ("staff", "Personal"),
]
_ORGS = ["Volvo Cars", "Göteborgs Stad", "Sahlgrenska Universitetssjukhuset", "IKEA", "SKF"]


def sample_badges(n: int = N_BADGES, seed: int = 2026) -> list[BadgeData]:
    """``n`` badges with names in Latin, Arabic, Ethiopic and Cyrillic script; fresh random
    ticket codes of 22 or 43 characters (the two ends of ``token_urlsafe(16..32)``)."""
    rng = random.Random(seed)
    result = []
    for i in range(n):
        role, label = rng.choice(_ROLES)
        result.append(
            BadgeData(
                ticket_code=secrets.token_urlsafe(rng.choice((16, 32))),
                name=f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}",
                role=role,
                role_label=label,
                organisation=rng.choice(_ORGS) if role == "exhibitor" else None,
                event_title="Jobbmässan för nyanlända 2026",
                event_when="tisdag 12 maj 2026, 10:00–15:00",
                round_label=f"Pass {1 + i % 3}" if role == "participant" else None,
            )
        )
    return result


def naive_draw_qr(
    canvas: Canvas, text: str, x: float, y: float, size: float, *, border: int = QUIET_ZONE
) -> None:
    """The baseline: ``qrcode.make()`` and one rectangle per dark module."""
    modules = qrcode.make(text, error_correction=ERROR_CORRECT_M, border=border).modules
    module = size / (len(modules) + 2 * border)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + (c + border) * module,
                    y + size - (r + border + 1) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )


def _timed_sheet(data: list[BadgeData]) -> tuple[float, float, int]:
    """Wall-clock seconds, CPU seconds of this process, and PDF size of one sheet of ``data``."""
    wall, cpu = time.perf_counter(), time.process_time()
    pdf = badges.badge_sheet_pdf(data, title="Benchmark")
    return time.perf_counter() - wall, time.process_time() - cpu, len(pdf)


def run(n: int = N_BADGES, repeats: int = 3) -> dict[str, Any]:
    """Make ``n`` badges with both implementations in this process; return the figures.

    The contenders alternate ``repeats`` times and each keeps its best run, so a burst of load
    from other processes hurts both alike; CPU-time rates are reported too, being less
    sensitive to such load than wall-clock ones.
    """
    data = sample_badges(n)
    badges.badge_sheet_pdf(data[:8])  # warm-up: imports, font registration (both use them)
    ours, base = [], []
    for _ in range(repeats):
        ours.append(_timed_sheet(data))
        with mock.patch.object(badges, "draw_qr", naive_draw_qr):
            base.append(_timed_sheet(data))
    ours_s, ours_cpu = min(t[0] for t in ours), min(t[1] for t in ours)
    base_s, base_cpu = min(t[0] for t in base), min(t[1] for t in base)
    ours_rate, base_rate = n / ours_s, n / base_s
    try:
        import uharfbuzz  # noqa: F401

        shaping = True
    except ImportError:
        shaping = False
    return {
        "benchmark": "badges_a4_8up",
        "badges": n,
        "pages": -(-n // 8),
        "repeats": repeats,
        "ours_seconds": round(ours_s, 4),
        "ours_badges_per_s": round(ours_rate, 1),
        "ours_badges_per_cpu_s": round(n / ours_cpu, 1),
        "ours_pdf_bytes": ours[0][2],
        "baseline_seconds": round(base_s, 4),
        "baseline_badges_per_s": round(base_rate, 1),
        "baseline_badges_per_cpu_s": round(n / base_cpu, 1),
        "baseline_pdf_bytes": base[0][2],
        "speedup": round(ours_rate / base_rate, 2),
        "speedup_cpu": round(base_cpu / ours_cpu, 2),
        "goal_badges_per_s": GOAL_BADGES_PER_S,
        "goal_speedup": GOAL_SPEEDUP,
        "meets_goal": ours_rate >= GOAL_BADGES_PER_S and ours_rate / base_rate >= GOAL_SPEEDUP,
        "reportlab_c_accelerator": not rl_accel._py_funcs,
        "uharfbuzz": shaping,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=N_BADGES, help="number of badges")
    parser.add_argument("-r", "--repeats", type=int, default=3, help="runs per contender")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args.n, args.repeats)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(
            f"{figures['badges']} badges, A4 8-up, {figures['pages']} pages, best of "
            f"{figures['repeats']}"
        )
        for who, key in (("ours", "ours"), ("baseline", "baseline")):
            print(
                f"  {who + ':':9} {figures[key + '_badges_per_s']:8.1f} badges/s "
                f"({figures[key + '_seconds']:.2f} s; "
                f"{figures[key + '_badges_per_cpu_s']:.1f} per CPU second; "
                f"{figures[key + '_pdf_bytes']:,} bytes)"
            )
        print(
            f"  ratio:    {figures['speedup']:.2f}x wall clock, {figures['speedup_cpu']:.2f}x CPU "
            f"(goal: >= {GOAL_BADGES_PER_S:.0f} badges/s and >= {GOAL_SPEEDUP:.0f}x: "
            f"{'met' if figures['meets_goal'] else 'NOT met'})"
        )
        if not figures["reportlab_c_accelerator"]:
            print("  note: rl_accel (reportlab's C accelerator) is not installed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
