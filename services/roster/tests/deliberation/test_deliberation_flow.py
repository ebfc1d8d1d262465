"""Deliberation groups (议事小组) end to end: members with history, residents' topics, meetings with
minutes, decisions, follow-up actions and the overdue list; the events they publish match their schemas."""

import random
from datetime import date, timedelta
from pathlib import Path

import jsonschema
from sqlalchemy import select

from linli_roster.database import messaging
from linli_roster.deliberation.schemas import today_in_shanghai
from linli_roster.events.groups import GROUP_EVENTS
from linli_shared.events.schemas import load_schema, stale_schemas

SCHEMAS = Path(__file__).resolve().parents[2] / "src" / "linli_roster" / "events" / "schemas"
DELIBERATION_EVENTS = {spec.type for spec in GROUP_EVENTS if ".deliberation." in spec.type}


def register(roster_client, headers, name: str, joined_on: str = "2024-01-01") -> str:
    response = roster_client.post(
        "/v1/volunteers",
        json={
            "name": name,
            "phone": f"13{random.randrange(10**9):09d}",
            "joined_on": joined_on,
            "channel": "self_recommended",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def building(roster_client, headers) -> str:
    def area(kind: str, name: str, parent: str | None) -> str:
        body = {"kind": kind, "name": name, "parent_id": parent}
        response = roster_client.post("/v1/areas", json=body, headers=headers)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    grid = area("grid", "一网格", None)
    return area("building", "3号楼", area("micro_grid", "一微格", grid))


def outbox_events(roster_database, world) -> list[dict]:
    with roster_database.transaction() as session:
        rows = session.execute(select(messaging.outbox.c.event).order_by(messaging.outbox.c.id)).scalars()
        return [event for event in rows if event["tenantpath"].startswith(world.committee.path)]


def test_committed_schemas_match_the_group_payloads():
    assert stale_schemas(GROUP_EVENTS, SCHEMAS) == [], "run `linli-roster export-schemas`"


def test_a_group_from_members_to_completed_actions(
    roster_client, roster_database, login, world, sync_directory
):
    sync_directory()
    admin, staff = login("tenant_admin"), login("staff")
    zhang, li, wang = (register(roster_client, admin, name) for name in ("张阿姨", "李师傅", "王老师"))

    created = roster_client.post(
        "/v1/deliberation-groups", json={"name": "西门议事圈", "purpose": "楼道堆物、停车难"}, headers=staff
    )
    assert created.status_code == 201, created.text
    group = created.json()
    gid = group["id"]
    assert (group["member_count"], group["members"]) == (0, [])

    for volunteer in (zhang, li, wang):
        added = roster_client.post(
            f"/v1/deliberation-groups/{gid}/members",
            json={"volunteer_id": volunteer, "joined_on": "2025-03-01"},
            headers=staff,
        )
        assert added.status_code == 201, added.text
    left = roster_client.post(
        f"/v1/deliberation-groups/{gid}/members/{wang}/leave",
        json={"left_on": "2025-06-30", "reason": "搬家"},
        headers=staff,
    )
    assert left.status_code == 200, left.text
    detail = left.json()
    assert detail["member_count"] == 2
    assert [(m["name"], m["left_on"]) for m in detail["members"]] == [
        ("张阿姨", None),
        ("李师傅", None),
        ("王老师", "2025-06-30"),
    ], "current members first; a removal keeps the history"
    assert detail["members"][2]["left_reason"] == "搬家"

    # the leaver comes back later: a second stretch of membership, the first one kept
    back = roster_client.post(
        f"/v1/deliberation-groups/{gid}/members",
        json={"volunteer_id": wang, "joined_on": "2025-09-01"},
        headers=staff,
    ).json()
    assert [(m["name"], m["joined_on"], m["left_on"]) for m in back["members"] if m["name"] == "王老师"] == [
        ("王老师", "2025-09-01", None),
        ("王老师", "2025-03-01", "2025-06-30"),
    ]

    renamed = roster_client.patch(
        f"/v1/deliberation-groups/{gid}", json={"name": "西门居民议事会"}, headers=staff
    )
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["name"], renamed.json()["purpose"]) == ("西门居民议事会", "楼道堆物、停车难")

    block = building(roster_client, admin)
    raised = roster_client.post(
        f"/v1/deliberation-groups/{gid}/topics",
        json={
            "title": "3号楼楼道堆物",
            "description": "消防通道被纸箱堵住",
            "raised_by": "3号楼居民赵先生",
            "building_id": block,
            "raised_on": "2025-10-08",
        },
        headers=staff,
    )
    assert raised.status_code == 201, raised.text
    topic = raised.json()
    assert (topic["status"], topic["building_id"], topic["decisions"]) == ("open", block, [])
    other = roster_client.post(
        f"/v1/deliberation-groups/{gid}/topics",
        json={"title": "非机动车充电", "raised_by": "钱女士", "raised_on": "2025-10-09"},
        headers=staff,
    ).json()
    assert (other["building_id"], other["description"]) == (None, "")
    listed = roster_client.get(f"/v1/deliberation-groups/{gid}/topics", headers=login("auditor")).json()
    assert [item["title"] for item in listed] == ["非机动车充电", "3号楼楼道堆物"]

    meeting = roster_client.post(
        f"/v1/deliberation-groups/{gid}/meetings",
        json={
            "held_on": "2025-10-15",
            "place": "居委会二楼会议室",
            "minutes": "讨论了楼道堆物问题,决定开展集中清理。",
            "attendee_ids": [zhang, li, zhang],
            "topic_ids": [topic["id"]],
        },
        headers=staff,
    )
    assert meeting.status_code == 201, meeting.text
    held = meeting.json()
    assert [attendee["name"] for attendee in held["attendees"]] == ["张阿姨", "李师傅"]
    assert held["topic_ids"] == [topic["id"]]
    assert (
        roster_client.get(f"/v1/deliberation-groups/{gid}/meetings/{held['id']}", headers=admin).json()
        == held
    )
    assert [
        m["id"] for m in roster_client.get(f"/v1/deliberation-groups/{gid}/meetings", headers=admin).json()
    ] == [held["id"]]
    in_discussion = roster_client.get(
        f"/v1/deliberation-groups/{gid}/topics/{topic['id']}", headers=admin
    ).json()
    assert (in_discussion["status"], in_discussion["meeting_ids"]) == ("in_discussion", [held["id"]])
    assert [
        t["id"]
        for t in roster_client.get(
            f"/v1/deliberation-groups/{gid}/topics?status=in_discussion", headers=admin
        ).json()
    ] == [topic["id"]]

    decided = roster_client.post(
        f"/v1/deliberation-groups/{gid}/topics/{topic['id']}/decisions",
        json={"text": "本周六组织志愿者集中清理楼道", "decided_on": "2025-10-15", "meeting_id": held["id"]},
        headers=staff,
    )
    assert decided.status_code == 201, decided.text
    decision = decided.json()
    assert decision["meeting_id"] == held["id"]

    due_past = (today_in_shanghai() - timedelta(days=3)).isoformat()
    due_future = (today_in_shanghai() + timedelta(days=30)).isoformat()
    late = roster_client.post(
        f"/v1/deliberation-groups/{gid}/decisions/{decision['id']}/actions",
        json={"description": "通知3号楼住户清理自家物品", "owner_volunteer_id": zhang, "due_on": due_past},
        headers=staff,
    )
    assert late.status_code == 201, late.text
    assert (late.json()["overdue"], late.json()["owner_name"], late.json()["topic_id"]) == (
        True,
        "张阿姨",
        topic["id"],
    )
    later = roster_client.post(
        f"/v1/deliberation-groups/{gid}/decisions/{decision['id']}/actions",
        json={"description": "联系物业清运", "owner_volunteer_id": li, "due_on": due_future},
        headers=staff,
    ).json()

    overdue = roster_client.get("/v1/deliberation-actions?overdue=true", headers=login("auditor")).json()
    assert [action["id"] for action in overdue] == [late.json()["id"]]
    as_of_later = roster_client.get(
        "/v1/deliberation-actions",
        params={"overdue": "true", "as_of": (today_in_shanghai() + timedelta(days=31)).isoformat()},
        headers=admin,
    ).json()
    assert {action["id"] for action in as_of_later} == {late.json()["id"], later["id"]}
    assert all(action["overdue"] for action in as_of_later)
    everything = roster_client.get(f"/v1/deliberation-actions?group_id={gid}", headers=admin).json()
    assert [action["id"] for action in everything] == [late.json()["id"], later["id"]]

    closing_early = roster_client.post(
        f"/v1/deliberation-groups/{gid}/topics/{topic['id']}/status", json={"status": "closed"}, headers=staff
    )
    assert closing_early.status_code == 409, "a topic with open follow-up actions stays open"

    done = roster_client.post(
        f"/v1/deliberation-groups/{gid}/actions/{late.json()['id']}/complete",
        json={"completed_on": today_in_shanghai().isoformat(), "note": "已逐户通知"},
        headers=staff,
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["overdue"], done.json()["completion_note"]) == (
        "done",
        False,
        "已逐户通知",
    )
    again = roster_client.post(
        f"/v1/deliberation-groups/{gid}/actions/{late.json()['id']}/complete",
        json={"completed_on": today_in_shanghai().isoformat(), "note": "重复"},
        headers=staff,
    )
    assert again.status_code == 409
    assert roster_client.get("/v1/deliberation-actions?overdue=true", headers=admin).json() == []
    assert [
        a["id"] for a in roster_client.get("/v1/deliberation-actions?status=open", headers=admin).json()
    ] == [later["id"]]
    roster_client.post(
        f"/v1/deliberation-groups/{gid}/actions/{later['id']}/complete",
        json={"completed_on": today_in_shanghai().isoformat(), "note": "物业已清运"},
        headers=staff,
    )

    full = roster_client.get(f"/v1/deliberation-groups/{gid}/topics/{topic['id']}", headers=admin).json()
    assert full["status"] == "decided"
    assert [d["text"] for d in full["decisions"]] == ["本周六组织志愿者集中清理楼道"]
    assert [a["status"] for a in full["decisions"][0]["actions"]] == ["done", "done"]
    closed = roster_client.post(
        f"/v1/deliberation-groups/{gid}/topics/{topic['id']}/status", json={"status": "closed"}, headers=staff
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert (
        roster_client.post(
            f"/v1/deliberation-groups/{gid}/topics/{topic['id']}/decisions",
            json={"text": "再议", "decided_on": "2025-11-01"},
            headers=staff,
        ).status_code
        == 409
    ), "a closed topic takes no more decisions"

    groups = roster_client.get("/v1/deliberation-groups", headers=login("town_admin")).json()
    assert [(g["name"], g["member_count"], g["open_topics"]) for g in groups] == [("西门居民议事会", 3, 1)]

    events = [
        event for event in outbox_events(roster_database, world) if event["type"] in DELIBERATION_EVENTS
    ]
    assert sorted(event["type"] for event in events) == [
        "linli.roster.deliberation.action_completed.v1",
        "linli.roster.deliberation.action_completed.v1",
        "linli.roster.deliberation.decision_recorded.v1",
    ]
    for event in events:
        jsonschema.validate(event, load_schema(SCHEMAS, event["type"]))
        assert event["subject"] == gid
        flat = str(event["data"])
        assert not any(word in flat for word in ("张阿姨", "清理", "赵先生")), "no personal details"
    recorded = next(event for event in events if event["type"].endswith("decision_recorded.v1"))
    assert recorded["data"] == {
        "group_id": gid,
        "topic_id": topic["id"],
        "decision_id": decision["id"],
        "meeting_id": held["id"],
        "decided_on": "2025-10-15",
    }


def test_meeting_rules_and_topic_moves(roster_client, login, sync_directory):
    sync_directory()
    staff = login("staff")
    member, outsider = register(roster_client, staff, "成员"), register(roster_client, staff, "非成员")
    gid = roster_client.post("/v1/deliberation-groups", json={"name": "议事小组"}, headers=staff).json()["id"]
    roster_client.post(
        f"/v1/deliberation-groups/{gid}/members",
        json={"volunteer_id": member, "joined_on": "2025-05-01"},
        headers=staff,
    )
    topic = roster_client.post(
        f"/v1/deliberation-groups/{gid}/topics",
        json={"title": "停车难", "raised_by": "孙先生", "raised_on": "2025-06-01"},
        headers=staff,
    ).json()

    def meeting(**changes):
        body = {"held_on": "2025-06-10", "place": "活动室", "attendee_ids": [member], "topic_ids": []}
        return roster_client.post(
            f"/v1/deliberation-groups/{gid}/meetings", json={**body, **changes}, headers=staff
        )

    refused = meeting(attendee_ids=[member, outsider])
    assert refused.status_code == 422
    assert refused.json()["not_members"] == [outsider]
    assert meeting(held_on="2025-04-30").status_code == 422, "not yet a member on that day"
    assert meeting(held_on="2025-05-31", topic_ids=[topic["id"]]).status_code == 422, "topic raised later"
    assert roster_client.get(f"/v1/deliberation-groups/{gid}/meetings", headers=staff).json() == []

    assert (
        roster_client.post(
            f"/v1/deliberation-groups/{gid}/topics/{topic['id']}/status",
            json={"status": "decided"},
            headers=staff,
        ).status_code
        == 422
    ), "decided only through a decision"
    for target, expected in (("in_discussion", 200), ("in_discussion", 409), ("open", 200), ("closed", 200)):
        moved = roster_client.post(
            f"/v1/deliberation-groups/{gid}/topics/{topic['id']}/status",
            json={"status": target},
            headers=staff,
        )
        assert moved.status_code == expected, (target, moved.text)
    assert meeting(topic_ids=[topic["id"]]).status_code == 409, "a closed topic is not discussed again"

    # a decision taken outside a meeting, and one dated differently from its meeting
    second = roster_client.post(
        f"/v1/deliberation-groups/{gid}/topics",
        json={"title": "垃圾箱房异味", "raised_by": "周女士", "raised_on": "2025-06-01"},
        headers=staff,
    ).json()
    held = meeting().json()
    mismatched = roster_client.post(
        f"/v1/deliberation-groups/{gid}/topics/{second['id']}/decisions",
        json={"text": "每日冲洗", "decided_on": "2025-06-11", "meeting_id": held["id"]},
        headers=staff,
    )
    assert mismatched.status_code == 422
    too_early = roster_client.post(
        f"/v1/deliberation-groups/{gid}/topics/{second['id']}/decisions",
        json={"text": "每日冲洗", "decided_on": "2025-05-01"},
        headers=staff,
    )
    assert too_early.status_code == 422
    outside = roster_client.post(
        f"/v1/deliberation-groups/{gid}/topics/{second['id']}/decisions",
        json={"text": "每日冲洗", "decided_on": "2025-06-12"},
        headers=staff,
    )
    assert (outside.status_code, outside.json()["meeting_id"]) == (201, None)
    at_meeting = roster_client.post(
        f"/v1/deliberation-groups/{gid}/topics/{second['id']}/decisions",
        json={"text": "加装除臭设备", "decided_on": "2025-06-10", "meeting_id": held["id"]},
        headers=staff,
    )
    assert at_meeting.status_code == 201
    assert roster_client.get(f"/v1/deliberation-groups/{gid}/meetings/{held['id']}", headers=staff).json()[
        "topic_ids"
    ] == [second["id"]], "a decision at a meeting records the topic as discussed there"
    early_due = roster_client.post(
        f"/v1/deliberation-groups/{gid}/decisions/{outside.json()['id']}/actions",
        json={"description": "排班", "owner_volunteer_id": member, "due_on": "2025-06-01"},
        headers=staff,
    )
    assert early_due.status_code == 422, "due before the decision"


def test_membership_rules(roster_client, login, sync_directory):
    sync_directory()
    staff = login("staff")
    volunteer = register(roster_client, staff, "新人", joined_on="2025-05-01")
    gid = roster_client.post("/v1/deliberation-groups", json={"name": "小组"}, headers=staff).json()["id"]
    add = f"/v1/deliberation-groups/{gid}/members"
    assert (
        roster_client.post(
            add, json={"volunteer_id": volunteer, "joined_on": "2025-04-01"}, headers=staff
        ).status_code
        == 422
    ), "not before joining the roster"
    assert (
        roster_client.post(
            add, json={"volunteer_id": volunteer, "joined_on": "2025-05-02"}, headers=staff
        ).status_code
        == 201
    )
    assert (
        roster_client.post(
            add, json={"volunteer_id": volunteer, "joined_on": "2025-05-03"}, headers=staff
        ).status_code
        == 409
    )
    leave = f"/v1/deliberation-groups/{gid}/members/{volunteer}/leave"
    assert roster_client.post(leave, json={"left_on": "2025-05-01"}, headers=staff).status_code == 422
    assert roster_client.post(leave, json={"left_on": "2025-05-10"}, headers=staff).status_code == 200
    assert roster_client.post(leave, json={"left_on": "2025-05-11"}, headers=staff).status_code == 404

    exited = register(roster_client, staff, "已退出")
    roster_client.post(
        f"/v1/volunteers/{exited}/exit", json={"kind": "voluntary", "reason": "个人原因"}, headers=staff
    )
    assert (
        roster_client.post(
            add, json={"volunteer_id": exited, "joined_on": "2025-05-02"}, headers=staff
        ).status_code
        == 404
    )

    assert (
        roster_client.post("/v1/deliberation-groups", json={"name": "小组"}, headers=staff).status_code == 409
    )
    other = roster_client.post("/v1/deliberation-groups", json={"name": "另一组"}, headers=staff).json()
    assert (
        roster_client.patch(
            f"/v1/deliberation-groups/{other['id']}", json={"name": "小组"}, headers=staff
        ).status_code
        == 409
    )
    assert [g["name"] for g in roster_client.get("/v1/deliberation-groups", headers=staff).json()] == [
        "另一组",
        "小组",
    ]


def test_overdue_is_measured_on_the_given_day(roster_client, login, sync_directory):
    sync_directory()
    staff = login("staff")
    owner = register(roster_client, staff, "负责人")
    gid = roster_client.post("/v1/deliberation-groups", json={"name": "议事组"}, headers=staff).json()["id"]
    topic = roster_client.post(
        f"/v1/deliberation-groups/{gid}/topics",
        json={"title": "路灯不亮", "raised_by": "吴先生", "raised_on": "2025-01-02"},
        headers=staff,
    ).json()
    decision = roster_client.post(
        f"/v1/deliberation-groups/{gid}/topics/{topic['id']}/decisions",
        json={"text": "报修", "decided_on": "2025-01-05"},
        headers=staff,
    ).json()
    action = roster_client.post(
        f"/v1/deliberation-groups/{gid}/decisions/{decision['id']}/actions",
        json={"description": "联系街道报修", "owner_volunteer_id": owner, "due_on": "2025-01-20"},
        headers=staff,
    ).json()
    url = "/v1/deliberation-actions?overdue=true&as_of="
    assert roster_client.get(url + "2025-01-20", headers=staff).json() == [], "due today is not overdue"
    assert [a["id"] for a in roster_client.get(url + "2025-01-21", headers=staff).json()] == [action["id"]]
    assert [
        a["id"] for a in roster_client.get("/v1/deliberation-actions?overdue=true", headers=staff).json()
    ] == [action["id"]], "by default measured on today in Shanghai"
    assert today_in_shanghai() >= date(2025, 1, 21)
