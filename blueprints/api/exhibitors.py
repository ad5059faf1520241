"""API: the public exhibitor list of an event (the same filters as the web page).

URLs (under /api/v1):
    /events/<slug>/exhibitors       approved exhibitors, filtered by query parameters
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from blueprints.api import bp
from jobbforum.models import EventStatus, ExhibitorRegistration
from jobbforum.services import events, exhibitors
from jobbforum.services.errors import InvalidInput, NotFound


def _exhibitor_json(slug: str, e: ExhibitorRegistration) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.organisation.name,
        "type": e.organisation.type.value,
        "website": e.organisation.website or None,
        "description_sv": e.description_sv,
        "description_en": e.description_en,
        "sectors": [s.slug for s in e.sectors],
        "offers": list(e.offers),
        "languages": list(e.languages),
        "booth": e.booth_label,
        "logo_url": url_for("exhibitor.logo", name=e.logo_filename) if e.logo_filename else None,
        "url": url_for("exhibitor.public_detail", slug=slug, exhibitor_id=e.id),
    }


@bp.get("/events/<slug>/exhibitors")
def event_exhibitors(slug: str):  # type: ignore[no-untyped-def]
    """Approved exhibitors of an event, filtered like the public list.
    ---
    get:
      summary: List the approved exhibitors of an event
      description: Organisation data only (no contact persons). All filters combine (AND).
      parameters:
        - {name: slug, in: path, required: true, schema: {type: string}}
        - name: type
          in: query
          schema: {type: string, enum: [recruitment_company, staffing_company, hr_consultancy,
                   trade_union, university, government_agency, municipality, employer,
                   non_profit, other]}
        - {name: sector, in: query, description: "Sector short name (slug)", schema: {type: string}}
        - name: offer
          in: query
          schema: {type: string, enum: [jobs, internships, education, career_advice, union_info, mentoring]}
        - {name: language, in: query, description: "Language spoken at the booth (ISO 639 code, e.g. ar)",
           schema: {type: string}}
        - {name: q, in: query, description: "Free-text search in names and descriptions", schema: {type: string}}
      responses:
        "200":
          description: The matching exhibitors, by name
          content:
            application/json:
              schema:
                type: object
                properties:
                  status: {type: string, enum: [ok]}
                  count: {type: integer}
                  exhibitors:
                    type: array
                    items:
                      type: object
                      properties:
                        id: {type: integer}
                        name: {type: string}
                        type: {type: string}
                        website: {type: string, nullable: true}
                        description_sv: {type: string}
                        description_en: {type: string}
                        sectors: {type: array, items: {type: string}}
                        offers: {type: array, items: {type: string}}
                        languages: {type: array, items: {type: string}}
                        booth: {type: string, nullable: true}
                        logo_url: {type: string, nullable: true}
                        url: {type: string}
        "400":
          description: An unknown filter value
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        "404":
          description: No such (public) event
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    event = events.get_event(slug)
    if event.status is EventStatus.draft:
        raise NotFound()
    try:
        filters = exhibitors.ExhibitorFilter.from_args(request.args, strict=True)
    except InvalidInput as error:
        return jsonify({"status": "error", "reason": error.message}), 400
    found = exhibitors.list_exhibitors(event, filters)
    return jsonify({"status": "ok", "count": len(found),
                    "exhibitors": [_exhibitor_json(slug, e) for e in found]})
