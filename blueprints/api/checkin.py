"""Check-in API for scanners: door staff (session + CSRF header) or a door device (bearer token).

URLs (under /api/v1/events/<slug>/checkin):
    POST ""                         redeem a scanned code
    POST /<checkin_id>/undo         undo a check-in made less than two minutes ago
    GET  /stats                     registered / checked-in counts
    GET  /search?q=                 manual check-in: name or participant code
    GET  /codes?list=               salted hashes of the valid ticket codes (offline scanning)

Every failure is ``{"status": "error", "reason": ...}`` with a 4xx status.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import abort, current_app, g, jsonify, request
from flask_login import current_user
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from blueprints.api import bp
from jobbforum import dbpool
from jobbforum.extensions import csrf, db, limiter
from jobbforum.models import ENTRANCE, MAX_ID, Event, StaffRole
from jobbforum.services import checkin, devices, events
from jobbforum.services.errors import InvalidInput


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


def _principal_key() -> str:
    """Rate limits count per device token or staff user, else per address."""
    token = _bearer()
    if token:
        return "device:" + devices.hash_token(token)[:16]
    if current_user.is_authenticated:
        return f"staff:{current_user.id}"
    return "ip:" + (request.remote_addr or "")


def _checkin_limit() -> str:
    return current_app.config.get("CHECKIN_RATE_LIMIT", "600 per minute")


def _search_limit() -> str:
    return current_app.config.get("CHECKIN_SEARCH_RATE_LIMIT", "60 per minute")


log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=16)
def _parsed(limit: str) -> RateLimitItem:
    return parse(limit)


def throttled(limit: Callable[[], str], scope: str) -> Callable[[Any], Any]:
    """Limit a scanner endpoint per device token or staff user (:func:`_principal_key`), with
    429 and ``Retry-After`` when over, counted in Flask-Limiter's storage (Redis when configured,
    so shared by every process and host).

    One counter hit per request: Flask-Limiter's own decorator parses the limit and evaluates
    it twice per request, which on the busiest endpoint (a door with a queue) cost about as many
    CPU instructions as the check-in's database work. If the storage fails (Redis restarting),
    the door keeps working and the failure is logged.
    """

    def decorate(view: Any) -> Any:
        @functools.wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Any:
            if limiter.enabled:
                item = _parsed(limit())
                keys = [scope, _principal_key()]
                if prefix := current_app.config.get("RATELIMIT_KEY_PREFIX"):
                    keys.insert(0, prefix)  # deployments sharing one Redis keep apart
                try:
                    allowed = limiter.limiter.hit(item, *keys)
                    reset = (None if allowed
                             else limiter.limiter.get_window_stats(item, *keys).reset_time)
                except Exception:  # noqa: BLE001 - storage down: fail open, loudly
                    log.warning("Rate-limit storage unavailable for %s", scope, exc_info=True)
                    allowed, reset = True, None
                if not allowed:
                    raise TooManyRequests(retry_after=max(1, int((reset or 0) - time.time())))
            return view(*args, **kwargs)

        return limited

    return decorate


def _door_for(slug: str) -> Event:
    """The event, once the caller is a door device of it or door/coordinator staff (401/403)."""
    token = _bearer()
    g.checkin_device, g.checkin_staff = None, None
    if token is not None:
        device = checkin.device_for_token(token, slug)  # else 401, 404 or 403
        g.checkin_device = device
        return device.event
    event = events.get_event(slug)
    if not current_user.is_authenticated:
        abort(401)
    if not current_user.has_role(StaffRole.door, StaffRole.coordinator):
        abort(403)
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()  # the scanner page sends X-CSRFToken
    g.checkin_staff = current_user._get_current_object()
    return event


def _text(data: dict[str, Any], key: str, max_length: int, default: str | None = "") -> str | None:
    value = data.get(key, default)
    if value is None or value == default:
        return value
    if not isinstance(value, str) or len(value) > max_length or not value.isprintable():
        raise InvalidInput(f"'{key}' must be printable text of at most {max_length} characters.")
    return value


def _nonce(data: dict[str, Any]) -> str | None:
    nonce = _text(data, "nonce", checkin.MAX_NONCE_LENGTH, None)
    if nonce is not None and not nonce.strip():
        raise InvalidInput("'nonce' must not be empty.")
    return nonce


def _parse_redeem(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidInput("Send a JSON object.")
    code = data.get("code")
    registration_id = data.get("registration_id")
    if registration_id is not None and (not isinstance(registration_id, int)
                                        or isinstance(registration_id, bool)
                                        or not 0 < registration_id <= MAX_ID):
        raise InvalidInput("'registration_id' must be a positive integer.")
    if registration_id is None and (not isinstance(code, str) or len(code) > 4096):
        raise InvalidInput("'code' (the scanned text) is required.")
    force = data.get("force", False)
    if not isinstance(force, bool):
        raise InvalidInput("'force' must be true or false.")
    scanned_at = _text(data, "scanned_at", 40, None)
    when = None
    if scanned_at:
        try:
            when = datetime.fromisoformat(scanned_at)
        except ValueError:
            raise InvalidInput("'scanned_at' must be an ISO 8601 time.") from None
        if when.tzinfo is None:
            raise InvalidInput("'scanned_at' needs a UTC offset.")
    return dict(code=code if registration_id is None else None, registration_id=registration_id,
                list_name=_text(data, "list", 80, ENTRANCE) or ENTRANCE,
                nonce=_nonce(data),
                gate=_text(data, "gate", 80, "") or "", scanned_at=when, force=force)


@bp.post("/events/<slug>/checkin")
@throttled(_checkin_limit, "checkin")
def checkin_redeem(slug: str):  # type: ignore[no-untyped-def]
    """Check a scanned ticket in.
    ---
    post:
      summary: Redeem a scanned code on a check-in list (exactly once per ticket and list)
      security: [{deviceToken: []}, {session: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                code: {type: string, description: "The scanned text (or give registration_id)"}
                registration_id: {type: integer, description: "Manual check-in after a search"}
                list: {type: string, default: entrance}
                nonce: {type: string, maxLength: 64, description: "Client UUID; retries with the same nonce get the same answer"}
                gate: {type: string}
                scanned_at: {type: string, format: date-time}
                force: {type: boolean, default: false, description: "Offline upload: record even if revoked or used, flagged for review"}
      responses:
        "200":
          description: The scan's outcome
          content:
            application/json:
              schema:
                type: object
                required: [status]
                properties:
                  status: {type: string, enum: [ok, already_checked_in, unknown_code, revoked, wrong_event, not_allowed]}
                  checked_in_at: {type: string, format: date-time}
                  first_checked_in_at: {type: string, format: date-time}
                  gate: {type: string}
                  checkin_id: {type: integer, description: "For undo"}
                  flagged: {type: boolean}
                  holder:
                    type: object
                    description: Only for ok and already_checked_in
                    properties:
                      display_name: {type: string}
                      role: {type: string}
        "400": {description: Malformed request, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "401": {description: No or bad credentials, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "403": {description: Not allowed for this event, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "404": {description: Unknown event or list, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "429": {description: Too many requests, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
    """
    token = _bearer()
    try:
        args = _parse_redeem(request.get_json(silent=True))
    except InvalidInput:
        _door_for(slug)  # a caller without the right to scan hears that first
        raise
    if token is not None:
        # A door device: authentication and scan together, one statement on PostgreSQL in a
        # transaction of its own (no BEGIN and COMMIT round trips: see checkin.redeem).
        result = checkin.redeem_by_device_token(token, slug, **args)
    else:
        event = _door_for(slug)
        result = checkin.redeem(event, device=g.checkin_device, staff=g.checkin_staff, **args)
    if dbpool.session_made():  # a device's scan on PostgreSQL makes no ORM session
        db.session.commit()
    return jsonify(result.as_json())


@bp.post("/events/<slug>/checkin/<int:checkin_id>/undo")
@throttled(_checkin_limit, "checkin-undo")
def checkin_undo(slug: str, checkin_id: int):  # type: ignore[no-untyped-def]
    """Undo a check-in.
    ---
    post:
      summary: Undo a check-in made less than two minutes ago
      security: [{deviceToken: []}, {session: []}]
      responses:
        "200": {description: Undone, content: {application/json: {schema: {type: object, properties: {status: {type: string, enum: [undone]}}}}}}
        "404": {description: No such check-in, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "409": {description: Older than two minutes, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
    """
    event = _door_for(slug)
    checkin.undo(event, checkin_id, actor=g.checkin_staff, device=g.checkin_device)
    db.session.commit()
    return jsonify({"status": "undone"})


@bp.get("/events/<slug>/checkin/stats")
def checkin_stats(slug: str):  # type: ignore[no-untyped-def]
    """Check-in counts.
    ---
    get:
      summary: Registered and checked-in counts (entrance), per list and per role
      security: [{deviceToken: []}, {session: []}]
      responses:
        "200":
          description: Counts
          content:
            application/json:
              schema:
                type: object
                properties:
                  registered: {type: integer}
                  checked_in: {type: integer}
                  by_list: {type: object, additionalProperties: {type: integer}}
                  by_role: {type: object, additionalProperties: {type: integer}}
    """
    event = _door_for(slug)
    data = checkin.stats(event)
    db.session.commit()
    return jsonify(data)


@bp.get("/events/<slug>/checkin/search")
@throttled(_search_limit, "checkin-search")
def checkin_search(slug: str):  # type: ignore[no-untyped-def]
    """Search registrations for manual check-in.
    ---
    get:
      summary: Registrations whose name contains q or whose participant code starts with q
      security: [{deviceToken: []}, {session: []}]
      parameters:
        - {name: q, in: query, required: true, schema: {type: string, minLength: 2}}
        - {name: list, in: query, schema: {type: string, default: entrance}}
      responses:
        "200":
          description: Up to 20 matches
          content:
            application/json:
              schema:
                type: object
                properties:
                  results:
                    type: array
                    items:
                      type: object
                      properties:
                        registration_id: {type: integer}
                        display_name: {type: string}
                        participant_code: {type: string}
                        role: {type: string}
                        status: {type: string}
                        checked_in: {type: boolean}
        "400": {description: Fewer than two characters, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
    """
    event = _door_for(slug)
    checkin_list = checkin.get_list(event, request.args.get("list", ENTRANCE)[:80])
    results = checkin.search(event, request.args.get("q", ""), checkin_list)
    db.session.commit()
    return jsonify({"results": results})


@bp.get("/events/<slug>/checkin/codes")
def checkin_codes(slug: str):  # type: ignore[no-untyped-def]
    """Valid ticket codes, hashed, for offline scanning.
    ---
    get:
      summary: Salted SHA-256 hashes of the ticket codes the list admits
      description: "hash = hex(SHA-256(salt + ':' + code)). No names; no codes in clear."
      security: [{deviceToken: []}, {session: []}]
      parameters:
        - {name: list, in: query, schema: {type: string, default: entrance}}
      responses:
        "200":
          description: The hashes
          content:
            application/json:
              schema:
                type: object
                properties:
                  list: {type: string}
                  salt: {type: string}
                  hashes: {type: array, items: {type: string}}
                  generated_at: {type: string, format: date-time}
    """
    event = _door_for(slug)
    data = checkin.offline_codes(event, request.args.get("list", ENTRANCE)[:80])
    db.session.commit()
    return jsonify(data)
