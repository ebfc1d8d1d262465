"""Consumer-side contract: what scheduling reads from the roster's events is committed in
`events/expected/`, matches the consumer's payload models, and every shape the roster's committed schemas
allow for those events satisfies it (`linli_shared.testing.assert_consumer_contract`)."""

import uuid
from pathlib import Path

import jsonschema
import pytest

from linli_scheduling.events.consumers import CONSUMED_TOPICS, HANDLERS
from linli_scheduling.facts.contracts import EXPECTED_EVENTS
from linli_shared.events.schemas import load_schema, stale_schemas
from linli_shared.testing import assert_consumer_contract, sample_of

SERVICES = Path(__file__).resolve().parents[3]
EXPECTED = SERVICES / "scheduling" / "src" / "linli_scheduling" / "events" / "expected"
ROSTER_SCHEMAS = SERVICES / "roster" / "src" / "linli_roster" / "events" / "schemas"


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


@pytest.mark.parametrize("spec", EXPECTED_EVENTS, ids=lambda spec: spec.type)
def test_what_the_roster_publishes_satisfies_what_scheduling_reads(spec):
    assert_consumer_contract(spec, EXPECTED, ROSTER_SCHEMAS)


def test_a_field_scheduling_reads_may_not_go_missing():
    spec = EXPECTED_EVENTS[0]
    event = sample_of(load_schema(ROSTER_SCHEMAS, spec.type), fill_optional=True)
    event["data"] = {"volunteer_id": str(uuid.uuid4()), "name": "张阿姨"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(event, load_schema(EXPECTED, spec.type))
