from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from linli_scheduling.activities.models import ActivityKind
from linli_scheduling.policies.models import Rounding


class PolicySource(StrEnum):
    """Where the policy in force comes from, seen from the caller's node of the tree."""

    OWN = "own"
    TOWN = "town"
    DISTRICT = "district"
    NATIONAL_DEFAULT = "national_default"


class HourPolicyIn(BaseModel):
    """The whole policy of the caller's own node; its committees (and towns) inherit it unless they set
    their own. Limits match the table's checks."""

    model_config = ConfigDict(extra="forbid")

    rounding: Rounding
    #: activity kinds whose attendance earns no service hours (e.g. training_session)
    excluded_kinds: Annotated[list[ActivityKind], Field(max_length=len(ActivityKind))]
    #: 补录: days after the service day a late entry may still be filed
    late_entry_window_days: Annotated[StrictInt, Field(ge=0, le=366)]
    #: a volunteer may cancel their own sign-up until this many hours before the shift
    cancellation_cutoff_hours: Annotated[StrictInt, Field(ge=0, le=168)]
    #: check-in opens this many minutes before the shift starts
    check_in_opens_minutes: Annotated[StrictInt, Field(ge=0, le=240)]

    @model_validator(mode="after")
    def _each_kind_once(self) -> Self:
        if len(set(self.excluded_kinds)) != len(self.excluded_kinds):
            raise ValueError("excluded_kinds lists a kind twice")
        return self


class HourPolicyOut(BaseModel):
    rounding: Rounding
    rounding_description: str
    excluded_kinds: list[str]
    late_entry_window_days: int
    cancellation_cutoff_hours: int
    check_in_opens_minutes: int
    source: PolicySource
    #: the district, town or committee whose policy this is; null for the national defaults
    source_tenant_id: uuid.UUID | None


class RoundingExample(BaseModel):
    minutes: int
    hours: float


class RoundingPreset(BaseModel):
    rounding: Rounding
    name: str
    description: str
    #: worked examples, computed by the same rounding that credits service records
    examples: list[RoundingExample]
