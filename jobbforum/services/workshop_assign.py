"""Round-wide assignment of one theme's sessions (the CLI command and the coordinator button).

:func:`preview` collects, for a programme round and a theme, everyone of the round who has no
seat in a session of that theme yet (and whose role some session of the theme admits), their
ranked preferences and the seats left, and runs the rank-maximal solver of
:mod:`jobbforum.services.assignment`. Nothing changes. :func:`confirm` recomputes the plan and
books it only if it is still the plan that was previewed (its :attr:`Preview.fingerprint`), so
a coordinator never confirms something other than what they saw. The plan is deterministic: the
same bookings, preferences and seats always give the same assignment.

People on a waiting list of the theme count as not booked; when they get a seat elsewhere their
waiting-list place is cancelled.

Not considered: clashes with a person's bookings of *other* themes at the same time (the solver
knows only audiences and seats). Sessions of different themes for one round are normally on
different days; the session form's conflict check ("people booked here are also booked into …")
shows any clash afterwards.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa

from jobbforum.extensions import db
from jobbforum.models import (
    Booking,
    BookingStatus,
    OutgoingMail,
    Person,
    ProgrammeRound,
    StaffUser,
    Theme,
    WorkshopSession,
)
from jobbforum.services import audit
from jobbforum.services import workshops as ws
from jobbforum.services.assignment import AssignmentPlan, Candidate, SeatOffer, solve_assignment
from jobbforum.services.errors import Conflict, InvalidInput, N_


class PlanChanged(Conflict):
    """Bookings or preferences changed since the preview. Look at the new preview and confirm again."""

    code = "plan_changed"
    message = N_("Bookings or preferences changed since the preview. Look at the new preview "
                 "and confirm again.")


@dataclass
class Preview:
    """An assignment plan with what a coordinator needs to judge it."""

    round: ProgrammeRound
    theme: Theme
    plan: AssignmentPlan
    sessions: list[WorkshopSession]
    #: Seats left per session before the plan.
    remaining: dict[int, int]
    #: Hash of the inputs and the plan; :func:`confirm` refuses if it no longer matches.
    fingerprint: str

    @property
    def choice_counts(self) -> list[tuple[int, int]]:
        """``[(1, n first choices), (2, n), (3, n)]`` (at least three rows)."""
        depth = max([3, *(k for k in self.plan.rank_counts if k is not None)])
        return [(r, self.plan.rank_counts.get(r, 0)) for r in range(1, depth + 1)]

    @property
    def not_ranked(self) -> int:
        return self.plan.rank_counts.get(None, 0)


def preview(programme_round: ProgrammeRound, theme: Theme) -> Preview:
    """Compute the plan for ``theme`` in ``programme_round``; changes nothing."""
    if theme is Theme.other:
        raise InvalidInput(N_("Choose kick-off, interview, networking or mentor training."),
                           field="theme")
    sessions = ws.list_sessions(round_id=programme_round.id, theme=theme)
    counts = ws.seat_counts(s.id for s in sessions)
    remaining = {s.id: max(s.capacity - counts[s.id][0], 0) for s in sessions}
    offers = [SeatOffer(session_id=s.id, remaining=remaining[s.id], audience=s.audience.value,
                        starts_at_key=s.starts_at) for s in sessions]
    admitted = {role for s in sessions for role in ws.AUDIENCE_ROLES[s.audience]}
    seated = set(db.session.scalars(
        sa.select(Booking.person_id).join(WorkshopSession)
        .where(WorkshopSession.theme == theme, Booking.status == BookingStatus.booked)))
    people = db.session.scalars(sa.select(Person).where(
        Person.round_id == programme_round.id).order_by(Person.id))
    offered = {s.id for s in sessions}
    candidates = []
    for person in people:
        role = ws.person_role(person)
        if person.id in seated or role not in admitted:
            continue
        prefs = [sid for sid in ws.preferences_of(person).get(theme, []) if sid in offered]
        candidates.append(Candidate(person_id=person.id, role=role.value, preferences=tuple(prefs)))
    plan = solve_assignment(candidates, offers)
    digest = json.dumps([sorted((c.person_id, c.role, c.preferences) for c in candidates),
                         sorted(remaining.items()), sorted(plan.assignments.items())])
    return Preview(programme_round, theme, plan, sessions, remaining,
                   hashlib.sha256(digest.encode()).hexdigest()[:16])


def confirm(programme_round: ProgrammeRound, theme: Theme, fingerprint: str, *,
            actor: StaffUser | None, actor_label: str = "") -> tuple[Preview, list[OutgoingMail]]:
    """Book the previewed plan. Raises :class:`PlanChanged` if the inputs changed since the
    preview with ``fingerprint``. Returns the preview and mails to deliver after the commit."""
    for session in ws.list_sessions(round_id=programme_round.id, theme=theme):
        ws.lock_session(session.id)  # no booking may slip in meanwhile
    current = preview(programme_round, theme)
    if current.fingerprint != fingerprint:
        raise PlanChanged()
    mails: list[OutgoingMail] = []
    for person_id, session_id in current.plan.assignments.items():
        person = db.session.get(Person, person_id)
        waiting = ws.active_booking(person, theme)  # type: ignore[arg-type]
        if waiting is not None:
            mails += ws.cancel_booking(waiting, actor=actor, actor_label=actor_label).mails
        ws.place(person, db.session.get(WorkshopSession, session_id),  # type: ignore[arg-type]
                 BookingStatus.booked)
    audit.record("workshop.assigned", actor=actor, actor_label=actor_label, obj=programme_round,
                 details={"theme": theme, "assigned": current.plan.assigned_count,
                          "unassigned": len(current.plan.unassigned),
                          "choices": {str(k): v for k, v in current.plan.rank_counts.items()}})
    return current, mails

