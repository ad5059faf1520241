"""Tests for the pure workshop assignment solver (jobbforum.services.assignment).

Optimality is checked in two ways. Small cases are compared with exhaustive
enumeration. Medium cases, with deep preference lists that force several
solver stages, are compared with a sequential lexicographic MILP solved by
HiGHS, which is an independent method.
"""

from __future__ import annotations

import enum
import itertools
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from jobbforum.services import assignment as A
from jobbforum.services.assignment import (
    AssignmentPlan,
    Candidate,
    SeatOffer,
    greedy_first_come,
    solve_assignment,
)

# ----------------------------------------------------------------------------- helpers


def dedup(prefs):
    return tuple(dict.fromkeys(prefs))


def objective(candidates, offers, assignments):
    """(assigned, #1st, #2nd, ..., #Kth): the vector the solver must maximise lexicographically."""
    depth = max((len(dedup(c.preferences)) for c in candidates), default=0)
    counts = [0] * depth
    for c in candidates:
        sid = assignments.get(c.person_id)
        prefs = dedup(c.preferences)
        if sid is not None and sid in prefs:
            counts[prefs.index(sid)] += 1
    return (len(assignments), *counts)


def check_feasible(candidates, offers, plan: AssignmentPlan):
    by_id = {o.session_id: o for o in offers}
    roles = {c.person_id: c.role for c in candidates}
    assert set(plan.assignments) | set(plan.unassigned) == set(roles)
    assert not set(plan.assignments) & set(plan.unassigned)
    assert plan.unassigned == sorted(plan.unassigned)
    for pid, sid in plan.assignments.items():
        assert sid in by_id, "assigned to a session that was not offered"
        assert by_id[sid].admits(roles[pid]), "audience violated"
    for sid, load in plan.session_loads().items():
        assert load <= max(by_id[sid].remaining, 0), "capacity exceeded"
    # rank_counts agree with the assignments
    vec = objective(candidates, offers, plan.assignments)
    assert plan.rank_vector() == vec
    assert sum(plan.rank_counts.values()) == plan.assigned_count


def brute_force_best(candidates, offers):
    """Best objective vector over all feasible assignments (tiny instances only)."""
    options = []
    for c in candidates:
        opts = [o.session_id for o in offers if o.remaining > 0 and o.admits(c.role)]
        options.append([None, *opts])
    caps = {o.session_id: o.remaining for o in offers}
    best = None
    for combo in itertools.product(*options):
        loads: dict[int, int] = {}
        ok = True
        for sid in combo:
            if sid is not None:
                loads[sid] = loads.get(sid, 0) + 1
                if loads[sid] > caps[sid]:
                    ok = False
                    break
        if not ok:
            continue
        assignments = {c.person_id: sid for c, sid in zip(candidates, combo) if sid is not None}
        vec = objective(candidates, offers, assignments)
        if best is None or vec > best:
            best = vec
    return best


def lp_lexicographic_best(candidates, offers):
    """Sequential lexicographic MILP (HiGHS): max assigned, then max #1st, #2nd, ...

    Each step fixes the previous optimum as a constraint. Those extra rows break
    total unimodularity, so integrality is imposed explicitly.
    """
    open_offers = [o for o in offers if o.remaining > 0]
    edges = [(i, j) for i, c in enumerate(candidates) for j, o in enumerate(open_offers)
             if o.admits(c.role)]
    n, m, e = len(candidates), len(open_offers), len(edges)
    if e == 0:
        return objective(candidates, offers, {})
    a_person = np.zeros((n, e))
    a_cap = np.zeros((m, e))
    for k, (i, j) in enumerate(edges):
        a_person[i, k] = 1
        a_cap[j, k] = 1
    depth = max((len(dedup(c.preferences)) for c in candidates), default=0)
    goals = [np.ones(e)]
    for r in range(1, depth + 1):
        g = np.zeros(e)
        for k, (i, j) in enumerate(edges):
            prefs = dedup(candidates[i].preferences)
            if len(prefs) >= r and prefs[r - 1] == open_offers[j].session_id:
                g[k] = 1
        goals.append(g)
    constraints = [
        LinearConstraint(a_person, -np.inf, 1),
        LinearConstraint(a_cap, -np.inf, [o.remaining for o in open_offers]),
    ]
    result = []
    for g in goals:
        res = milp(-g, constraints=constraints, integrality=np.ones(e), bounds=Bounds(0, 1))
        assert res.status == 0
        value = round(-res.fun)
        result.append(value)
        constraints.append(LinearConstraint(g[None, :], value, np.inf))
    return tuple(result)


def random_instance(rng: random.Random, n, m, *, max_cap=3, depth=None, roles=("participant", "mentor")):
    offers = [SeatOffer(100 + j, rng.randint(0, max_cap), rng.choice(A.AUDIENCES), rng.random())
              for j in range(m)]
    ids = [o.session_id for o in offers] + [999]  # 999: a session of another theme
    candidates = []
    for i in range(n):
        k = rng.randint(0, depth if depth is not None else len(ids))
        prefs = tuple(rng.sample(ids, min(k, len(ids))))
        candidates.append(Candidate(1 + 7 * i, rng.choice(roles), prefs))
    return candidates, offers


# ----------------------------------------------------------------------------- examples


def test_basic_first_choices_and_fill():
    offers = [SeatOffer(1, 1, "participants"), SeatOffer(2, 2, "both"), SeatOffer(3, 1, "mentors")]
    cands = [
        Candidate(10, "participant", (1, 2)),
        Candidate(11, "participant", (1,)),
        Candidate(12, "mentor", ()),
        Candidate(13, "participant", (3, 1)),  # 3 is mentors-only: ignored, but keeps rank numbers
    ]
    plan = solve_assignment(cands, offers)
    check_feasible(cands, offers, plan)
    assert plan.unassigned == []
    assert plan.rank_vector() == brute_force_best(cands, offers) == (4, 1, 1)
    assert plan.assignments[12] in (2, 3)


def test_rank_maximal_not_convex():
    # Three single-seat sessions. Rank-maximal gives two first choices and one third
    # choice (cost 1+1+9 = 11 under r**2). A convex r**2 cost would instead pick one
    # first and two second choices (1+4+4 = 9). We promise the former.
    offers = [SeatOffer(0, 1), SeatOffer(1, 1), SeatOffer(2, 1)]
    cands = [Candidate(1, "participant", (0, 2, 1)), Candidate(2, "participant", (1, 0, 2)),
             Candidate(3, "participant", (1, 0, 2))]
    plan = solve_assignment(cands, offers)
    assert plan.rank_counts == {1: 2, 2: 0, 3: 1, None: 0}
    assert plan.assignments[1] == 0


def test_one_more_first_choice_outweighs_many_second_choices():
    # One first choice is worth more than any number of second choices:
    # P0 ranks (S,), the others rank (T, S); T has 0 seats, so S is their 2nd choice.
    offers = [SeatOffer(1, 1), SeatOffer(2, 0), SeatOffer(3, 10)]
    cands = [Candidate(0, "participant", (1,))] + [
        Candidate(i, "participant", (2, 1)) for i in range(1, 6)]
    plan = solve_assignment(cands, offers)
    assert plan.assignments[0] == 1
    assert plan.rank_counts[1] == 1 and plan.rank_counts[2] == 0


def test_count_beats_first_choices():
    # Session 1 (both, 2 seats), session 2 (participants, 1 seat). Both participants
    # want session 1; the mentor can only go there. Placing all three costs a first choice.
    offers = [SeatOffer(1, 2, "both"), SeatOffer(2, 1, "participants")]
    cands = [Candidate(1, "participant", (1,)), Candidate(2, "mentor", ()),
             Candidate(3, "participant", (1,))]
    plan = solve_assignment(cands, offers)
    check_feasible(cands, offers, plan)
    assert plan.rank_vector() == (3, 1)
    assert plan.assignments[2] == 1


def test_shortage_reports_unassigned():
    offers = [SeatOffer(1, 1, "both"), SeatOffer(2, 1, "participants")]
    cands = [Candidate(1, "participant", (1,)), Candidate(2, "mentor", ()),
             Candidate(3, "participant", (1,))]
    plan = solve_assignment(cands, offers)
    check_feasible(cands, offers, plan)
    # Two seats, three people: the count is 2 either way, so the first choice decides
    # and the mentor (who can only use session 1) is the one left out.
    assert plan.rank_vector() == (2, 1)
    assert plan.unassigned == [2]


def test_no_offers_and_no_candidates():
    cands = [Candidate(1, "participant", (5,))]
    plan = solve_assignment(cands, [])
    assert plan.assignments == {} and plan.unassigned == [1]
    assert plan.rank_counts == {1: 0, None: 0}
    empty = solve_assignment([], [SeatOffer(1, 3)])
    assert empty == AssignmentPlan({}, [], {None: 0})
    assert "0 of 0 assigned" in empty.summary()


def test_full_and_overbooked_sessions_take_nobody():
    offers = [SeatOffer(1, 0), SeatOffer(2, -3), SeatOffer(3, 1)]
    cands = [Candidate(1, "participant", (1, 2)), Candidate(2, "participant", (2,))]
    plan = solve_assignment(cands, offers)
    check_feasible(cands, offers, plan)
    assert plan.assigned_count == 1
    assert set(plan.assignments.values()) == {3}


def test_visitors_are_admitted_nowhere():
    offers = [SeatOffer(1, 5, "both")]
    plan = solve_assignment([Candidate(1, "visitor", (1,))], offers)
    assert plan.unassigned == [1]


def test_duplicate_preferences_keep_first_position():
    offers = [SeatOffer(1, 0), SeatOffer(2, 1), SeatOffer(3, 1)]
    cands = [Candidate(1, "participant", (1, 1, 2))]
    plan = solve_assignment(cands, offers)
    assert plan.assignments == {1: 2}
    assert plan.rank_counts == {1: 0, 2: 1, None: 0}


def test_validation():
    with pytest.raises(ValueError):
        solve_assignment([Candidate(1, "participant"), Candidate(1, "mentor")], [])
    with pytest.raises(ValueError):
        solve_assignment([], [SeatOffer(1, 1), SeatOffer(1, 2)])
    with pytest.raises(ValueError):
        Candidate(1, "participants")
    with pytest.raises(ValueError):
        SeatOffer(1, 1, "everyone")


def test_enum_members_are_accepted():
    class Audience(enum.Enum):
        mentors = "mentors"

    class Role(enum.Enum):
        mentor = "mentor"

    offer = SeatOffer(1, 1, Audience.mentors)
    cand = Candidate(1, Role.mentor, [1])  # a list is normalised to a tuple
    assert offer.audience == "mentors" and cand.role == "mentor" and cand.preferences == (1,)
    assert solve_assignment([cand], [offer]).assignments == {1: 1}


def test_summary_text():
    plan = AssignmentPlan({1: 5, 2: 6}, [3], {1: 1, 2: 0, None: 1})
    assert plan.summary() == "2 of 3 assigned (choice 1: 1, choice 2: 0, not ranked: 1); unassigned: 3"
    many = AssignmentPlan({}, list(range(20)), {None: 0})
    assert many.summary().endswith("; 20 unassigned")


def test_greedy_is_first_come():
    offers = [SeatOffer(1, 1, starts_at_key=2), SeatOffer(2, 1, starts_at_key=1)]
    a = Candidate(1, "participant", ())
    b = Candidate(2, "participant", (1,))
    # a comes first, has no preference: takes the earliest session (2), b gets 1.
    assert greedy_first_come([a, b], offers).assignments == {1: 2, 2: 1}
    c = Candidate(3, "participant", (2,))
    # c first takes 2; a falls back to 1; b gets nothing.
    plan = greedy_first_come([c, a, b], offers)
    assert plan.assignments == {1: 1, 3: 2} and plan.unassigned == [2]
    assert solve_assignment([c, a, b], offers).rank_counts[1] == 2


# ----------------------------------------------------------------------------- optimality


@pytest.mark.parametrize("seed", range(150))
def test_matches_brute_force_random(seed):
    rng = random.Random(seed)
    cands, offers = random_instance(rng, rng.randint(1, 6), rng.randint(1, 3))
    best = brute_force_best(cands, offers)
    for budget in (A._WEIGHT_BUDGET, 1):  # single stage, and one rank level per stage
        plan = A._solve(cands, offers, weight_budget=budget)
        check_feasible(cands, offers, plan)
        assert plan.rank_vector() == best, (seed, budget)


@st.composite
def instances(draw, max_people=6, max_sessions=3, max_cap=3):
    m = draw(st.integers(1, max_sessions))
    offers = [SeatOffer(10 + j, draw(st.integers(-1, max_cap)), draw(st.sampled_from(A.AUDIENCES)),
                        draw(st.integers(0, 3))) for j in range(m)]
    ids = [10 + j for j in range(m)] + [99]
    n = draw(st.integers(0, max_people))
    person_ids = draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True))
    cands = [Candidate(pid, draw(st.sampled_from(["participant", "participant", "mentor", "visitor"])),
                       tuple(draw(st.lists(st.sampled_from(ids), max_size=5))))
             for pid in person_ids]
    return cands, offers


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_property_optimal_against_brute_force(inst):
    cands, offers = inst
    best = brute_force_best(cands, offers)
    plan = solve_assignment(cands, offers)
    check_feasible(cands, offers, plan)
    assert plan.rank_vector() == best
    staged = A._solve(cands, offers, weight_budget=1)
    assert staged.rank_vector() == best


@settings(max_examples=100, deadline=None)
@given(instances(max_people=12, max_sessions=5, max_cap=4), st.randoms(use_true_random=False))
def test_property_deterministic_under_shuffle(inst, rnd):
    cands, offers = inst
    plan = solve_assignment(cands, offers)
    c2, o2 = list(cands), list(offers)
    rnd.shuffle(c2)
    rnd.shuffle(o2)
    again = solve_assignment(c2, o2)
    assert again == plan
    assert list(again.assignments.items()) == list(plan.assignments.items())


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 40), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_property_everyone_placed_when_capacity_suffices(n, m, seed):
    rng = random.Random(seed)
    caps = [rng.randint(0, n) for _ in range(m)]
    caps[0] += max(0, n - sum(caps))
    offers = [SeatOffer(j, caps[j], "both") for j in range(m)]
    cands = [Candidate(i, rng.choice(["participant", "mentor"]),
                       tuple(rng.sample(range(m + 1), rng.randint(0, m + 1)))) for i in range(n)]
    plan = solve_assignment(cands, offers)
    check_feasible(cands, offers, plan)
    assert plan.unassigned == []


@settings(max_examples=100, deadline=None)
@given(instances(max_people=15, max_sessions=5, max_cap=4))
def test_property_never_worse_than_greedy(inst):
    cands, offers = inst
    plan = solve_assignment(cands, offers)
    greedy = greedy_first_come(cands, offers)
    check_feasible(cands, offers, greedy)
    check_feasible(cands, offers, plan)
    assert plan.rank_vector() >= greedy.rank_vector()


@pytest.mark.parametrize("seed", range(12))
def test_deep_preferences_match_lexicographic_lp(seed):
    """Medium instances with long lists: staged solving matches an independent MILP."""
    rng = random.Random(1000 + seed)
    n, m = rng.randint(20, 60), rng.randint(3, 8)
    cands, offers = random_instance(rng, n, m, max_cap=max(2, n // m), depth=m + 1)
    expected = lp_lexicographic_best(cands, offers)
    for budget in (A._WEIGHT_BUDGET, 10**6, 1):
        plan = A._solve(cands, offers, weight_budget=budget)
        check_feasible(cands, offers, plan)
        assert plan.rank_vector() == expected, budget


@pytest.mark.slow
@pytest.mark.parametrize("people", [150, 230])  # 211 seats: 230 is a shortage case
def test_large_deep_instance_needs_several_stages_and_stays_exact(people, monkeypatch):
    """People ranking all 12 sessions cannot fit one float64 stage; check against the MILP."""
    rng = np.random.default_rng(7)
    m = 12
    popularity = rng.dirichlet(np.full(m, 0.6))
    offers = [SeatOffer(j, int(rng.integers(10, 25)), "both") for j in range(m)]
    cands = [Candidate(i, "participant", tuple(int(s) for s in rng.choice(m, m, replace=False, p=popularity)))
             for i in range(people)]
    assert (people + 1) ** 12 > A._WEIGHT_BUDGET  # a single stage would not be exact
    calls = []
    real = A.linear_sum_assignment

    def counting(matrix):
        calls.append(matrix.shape)
        return real(matrix)

    monkeypatch.setattr(A, "linear_sum_assignment", counting)
    plan = solve_assignment(cands, offers)
    assert len(calls) >= 2
    check_feasible(cands, offers, plan)
    assert plan.rank_vector() == lp_lexicographic_best(cands, offers)
    assert (len(plan.unassigned) > 0) == (people > sum(o.remaining for o in offers))


def test_bench_scale_is_fast():
    import time

    rng = np.random.default_rng(3)
    m = 12
    offers = [SeatOffer(j, 50, "both") for j in range(m)]
    cands = [Candidate(i, "participant", tuple(int(s) for s in rng.choice(m, 3, replace=False)))
             for i in range(500)]
    start = time.perf_counter()
    plan = solve_assignment(cands, offers)
    assert time.perf_counter() - start < 2.0
    assert plan.unassigned == []
