"""OpenAPI declarations of the problem+json responses every route may return."""

from __future__ import annotations

from typing import Any

_PROBLEM = {
    "application/problem+json": {
        "schema": {
            "type": "object",
            "required": ["type", "title", "status"],
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "instance": {"type": "string"},
                "errors": {"type": "array", "items": {"type": "object"}},
            },
        }
    }
}

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": description, "content": _PROBLEM}
    for status, description in (
        (400, "Bad request"),
        (401, "Missing, expired, tampered or revoked token"),
        (403, "Your role does not allow this"),
        (404, "Not found (or not yours to see)"),
        (409, "Conflicts with the current state"),
        (413, "Body too large"),
        (422, "Validation failed; `errors` lists the fields"),
        (429, "Too many requests"),
    )
}
