"""The OpenAPI document, built from the API views' docstrings (the YAML after ``---``).

Each API view documents itself next to its code; this module only collects them, so a new
endpoint is documented by writing its docstring.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.yaml_utils import load_operations_from_docstring
from flask import Flask
from werkzeug.routing import IntegerConverter

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
        spec.path(path=path, operations={
            m: _complete(op, rule) for m, op in operations.items() if m in methods})
    return spec.to_dict()


#: Error answers any operation may give (see ``app._register_error_handlers``), documented once
#: here instead of in every docstring. An operation's own description of a status wins.
COMMON_ERRORS = {
    "400": "Bad input (e.g. malformed JSON or a missing CSRF header with a session)",
    "401": "No valid device token or staff session",
    "403": "The caller may not use this event",
    "404": "No such event or object",
    "405": "Method not allowed",
    "429": "Too many requests",
    "503": "The database is unavailable; retry later",
}


def _path_schema(converter: Any) -> dict[str, Any]:
    """The JSON schema of a path parameter: what its URL converter accepts (ids are bounded)."""
    if not isinstance(converter, IntegerConverter):
        return {"type": "string"}
    schema: dict[str, Any] = {"type": "integer"}
    minimum = converter.min if converter.min is not None else (None if converter.signed else 0)
    for key, bound in (("minimum", minimum), ("maximum", converter.max)):
        if bound is not None:
            schema[key] = bound
    return schema


def _complete(operation: dict[str, Any], rule: Any) -> dict[str, Any]:
    """Declare the rule's path parameters (their schema always what the URL converter accepts,
    also when the docstring declares them) and the common errors."""
    parameters = operation.setdefault("parameters", [])
    declared = {p.get("name"): p for p in parameters if p.get("in") == "path"}
    for name in sorted(rule.arguments):
        schema = _path_schema(rule._converters[name])
        if name in declared:
            declared[name]["schema"] = {**declared[name].get("schema", {}), **schema}
        else:
            parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    if not parameters:
        del operation["parameters"]
    responses = operation.setdefault("responses", {})
    for status, description in COMMON_ERRORS.items():
        responses.setdefault(status, {"description": description, "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
    return operation
