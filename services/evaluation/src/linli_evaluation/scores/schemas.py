from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from linli_evaluation.ledger.schemas import HoursOut

#: a weight in thousandths
Weight = Annotated[Decimal, Field(ge=0, le=1, max_digits=4, decimal_places=3)]
#: scores and weights travel as JSON numbers
Number = HoursOut
#: how far the sum of the weights may be from 1
WEIGHT_SUM_TOLERANCE = Decimal("0.001")


class ComponentWeights(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hours: Weight
    satisfaction: Weight
    reliability: Weight
    training: Weight
    audits: Weight


class ScoreWeightsIn(BaseModel):
    """The whole score policy of the caller's own node; its committees (and towns) inherit it unless they
    set their own. Weights are stored made to sum to exactly 1 (the rounding dust to the largest)."""

    model_config = ConfigDict(extra="forbid")

    weights: ComponentWeights
    #: how many months the score looks back
    window_months: Annotated[StrictInt, Field(ge=1, le=36)] = 12
    #: the verified hours in the window that earn the full hours component
    target_hours: Annotated[Decimal, Field(gt=0, le=2000, max_digits=5, decimal_places=1)] = Decimal(40)

    @model_validator(mode="after")
    def _sums_to_one(self) -> Self:
        total = sum(self.weights.model_dump().values(), start=Decimal(0))
        if abs(total - 1) > WEIGHT_SUM_TOLERANCE:
            raise ValueError(f"the weights must sum to 1 (±{WEIGHT_SUM_TOLERANCE}); they sum to {total}")
        return self


class PolicySource(StrEnum):
    """Whose policy applies, seen from the caller's node."""

    OWN = "own"
    TOWN = "town"
    DISTRICT = "district"
    DEFAULT = "default"


class WeightsOut(BaseModel):
    hours: Number
    satisfaction: Number
    reliability: Number
    training: Number
    audits: Number


class ScoreWeightsOut(BaseModel):
    weights: WeightsOut
    window_months: int
    target_hours: Number
    source: PolicySource
    #: the district, town or committee whose policy this is; null for the defaults
    source_tenant_id: uuid.UUID | None


class InputOut(BaseModel):
    key: str
    #: zh-CN
    label: str
    value: float | int | str | list[str] | None


class ComponentOut(BaseModel):
    key: str
    #: zh-CN
    label: str
    #: 0–100
    value: Number
    weight: Number
    #: value × weight, rounded to 0.01; the score is the sum of the contributions
    contribution: Number
    #: zh-CN: how the value follows from the inputs
    formula: str
    #: zh-CN: the inputs in one sentence
    summary: str
    inputs: list[InputOut]


class ScorePolicyUsed(BaseModel):
    window_months: int
    target_hours: Number
    #: committee | town | district | default: whose weights the score used
    source: str
    source_tenant_id: uuid.UUID | None


class ScoreOut(BaseModel):
    volunteer_id: uuid.UUID
    name: str
    committee_id: uuid.UUID
    #: 0–100: the sum of the components' contributions
    score: Number
    #: the Shanghai day the score is as of; the window is `window_start`…`computed_on`
    computed_on: date
    window_start: date
    #: false: no stored score yet, computed just now for today (not saved)
    stored: bool
    computed_at: datetime | None
    policy: ScorePolicyUsed
    components: list[ComponentOut]
    #: zh-CN, e.g. "综合得分 78.35 = 服务时长 26.25 + 群众满意度 18.75 + …"
    summary: str


class ScoreRow(BaseModel):
    #: 1 is the highest score under the caller's node; ties share a rank
    rank: int
    volunteer_id: uuid.UUID
    name: str
    committee_id: uuid.UUID
    score: Number
    hours: Number
    satisfaction: Number
    reliability: Number
    training: Number
    audits: Number
    computed_on: date


class ScorePage(BaseModel):
    items: list[ScoreRow]
    next_cursor: str | None


class RecomputeOut(BaseModel):
    computed_on: date
    volunteers: int
