"""Deliberation groups (议事小组) in the portal: setting a group up, members, a residents' topic taken through a
meeting, a decision and a follow-up action marked done — each change checked in the roster; bad input
refused with nothing written; another committee's groups unseen."""

import pytest

pytestmark = pytest.mark.integration

GROUPS = "/v1/deliberation-groups"


@pytest.fixture
def roster(services):
    return services["roster"].client


def made(roster, headers, path: str, body: dict) -> dict:
    response = roster.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def read(roster, headers, path: str, **params):
    response = roster.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def group_with_members(roster, headers, enrol, *names: str) -> tuple[dict, list[str]]:
    group = made(roster, headers, GROUPS, {"name": "睦邻议事会", "purpose": "商议楼道环境"})
    members = [enrol(name) for name in names]
    for volunteer in members:
        made(
            roster,
            headers,
            f"{GROUPS}/{group['id']}/members",
            {"volunteer_id": volunteer, "joined_on": "2025-01-01"},
        )
    return group, members


def test_setting_up_a_group_and_adding_a_member(browse, committee, login, roster, enrol):
    headers = login("tenant_admin")
    volunteer = enrol("周阿姨")
    admin = browse("tenant_admin")
    base = f"/t/{committee.slug}/deliberation"

    created = admin.post(base, data={"name": "楼组议事圈", "purpose": "停车难问题"})
    assert created.status_code == 303, created.text
    [group] = read(roster, headers, GROUPS)
    assert (group["name"], group["purpose"]) == ("楼组议事圈", "停车难问题")
    assert created.headers["location"] == f"{base}/{group['id']}"

    joined = admin.post(
        f"{base}/{group['id']}/members", data={"volunteer_id": volunteer, "joined_on": "2025-02-01"}
    )
    assert joined.status_code == 303, joined.text
    [member] = read(roster, headers, f"{GROUPS}/{group['id']}")["members"]
    assert (member["volunteer_id"], member["joined_on"]) == (volunteer, "2025-02-01")

    page = admin.get(f"{base}/{group['id']}")
    assert page.status_code == 200
    assert "居民反映的难点堵点" in page.text
    assert "周阿姨" in page.text
    listed = admin.get(base)
    assert "楼组议事圈" in listed.text
    assert "成立议事小组" in listed.text

    # an auditor reads the groups, and is offered no forms
    audited = browse("auditor").get(base)
    assert audited.status_code == 200
    assert "楼组议事圈" in audited.text
    assert "成立议事小组" not in audited.text


def test_a_topic_goes_through_a_meeting_a_decision_and_a_follow_up(browse, committee, login, roster, enrol):
    headers = login("tenant_admin")
    group, (chair, helper) = group_with_members(roster, headers, enrol, "陈主任", "小林")
    staff = browse("staff")
    base = f"/t/{committee.slug}/deliberation/{group['id']}"

    raised = staff.post(
        f"{base}/topics",
        data={
            "title": "楼道堆物",
            "description": "三号楼楼道堆放杂物",
            "raised_by": "李奶奶",
            "raised_on": "2025-05-01",
        },
    )
    assert raised.status_code == 303, raised.text
    [topic] = read(roster, headers, f"{GROUPS}/{group['id']}/topics")
    assert (topic["title"], topic["raised_by"], topic["status"]) == ("楼道堆物", "李奶奶", "open")
    assert raised.headers["location"] == f"{base}/topics/{topic['id']}"

    form = staff.get(f"{base}/meetings/new")
    assert form.status_code == 200
    assert "陈主任" in form.text
    held = staff.post(
        f"{base}/meetings",
        data={
            "held_on": "2025-05-10",
            "place": "居委会议室",
            "minutes": "大家同意周末集中清理。",
            "attendee_ids": [chair, helper],
            "topic_ids": [topic["id"]],
        },
    )
    assert held.status_code == 303, held.text
    [meeting] = read(roster, headers, f"{GROUPS}/{group['id']}/meetings")
    assert {a["volunteer_id"] for a in meeting["attendees"]} == {chair, helper}
    assert meeting["topic_ids"] == [topic["id"]]
    minutes = staff.get(held.headers["location"])
    assert "会议纪要" in minutes.text
    assert "大家同意周末集中清理。" in minutes.text
    assert "楼道堆物" in minutes.text

    decided = staff.post(
        f"{base}/topics/{topic['id']}/decisions",
        data={"text": "周六上午集中清理楼道", "decided_on": "2025-05-10", "meeting_id": meeting["id"]},
    )
    assert decided.status_code == 303, decided.text
    stored = read(roster, headers, f"{GROUPS}/{group['id']}/topics/{topic['id']}")
    assert stored["status"] == "decided"
    [decision] = stored["decisions"]
    assert (decision["text"], decision["meeting_id"]) == ("周六上午集中清理楼道", meeting["id"])

    added = staff.post(
        f"{base}/decisions/{decision['id']}/actions",
        data={
            "topic_id": topic["id"],
            "description": "通知住户",
            "owner_volunteer_id": helper,
            "due_on": "2025-05-12",
        },
    )
    assert added.status_code == 303, added.text
    [action] = read(roster, headers, "/v1/deliberation-actions", group_id=group["id"])
    assert (action["owner_volunteer_id"], action["status"]) == (helper, "open")

    done = staff.post(
        f"{base}/actions/{action['id']}/complete",
        data={"topic_id": topic["id"], "completed_on": "2025-05-11", "note": "已张贴通知"},
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"{base}/topics/{topic['id']}"
    [action] = read(roster, headers, "/v1/deliberation-actions", group_id=group["id"])
    assert (action["status"], action["completion_note"]) == ("done", "已张贴通知")

    page = staff.get(f"{base}/topics/{topic['id']}")
    assert page.status_code == 200
    assert "已决议" in page.text
    assert "周六上午集中清理楼道" in page.text
    assert "已张贴通知" in page.text
    assert "小林" in page.text


def test_bad_input_is_refused_and_nothing_is_written(browse, committee, login, roster, enrol):
    headers = login("tenant_admin")
    group, (member,) = group_with_members(roster, headers, enrol, "吴老师")
    outsider = enrol("局外人")
    admin = browse("tenant_admin")
    base = f"/t/{committee.slug}/deliberation"

    nameless = admin.post(base, data={"name": "  ", "purpose": "无名"})
    assert 400 <= nameless.status_code < 500
    assert "成立议事小组" in nameless.text
    assert [g["id"] for g in read(roster, headers, GROUPS)] == [group["id"]]

    not_a_member = admin.post(
        f"{base}/{group['id']}/meetings",
        data={"held_on": "2025-05-10", "place": "活动室", "attendee_ids": [member, outsider]},
    )
    assert 400 <= not_a_member.status_code < 500
    assert "吴老师" in not_a_member.text  # the meeting form again, its attendees to choose
    assert read(roster, headers, f"{GROUPS}/{group['id']}/meetings") == []

    topic = made(
        roster,
        headers,
        f"{GROUPS}/{group['id']}/topics",
        {"title": "噪音", "raised_by": "张先生", "raised_on": "2025-05-01"},
    )
    empty = admin.post(
        f"{base}/{group['id']}/topics/{topic['id']}/decisions", data={"text": "", "decided_on": "2025-05-02"}
    )
    assert 400 <= empty.status_code < 500
    assert "噪音" in empty.text
    decision = made(
        roster,
        headers,
        f"{GROUPS}/{group['id']}/topics/{topic['id']}/decisions",
        {"text": "约谈", "decided_on": "2025-05-02"},
    )
    assert len(read(roster, headers, f"{GROUPS}/{group['id']}/topics/{topic['id']}")["decisions"]) == 1

    action = made(
        roster,
        headers,
        f"{GROUPS}/{group['id']}/decisions/{decision['id']}/actions",
        {"description": "上门沟通", "owner_volunteer_id": member, "due_on": "2025-05-09"},
    )
    no_note = admin.post(
        f"{base}/{group['id']}/actions/{action['id']}/complete",
        data={"topic_id": topic["id"], "completed_on": "2025-05-03", "note": ""},
    )
    assert 400 <= no_note.status_code < 500
    assert read(roster, headers, "/v1/deliberation-actions", group_id=group["id"])[0]["status"] == "open"


def test_another_committees_groups_do_not_exist_for_you(browse, committee, world, login, roster, enrol):
    headers = login("tenant_admin")
    group, _members = group_with_members(roster, headers, enrol, "郑师傅")
    topic = made(
        roster,
        headers,
        f"{GROUPS}/{group['id']}/topics",
        {"title": "电梯", "raised_by": "王女士", "raised_on": "2025-05-01"},
    )
    sibling = browse("sibling_admin")

    assert sibling.get(f"/t/{committee.slug}/deliberation").status_code == 404
    assert sibling.get(f"/t/{committee.slug}/deliberation/{group['id']}").status_code == 404
    own = f"/t/{world.sibling.slug}/deliberation/{group['id']}"
    assert sibling.get(own).status_code == 404
    assert sibling.get(f"{own}/topics/{topic['id']}").status_code == 404
    raised = sibling.post(
        f"{own}/topics", data={"title": "越权", "raised_by": "某人", "raised_on": "2025-05-02"}
    )
    assert raised.status_code == 404
    assert [t["id"] for t in read(roster, headers, f"{GROUPS}/{group['id']}/topics")] == [topic["id"]]
