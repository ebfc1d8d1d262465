"""What reports read from scheduling's project events (consumer-side contract): the project's name, so the
monthly report and its workbook name the projects hours went to rather than show their ids.

The producer owns the payload and may add fields; this model lists only what reports depend on. Its JSON
Schemas are committed in `events/expected/`; the contract test checks scheduling's schemas satisfy them."""

from __future__ import annotations

import uuid

from linli_shared.events.envelope import EventPayload, EventSpec

PROJECTS_TOPIC = "scheduling.projects"


class ProjectV1(EventPayload):
    model_config = EventPayload.model_config | {"extra": "ignore"}

    project_id: uuid.UUID
    name: str


def _expects(event_type: str) -> EventSpec[ProjectV1]:
    return EventSpec(
        event_type, PROJECTS_TOPIC, ProjectV1, f"What evaluation's reports read from `{event_type}`."
    )


PROJECT_CREATED = _expects("linli.scheduling.project.created.v1")
PROJECT_CHANGED = _expects("linli.scheduling.project.changed.v1")

EXPECTED_EVENTS = (PROJECT_CREATED, PROJECT_CHANGED)
