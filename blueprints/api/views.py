"""JSON API, version 1. Errors are ``{"status": "error", "reason": ...}`` with a 4xx status.

URLs (under /api/v1):
    /openapi.json       the OpenAPI document
    /ping               a no-op (for monitoring and as a benchmark baseline)
"""

from __future__ import annotations

from flask import current_app, jsonify

from blueprints.api import bp
from blueprints.api.openapi import build_spec
from jobbforum.extensions import csrf

csrf.exempt(bp)  # API auth is a bearer token, or a session plus an explicit CSRF check per view


@bp.get("/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    return jsonify(build_spec(current_app))


@bp.get("/ping")
def ping():  # type: ignore[no-untyped-def]
    """Answer at once.
    ---
    get:
      summary: No-op liveness check
      responses:
        "200":
          description: Always ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  status: {type: string, enum: [ok]}
    """
    return jsonify({"status": "ok"})


from blueprints.api import checkin as _checkin  # noqa: E402,F401  (check-in endpoints)
from blueprints.api import exhibitors  # noqa: E402,F401  (exhibitor list endpoints)
from blueprints.api import booths  # noqa: E402,F401  (booth scanning endpoints)
