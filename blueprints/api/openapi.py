"""The OpenAPI document, built from the API views' docstrings (the YAML after ``---``).

Each API view documents itself next to its code; this module only collects them, so a new
endpoint is documented by writing its docstring.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.yaml_utils import load_operations_from_docstring
from flask import Flask

import jobbforum

API_PREFIX = "/api/v1"

#: Shared components referenced by the views' docstrings.
COMPONENTS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "required": ["status", "reason"],
        "properties": {
            "status": {"type": "string", "enum": ["error"]},
            "reason": {"type": "string", "description": "Why the request failed, in plain words."},
        },
    },
}


def _openapi_path(rule: str) -> str:
    """Flask ``/events/<slug>`` → OpenAPI ``/events/{slug}`` (converters dropped)."""
    out, depth, name = [], 0, []
    for char in rule:
        if char == "<":
            depth, name = 1, []
        elif char == ">":
            depth = 0
            out.append("{" + "".join(name).split(":")[-1] + "}")
        elif depth:
            name.append(char)
        else:
            out.append(char)
    return "".join(out)


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="Jobbforum API",
        version=jobbforum.__version__,
        openapi_version="3.0.3",
        info={"description": "Check-in, exhibitor list and more for Jobbforum."},
        servers=[{"url": API_PREFIX}],
    )
    for name, schema in COMPONENTS.items():
        spec.components.schema(name, schema)
    spec.components.security_scheme(
        "deviceToken", {"type": "http", "scheme": "bearer", "description": "Door device token"}
    )
    spec.components.security_scheme(
        "boothLink", {"type": "http", "scheme": "bearer", "description": "An exhibitor's booth link token"}
    )
    spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": "jobbforum_session"}
    )
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(API_PREFIX + "/") or rule.endpoint == "api.openapi":
            continue
        view = app.view_functions[rule.endpoint]
        operations = load_operations_from_docstring(view.__doc__ or "")
        if not operations:
            continue
        path = _openapi_path(rule.rule[len(API_PREFIX):])
        methods = {m.lower() for m in (rule.methods or set())} - {"head", "options"}
        spec.path(path=path, operations={m: op for m, op in operations.items() if m in methods})
    return spec.to_dict()
