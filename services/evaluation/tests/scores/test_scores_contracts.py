"""Consumer-side contract of the score: what it reads of scheduling's sign-up events and the roster's
qualification events is committed in `events/expected/`, matches the payload models, and every shape the
producers' committed schemas allow satisfies it, with the fields read required and typed alike."""

import uuid
from pathlib import Path

import jsonschema
import pytest

from linli_evaluation.scores.consumers import HANDLERS, TOPICS
from linli_evaluation.scores.contracts import EXPECTED_EVENTS, SIGNUP_CANCELLED
from linli_shared.events.schemas import load_schema, stale_schemas
from linli_shared.testing import assert_consumer_contract

SERVICES = Path(__file__).resolve().parents[3]
EXPECTED = SERVICES / "evaluation" / "src" / "linli_evaluation" / "events" / "expected"
PRODUCERS = {
    "roster": SERVICES / "roster" / "src" / "linli_roster" / "events" / "schemas",
    "scheduling": SERVICES / "scheduling" / "src" / "linli_scheduling" / "events" / "schemas",
}

pytestmark = pytest.mark.unit


def test_committed_expected_schemas_match_the_consumer_models():
    assert stale_schemas(EXPECTED_EVENTS, EXPECTED) == [], (
        "regenerate with `write_schemas(EXPECTED_EVENTS, <events/expected>)` "
        "(linli_shared.events.schemas) and commit the result"
    )


def test_every_expected_event_is_handled_and_still_published():
    assert set(HANDLERS) == {spec.type for spec in EXPECTED_EVENTS}
    for spec in EXPECTED_EVENTS:
        assert spec.topic in TOPICS
        producer = PRODUCERS[spec.type.split(".")[1]]
        assert (producer / f"{spec.type}.json").exists(), f"{spec.type} is no longer published"


@pytest.mark.parametrize("spec", EXPECTED_EVENTS, ids=lambda spec: spec.type)
def test_what_the_producers_publish_satisfies_what_the_score_reads(spec):
    assert_consumer_contract(spec, EXPECTED, PRODUCERS[spec.type.split(".")[1]])


def test_a_field_the_score_reads_may_not_go_missing():
    event = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/linli/scheduling",
        "type": SIGNUP_CANCELLED.type,
        "subject": str(uuid.uuid4()),
        "time": "2026-03-01T08:00:00Z",
        "datacontenttype": "application/json",
        "tenantid": str(uuid.uuid4()),
        "tenantpath": "linli",
        "data": {"signup_id": str(uuid.uuid4()), "volunteer_id": str(uuid.uuid4()), "status": "cancelled"},
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(event, load_schema(EXPECTED, SIGNUP_CANCELLED.type))
