"""What the scheduling and project forms let staff pick from: the roster's active volunteers and its areas."""

from __future__ import annotations

from typing import Any

from linli_portal.dependencies import Api

#: the roster's largest page; a committee has about two hundred volunteers, so one page is nearly always all
CHOICES_LIMIT = 200


def volunteer_options(api: Api) -> list[dict[str, Any]]:
    """Active volunteers by name, each `{id, name, phone_tail}` (the tail tells two 王阿姨 apart)."""
    page = api.roster.get("/v1/volunteers", limit=CHOICES_LIMIT)
    return [
        {"id": row["id"], "name": row["name"], "phone_tail": str(row.get("phone") or "")[-4:]}
        for row in page["items"]
    ]


def areas(api: Api) -> list[dict[str, Any]]:
    """Grids, micro-grids and buildings still in use."""
    return [area for area in api.roster.get("/v1/areas") if area.get("active", True)]


def names_by_id(rows: list[dict[str, Any]]) -> dict[str, str]:
    return {str(row["id"]): str(row["name"]) for row in rows}
