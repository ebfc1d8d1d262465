from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from linli_evaluation.ledger.schemas import HoursOut

Hours = Annotated[Decimal, Field(gt=0, le=100_000, max_digits=8, decimal_places=2)]
Months = Annotated[StrictInt, Field(ge=0, le=240)]


class StarPolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: cumulative verified hours for 1★…5★, strictly increasing
    thresholds: Annotated[list[Hours], Field(min_length=5, max_length=5)]
    #: months of service each level also needs (0: none), never decreasing
    tenure_months: Annotated[list[Months], Field(min_length=5, max_length=5)] = [0, 0, 0, 0, 0]

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if any(low >= high for low, high in zip(self.thresholds, self.thresholds[1:], strict=False)):
            raise ValueError("each star needs more hours than the one below it")
        if any(low > high for low, high in zip(self.tenure_months, self.tenure_months[1:], strict=False)):
            raise ValueError("a higher star never needs less tenure")
        return self


class StarPolicyOut(BaseModel):
    thresholds: list[HoursOut]
    tenure_months: list[int]
    #: own | town | district | national_default — whose rules these are
    source: str
    source_tenant_id: uuid.UUID | None


class StarLevelOut(BaseModel):
    volunteer_id: uuid.UUID
    name: str
    stars: int
    verified_hours: HoursOut
    since: date
