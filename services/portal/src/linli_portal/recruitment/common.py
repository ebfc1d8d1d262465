"""What the recruitment pages share: the roster's codes in the order the pages show them, and small form
readers that turn a refused form into a message rather than a crash."""

from __future__ import annotations

from typing import Any

from linli_portal.choices import CHOICES_LIMIT
from linli_portal.dependencies import Api

#: every recruitment page's path starts here (the rules included: they are part of onboarding)
PREFIX = "/t/{slug}/recruitment"
#: the board's columns, left to right: undecided first, then where decisions put people
CANDIDATE_STATUSES = ("pending", "accepted", "reserve", "declined")
#: the four ways a candidate is found (个人自荐, 组织推荐, 居民联荐, 双向选择)
CHANNELS = ("self_recommended", "organisation_recommended", "residents_recommended", "two_way_selection")
ROLE_KINDS = (
    "party_group_leader",
    "building_group_leader",
    "micro_grid_leader",
    "deliberation_member",
    "mediator",
)
#: the roster's largest page: one page is the whole list for a committee's recruitment
MAX_PAGE = CHOICES_LIMIT


class BadForm(ValueError):
    """What the user typed cannot even be sent (the roster never sees it); the message says why."""


def all_needs(api: Api) -> list[dict[str, Any]]:
    needs: list[dict[str, Any]] = api.roster.get("/v1/recruitment/needs", limit=MAX_PAGE)["items"]
    return needs


def optional(value: str) -> str | None:
    """An empty form field is "not given", which the roster's schemas say as null."""
    value = value.strip()
    return value or None
