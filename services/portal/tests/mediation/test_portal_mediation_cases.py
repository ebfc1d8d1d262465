"""The mediation studio (调解工作室) in the portal: intake, mediators (only volunteers holding the mediator role),
sessions and closing with an outcome — each change checked in the roster; bad input refused with nothing
written; the roles the roster refuses get a clear "restricted" page (403); another committee's cases unseen."""

import random

import pytest

pytestmark = pytest.mark.integration

CASES = "/v1/mediation-cases"
INTAKE = {
    "parties": ["陈某", "林某"],
    "category": "neighbour",
    "summary": "楼上漏水,双方对维修费用有争议。",
    "received_on": "2025-09-01",
}


@pytest.fixture
def roster(services):
    return services["roster"].client


def register(roster, headers, name: str, mediator: bool = False) -> str:
    response = roster.post(
        "/v1/volunteers",
        json={
            "name": name,
            "phone": f"13{random.randrange(10**9):09d}",
            "joined_on": "2024-01-01",
            "channel": "organisation_recommended",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    volunteer = response.json()["id"]
    if mediator:
        role = {"role": "mediator", "starts_on": "2024-06-01"}
        given = roster.post(f"/v1/volunteers/{volunteer}/roles", json=role, headers=headers)
        assert given.status_code == 200, given.text
    return volunteer


def open_case(roster, headers, mediator: str | None = None) -> dict:
    response = roster.post(CASES, json=INTAKE, headers=headers)
    assert response.status_code == 201, response.text
    case = response.json()
    if mediator:
        body = {"volunteer_id": mediator, "assigned_on": "2025-09-02"}
        assigned = roster.post(f"{CASES}/{case['id']}/mediators", json=body, headers=headers)
        assert assigned.status_code == 201, assigned.text
    return case


def cases_in_roster(roster, headers) -> list[dict]:
    response = roster.get(CASES, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def case_in_roster(roster, headers, case_id: str) -> dict:
    response = roster.get(f"{CASES}/{case_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_case_from_intake_to_its_outcome(browse, committee, login, roster):
    headers = login("tenant_admin")
    mediator = register(roster, headers, "调解员老顾", mediator=True)
    admin = browse("tenant_admin")
    base = f"/t/{committee.slug}/mediation"

    form = admin.get(f"{base}/new")
    assert form.status_code == 200
    assert "当事人" in form.text
    taken = admin.post(
        base,
        data={
            "parties": "陈某\n\n林某\n",
            "category": "property",
            "summary": "物业费争议",
            "received_on": "2025-09-01",
        },
    )
    assert taken.status_code == 303, taken.text
    [case] = cases_in_roster(roster, headers)
    assert (case["parties"], case["category"], case["status"]) == (["陈某", "林某"], "property", "open")
    here = taken.headers["location"]
    assert here == f"{base}/{case['id']}"

    page = admin.get(here)
    assert page.status_code == 200
    assert "物业费争议" in page.text
    assert "调解员老顾" in page.text  # offered as a mediator

    assigned = admin.post(f"{here}/mediators", data={"volunteer_id": mediator, "assigned_on": "2025-09-02"})
    assert assigned.status_code == 303, assigned.text
    session = admin.post(f"{here}/sessions", data={"held_on": "2025-09-05", "notes": "双方同意分摊费用"})
    assert session.status_code == 303, session.text
    closed = admin.post(
        f"{here}/close", data={"outcome": "resolved", "agreement": "各承担一半", "closed_on": "2025-09-06"}
    )
    assert closed.status_code == 303, closed.text

    stored = case_in_roster(roster, headers, case["id"])
    assert [m["volunteer_id"] for m in stored["mediators"]] == [mediator]
    assert [s["notes"] for s in stored["sessions"]] == ["双方同意分摊费用"]
    assert (stored["status"], stored["outcome"], stored["agreement"]) == ("closed", "resolved", "各承担一半")

    listed = admin.get(f"{base}?status=closed")
    assert listed.status_code == 200
    assert "陈某、林某" in listed.text
    assert "物业纠纷" in listed.text
    assert "调解员老顾" in listed.text
    assert "已调解成功" in listed.text


def test_releasing_a_mediator(browse, committee, login, roster):
    headers = login("tenant_admin")
    mediator = register(roster, headers, "调解员小何", mediator=True)
    case = open_case(roster, headers, mediator)
    admin = browse("tenant_admin")

    released = admin.post(
        f"/t/{committee.slug}/mediation/{case['id']}/mediators/{mediator}/release",
        data={"released_on": "2025-09-03"},
    )
    assert released.status_code == 303, released.text
    [assignment] = case_in_roster(roster, headers, case["id"])["mediators"]
    assert assignment["released_on"] == "2025-09-03"
    page = admin.get(released.headers["location"])
    assert "曾参与的调解员" in page.text
    assert "调解员小何" in page.text


def test_bad_input_is_refused_and_nothing_is_written(browse, committee, login, roster):
    headers = login("tenant_admin")
    not_a_mediator = register(roster, headers, "普通志愿者")
    admin = browse("tenant_admin")
    base = f"/t/{committee.slug}/mediation"

    with_phone = admin.post(
        base,
        data={
            "parties": "陈某",
            "category": "family",
            "summary": "请回电 13812345678",
            "received_on": "2025-09-01",
        },
    )
    assert 400 <= with_phone.status_code < 500
    assert "受理案件" in with_phone.text
    assert "请回电 13812345678" in with_phone.text  # the form again, as typed
    nobody = admin.post(
        base, data={"parties": " \n ", "category": "family", "summary": "无", "received_on": "2025-09-01"}
    )
    assert 400 <= nobody.status_code < 500
    assert cases_in_roster(roster, headers) == []

    case = open_case(roster, headers)
    here = f"{base}/{case['id']}"
    refused = admin.post(
        f"{here}/mediators", data={"volunteer_id": not_a_mediator, "assigned_on": "2025-09-02"}
    )
    assert 400 <= refused.status_code < 500
    assert "指派调解员" in refused.text
    no_agreement = admin.post(
        f"{here}/close", data={"outcome": "resolved", "agreement": "", "closed_on": "2025-09-06"}
    )
    assert 400 <= no_agreement.status_code < 500
    stored = case_in_roster(roster, headers, case["id"])
    assert (stored["mediators"], stored["status"]) == ([], "open")


@pytest.mark.parametrize("role", ["staff", "auditor"])
def test_roles_the_roster_refuses_get_a_restricted_page(browse, committee, login, roster, role):
    headers = login("tenant_admin")
    case = open_case(roster, headers, register(roster, headers, "调解员老钱", mediator=True))
    reader = browse(role)
    base = f"/t/{committee.slug}/mediation"

    for path in (base, f"{base}/new", f"{base}/{case['id']}"):
        page = reader.get(path)
        assert page.status_code == 403, path
        assert "调解工作室仅限授权人员访问" in page.text
        assert "陈某" not in page.text
    recorded = reader.post(
        f"{base}/{case['id']}/sessions", data={"held_on": "2025-09-05", "notes": "越权记录"}
    )
    assert recorded.status_code == 403
    taken = reader.post(
        base, data={"parties": "某甲", "category": "other", "summary": "越权", "received_on": "2025-09-01"}
    )
    assert taken.status_code == 403
    assert [c["id"] for c in cases_in_roster(roster, headers)] == [case["id"]]
    assert case_in_roster(roster, headers, case["id"])["sessions"] == []


def test_another_committees_cases_do_not_exist_for_you(browse, committee, world, login, roster):
    headers = login("tenant_admin")
    case = open_case(roster, headers, register(roster, headers, "调解员老孙", mediator=True))
    sibling = browse("sibling_admin")

    assert sibling.get(f"/t/{committee.slug}/mediation").status_code == 404
    own = f"/t/{world.sibling.slug}/mediation/{case['id']}"
    assert sibling.get(own).status_code == 404
    closing = sibling.post(f"{own}/close", data={"outcome": "unresolved", "closed_on": "2025-09-06"})
    assert closing.status_code == 404
    assert case_in_roster(roster, headers, case["id"])["status"] == "open"
    assert "陈某" not in sibling.get(f"/t/{world.sibling.slug}/mediation").text
