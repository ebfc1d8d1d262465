"""The active volunteers a form may name (a grid's responsible person, a course's graduate): one select,
narrowed by a name search when the roster is long."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linli_portal.dependencies import Api

#: the roster's largest page; a committee has about two hundred volunteers, so one page is nearly always all
CHOICES_LIMIT = 200


@dataclass(frozen=True)
class VolunteerChoices:
    options: list[dict[str, Any]]
    #: the roster holds more matches than one select shows: the page offers the name search
    more: bool


def volunteer_choices(api: Api, name: str = "", keep: dict[str, Any] | None = None) -> VolunteerChoices:
    """Active volunteers matching `name`, each as `{id, name, phone_tail}`; `keep` (the current choice)
    stays an option even when the search leaves it out, so saving the form never changes it by accident."""
    page = api.roster.get("/v1/volunteers", name=name.strip(), limit=CHOICES_LIMIT)
    options = [
        {"id": row["id"], "name": row["name"], "phone_tail": str(row.get("phone") or "")[-4:]}
        for row in page["items"]
    ]
    if keep is not None and all(option["id"] != keep["id"] for option in options):
        options.insert(0, {"phone_tail": "", **keep})
    return VolunteerChoices(options=options, more=page["next_cursor"] is not None)
