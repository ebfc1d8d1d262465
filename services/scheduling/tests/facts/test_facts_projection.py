"""The roster facts kept from roster events, through the real consumer runner (inbox included):
snapshots, tier changes, exits, roles with terms, qualifications with revocation, courses, areas."""

import json
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select

from linli_scheduling.database import messaging
from linli_scheduling.events.consumers import HANDLERS
from linli_scheduling.facts.models import AreaFact, CourseFact, QualificationFact, RoleFact, VolunteerFact
from linli_shared.events.consumer import ConsumerRunner
from linli_shared.tenancy import Role, TenantContext

VOLUNTEERS, TRAINING, AREAS = "roster.volunteers", "roster.training", "roster.areas"


def fact(scheduling_database, committee, model, *key):
    with scheduling_database.transaction(committee.context) as session:
        row = session.get(model, (committee.id, *key))
        if row is not None:
            session.expunge(row)
        return row


def snapshot(volunteer_id, name="李叔", tier="volunteer", status="active", user_id=None):
    return {
        "volunteer_id": str(volunteer_id),
        "name": name,
        "tier": tier,
        "status": status,
        "party_member": True,
        "building_id": None,
        "joined_on": "2024-01-01",
        "user_id": str(user_id) if user_id else None,
    }


def role(volunteer_id, role_id, ends_on=None):
    return {
        "volunteer_id": str(volunteer_id),
        "role_id": str(role_id),
        "role": "building_leader",
        "area_id": None,
        "starts_on": "2025-01-01",
        "ends_on": ends_on,
    }


def grant(volunteer_id, qualification_id, expires_on="2026-12-31"):
    return {
        "volunteer_id": str(volunteer_id),
        "qualification_id": str(qualification_id),
        "name": "应急救护",
        "granted_on": "2025-01-01",
        "expires_on": expires_on,
    }


def test_a_volunteer_is_registered_updated_promoted_exited_and_rejoined(
    committee, roster_event, scheduling_database
):
    volunteer, user = uuid.uuid4(), uuid.uuid4()
    event = "linli.roster.volunteer.{}.v1".format
    roster_event(event("registered"), VOLUNTEERS, committee.tenant, volunteer, snapshot(volunteer))
    kept = fact(scheduling_database, committee, VolunteerFact, volunteer)
    assert (kept.name, kept.tier, kept.status, kept.user_id, kept.tenant_path) == (
        "李叔",
        "volunteer",
        "active",
        None,
        committee.path,
    )

    roster_event(
        event("updated"), VOLUNTEERS, committee.tenant, volunteer, snapshot(volunteer, "李大叔", user_id=user)
    )
    roster_event(
        event("tier_changed"),
        VOLUNTEERS,
        committee.tenant,
        volunteer,
        {"volunteer_id": str(volunteer), "tier": "backbone", "previous_tier": "volunteer", "reason": "骨干"},
    )
    kept = fact(scheduling_database, committee, VolunteerFact, volunteer)
    assert (kept.name, kept.tier, kept.user_id) == ("李大叔", "backbone", user)

    roster_event(
        event("exited"),
        VOLUNTEERS,
        committee.tenant,
        volunteer,
        {"volunteer_id": str(volunteer), "kind": "voluntary", "reason": "搬家"},
    )
    assert fact(scheduling_database, committee, VolunteerFact, volunteer).status == "exited"

    roster_event(
        event("rejoined"), VOLUNTEERS, committee.tenant, volunteer, snapshot(volunteer, "李大叔", "backbone")
    )
    kept = fact(scheduling_database, committee, VolunteerFact, volunteer)
    assert (kept.status, kept.tier) == ("active", "backbone")


def test_a_change_for_a_volunteer_never_registered_changes_nothing(
    committee, roster_event, scheduling_database
):
    stranger = uuid.uuid4()
    roster_event(
        "linli.roster.volunteer.exited.v1",
        VOLUNTEERS,
        committee.tenant,
        stranger,
        {"volunteer_id": str(stranger), "kind": "inactive", "reason": "久未服务"},
    )
    assert fact(scheduling_database, committee, VolunteerFact, stranger) is None


def test_a_role_keeps_its_term_and_a_replayed_assignment_does_not_reopen_it(
    committee, roster_event, register, scheduling_database
):
    volunteer, role_id = register(committee.tenant, "周伯"), uuid.uuid4()
    assigned, ended = "linli.roster.volunteer.role_assigned.v1", "linli.roster.volunteer.role_ended.v1"
    roster_event(assigned, VOLUNTEERS, committee.tenant, volunteer, role(volunteer, role_id))
    kept = fact(scheduling_database, committee, RoleFact, role_id)
    assert (kept.role, kept.starts_on, kept.ends_on) == ("building_leader", date(2025, 1, 1), None)

    roster_event(ended, VOLUNTEERS, committee.tenant, volunteer, role(volunteer, role_id, "2025-12-31"))
    assert fact(scheduling_database, committee, RoleFact, role_id).ends_on == date(2025, 12, 31)

    # the same assignment, published again later (a replay from the dead-letter topic, say)
    roster_event(assigned, VOLUNTEERS, committee.tenant, volunteer, role(volunteer, role_id))
    assert fact(scheduling_database, committee, RoleFact, role_id).ends_on == date(2025, 12, 31)


def test_qualifications_are_granted_confirmed_at_expiry_and_revoked_for_good(
    committee, roster_event, register, scheduling_database
):
    volunteer, first, renewal = register(committee.tenant, "吴姐"), uuid.uuid4(), uuid.uuid4()
    granted = "linli.roster.qualification.granted.v1"
    roster_event(granted, TRAINING, committee.tenant, volunteer, grant(volunteer, first, "2025-12-31"))
    roster_event(
        "linli.roster.qualification.expired.v1",
        TRAINING,
        committee.tenant,
        volunteer,
        grant(volunteer, first, "2025-12-31"),
    )
    kept = fact(scheduling_database, committee, QualificationFact, first)
    assert (kept.name, kept.expires_on, kept.revoked) == ("应急救护", date(2025, 12, 31), False)

    roster_event(granted, TRAINING, committee.tenant, volunteer, grant(volunteer, renewal, None))
    roster_event(
        "linli.roster.qualification.revoked.v1",
        TRAINING,
        committee.tenant,
        volunteer,
        grant(volunteer, renewal),
    )
    assert fact(scheduling_database, committee, QualificationFact, renewal).revoked is True
    roster_event(granted, TRAINING, committee.tenant, volunteer, grant(volunteer, renewal, None))
    assert fact(scheduling_database, committee, QualificationFact, renewal).revoked is True, "stays revoked"
    assert fact(scheduling_database, committee, QualificationFact, first).revoked is False


def test_courses_and_areas_are_kept_and_updated(committee, roster_event, scheduling_database):
    course, grid, building = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    roster_event(
        "linli.roster.course.created.v1",
        TRAINING,
        committee.tenant,
        course,
        {"course_id": str(course), "name": "急救培训", "qualification": "应急救护", "validity_months": 24},
    )
    kept = fact(scheduling_database, committee, CourseFact, course)
    assert (kept.name, kept.qualification) == ("急救培训", "应急救护")

    def area(area_id, parent, kind, name, active=True):
        roster_event(
            "linli.roster.area.changed.v1",
            AREAS,
            committee.tenant,
            area_id,
            {
                "area_id": str(area_id),
                "parent_id": str(parent) if parent else None,
                "kind": kind,
                "name": name,
                "responsible_volunteer_id": None,
                "active": active,
            },
        )

    area(grid, None, "grid", "一网格")
    area(building, grid, "building", "3号楼")
    area(building, grid, "building", "3号楼（东）", active=False)
    kept = fact(scheduling_database, committee, AreaFact, building)
    assert (kept.parent_id, kept.kind, kept.name, kept.active) == (grid, "building", "3号楼（东）", False)
    assert fact(scheduling_database, committee, AreaFact, grid).parent_id is None


def test_a_redelivered_event_is_applied_once_and_facts_stay_inside_their_committee(
    committee, world, scheduling_database
):
    runner = ConsumerRunner("linli-scheduling", scheduling_database, messaging, HANDLERS, None, "unused")
    volunteer = uuid.uuid4()
    event = json.dumps(
        {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": "/linli/roster",
            "type": "linli.roster.volunteer.registered.v1",
            "subject": str(volunteer),
            "time": datetime.now(UTC).isoformat(),
            "datacontenttype": "application/json",
            "tenantid": str(world.committee.id),
            "tenantpath": world.committee.path,
            "data": {**snapshot(volunteer), "a_field_added_later": "ignored"},
        }
    ).encode()
    assert runner.handle(VOLUNTEERS, event, []).handled
    assert runner.handle(VOLUNTEERS, event, []).duplicate
    sibling = TenantContext(
        tenant_id=world.sibling.id, tenant_path=world.sibling.path, role=Role.SERVICE, subject="test"
    )
    with scheduling_database.transaction(sibling) as session:
        assert (
            session.scalars(select(VolunteerFact).where(VolunteerFact.volunteer_id == volunteer)).first()
            is None
        )
    assert fact(scheduling_database, committee, VolunteerFact, volunteer).name == "李叔"
