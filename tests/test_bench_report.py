"""The README's benchmark table is made from bench/results.json, one row per benchmark."""

from __future__ import annotations

import json

from bench import report

MACHINE = {"cpu": "Test CPU", "cores": 2, "memory": "24 GiB", "python": "3.11.7"}
RESULTS = {
    "checkin": {"noop": {"rps": 2000.0}, "checkin": {"rps": 500.0, "p50_ms": 20.0, "p99_ms": 60.0},
                "ratio_checkin_to_noop": 0.25, "ratios_per_round": [0.25, 0.21, 0.3],
                "goal_ratio": 0.4, "goal_p99_ms": 25.0,
                "meets_goals": False,
                "at_door_pace": {"scans_per_s": 160, "requests": 320, "p50_ms": 4.0,
                                 "p99_ms": 12.0},
                "under_load": [{"fraction": 0.5, "offered_per_s": 250.0, "requests": 752,
                                "p50_ms": 5.0, "p99_ms": 11.0},
                               {"fraction": 0.9, "offered_per_s": 450.0, "requests": 1350,
                                "p50_ms": 22.0, "p99_ms": 180.0}],
                "browser_scan_to_result": {"scans": 20, "p50_ms": 30.0, "max_ms": 90.0,
                                           "goal_ms": 300.0}},
    "exhibitors": {"exhibitors": 300, "database": "sqlite", "ping": {"p50_ms": 0.5},
                   "list_filtered": {"p50_ms": 9.0, "p99_ms": 15.0, "p50_vs_ping": 18.0},
                   "goal_p99_ms": 30.0, "goal_met": True},
    "badges": {"badges": 400, "ours_badges_per_s": 900.0, "baseline_badges_per_s": 180.0,
               "speedup": 5.0, "goal_badges_per_s": 800.0, "goal_speedup": 3.0, "meets_goal": True},
    "assignment": {"people": 500, "sessions": 12, "solve_seconds_best": 0.01, "goal_seconds": 2.0,
                   "within_goal": True, "solver": {"first_choice_share": 0.672},
                   "greedy": {"first_choice_share": 0.568}},
    "attendance": {"people": 10000, "export_csv_seconds": 0.5, "export_xlsx_seconds": 1.7,
                   "baseline_csv_seconds": 0.03, "goal_seconds": 2.0, "within_goal": True,
                   "xlsx_within_goal": True},
    "booths": {"people": 1000, "exhibitors": 40, "scan_ms": 3.0, "baseline_write_ms": 1.0,
               "ratio_scan_to_baseline": 3.0, "goal_scan_ms": 25.0, "within_goal": True},
}


def _document() -> dict:
    return {"ran_at": "2026-11-30T10:00:00+00:00", "machine": MACHINE,
            "results": {name: {**figures, "machine": MACHINE, "ran_at": "2026-11-30T10:00:00+00:00"}
                        for name, figures in RESULTS.items()}}


def test_every_benchmark_has_a_row_with_goal_and_verdict():
    text = report.table(_document())
    rows = [line for line in text.splitlines() if line.startswith("| ") and "Benchmark" not in line]
    # the check-in benchmark has door-pace, under-load and browser rows
    assert len(rows) == len(RESULTS) + 4
    assert "p50 4.0 ms, p99 12.0 ms" in text
    under = [row for row in rows if "under load" in row]
    assert "paced to 50% of the throughput at capacity" in under[0] and "250 scans/s: p50 5.0 ms, p99 11.0 ms" \
        in under[0] and under[0].endswith("| yes |")
    assert "paced to 90%" in under[1] and under[1].endswith("| **no** |")
    assert set(report.ROWS) == set(RESULTS)
    assert "0.25×" in text and "**no**" in text  # an unmet goal is shown as such
    assert "median of 3 rounds 0.21–0.30×" in text
    assert "67.2%" in text and "56.8%" in text
    assert "Test CPU, 2 cores, 24 GiB" in text and "2026-11-30" in text


def test_update_rewrites_only_between_the_markers(tmp_path):
    results = tmp_path / "results.json"
    results.write_text(json.dumps(_document()))
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n{report.START}\nold table\n{report.END}\nafter\n")
    assert report.update_readme(results, readme)
    text = readme.read_text()
    assert text.startswith("# Title\n\nbefore\n") and text.endswith(f"{report.END}\nafter\n")
    assert "old table" not in text and "| Booth scan" in text
    assert report.update_readme(results, readme) and readme.read_text() == text  # stable


def test_readme_without_markers_is_left_alone(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# No table here\n")
    results = tmp_path / "results.json"
    results.write_text(json.dumps(_document()))
    assert not report.update_readme(results, readme)
    assert readme.read_text() == "# No table here\n"


def test_the_project_readme_has_the_markers():
    text = report.README.read_text(encoding="utf-8")
    assert text.count(report.START) == 1 and text.count(report.END) == 1
