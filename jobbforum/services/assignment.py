"""Round-wide workshop assignment: which session of a theme each person attends.

A theme (say the job-interview workshop) runs as a few sessions.  Every person
of a round who has not booked one yet must be placed in exactly one of them.
People may rank any subset of the sessions (rank 1 is best); people who rank
nothing fill the seats that are left.  This module is pure: no Flask, no
database.  The caller collects :class:`Candidate` and :class:`SeatOffer`
values, calls :func:`solve_assignment` and turns the resulting
:class:`AssignmentPlan` into bookings.

What :func:`solve_assignment` guarantees
----------------------------------------
* **Feasibility.**  Nobody is placed in a session whose audience does not admit
  their role, and no session gets more people than its ``remaining`` seats.
* **Coverage first.**  The number of people placed is the largest possible.  It
  is all of them whenever the seats and audiences allow.  Nobody is favoured
  here for having given preferences.  Whoever cannot be placed appears in
  :attr:`AssignmentPlan.unassigned`.  One consequence of the next rule: once
  the count is at its maximum, a contested seat goes to someone who ranked
  that session rather than to someone who did not, because that raises
  satisfaction.
* **Rank-maximal preferences.**  Among the plans that place that many people,
  the plan maximises the number of first choices.  Among those it maximises
  the number of second choices, then the number of third choices, and so on.
  The comparison is strictly lexicographic: one more first choice beats any
  number of second choices.  Ranks are the person's own positions (see
  :class:`Candidate`).  The optimum is exact; no floating-point rounding can
  blur it (see *Cost model*).
* **Determinism.**  The plan depends only on the set of candidates and offers,
  not on their order in the input.  Both are sorted first, candidates by
  person id and offers by session id, and the solver has no randomness.
  Between plans that are equally good, the choice is a fixed function of the
  sorted input.  No further fairness rule is promised.

Cost model
----------
A placement of rank ``r`` earns the weight ``w_r``.  A placement in a session
the person did not rank earns 0.  Not being placed also earns 0.  The weights
form a mixed radix.  ``w_K = 1`` for the deepest rank ``K`` that is in use.
``w_r = w_{r+1} * (c_{r+1} + 1)``, where ``c_r`` bounds how many people can
get their r-th choice.  So ``w_r`` exceeds the most that all deeper ranks
together can earn.  Maximising the sum of weights is then the same as
comparing the counts ``(first, second, ...)`` lexicographically.  This is the
rank-maximal criterion.

The alternative was a convex cost such as ``r**2``.  Take three single-seat
sessions.  ``r**2`` prefers one first and two second choices (1+4+4 = 9) to
two first choices and one third (1+1+9 = 11); we take the latter.  We
chose the rank-maximal rule because it is easy to explain to participants
("as many first choices as possible, then second choices, ...").  Its
trade-off is this: to win one more first choice it may push a few other
people further down their lists.

scipy's ``linear_sum_assignment`` works in float64.  It is exact only while
all sums stay well below 2**53.  With a few hundred people and deep
preference lists, ``w_1`` would go past that.  So the levels are solved in
stages, each one as large as fits within ``2**50``:

1. The most people that can be placed, ``P``, is found first with a
   max-flow.  The assignment matrix then has exactly ``people - P``
   "unassigned" columns, so every complete matching places ``P`` people.
2. A stage solves the seat-expanded assignment (people x seats) for its
   block of rank levels.
3. If levels remain, the stage's optimal dual prices are computed exactly,
   in integers, by Bellman-Ford on the small graph of sessions.  Complementary
   slackness then tells us which plans are also optimal.  They are the plans
   that use only tight edges (reduced cost 0) and keep every session with a
   negative price full.  The next stage keeps the tight edges only.  A top
   weight level "fill the must-be-full sessions" keeps those sessions full.

For a typical round (50 to 500 people, up to three or four ranked choices) a
single stage suffices.  500 people and 12 sessions of up to 50 seats solve in
tens of milliseconds.

:func:`greedy_first_come` is the naive baseline, used in benchmarks.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

__all__ = [
    "AUDIENCES",
    "ROLES",
    "AssignmentPlan",
    "Candidate",
    "SeatOffer",
    "greedy_first_come",
    "solve_assignment",
]

#: Audience values of a session (mirrors ``jobbforum.models.workshops.Audience``).
AUDIENCES: tuple[str, ...] = ("participants", "mentors", "both")
#: Role values of a person (mirrors ``jobbforum.models.tickets.Role``).
ROLES: tuple[str, ...] = ("participant", "mentor", "visitor", "exhibitor")

_ADMITTED_ROLES: dict[str, frozenset[str]] = {
    "participants": frozenset({"participant"}),
    "mentors": frozenset({"mentor"}),
    "both": frozenset({"participant", "mentor"}),
}

#: Largest weight scale handed to the float64 solver (see the module docstring).
_WEIGHT_BUDGET = 2**50
#: Beyond this the integers would no longer be exact in float64 at all.
_FLOAT_EXACT = 2**53
_NO_ARC = np.iinfo(np.int64).max // 4


def _plain(value: Any) -> Any:
    """Return the ``.value`` of enum members so model enums can be passed directly."""
    return value.value if isinstance(value, enum.Enum) else value


def _dedup(preferences: Iterable[int]) -> tuple[int, ...]:
    """Drop repeated session ids, keeping each one's first (best) position."""
    return tuple(dict.fromkeys(preferences))


@dataclass(frozen=True)
class Candidate:
    """A person who still needs a session of the theme.

    ``preferences`` lists session ids, best first; any subset, possibly empty.
    A repeated id counts at its first position. After that, the rank of a
    session is its 1-based position in the list. Ids of sessions that are not
    offered, are full, or do not admit the person's role are ignored for
    placement. They still count for the rank numbers, so "rank 2" always means
    the person's own second choice.
    """

    person_id: int
    role: str
    preferences: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", _plain(self.role))
        object.__setattr__(self, "preferences", tuple(self.preferences))
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r} for person {self.person_id}")


@dataclass(frozen=True)
class SeatOffer:
    """A session of the theme with the seats it still has.

    ``remaining`` below zero (an overbooked session) counts as zero.
    ``starts_at_key`` is any sortable value, such as the start time. Only
    :func:`greedy_first_come` uses it, to order its fallback choice. It never
    changes what :func:`solve_assignment` decides.
    """

    session_id: int
    remaining: int
    audience: str = "both"
    starts_at_key: Any = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "audience", _plain(self.audience))
        if self.audience not in _ADMITTED_ROLES:
            raise ValueError(f"unknown audience {self.audience!r} for session {self.session_id}")

    def admits(self, role: str) -> bool:
        """Whether a person in ``role`` may attend this session."""
        return _plain(role) in _ADMITTED_ROLES[self.audience]


@dataclass
class AssignmentPlan:
    """The outcome of an assignment run.

    ``assignments`` maps person id to session id, in person-id order.
    ``unassigned`` lists the person ids left without a seat, sorted.
    ``rank_counts`` says how many placed people got their 1st, 2nd, ... choice.
    Its keys run from 1 to the longest preference list, with zeros kept. The
    key ``None`` counts people placed in a session they did not rank, which
    includes everyone who gave no preferences.
    """

    assignments: dict[int, int] = field(default_factory=dict)
    unassigned: list[int] = field(default_factory=list)
    rank_counts: dict[int | None, int] = field(default_factory=dict)

    @property
    def assigned_count(self) -> int:
        return len(self.assignments)

    @property
    def total(self) -> int:
        return len(self.assignments) + len(self.unassigned)

    def rank_vector(self) -> tuple[int, ...]:
        """``(assigned, first, second, ...)``, the vector the solver maximises lexicographically."""
        ranks = sorted(k for k in self.rank_counts if k is not None)
        return (self.assigned_count, *(self.rank_counts[k] for k in ranks))

    def session_loads(self) -> dict[int, int]:
        """How many people the plan puts in each session, by session id."""
        loads: dict[int, int] = {}
        for session_id in sorted(self.assignments.values()):
            loads[session_id] = loads.get(session_id, 0) + 1
        return loads

    def summary(self) -> str:
        """A one-line report for logs and the admin view, e.g.

        ``48 of 50 assigned (choice 1: 30, choice 2: 10, not ranked: 8); unassigned: 17, 23``
        """
        parts = [f"choice {k}: {v}" for k, v in sorted(
            (k, v) for k, v in self.rank_counts.items() if k is not None)]
        parts.append(f"not ranked: {self.rank_counts.get(None, 0)}")
        text = f"{self.assigned_count} of {self.total} assigned ({', '.join(parts)})"
        if self.unassigned:
            if len(self.unassigned) <= 10:
                text += "; unassigned: " + ", ".join(str(p) for p in self.unassigned)
            else:
                text += f"; {len(self.unassigned)} unassigned"
        return text


# --------------------------------------------------------------------------- input handling


def _check_unique(candidates: Sequence[Candidate], offers: Sequence[SeatOffer]) -> None:
    people = [c.person_id for c in candidates]
    if len(set(people)) != len(people):
        raise ValueError("a person appears more than once among the candidates")
    sessions = [o.session_id for o in offers]
    if len(set(sessions)) != len(sessions):
        raise ValueError("a session appears more than once among the offers")


def _tally(candidates: Iterable[Candidate], assignments: dict[int, int]) -> dict[int | None, int]:
    """Count placed people by the stated rank of the session they got."""
    candidates = list(candidates)
    depth = max((len(_dedup(c.preferences)) for c in candidates), default=0)
    counts: dict[int | None, int] = {r: 0 for r in range(1, depth + 1)}
    counts[None] = 0
    for c in candidates:
        session_id = assignments.get(c.person_id)
        if session_id is None:
            continue
        prefs = _dedup(c.preferences)
        rank = prefs.index(session_id) + 1 if session_id in prefs else None
        counts[rank] += 1
    return counts


def _make_plan(candidates: Sequence[Candidate], assignments: dict[int, int]) -> AssignmentPlan:
    ordered = sorted(candidates, key=lambda c: c.person_id)
    return AssignmentPlan(
        assignments={c.person_id: assignments[c.person_id] for c in ordered if c.person_id in assignments},
        unassigned=[c.person_id for c in ordered if c.person_id not in assignments],
        rank_counts=_tally(ordered, assignments),
    )


# --------------------------------------------------------------------------- the solver


def solve_assignment(candidates: Iterable[Candidate], offers: Iterable[SeatOffer]) -> AssignmentPlan:
    """Assign each candidate to at most one offered session, optimally.

    Placements respect audiences and remaining seats. The plan first places as
    many people as possible. Among those plans it takes the rank-maximal one:
    most first choices, then most second choices, and so on. The result does
    not depend on input order. See the module docstring for the exact
    guarantees and the cost model.

    Raises ``ValueError`` for duplicate person or session ids, or for unknown
    roles or audiences.
    """
    return _solve(candidates, offers, weight_budget=_WEIGHT_BUDGET)


def _solve(
    candidates: Iterable[Candidate], offers: Iterable[SeatOffer], *, weight_budget: int
) -> AssignmentPlan:
    """:func:`solve_assignment` with a tunable stage size (tests force multi-stage runs)."""
    people = sorted(candidates, key=lambda c: c.person_id)
    all_offers = sorted(offers, key=lambda o: o.session_id)
    _check_unique(people, all_offers)
    sessions = [o for o in all_offers if o.remaining > 0]
    column = {o.session_id: j for j, o in enumerate(sessions)}

    # rank[i, j]: -1 = not admitted, 0 = admitted but not ranked, r >= 1 = the person's r-th choice.
    rank = np.full((len(people), len(sessions)), -1, dtype=np.int64)
    for i, person in enumerate(people):
        for j, offer in enumerate(sessions):
            if offer.admits(person.role):
                rank[i, j] = 0
        for position, session_id in enumerate(_dedup(person.preferences), start=1):
            j = column.get(session_id)
            if j is not None and rank[i, j] == 0:
                rank[i, j] = position

    placeable = np.flatnonzero((rank >= 0).any(axis=1))
    assignments: dict[int, int] = {}
    if placeable.size:
        caps = np.array([o.remaining for o in sessions], dtype=np.int64)
        chosen = _lexicographic_assignment(rank[placeable], caps, weight_budget)
        for row, j in zip(placeable.tolist(), chosen.tolist()):
            if j >= 0:
                assignments[people[row].person_id] = sessions[j].session_id
    return _make_plan(people, assignments)


def _max_placeable(admissible: np.ndarray, caps: np.ndarray) -> int:
    """Largest number of rows that can get a column, by max-flow on source/rows/columns/sink."""
    n, m = admissible.shape
    source, sink = n + m, n + m + 1
    rows_i, cols_j = np.nonzero(admissible)
    open_cols = np.flatnonzero(caps > 0)
    tails = np.concatenate([np.full(n, source), rows_i, n + open_cols])
    heads = np.concatenate([np.arange(n), n + cols_j, np.full(open_cols.size, sink)])
    capacity = np.concatenate([np.ones(n + rows_i.size), caps[open_cols]]).astype(np.int32)
    graph = csr_matrix((capacity, (tails, heads)), shape=(n + m + 2, n + m + 2))
    return int(maximum_flow(graph, source, sink).flow_value)


def _lexicographic_assignment(rank: np.ndarray, caps: np.ndarray, weight_budget: int) -> np.ndarray:
    """Core solver on index arrays.

    ``rank`` is the (rows x sessions) matrix built in :func:`_solve`, where every
    row is admitted somewhere. ``caps`` holds the remaining seats. Returns the
    chosen session index per row, or -1 for "unassigned".
    """
    n, m = rank.shape
    admissible = rank >= 0
    # A session never needs more seat columns than people it admits.
    caps = np.minimum(caps, admissible.sum(axis=0))
    placed = _max_placeable(admissible, caps)
    spare_rows = n - placed

    # Classes of columns: sessions 0..m-1, plus class m = "unassigned" with exactly
    # ``spare_rows`` columns, so every complete matching places ``placed`` people.
    classes = m + (1 if spare_rows else 0)
    class_caps = np.append(caps, spare_rows) if spare_rows else caps
    allowed = np.zeros((n, classes), dtype=bool)
    allowed[:, :m] = admissible
    if spare_rows:
        allowed[:, m] = True
    column_class = np.repeat(np.arange(classes), class_caps)
    scale = n + column_class.size + 1

    # Rank levels in use, each with its radix (1 + the most people who can reach it).
    levels = [r for r in range(1, int(rank.max()) + 1) if (rank == r).any()]
    radix = {r: min(int((rank == r).sum()), placed) + 1 for r in levels}

    must_fill = np.zeros(classes, dtype=bool)
    while True:
        fill_radix = min(int(class_caps[must_fill].sum()), placed) + 1 if must_fill.any() else 1
        product = fill_radix
        stage: list[int] = []
        while levels and (not stage or product * radix[levels[0]] * scale <= weight_budget):
            product *= radix[levels[0]]
            stage.append(levels.pop(0))
        if product * scale >= _FLOAT_EXACT:
            raise ValueError("assignment problem too large for exact float64 weights")

        cost = np.zeros((n, classes), dtype=np.int64)
        weight = 1
        for r in reversed(stage):
            cost[:, :m][rank == r] = -weight
            weight *= radix[r]
        if must_fill.any():
            cost[:, must_fill] -= weight  # top level: keep the must-be-full sessions full

        matrix = np.where(allowed, cost, 0).astype(np.float64)
        matrix[~allowed] = np.inf
        rows, cols = linear_sum_assignment(matrix[:, column_class])
        chosen = np.empty(n, dtype=np.int64)
        chosen[rows] = column_class[cols]
        if not levels:
            break
        allowed, must_fill = _optimal_edges(cost, allowed, chosen, class_caps)
        if spare_rows:
            must_fill[m] = False  # the unassigned class is always exactly full anyway

    return np.where(chosen < m, chosen, -1)


def _optimal_edges(
    cost: np.ndarray, allowed: np.ndarray, chosen: np.ndarray, class_caps: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """From an optimal matching, describe *all* optimal matchings of this stage.

    Computes exact integer dual prices ``v`` per class and ``u`` per row of the
    (rows = 1, columns <= 1) assignment LP. ``v`` holds shortest distances in
    the residual graph on classes; an arc a -> t costs
    ``min over rows at a of cost[i, t] - cost[i, a]``. By complementary
    slackness, a matching is optimal exactly when it uses only edges of
    reduced cost 0 and fills every class with a negative price. Returns
    ``(tight edges, classes that must stay full)``.
    """
    n, classes = cost.shape
    own = cost[np.arange(n), chosen]
    delta = np.where(allowed, cost - own[:, None], _NO_ARC)
    arcs = np.full((classes, classes), _NO_ARC, dtype=np.int64)
    for a in range(classes):
        at_a = chosen == a
        if at_a.any():
            arcs[a] = delta[at_a].min(axis=0)
    arc_list = [(a, t, int(arcs[a, t])) for a in range(classes) for t in range(classes)
                if a != t and arcs[a, t] < _NO_ARC]

    dist = [0] * classes  # virtual root with 0-cost arcs to every class
    for _ in range(classes + 1):
        changed = False
        for a, t, w in arc_list:
            if dist[a] + w < dist[t]:
                dist[t] = dist[a] + w
                changed = True
        if not changed:
            break
    else:
        raise RuntimeError("assignment stage is not optimal (negative cycle); please report")

    v = np.array(dist, dtype=np.int64)
    load = np.bincount(chosen, minlength=classes)
    if (v[load < class_caps] != 0).any():
        raise RuntimeError("assignment stage is not optimal (improvable free seat); please report")
    u = own - v[chosen]
    reduced = cost - u[:, None] - v[None, :]
    if (reduced[allowed] < 0).any():
        raise RuntimeError("dual prices infeasible; please report")
    return allowed & (reduced == 0), v < 0


# --------------------------------------------------------------------------- baseline


def greedy_first_come(candidates: Iterable[Candidate], offers: Iterable[SeatOffer]) -> AssignmentPlan:
    """Baseline: serve candidates in the given order (first come, first served).

    Each person gets their best-ranked session that still has a seat and
    admits them. Failing that, they get the first admitting session with a
    seat, by ``(starts_at_key, session_id)``. Failing that too, they stay
    unassigned. It respects seats and audiences but optimises nothing. It
    exists to measure the solver against.
    """
    people = list(candidates)
    all_offers = list(offers)
    _check_unique(people, all_offers)
    by_id = {o.session_id: o for o in all_offers}
    seats = {o.session_id: max(o.remaining, 0) for o in all_offers}
    fallback = sorted(all_offers, key=lambda o: (o.starts_at_key, o.session_id))

    assignments: dict[int, int] = {}
    for person in people:
        pick = next((sid for sid in _dedup(person.preferences)
                     if sid in by_id and seats[sid] > 0 and by_id[sid].admits(person.role)), None)
        if pick is None:
            pick = next((o.session_id for o in fallback
                         if seats[o.session_id] > 0 and o.admits(person.role)), None)
        if pick is not None:
            seats[pick] -= 1
            assignments[person.person_id] = pick
    return _make_plan(people, assignments)
