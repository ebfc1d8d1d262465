from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, model_validator

from linli_scheduling.projects.models import ProjectStatus
from linli_shared.validation import PLAIN_TEXT

#: names, goals and duties are one line each: no control characters at all (PLAIN_TEXT allows line breaks)
SINGLE_LINE = r"^[^\x00-\x1f\x7f]*$"

ProjectName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60, pattern=SINGLE_LINE)
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000, pattern=PLAIN_TEXT)]
Goal = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=SINGLE_LINE)
]
Goals = Annotated[list[Goal], Field(max_length=20)]
Duty = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60, pattern=SINGLE_LINE)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=PLAIN_TEXT)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProjectCreate(_In):
    name: ProjectName
    description: Description = ""
    #: the project's owner (负责人): an active volunteer of the committee
    owner_volunteer_id: uuid.UUID | None = None
    goals: Goals = Field(default_factory=list)


class ProjectUpdate(_In):
    """Only the fields sent change; `owner_volunteer_id: null` removes the owner. `version` is the one the
    editor last read: if someone changed the project since, the edit is refused rather than lost."""

    version: Annotated[StrictInt, Field(ge=1)]
    name: ProjectName | None = None
    description: Description | None = None
    owner_volunteer_id: uuid.UUID | None = None
    goals: Goals | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        sent = self.model_fields_set - {"version"}
        if not sent:
            raise ValueError("nothing to change")
        for field in ("name", "description", "goals"):
            if field in sent and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null")
        return self


class StatusChange(_In):
    status: ProjectStatus
    note: Note = ""


class MemberAdd(_In):
    volunteer_id: uuid.UUID
    #: what they do on the team (e.g. 联络员, 活动记录)
    duty: Duty = ""


class MemberOut(BaseModel):
    volunteer_id: uuid.UUID
    name: str
    duty: str
    joined_at: datetime
    left_at: datetime | None


class StatusChangeOut(BaseModel):
    #: null for the first entry, when the project began incubating
    from_status: ProjectStatus | None
    to_status: ProjectStatus
    note: str
    changed_by: str
    changed_at: datetime


class ProjectSummary(BaseModel):
    id: uuid.UUID
    name: str
    status: ProjectStatus
    owner_volunteer_id: uuid.UUID | None
    owner_name: str | None
    goals: list[str]
    team_size: int
    version: int
    created_at: datetime
    updated_at: datetime


class ProjectDetail(ProjectSummary):
    description: str
    #: current members, earliest first
    team: list[MemberOut]
    #: members who have left, kept as the project's history
    former_members: list[MemberOut]
    #: every status the project has had, oldest first
    status_trail: list[StatusChangeOut]
    #: activities planned under this project
    activity_count: int


class ProjectPage(BaseModel):
    items: list[ProjectSummary]
    next_cursor: str | None
