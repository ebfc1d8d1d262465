"""Consumer-side contract: what scheduling reads from the roster's events is committed in
`events/expected/`, matches the consumer's payload models, and every shape the roster's committed schemas
allow for those events satisfies it (instances are generated from the roster's schemas, with optional
fields both empty and filled)."""

import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from linli_scheduling.events.consumers import CONSUMED_TOPICS, HANDLERS
from linli_scheduling.facts.contracts import EXPECTED_EVENTS
from linli_shared.events.envelope import CloudEvent
from linli_shared.events.schemas import load_schema, stale_schemas

SERVICES = Path(__file__).resolve().parents[3]
EXPECTED = SERVICES / "scheduling" / "src" / "linli_scheduling" / "events" / "expected"
ROSTER_SCHEMAS = SERVICES / "roster" / "src" / "linli_roster" / "events" / "schemas"
SAMPLES = {
    "uuid": lambda: str(uuid.uuid4()),
    "date": lambda: "2026-03-01",
    "date-time": lambda: "2026-03-01T08:00:00Z",
}


def instance(schema: dict[str, Any], fill_optional: bool) -> Any:
    """One value the schema accepts: the first non-null branch of a union (or null when not filling)."""
    if "anyOf" in schema:
        branches = schema["anyOf"]
        if not fill_optional and {"type": "null"} in branches:
            return None
        return instance(next(branch for branch in branches if branch != {"type": "null"}), fill_optional)
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object":
        return {name: instance(field, fill_optional) for name, field in schema.get("properties", {}).items()}
    if kind == "array":
        return [instance(schema["items"], fill_optional)] if fill_optional else []
    if kind == "string":
        return SAMPLES.get(schema.get("format", ""), lambda: "张阿姨")()
    if kind == "integer":
        return 12
    if kind == "number":
        return 2.5
    if kind == "boolean":
        return True
    raise AssertionError(f"no sample for {schema}")


def roster_event(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/linli/roster",
        "type": event_type,
        "subject": str(uuid.uuid4()),
        "time": "2026-03-01T08:00:00Z",
        "datacontenttype": "application/json",
        "tenantid": str(uuid.uuid4()),
        "tenantpath": "d.t.c",
        "data": data,
    }


def test_committed_expected_schemas_match_the_consumer_models():
    assert stale_schemas(EXPECTED_EVENTS, EXPECTED) == [], (
        "regenerate with `write_schemas(EXPECTED_EVENTS, <events/expected>)` "
        "(linli_shared.events.schemas) and commit the result"
    )


def test_every_expected_event_is_handled_and_published_by_the_roster():
    for spec in EXPECTED_EVENTS:
        assert spec.type in HANDLERS
        assert spec.topic in CONSUMED_TOPICS
        assert (ROSTER_SCHEMAS / f"{spec.type}.json").exists(), f"the roster no longer publishes {spec.type}"
    assert {path.stem for path in EXPECTED.glob("*.json")} == {spec.type for spec in EXPECTED_EVENTS}


@pytest.mark.parametrize("fill_optional", [False, True], ids=["optional-empty", "optional-filled"])
@pytest.mark.parametrize("spec", EXPECTED_EVENTS, ids=lambda spec: spec.type)
def test_what_the_roster_publishes_satisfies_what_scheduling_reads(spec, fill_optional):
    published = load_schema(ROSTER_SCHEMAS, spec.type)
    event = roster_event(spec.type, instance(published["properties"]["data"], fill_optional))
    jsonschema.validate(event, published)
    jsonschema.validate(event, load_schema(EXPECTED, spec.type))
    CloudEvent.model_validate(event).payload(spec)


@pytest.mark.parametrize("spec", EXPECTED_EVENTS, ids=lambda spec: spec.type)
def test_the_fields_scheduling_reads_are_required_by_the_roster_with_the_same_type(spec):
    published = load_schema(ROSTER_SCHEMAS, spec.type)["properties"]["data"]
    expected = load_schema(EXPECTED, spec.type)["properties"]["data"]
    assert set(expected["required"]) <= set(published["required"]), "a field we read may be left out"
    for name, field in expected["properties"].items():
        theirs = {key: value for key, value in published["properties"][name].items() if key != "description"}
        ours = {key: value for key, value in field.items() if key != "description"}
        assert theirs == ours, name


def test_a_field_scheduling_reads_may_not_go_missing():
    spec = EXPECTED_EVENTS[0]
    event = roster_event(spec.type, {"volunteer_id": str(uuid.uuid4()), "name": "张阿姨"})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(event, load_schema(EXPECTED, spec.type))
