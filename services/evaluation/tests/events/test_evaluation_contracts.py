"""Contracts both ways: what evaluation reads of the roster's and scheduling's events is committed in
`events/expected/` and satisfied by what they publish; what evaluation publishes has committed schemas."""

from pathlib import Path

import pytest

from linli_evaluation.events.consumers import CONSUMED_TOPICS, HANDLERS
from linli_evaluation.events.types import ALL_EVENTS
from linli_evaluation.facts.contracts import EXPECTED
from linli_shared.events.schemas import stale_schemas
from linli_shared.testing import assert_consumer_contract

SERVICES = Path(__file__).resolve().parents[3]
PACKAGE = SERVICES / "evaluation" / "src" / "linli_evaluation" / "events"
PRODUCERS = {
    "roster": SERVICES / "roster" / "src" / "linli_roster" / "events" / "schemas",
    "scheduling": SERVICES / "scheduling" / "src" / "linli_scheduling" / "events" / "schemas",
}


def test_committed_schemas_are_current():
    assert stale_schemas(EXPECTED, PACKAGE / "expected") == []
    assert stale_schemas(ALL_EVENTS, PACKAGE / "schemas") == [], "run `make schemas` and commit the result"


@pytest.mark.parametrize("spec", EXPECTED, ids=lambda spec: spec.type)
def test_what_the_producers_publish_satisfies_what_evaluation_reads(spec):
    assert spec.type in HANDLERS
    assert spec.topic in CONSUMED_TOPICS
    assert_consumer_contract(spec, PACKAGE / "expected", PRODUCERS[spec.type.split(".")[1]])
