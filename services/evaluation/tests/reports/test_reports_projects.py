"""The reports keep scheduling's project names (records carry only the project id): a created or changed
project's name is what the monthly report shows; a replay changes nothing. The contract: what the reports
read is committed in `events/expected/` and satisfied by what scheduling publishes."""

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from linli_evaluation.reports.consumers import HANDLERS, TOPICS
from linli_evaluation.reports.contracts import EXPECTED_EVENTS
from linli_shared.events.schemas import stale_schemas
from linli_shared.testing import assert_consumer_contract

SERVICES = Path(__file__).resolve().parents[3]
EXPECTED = SERVICES / "evaluation" / "src" / "linli_evaluation" / "events" / "expected"
SCHEDULING = SERVICES / "scheduling" / "src" / "linli_scheduling" / "events" / "schemas"
URL = "/v1/reports/committee-monthly"


def test_a_renamed_project_is_reported_by_its_new_name(
    api, login, committee, register, record, project, tally
):
    volunteer = register(committee.tenant, "陈阿姨")
    project_id = project(committee.tenant, "邻里守望")
    record(committee.tenant, volunteer, 2.0, project_id=project_id)
    unnamed = uuid.uuid4()  # a project whose events never reached evaluation
    record(committee.tenant, volunteer, 1.0, project_id=unnamed)
    project(committee.tenant, "智慧社区，邻里守望", project_id=project_id, event="changed")
    report = api.get(URL, params={"month": "2026-11"}, headers=login("staff")).json()
    assert [(row["key"], row["name"]) for row in report["projects"]] == [
        (str(project_id), "智慧社区，邻里守望"),
        (str(unnamed), "未知项目"),
    ]


def test_a_replayed_project_event_changes_nothing(committee, project_runner, row_counts):
    project_id = uuid.uuid4()
    event = json.dumps(
        {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": "/linli/scheduling",
            "type": "linli.scheduling.project.created.v1",
            "subject": str(project_id),
            "time": datetime.now(UTC).isoformat(),
            "datacontenttype": "application/json",
            "tenantid": str(committee.id),
            "tenantpath": committee.path,
            "data": {
                "project_id": str(project_id),
                "name": "关爱银发",
                "status": "incubating",
                "owner_volunteer_id": None,
                "goals": [],
            },
        }
    ).encode()
    assert project_runner.handle("scheduling.projects", event, []).handled
    after_first = row_counts()
    assert project_runner.handle("scheduling.projects", event, []).duplicate
    assert row_counts() == after_first


def test_committed_expectations_are_current():
    assert stale_schemas(EXPECTED_EVENTS, EXPECTED) == []


@pytest.mark.parametrize("spec", EXPECTED_EVENTS, ids=lambda spec: spec.type)
def test_what_scheduling_publishes_satisfies_what_reports_read(spec):
    assert spec.type in HANDLERS
    assert spec.topic in TOPICS
    assert_consumer_contract(spec, EXPECTED, SCHEDULING)
