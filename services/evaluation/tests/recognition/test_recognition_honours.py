"""Honours: the daily task confers, once, every nomination whose public notice ended with no objection open
or upheld, and announces it (`linli.evaluation.honour.conferred.v1`, matching its committed schema); staff
list the committee's honours, a volunteer their own; other committees see none of them."""

import uuid
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from linli_evaluation.events.recognition import HONOUR_CONFERRED, RECOGNITION_EVENTS, HonourConferredV1
from linli_evaluation.recognition.tasks import confer_due_honours
from linli_roster.honours.consumers import HONOUR_CONFERRED as ROSTER_READS
from linli_shared.events.envelope import CloudEvent
from linli_shared.events.schemas import load_schema, stale_schemas
from linli_shared.problems import PROBLEM_JSON

SERVICES = Path(__file__).resolve().parents[3]
SCHEMAS = SERVICES / "evaluation" / "src" / "linli_evaluation" / "events" / "schemas"
#: what the roster (which shows honours on the volunteer's profile) committed to read
ROSTER_EXPECTS = SERVICES / "roster" / "src" / "linli_roster" / "events" / "expected"


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def assert_problem(response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON


@pytest.fixture
def eligible(volunteer, serve, rate):
    def make(tenant, name: str = "", volunteer_id: uuid.UUID | None = None) -> uuid.UUID:
        volunteer_id = volunteer_id or volunteer(tenant, name)
        for day in (date(2026, 11, 7), date(2026, 4, 2)):
            rate(tenant, serve(tenant, volunteer_id, 6, on=day), volunteer_id, 5)
        return volunteer_id

    return make


@pytest.fixture
def approve(api, login):
    """`approve(programme, volunteer_id)` → the nomination, made and submitted by staff, approved by the
    committee's admin today: its public notice runs for the programme's days from today."""

    def through(programme: dict, volunteer_id: uuid.UUID) -> dict:
        staff = login("staff")
        made = ok(
            api.post(
                "/v1/nominations",
                json={
                    "programme_id": programme["id"],
                    "period": "2026",
                    "volunteer_id": str(volunteer_id),
                    "statement": "热心公益，服务居民",
                },
                headers=staff,
            ),
            201,
        )
        ok(api.post(f"/v1/nominations/{made['id']}/submit", headers=staff))
        return ok(
            api.post(
                f"/v1/nominations/{made['id']}/decision",
                json={"approve": True},
                headers=login("tenant_admin"),
            )
        )

    return through


def test_the_committed_schema_is_the_payload_models():
    assert stale_schemas(RECOGNITION_EVENTS, SCHEMAS) == [], (
        "regenerate with linli_shared.events.schemas.write_schemas(RECOGNITION_EVENTS, …) "
        "(or `linli-evaluation export-schemas` once events/types.py gathers them)"
    )


def test_notices_that_passed_become_honours_once_and_are_announced(
    api, committee, world, login, define, eligible, approve, today, evaluation_database, published
):
    a = world.committee
    staff = login("staff")
    programme = define(login("district_admin"), max_nominees=5)
    clear, contested, later = eligible(a, "张红"), eligible(a, "李明"), eligible(a, "王五")
    passed = approve(programme, clear)
    objected = approve(programme, contested)
    objection = ok(
        api.post(
            f"/v1/nominations/{objected['id']}/objections",
            json={"text": "有异议", "by_name": "居民刘"},
            headers=staff,
        ),
        201,
    )["objections"][0]
    today.move(date(2026, 12, 3))
    not_yet = approve(programme, later)
    assert (passed["notice_ends_on"], not_yet["notice_ends_on"]) == ("2026-12-07", "2026-12-09")

    # on the notice's last day nothing is due; the day after, the uncontested one is
    assert confer_due_honours(evaluation_database, a.id, a.path, date(2026, 12, 7)) == 0
    assert confer_due_honours(evaluation_database, a.id, a.path, date(2026, 12, 8)) == 1
    # a second run, a redelivered task: nothing more
    assert confer_due_honours(evaluation_database, a.id, a.path, date(2026, 12, 8)) == 0
    # another committee's run touches nothing of this one
    assert (
        confer_due_honours(evaluation_database, world.sibling.id, world.sibling.path, date(2026, 12, 9)) == 0
    )

    conferred = ok(api.get(f"/v1/nominations/{passed['id']}", headers=staff))
    assert (conferred["status"], conferred["concluded_on"]) == ("conferred", "2026-12-08")
    assert conferred["outcome_reason"] == "公示期满无异议 (2026-12-01 – 2026-12-07)"
    assert ok(api.get(f"/v1/nominations/{objected['id']}", headers=staff))["status"] == "in_notice"

    [event] = published(HONOUR_CONFERRED.type, clear)
    jsonschema.validate(event, load_schema(SCHEMAS, HONOUR_CONFERRED.type))
    assert (event["source"], event["subject"]) == ("/linli/evaluation", str(clear))
    assert (event["tenantid"], event["tenantpath"]) == (str(a.id), a.path)
    assert HonourConferredV1.model_validate(event["data"]) == HonourConferredV1(
        honour_id=uuid.UUID(conferred["honour_id"]),
        volunteer_id=clear,
        programme_id=uuid.UUID(programme["id"]),
        programme_name="最美志愿者",
        period="2026",
        conferred_on=date(2026, 12, 8),
    )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {**event, "data": {**event["data"], "surprise": 1}}, load_schema(SCHEMAS, HONOUR_CONFERRED.type)
        )
    # and what the roster's consumer accepts and reads
    jsonschema.validate(event, load_schema(ROSTER_EXPECTS, ROSTER_READS.type))
    read = CloudEvent.model_validate(event).payload(ROSTER_READS)
    assert (read.honour_id, read.volunteer_id, read.programme_name, read.period) == (
        uuid.UUID(conferred["honour_id"]),
        clear,
        "最美志愿者",
        "2026",
    )

    # the objection is dismissed after the notice ended: the next run confers it, and the later notice's
    today.move(date(2026, 12, 9))
    ok(
        api.post(
            f"/v1/nominations/{objected['id']}/objections/{objection['id']}/resolution",
            json={"upheld": False, "note": "查无实据"},
            headers=login("tenant_admin"),
        )
    )
    assert confer_due_honours(evaluation_database, a.id, a.path, date(2026, 12, 10)) == 2
    assert len(published(HONOUR_CONFERRED.type, clear)) == 1
    assert len(published(HONOUR_CONFERRED.type, contested)) == 1
    assert len(published(HONOUR_CONFERRED.type, later)) == 1

    honours = ok(api.get("/v1/honours", headers=staff))["items"]
    assert [(h["volunteer_name"], h["conferred_on"]) for h in honours[-1:]] == [("张红", "2026-12-08")]
    assert {h["volunteer_name"] for h in honours} == {"张红", "李明", "王五"}
    assert honours[-1] == {
        "id": conferred["honour_id"],
        "committee_id": str(a.id),
        "volunteer_id": str(clear),
        "volunteer_name": "张红",
        "programme_id": programme["id"],
        "programme_name": "最美志愿者",
        "period": "2026",
        "conferred_on": "2026-12-08",
        "nomination_id": passed["id"],
    }
    page = ok(api.get("/v1/honours", params={"limit": 2}, headers=login("town_admin")))
    rest = ok(api.get("/v1/honours", params={"limit": 2, "cursor": page["next_cursor"]}, headers=staff))
    assert [h["id"] for h in page["items"] + rest["items"]] == [h["id"] for h in honours]
    assert rest["next_cursor"] is None
    only = ok(api.get("/v1/honours", params={"volunteer_id": str(clear)}, headers=login("auditor")))["items"]
    assert [h["id"] for h in only] == [conferred["honour_id"]]
    # a conferred nomination is final
    assert_problem(
        api.post(f"/v1/nominations/{passed['id']}/withdraw", json={"reason": "撤回"}, headers=staff), 409
    )


def test_a_volunteer_sees_their_own_honours_and_other_committees_see_none(
    api, committee, world, login, define, eligible, approve, me, today, evaluation_database
):
    a = world.committee
    programme = define(login("district_admin"), max_nominees=5)
    eligible(a, volunteer_id=me)
    mine = approve(programme, me)
    approve(programme, eligible(a, "张红"))
    assert confer_due_honours(evaluation_database, a.id, a.path, date(2026, 12, 8)) == 2

    volunteer = login("volunteer")
    honours = ok(api.get("/v1/me/honours", headers=volunteer))
    assert [(h["nomination_id"], h["volunteer_name"]) for h in honours["items"]] == [(mine["id"], "王阿姨")]
    assert_problem(api.get("/v1/honours", headers=volunteer), 403)
    # staff have no volunteer record behind their login
    assert_problem(api.get("/v1/me/honours", headers=login("staff")), 403)

    for who in ("sibling_admin", "other_town_admin"):
        assert ok(api.get("/v1/honours", headers=login(who)))["items"] == []
        assert ok(api.get("/v1/honours", params={"volunteer_id": str(me)}, headers=login(who)))["items"] == []
    assert len(ok(api.get("/v1/honours", headers=login("district_admin")))["items"]) == 2

    for path in (
        "/v1/honours?volunteer_id=x",
        "/v1/honours?limit=0",
        "/v1/honours?limit=201",
        "/v1/honours?cursor=bm9wZQ",
        "/v1/me/honours?limit=0",
    ):
        response = api.get(path, headers=volunteer if path.startswith("/v1/me") else login("staff"))
        assert_problem(response, 422)
