"""Booth scanning API for exhibitors' booth staff, authorised by the booth link's token.

URLs (under /api/v1/booth), each with ``Authorization: Bearer <booth link token>``:
    POST /scan                  record a badge scan; answers exactly what the person shares
    GET  /visits                the booth's own visits
    POST /visits/<id>           note and tags of one of the booth's visits

Every failure is ``{"status": "error", "reason": ...}`` with a 4xx status.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import abort, jsonify, request

from blueprints.api import bp
from blueprints.api.checkin import _bearer
from jobbforum.extensions import db, limiter
from jobbforum.models import MAX_ID, ExhibitorRegistration
from jobbforum.services import booths
from jobbforum.services.errors import InvalidInput

def _booth_key() -> str:
    token = _bearer() or ""
    return "booth:" + hashlib.sha256(token.encode()).hexdigest()[:16]


def _exhibitor() -> ExhibitorRegistration:
    """The exhibitor whose booth link is the bearer token (401 without one; link errors as JSON)."""
    token = _bearer()
    if not token:
        abort(401)
    exhibitor = booths.exhibitor_for_link(token)
    return exhibitor


def _json_object() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput("Send a JSON object.")
    return data


def _staff_id(data: dict[str, Any]) -> int | None:
    value = data.get("staff_id")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_ID:
        raise InvalidInput("'staff_id' must be a positive integer.")
    return value


@bp.post("/booth/scan")
@limiter.limit("120 per minute", key_func=_booth_key)
def booth_scan():  # type: ignore[no-untyped-def]
    """Record a badge scan at the booth.
    ---
    post:
      summary: Record a booth visit from a scanned badge
      description: Scan a badge only after the person says yes. A second scan of the same badge
        updates the visit. The answer holds exactly what the person chose to share.
      security: [{boothLink: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [code]
              properties:
                code: {type: string, description: "The scanned text (the badge's QR code)"}
                staff_id: {type: integer, description: "The booth staff member who scans (optional)"}
      responses:
        "200":
          description: The visit was recorded (created or updated)
          content:
            application/json:
              schema:
                type: object
                properties:
                  status: {type: string, enum: [ok]}
                  created: {type: boolean}
                  visit:
                    type: object
                    description: Only what the participant shares; name, email and phone are
                      null when not shared (an anonymous visit), withdrawn or purged.
                    properties:
                      id: {type: integer}
                      scanned_at: {type: string, format: date-time}
                      first_scanned_at: {type: string, format: date-time}
                      scan_count: {type: integer}
                      sharing: {type: string, enum: [visit_only, contact, contact_phone]}
                      anonymous: {type: boolean}
                      name: {type: string, nullable: true}
                      email: {type: string, nullable: true}
                      phone: {type: string, nullable: true}
                      note: {type: string}
                      tags: {type: array, items: {type: string}}
                      withdrawn: {type: boolean}
        "400": {description: "Bad input (reason: invalid)"}
        "401": {description: "No booth link token"}
        "403": {description: "The exhibitor is not approved (reason: not_approved)"}
        "404": {description: "Not a badge of this event (unknown_code), or an unknown link (link_invalid)"}
        "409": {description: "The badge is revoked (revoked), or it is not the event day (scanning_closed)"}
        "410": {description: "The booth link expired or was revoked"}
    """
    exhibitor = _exhibitor()
    data = _json_object()
    code = data.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > 4096:
        raise InvalidInput("'code' (the scanned text) is required.")
    visit, created = booths.record_visit(exhibitor, code, staff_id=_staff_id(data))
    db.session.commit()
    return jsonify({"status": "ok", "created": created, "visit": booths.visit_json(visit)})


@bp.get("/booth/visits")
@limiter.limit("60 per minute", key_func=_booth_key)
def booth_visits():  # type: ignore[no-untyped-def]
    """The booth's visits.
    ---
    get:
      summary: List the booth's own visits, latest first
      security: [{boothLink: []}]
      responses:
        "200":
          description: The visits (only this exhibitor's)
          content:
            application/json:
              schema:
                type: object
                properties:
                  status: {type: string, enum: [ok]}
                  visits: {type: array, items: {type: object}}
        "401": {description: "No booth link token"}
    """
    exhibitor = _exhibitor()
    db.session.commit()
    return jsonify({"status": "ok", "visits": [booths.visit_json(v) for v in booths.visits_for(exhibitor)]})


@bp.post("/booth/visits/<int:visit_id>")
@limiter.limit("120 per minute", key_func=_booth_key)
def booth_annotate(visit_id: int):  # type: ignore[no-untyped-def]
    """Note and tags of a visit.
    ---
    post:
      summary: Set the note and tags of one of the booth's visits
      security: [{boothLink: []}]
      parameters:
        - {name: visit_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                note: {type: string, maxLength: 500}
                tags:
                  type: array
                  items: {type: string, enum: [follow_up, internship, job, education, interview, mentoring]}
      responses:
        "200": {description: "Saved; the visit as in /booth/scan"}
        "400": {description: "Bad input (reason: invalid)"}
        "404": {description: "Not a visit of this booth (reason: not_found)"}
    """
    exhibitor = _exhibitor()
    data = _json_object()
    note, tags = data.get("note", ""), data.get("tags", [])
    if not isinstance(note, str) or not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise InvalidInput("'note' must be text and 'tags' a list of tag names.")
    visit = booths.annotate(booths.get_visit(exhibitor, visit_id), note=note, tags=tags)
    db.session.commit()
    return jsonify({"status": "ok", "visit": booths.visit_json(visit)})

