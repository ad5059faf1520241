"""The README's benchmark table, made from ``bench/results.json``.

``python -m bench`` calls :func:`update_readme` after every run, so the table between the
``<!-- bench:start -->`` and ``<!-- bench:end -->`` markers always shows the latest figures and
the machine they ran on. Each row gives the figure, the baseline measured in the same run, the
goal and whether it was met; absolute numbers depend on the machine, ratios much less.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
README = HERE.parent / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

Row = tuple[str, str, str, str, bool | None]


def _checkin(f: dict[str, Any]) -> list[Row]:
    c, n = f["checkin"], f["noop"]
    rows: list[Row] = [
        ("Door check-in API at capacity: 16 clients without pause, gunicorn + PostgreSQL",
         f"{c['rps']:.0f} req/s, p50 {c['p50_ms']:.1f} ms, p99 {c['p99_ms']:.1f} ms",
         f"no-op JSON endpoint {n['rps']:.0f} req/s (ratio {f['ratio_checkin_to_noop']:.2f}×"
         + (f", median of {len(f['ratios_per_round'])} rounds "
            f"{min(f['ratios_per_round']):.2f}–{max(f['ratios_per_round']):.2f}×)"
            if f.get("ratios_per_round") else ")"),
         f"≥ {f['goal_ratio']}× no-op, p99 ≤ {f['goal_p99_ms']:.0f} ms", f["meets_goals"]),
    ]
    door = f.get("at_door_pace")
    if door:
        rows.append(("Door check-in at a door's pace: 16 scanners × 10 scans/s",
                     f"p50 {door['p50_ms']:.1f} ms, p99 {door['p99_ms']:.1f} ms",
                     f"{door['requests']} scans", "–", None))
    for load in f.get("under_load", []):
        rows.append((f"Door check-in under load: 16 clients paced to {load['fraction']:.0%} "
                     "of the throughput at capacity",
                     f"{load['offered_per_s']:.0f} scans/s: p50 {load['p50_ms']:.1f} ms, "
                     f"p99 {load['p99_ms']:.1f} ms", f"{load['requests']} scans",
                     f"p99 ≤ {f['goal_p99_ms']:.0f} ms",
                     load["p99_ms"] <= f["goal_p99_ms"]))
    browser = f.get("browser_scan_to_result")
    if browser:
        rows.append(("Scanner page: hand-scanner input → result on screen (Chromium)",
                     f"p50 {browser['p50_ms']:.0f} ms, max {browser['max_ms']:.0f} ms",
                     f"{browser['scans']} scans", f"≤ {browser['goal_ms']:.0f} ms",
                     browser["max_ms"] <= browser["goal_ms"]))
    return rows


def _exhibitors(f: dict[str, Any]) -> list[Row]:
    listed = f["list_filtered"]
    return [(f"Public exhibitor list, {f['exhibitors']} exhibitors, filtered ({f['database']})",
             f"p50 {listed['p50_ms']:.1f} ms, p99 {listed['p99_ms']:.1f} ms",
             f"ping p50 {f['ping']['p50_ms']:.2f} ms ({listed['p50_vs_ping']}×)",
             f"p99 < {f['goal_p99_ms']:.0f} ms", f["goal_met"])]


def _badges(f: dict[str, Any]) -> list[Row]:
    return [(f"Badge sheets, {f['badges']} badges A4 8-up",
             f"{f['ours_badges_per_s']:.0f} badges/s",
             f"naive drawing {f['baseline_badges_per_s']:.0f} badges/s ({f['speedup']:.1f}×)",
             f"≥ {f['goal_badges_per_s']:.0f}/s and ≥ {f['goal_speedup']:.0f}×", f["meets_goal"])]


def _assignment(f: dict[str, Any]) -> list[Row]:
    solver, greedy = f["solver"], f["greedy"]
    return [(f"Workshop assignment, {f['people']} people × {f['sessions']} sessions",
             f"{f['solve_seconds_best'] * 1000:.0f} ms; first choice "
             f"{solver['first_choice_share']:.1%}",
             f"first come, first served: first choice {greedy['first_choice_share']:.1%}",
             f"< {f['goal_seconds']:.0f} s", f["within_goal"])]


def _attendance(f: dict[str, Any]) -> list[Row]:
    return [(f"Attendance export, {f['people']:,} people",
             f"CSV {f['export_csv_seconds']:.2f} s, XLSX {f['export_xlsx_seconds']:.2f} s",
             f"plain csv.writer {f['baseline_csv_seconds']:.3f} s",
             f"< {f['goal_seconds']:.0f} s", f["within_goal"] and f.get("xlsx_within_goal", True))]


def _booths(f: dict[str, Any]) -> list[Row]:
    return [(f"Booth scan, {f['people']} people × {f['exhibitors']} exhibitors",
             f"{f['scan_ms']:.2f} ms per scan",
             f"bare insert + commit {f['baseline_write_ms']:.2f} ms "
             f"({f['ratio_scan_to_baseline']:.1f}×)",
             f"≤ {f['goal_scan_ms']:.0f} ms", f["within_goal"])]


ROWS: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "checkin": _checkin, "exhibitors": _exhibitors, "badges": _badges,
    "assignment": _assignment, "attendance": _attendance, "booths": _booths,
}


def _met(value: bool | None) -> str:
    return "–" if value is None else ("yes" if value else "**no**")


def table(document: dict[str, Any]) -> str:
    """The Markdown table (and the machines the figures came from) for ``document``."""
    lines = ["| Benchmark | Result | Baseline in the same run | Goal | Met |",
             "|---|---|---|---|---|"]
    machines: dict[str, list[str]] = {}
    for name, figures in document.get("results", {}).items():
        try:
            rows = ROWS[name](figures)
        except (KeyError, TypeError):
            continue  # a benchmark without a row here, or from an older results file
        for label, result, baseline, goal, met in rows:
            lines.append(f"| {label} | {result} | {baseline} | {goal} | {_met(met)} |")
        machine = figures.get("machine") or document.get("machine") or {}
        where = (f"{machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, "
                 f"{machine.get('memory', '?')}, Python {machine.get('python', '?')}")
        when = str(figures.get("ran_at") or document.get("ran_at") or "?")[:10]
        machines.setdefault(f"{where} ({when})", []).append(name)
    lines.append("")
    for where, names in machines.items():
        lines.append(f"Measured on {where}: {', '.join(names)}. Other work on the machine at the "
                     "time shows in the absolute figures; the ratios are less sensitive to it.")
    return "\n".join(lines)


def update_readme(results: Path = HERE / "results.json", readme: Path = README) -> bool:
    """Rewrite the README's table from ``results``; ``False`` if the README has no markers."""
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        return False
    document = json.loads(results.read_text(encoding="utf-8"))
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{table(document)}\n{END}{tail}", encoding="utf-8")
    return True


if __name__ == "__main__":
    print(table(json.loads((HERE / "results.json").read_text(encoding="utf-8"))))
