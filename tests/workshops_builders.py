"""Builder fixtures for the workshops tests (rooms, sessions, round members)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from jobbforum.extensions import db as _db
from jobbforum.models import Audience, County, Room, Theme, utcnow
from jobbforum.services import workshops as ws


@pytest.fixture()
def make_room(db: Any) -> Callable[..., Room]:
    counter = iter(range(1, 10_000))

    def build(**kw: Any) -> Room:
        data = dict(name=f"Room {next(counter)}", capacity=30, county=County.stockholm,
                    address="Sveavägen 44")
        data.update(kw)
        room = ws.save_room(None, actor=None, actor_label="test", **data)
        _db.session.commit()
        return room

    return build


@pytest.fixture()
def make_session(db: Any, make_room: Callable[..., Room], make_round: Callable[..., Any]
                 ) -> Callable[..., Any]:
    """A session starting ``days`` from now (default 10) for ``hours`` (default 2)."""
    counter = iter(range(1, 10_000))

    def build(*, rounds: list[Any] | None = None, room: Room | None = None, days: float = 10,
              hours: float = 2, confirm: bool = True, **kw: Any) -> Any:
        n = next(counter)
        starts = utcnow().replace(microsecond=0) + timedelta(days=days)
        data = dict(theme=Theme.interview, title="", capacity=10, facilitator=f"Facilitator {n}",
                    language_support="", audience=Audience.both, starts_at=starts,
                    ends_at=starts + timedelta(hours=hours))
        data.update(kw)
        room = room or make_room(capacity=max(30, data["capacity"]))
        session = ws.save_session(None, actor=None, actor_label="test",
                                  rounds=rounds or [make_round()], room_id=room.id,
                                  confirm_conflicts=confirm, **data)
        _db.session.commit()
        return session

    return build


@pytest.fixture()
def members(make_person: Callable[..., Any]) -> Callable[..., list[Any]]:
    """``members(round, n)``: n people of the round."""

    def build(programme_round: Any, n: int, **kw: Any) -> list[Any]:
        return [make_person(round_id=programme_round.id, **kw) for _ in range(n)]

    return build
