"""Each component counted from the facts on the database: what falls in the window (the 12 months ending on
the day), what is left out (unverified or voided records, a waitlist left, a shift called off, a lapsed or
revoked qualification, an open audit), and the values at the edges."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import update

from linli_evaluation.facts.models import RecordFact
from linli_evaluation.scores.service import score_volunteers

TODAY = date(2026, 11, 25)
WINDOW_START = date(2025, 11, 26)


def score_of(database, committee, volunteer_id, day=TODAY):
    with database.transaction(committee.context) as session:
        score, _, _ = score_volunteers(session, committee.id, committee.path, [volunteer_id], day)[
            volunteer_id
        ]
        return score


def void(database, committee, record_id) -> None:
    with database.transaction(committee.context) as session:
        session.execute(
            update(RecordFact)
            .where(RecordFact.tenant_id == committee.id, RecordFact.record_id == record_id)
            .values(voided=True)
        )


def test_nobody_has_done_anything_yet(committee, register, evaluation_database):
    volunteer = register(committee.tenant, "新来的")
    score = score_of(evaluation_database, committee, volunteer)
    values = {part.component: part.value for part in score.parts}
    assert values == {
        "hours": Decimal("0.00"),
        "satisfaction": Decimal("75.00"),
        "reliability": Decimal("100.00"),
        "training": Decimal("0.00"),
        "audits": Decimal("100.00"),
    }
    assert score.total == Decimal("48.75")
    assert score.part("satisfaction").inputs["average"] is None


def test_hours_count_verified_standing_records_in_the_window(
    committee, register, record, evaluation_database
):
    volunteer, other = register(committee.tenant, "张阿姨"), register(committee.tenant, "李叔")
    record(committee.tenant, volunteer, hours=6.0, on=WINDOW_START)
    record(committee.tenant, volunteer, hours=4.0, on=TODAY)
    record(committee.tenant, volunteer, hours=3.0, on=date(2026, 6, 1), late_entry=True)  # unverified
    voided = record(committee.tenant, volunteer, hours=5.0, on=date(2026, 6, 2))
    void(evaluation_database, committee, voided)
    record(committee.tenant, volunteer, hours=7.0, on=date(2025, 11, 25))  # the day before the window
    record(committee.tenant, other, hours=9.0, on=date(2026, 6, 3))
    hours = score_of(evaluation_database, committee, volunteer).part("hours")
    assert hours.inputs == {"verified_hours": 10.0, "target_hours": 40.0}
    assert hours.value == Decimal("25.00")
    assert hours.contribution == Decimal("8.75")


def test_hours_beyond_the_target_are_capped(committee, register, record, evaluation_database):
    volunteer = register(committee.tenant, "张阿姨")
    for month in range(1, 11):
        record(committee.tenant, volunteer, hours=8.0, on=date(2026, month, 5))
    hours = score_of(evaluation_database, committee, volunteer).part("hours")
    assert (hours.inputs["verified_hours"], hours.value) == (80.0, Decimal("100.00"))


def test_satisfaction_from_ratings_of_standing_records_in_the_window(
    committee, register, record, rate, evaluation_database
):
    volunteer, other = register(committee.tenant, "张阿姨"), register(committee.tenant, "李叔")
    for stars in (5, 5, 4):
        rate(committee, record(committee.tenant, volunteer, on=date(2026, 9, 1)), volunteer, stars)
    voided = record(committee.tenant, volunteer, on=date(2026, 9, 2))
    rate(committee, voided, volunteer, 1)
    void(evaluation_database, committee, voided)
    rate(committee, record(committee.tenant, volunteer, on=date(2025, 1, 2)), volunteer, 1)  # too old
    rate(committee, record(committee.tenant, other, on=date(2026, 9, 3)), other, 1)
    satisfaction = score_of(evaluation_database, committee, volunteer).part("satisfaction")
    assert satisfaction.inputs == {
        "ratings": 3,
        "average": 4.67,
        "prior_mean": 4.0,
        "prior_weight": 5,
        "adjusted_average": 4.25,  # (5 × 4.0 + 14) / 8
    }
    assert satisfaction.value == Decimal("81.25")


def test_one_bad_rating_does_not_decide_satisfaction(committee, register, record, rate, evaluation_database):
    volunteer = register(committee.tenant, "张阿姨")
    rate(committee, record(committee.tenant, volunteer, on=date(2026, 9, 1)), volunteer, 1)
    assert score_of(evaluation_database, committee, volunteer).part("satisfaction").value == Decimal("62.50")


def test_reliability_from_kept_missed_and_late_given_up_places(
    committee, register, signup, evaluation_database
):
    volunteer = register(committee.tenant, "张阿姨")
    for day in (date(2026, 1, 10), date(2026, 2, 10), date(2026, 3, 10), WINDOW_START):
        signup(committee.tenant, volunteer, "confirmed", on=day)
    signup(committee.tenant, volunteer, "confirmed", "no_show", on=date(2026, 4, 10))
    signup(committee.tenant, volunteer, "confirmed", "cancelled", on=date(2026, 5, 10), late=True)
    # neither kept nor broken: given up in good time, a waitlist left, a shift called off
    signup(committee.tenant, volunteer, "confirmed", "cancelled", on=date(2026, 6, 10))
    signup(committee.tenant, volunteer, "cancelled", on=date(2026, 6, 11))
    # outside the window: before it, and a shift still to come
    signup(committee.tenant, volunteer, "confirmed", "no_show", on=date(2025, 11, 25))
    signup(committee.tenant, volunteer, "confirmed", on=date(2026, 11, 26))
    reliability = score_of(evaluation_database, committee, volunteer).part("reliability")
    assert reliability.inputs == {"signups": 6, "no_shows": 1, "late_cancellations": 1}
    assert reliability.value == Decimal("75.00")  # 100 × (1 − 1.5 / 6)


def test_reliability_when_every_place_was_missed(committee, register, signup, evaluation_database):
    volunteer = register(committee.tenant, "张阿姨")
    for month in (3, 4):
        signup(committee.tenant, volunteer, "confirmed", "no_show", on=date(2026, month, 1))
    assert score_of(evaluation_database, committee, volunteer).part("reliability").value == Decimal("0.00")


def test_training_from_valid_qualifications_and_courses_passed_in_the_window(
    committee, register, qualification, evaluation_database
):
    volunteer = register(committee.tenant, "张阿姨")
    # an old grant renewed in the window: the renewal is valid and a completion
    qualification(committee.tenant, volunteer, "应急救护", granted_on=date(2024, 5, 1))
    qualification(
        committee.tenant, volunteer, "应急救护", granted_on=date(2026, 5, 1), expires_on=TODAY
    )  # valid through its last day
    # its expiry is due but the roster's sweep has not run: not valid, still a completion
    qualification(
        committee.tenant, volunteer, "消防安全", granted_on=date(2026, 1, 1), expires_on=date(2026, 11, 24)
    )
    revoked = qualification(committee.tenant, volunteer, "垃圾分类", granted_on=date(2026, 2, 1))
    qualification(
        committee.tenant,
        volunteer,
        "垃圾分类",
        granted_on=date(2026, 2, 1),
        event="revoked",
        qualification_id=revoked,
    )
    training = score_of(evaluation_database, committee, volunteer).part("training")
    assert training.inputs == {
        "valid_qualifications": 1,
        "qualification_names": ["应急救护"],
        "completions": 2,
    }
    assert training.value == Decimal("100.00")  # 60 + 2 × 20


def test_training_held_from_before_the_window(committee, register, qualification, evaluation_database):
    volunteer = register(committee.tenant, "张阿姨")
    qualification(committee.tenant, volunteer, "应急救护", granted_on=date(2024, 5, 1))
    training = score_of(evaluation_database, committee, volunteer).part("training")
    assert (training.inputs["completions"], training.value) == (0, Decimal("60.00"))


def test_audits_from_decided_spot_checks_in_the_window(
    committee, register, record, audit, evaluation_database
):
    volunteer = register(committee.tenant, "张阿姨")
    for outcome in ("confirmed", "confirmed", "confirmed", "adjusted", "rejected", "open"):
        audit(committee, record(committee.tenant, volunteer), volunteer, outcome)
    old = datetime(2025, 11, 25, 15, 59, tzinfo=UTC)  # 23:59 on the day before the window, in Shanghai
    audit(committee, record(committee.tenant, volunteer), volunteer, "rejected", decided_at=old)
    audits = score_of(evaluation_database, committee, volunteer).part("audits")
    assert audits.inputs == {"confirmed": 3, "adjusted": 1, "rejected": 1}
    assert audits.value == Decimal("50.00")  # 3 / (3 + 1 + 2)


def test_only_rejections(committee, register, record, audit, evaluation_database):
    volunteer = register(committee.tenant, "张阿姨")
    audit(committee, record(committee.tenant, volunteer), volunteer, "rejected")
    assert score_of(evaluation_database, committee, volunteer).part("audits").value == Decimal("0.00")
