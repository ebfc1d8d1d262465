"""What the audits publish has committed JSON Schemas, and the plan's commitment never carries its seed."""

import json
from pathlib import Path

import pytest

from linli_evaluation import events
from linli_evaluation.events.audits import AUDIT_EVENTS, AUDIT_PLAN_COMMITTED, AUDITS_TOPIC
from linli_shared.events.schemas import stale_schemas

pytestmark = pytest.mark.unit

SCHEMAS = Path(events.__file__).resolve().parent / "schemas"


def test_the_committed_schemas_are_the_payload_models():
    assert stale_schemas(AUDIT_EVENTS, SCHEMAS) == [], (
        "regenerate with linli_shared.events.schemas.write_schemas(AUDIT_EVENTS, …) "
        "(or `linli-evaluation export-schemas` once events/types.py gathers them)"
    )


def test_the_commitment_publishes_the_seeds_hash_only():
    schema = json.loads((SCHEMAS / f"{AUDIT_PLAN_COMMITTED.type}.json").read_text(encoding="utf-8"))
    assert "seed_hash" in json.dumps(schema)
    assert '"seed"' not in json.dumps(schema)
    assert {spec.topic for spec in AUDIT_EVENTS} == {AUDITS_TOPIC}
