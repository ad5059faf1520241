"""Run every benchmark (``bench/bench_*.py``), print the figures, write ``bench/results.json``.

Usage: ``python -m bench [NAME ...]`` (names without the ``bench_`` prefix; default: all).
Each benchmark measures its own baseline in the same run and reports ratios, because the
machines these run on are noisy: absolute numbers are for orientation only. Running some
benchmarks keeps the others' latest figures in ``results.json`` (each with its own time and
machine), and the README's table (:mod:`bench.report`) is rewritten from the file.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def machine() -> dict[str, object]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": cpu or platform.processor(), "cores": os.cpu_count(), "memory": memory,
            "python": platform.python_version(), "system": platform.platform()}


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py"))
    results_file = HERE / "results.json"
    try:
        results: dict[str, object] = json.loads(results_file.read_text())["results"]
    except (OSError, ValueError, KeyError):
        results = {}
    here = machine()
    failed = []
    for name in names:
        print(f"\n=== bench {name} ===", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.bench_{name}")
            figures = module.run()
        except Exception:  # noqa: BLE001 - report every benchmark, then fail at the end
            traceback.print_exc()
            failed.append(name)
            continue
        figures = dict(figures)
        figures["wall_seconds"] = round(time.perf_counter() - started, 2)
        figures["ran_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        figures["machine"] = here
        results[name] = figures
        for key, value in figures.items():
            print(f"  {key}: {value}")
    document = {"ran_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": here,
                "results": dict(sorted(results.items()))}
    results_file.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {results_file}")
    from bench.report import update_readme

    if update_readme(results_file):
        print("updated the benchmark table in README.md")
    if failed:
        print(f"FAILED benchmarks: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
