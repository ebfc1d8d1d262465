"""Scheduling's sign-up events and the roster's qualification events become the score's projections: a
sign-up remembers whether it held a place and how it ended, a grant whether it is live; end states are not
undone by events handled after them, and a re-delivered event changes nothing."""

import uuid
from datetime import date

from sqlalchemy import select

from linli_evaluation.scores.models import QualificationFact, SignupFact
from linli_shared.testing import assert_unprivileged_app_role


def signup_row(database, committee, signup_id) -> SignupFact | None:
    with database.transaction(committee.context) as session:
        return session.get(SignupFact, (committee.id, signup_id))


def grants_of(database, committee, volunteer_id) -> dict[uuid.UUID, str]:
    with database.transaction(committee.context) as session:
        rows = session.scalars(
            select(QualificationFact).where(
                QualificationFact.tenant_id == committee.id, QualificationFact.volunteer_id == volunteer_id
            )
        )
        return {row.qualification_id: row.status for row in rows}


def test_a_kept_sign_up_a_no_show_and_cancellations(committee, register, signup, evaluation_database):
    volunteer = register(committee.tenant, "张阿姨")
    kept = signup(committee.tenant, volunteer, "confirmed", on=date(2026, 10, 10))
    missed = signup(committee.tenant, volunteer, "confirmed", "no_show")
    late = signup(committee.tenant, volunteer, "confirmed", "cancelled", late=True)
    in_time = signup(committee.tenant, volunteer, "confirmed", "cancelled")
    left_queue = signup(committee.tenant, volunteer, "cancelled")  # waitlisted, never held a place

    def state(signup_id):
        row = signup_row(evaluation_database, committee, signup_id)
        return (row.status, row.held_place, row.late_cancellation)

    assert state(kept) == ("confirmed", True, False)
    assert state(missed) == ("no_show", True, False)
    assert state(late) == ("cancelled", True, True)
    assert state(in_time) == ("cancelled", True, False)
    assert state(left_queue) == ("cancelled", False, False)
    row = signup_row(evaluation_database, committee, kept)
    assert row.volunteer_id == volunteer
    assert row.tenant_path == committee.path
    assert row.starts_at.isoformat() == "2026-10-10T01:00:00+00:00"  # 09:00 in Shanghai


def test_an_end_state_is_not_undone_and_redelivery_changes_nothing(
    committee, register, signup, deliver, evaluation_database
):
    volunteer = register(committee.tenant, "张阿姨")
    missed = signup(committee.tenant, volunteer, "confirmed", "no_show")
    # the confirmation again (another delivery of the same fact): the no-show stands
    signup(committee.tenant, volunteer, "confirmed", signup_id=missed)
    row = signup_row(evaluation_database, committee, missed)
    assert (row.status, row.held_place) == ("no_show", True)
    late = signup(committee.tenant, volunteer, "confirmed", "cancelled", late=True)
    signup(committee.tenant, volunteer, "confirmed", signup_id=late)
    row = signup_row(evaluation_database, committee, late)
    assert (row.status, row.held_place, row.late_cancellation) == ("cancelled", True, True)


def test_the_same_event_delivered_twice_is_handled_once(committee, register, deliver, evaluation_database):
    volunteer = register(committee.tenant, "张阿姨")
    qualification_id, event_id = uuid.uuid4(), uuid.uuid4()
    data = {
        "volunteer_id": str(volunteer),
        "qualification_id": str(qualification_id),
        "name": "应急救护",
        "granted_on": "2026-03-01",
        "expires_on": None,
        "course_id": str(uuid.uuid4()),  # a field the score does not read: ignored
    }
    for _ in range(2):
        deliver(
            "linli.roster.qualification.granted.v1",
            "roster.training",
            committee.tenant,
            volunteer,
            data,
            event_id=event_id,
        )
    assert grants_of(evaluation_database, committee, volunteer) == {qualification_id: "active"}


def test_a_renewal_supersedes_the_earlier_grant(committee, register, qualification, evaluation_database):
    volunteer = register(committee.tenant, "张阿姨")
    first = qualification(committee.tenant, volunteer, "应急救护", granted_on=date(2025, 3, 1))
    other = qualification(committee.tenant, volunteer, "消防安全", granted_on=date(2025, 4, 1))
    renewal = qualification(committee.tenant, volunteer, "应急救护", granted_on=date(2026, 3, 1))
    assert grants_of(evaluation_database, committee, volunteer) == {
        first: "superseded",
        other: "active",
        renewal: "active",
    }


def test_expiry_and_revocation_end_a_live_grant_only(committee, register, qualification, evaluation_database):
    volunteer = register(committee.tenant, "张阿姨")
    expired = qualification(committee.tenant, volunteer, "应急救护", expires_on=date(2026, 9, 1))
    qualification(
        committee.tenant,
        volunteer,
        "应急救护",
        expires_on=date(2026, 9, 1),
        event="expired",
        qualification_id=expired,
    )
    revoked = qualification(committee.tenant, volunteer, "消防安全")
    qualification(committee.tenant, volunteer, "消防安全", event="revoked", qualification_id=revoked)
    # a late expiry of a revoked grant does not turn the revocation into an expiry
    qualification(committee.tenant, volunteer, "消防安全", event="expired", qualification_id=revoked)
    # a grant handled after its own expiry does not bring it back
    qualification(
        committee.tenant, volunteer, "应急救护", expires_on=date(2026, 9, 1), qualification_id=expired
    )
    # an end state of a grant this service never saw is kept as such
    unseen = qualification(committee.tenant, volunteer, "垃圾分类", event="revoked")
    assert grants_of(evaluation_database, committee, volunteer) == {
        expired: "expired",
        revoked: "revoked",
        unseen: "revoked",
    }


def test_events_of_another_committee_stay_there(world, committee, register, signup, evaluation_database):
    volunteer = register(committee.tenant, "张阿姨")
    signup_id = signup(world.sibling, volunteer, "confirmed")
    with evaluation_database.transaction(committee.context) as session:
        assert session.scalars(select(SignupFact).where(SignupFact.signup_id == signup_id)).all() == []


def test_the_scores_tables_force_row_level_security(evaluation_database, evaluation_urls):
    assert_unprivileged_app_role(
        evaluation_database,
        evaluation_urls,
        ("score_policies", "signup_facts", "qualification_facts", "volunteer_scores"),
    )
