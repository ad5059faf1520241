"""Benchmark: round-wide workshop assignment, optimal solver vs first-come greedy.

Scenario: 500 participants and 12 sessions of one theme, each session with
35 to 50 seats.  Preferences are skewed: a few sessions are popular (Zipf-like
weights).  Exactly 20% of the people give no preference.  The others rank 1 to 3
sessions.  People arrive in random order, and that order is what the greedy
baseline serves.  Everything is drawn from a seeded RNG.

Run it as ``python bench/bench_assignment.py [--seed N] [--repeat R] [--json]``.
A later bench runner can call :func:`run`, which returns the figures as a
flat-ish dict.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from jobbforum.services.assignment import (  # noqa: E402
    AssignmentPlan,
    Candidate,
    SeatOffer,
    greedy_first_come,
    solve_assignment,
)

GOAL_SECONDS = 2.0


def make_instance(
    seed: int = 2024,
    people: int = 500,
    sessions: int = 12,
    no_preference_share: float = 0.2,
) -> tuple[list[Candidate], list[SeatOffer]]:
    """A reproducible round.  The candidate list is in arrival (first-come) order."""
    rng = np.random.default_rng(seed)
    seats = rng.integers(35, 51, size=sessions)
    while seats.sum() < people:  # keep the round feasible: capacity covers everyone
        seats[rng.integers(sessions)] += 1
    audiences = ["participants"] * (sessions - 2) + ["both"] * 2
    offers = [
        SeatOffer(session_id=100 + j, remaining=int(seats[j]), audience=audiences[j],
                  starts_at_key=(j % 4, j))  # e.g. (week, slot)
        for j in range(sessions)
    ]
    # Skewed popularity: Zipf-like weights, assigned to sessions in random order.
    weights = 1.0 / np.arange(1, sessions + 1) ** 1.1
    popularity = rng.permutation(weights / weights.sum())

    arrivals = rng.permutation(np.arange(1, people + 1))  # person ids in arrival order
    silent = set(rng.choice(arrivals, size=round(no_preference_share * people), replace=False).tolist())
    candidates = []
    for person_id in arrivals.tolist():
        if person_id in silent:
            prefs: tuple[int, ...] = ()
        else:
            k = int(rng.choice([1, 2, 3], p=[0.15, 0.25, 0.60]))
            picked = rng.choice(sessions, size=k, replace=False, p=popularity)
            prefs = tuple(100 + int(j) for j in picked)
        candidates.append(Candidate(person_id, "participant", prefs))
    return candidates, offers


def _figures(plan: AssignmentPlan, with_prefs: int) -> dict[str, Any]:
    ranked = sum(v for k, v in plan.rank_counts.items() if k is not None)
    first = plan.rank_counts.get(1, 0)
    return {
        "assigned": plan.assigned_count,
        "unassigned": len(plan.unassigned),
        "first_choice": first,
        # share of the people who gave preferences (the others cannot get a "first choice")
        "first_choice_share": round(first / with_prefs, 4) if with_prefs else 0.0,
        "any_ranked_share": round(ranked / with_prefs, 4) if with_prefs else 0.0,
        "rank_counts": {("unranked" if k is None else str(k)): v for k, v in plan.rank_counts.items()},
    }


def run(seed: int = 2024, repeat: int = 5, people: int = 500, sessions: int = 12) -> dict[str, Any]:
    """Solve the benchmark round with both methods; return timings and quality figures."""
    candidates, offers = make_instance(seed, people, sessions)
    with_prefs = sum(1 for c in candidates if c.preferences)

    timings = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        plan = solve_assignment(candidates, offers)
        timings.append(time.perf_counter() - start)
    start = time.perf_counter()
    greedy = greedy_first_come(candidates, offers)
    greedy_seconds = time.perf_counter() - start

    return {
        "benchmark": "workshop_assignment",
        "seed": seed,
        "people": len(candidates),
        "sessions": len(offers),
        "seats": sum(o.remaining for o in offers),
        "with_preferences": with_prefs,
        "solve_seconds_first": round(timings[0], 4),
        "solve_seconds_best": round(min(timings), 4),
        "solve_seconds_median": round(float(np.median(timings)), 4),
        "greedy_seconds": round(greedy_seconds, 4),
        "goal_seconds": GOAL_SECONDS,
        "within_goal": max(timings) < GOAL_SECONDS,
        "solver": _figures(plan, with_prefs),
        "greedy": _figures(greedy, with_prefs),
    }


def _print(figures: dict[str, Any]) -> None:
    f = figures
    print(f"Workshop assignment benchmark (seed {f['seed']}): {f['people']} people, "
          f"{f['sessions']} sessions, {f['seats']} seats, {f['with_preferences']} gave preferences")
    status = "OK" if f["within_goal"] else "TOO SLOW"
    print(f"  solve time: first {f['solve_seconds_first'] * 1000:.1f} ms, best "
          f"{f['solve_seconds_best'] * 1000:.1f} ms, median {f['solve_seconds_median'] * 1000:.1f} ms "
          f"(goal < {f['goal_seconds']:.0f} s: {status}); greedy {f['greedy_seconds'] * 1000:.1f} ms")
    print(f"  {'':<22}{'solver':>10}{'greedy':>10}")
    rows = [
        ("assigned", "assigned", "{}"),
        ("unassigned", "unassigned", "{}"),
        ("first choice", "first_choice", "{}"),
        ("first-choice share", "first_choice_share", "{:.1%}"),
        ("any-ranked share", "any_ranked_share", "{:.1%}"),
    ]
    for label, key, fmt in rows:
        print(f"  {label:<22}{fmt.format(f['solver'][key]):>10}{fmt.format(f['greedy'][key]):>10}")
    for key in f["solver"]["rank_counts"]:
        label = "not ranked" if key == "unranked" else f"choice {key}"
        print(f"  {label:<22}{f['solver']['rank_counts'][key]:>10}{f['greedy']['rank_counts'][key]:>10}")
    print("  (shares are of the people who gave preferences)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(seed=args.seed, repeat=args.repeat)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        _print(figures)
    return 0 if figures["within_goal"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
