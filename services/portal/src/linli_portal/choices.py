"""What forms let staff pick from: the roster's active volunteers (a grid's responsible person, a course's
graduate, a shift's sign-up, a pair's mentor …) and its areas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linli_portal.dependencies import Api

#: the roster's largest page; a committee has about two hundred volunteers, so one page is nearly always all
CHOICES_LIMIT = 200


def active_volunteers(api: Api, **filters: str) -> list[dict[str, Any]]:
    """The committee's active volunteers (the roster lists only those unless told otherwise), narrowed by
    the roster's own filters (`name`, `role`, …): one page is a committee's size."""
    page: dict[str, Any] = api.roster.get("/v1/volunteers", limit=CHOICES_LIMIT, **filters)
    return list(page["items"])


def _option(row: dict[str, Any]) -> dict[str, Any]:
    """`{id, name, phone_tail}`: the tail tells two 王阿姨 apart."""
    return {"id": row["id"], "name": row["name"], "phone_tail": str(row.get("phone") or "")[-4:]}


def volunteer_options(api: Api) -> list[dict[str, Any]]:
    """Active volunteers by name, each `{id, name, phone_tail}`."""
    return [_option(row) for row in active_volunteers(api)]


@dataclass(frozen=True)
class VolunteerChoices:
    options: list[dict[str, Any]]
    #: the roster holds more matches than one select shows: the page offers the name search
    more: bool


def volunteer_choices(api: Api, name: str = "", keep: dict[str, Any] | None = None) -> VolunteerChoices:
    """Active volunteers matching `name` for one select, narrowed by a name search when the roster is long;
    `keep` (the current choice) stays an option even when the search leaves it out, so saving the form
    never changes it by accident."""
    page = api.roster.get("/v1/volunteers", name=name.strip(), limit=CHOICES_LIMIT)
    options = [_option(row) for row in page["items"]]
    if keep is not None and all(option["id"] != keep["id"] for option in options):
        options.insert(0, {"phone_tail": "", **keep})
    return VolunteerChoices(options=options, more=page["next_cursor"] is not None)


def areas(api: Api) -> list[dict[str, Any]]:
    """Grids, micro-grids and buildings still in use."""
    return [area for area in api.roster.get("/v1/areas") if area.get("active", True)]


def names_by_id(rows: list[dict[str, Any]]) -> dict[str, str]:
    return {str(row["id"]): str(row["name"]) for row in rows}
