"""The CloudEvents 1.0 JSON envelope every Linli event travels in, plus tenant and trace extensions."""

from __future__ import annotations

import builtins
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar

from opentelemetry import propagate
from pydantic import BaseModel, ConfigDict, Field

Payload = TypeVar("Payload", bound=BaseModel)


class EventPayload(BaseModel):
    """Base of every event's `data`: closed, so a typo in a producer is caught by the contract tests."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class EventSpec(Generic[Payload]):
    """One event type: its CloudEvents `type`, the topic it travels on and its versioned payload model."""

    type: str
    topic: str
    payload: builtins.type[Payload]
    description: str = ""


class CloudEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    specversion: Literal["1.0"] = "1.0"
    id: uuid.UUID
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    subject: str = Field(min_length=1, description="the aggregate id; also the Kafka key")
    time: datetime
    datacontenttype: Literal["application/json"] = "application/json"
    tenantid: str | None = Field(description="the tenant the event belongs to (committee, town or district)")
    tenantpath: str = Field(description="the tenant's ltree path in the district tree")
    traceparent: str | None = Field(default=None, description="W3C trace context of the writing request")
    data: dict[str, Any]

    def payload(self, spec: EventSpec[Payload]) -> Payload:
        return spec.payload.model_validate(self.data)

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_json(cls, raw: bytes) -> CloudEvent:
        return cls.model_validate(json.loads(raw))


def make_event(
    source: str,
    spec: EventSpec[Payload],
    data: Payload,
    subject: str,
    tenant_id: str | None,
    tenant_path: str,
) -> CloudEvent:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return CloudEvent(
        id=uuid.uuid4(),
        source=source,
        type=spec.type,
        subject=subject,
        time=datetime.now(UTC),
        tenantid=tenant_id,
        tenantpath=tenant_path,
        traceparent=carrier.get("traceparent"),
        data=data.model_dump(mode="json"),
    )


def envelope_schema(spec: EventSpec[Any]) -> dict[str, Any]:
    """The JSON Schema of one event type: the envelope with `type` pinned and `data` the payload's schema."""
    schema = CloudEvent.model_json_schema()
    payload_schema = spec.payload.model_json_schema()
    defs = {**schema.pop("$defs", {}), **payload_schema.pop("$defs", {})}
    schema["title"] = spec.type
    schema["description"] = spec.description or spec.type
    schema["properties"]["type"] = {"const": spec.type, "title": "Type", "type": "string"}
    schema["properties"]["data"] = payload_schema
    schema["required"] = sorted({*schema.get("required", []), "specversion", "datacontenttype"})
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    if defs:
        schema["$defs"] = defs
    return schema
