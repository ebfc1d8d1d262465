"""The `make run` demo evaluation: tallies, ratings, scores, an open audit and nominees in public notice."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from linli_evaluation.audits.models import AuditPlan, AuditTask
from linli_evaluation.feedback.models import Rating
from linli_evaluation.ledger.models import Tally
from linli_evaluation.recognition.models import Nomination
from linli_evaluation.seed import seed_committee
from linli_shared.clock import FixedClock

NOW = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)


def test_the_demo_committee_has_hours_an_open_audit_and_nominees(
    committee, register, record, evaluation_database
):
    volunteers = [register(committee.tenant, name) for name in ("张阿姨", "李叔", "王老师")]
    made = 0
    for month in range(1, 12):
        for volunteer in volunteers:
            record(committee.tenant, volunteer, hours=2.5, on=date(2026, month, 10))
            made += 1
    auditor = committee.id  # any id: the seed deals the open audit's tasks to it
    summary = seed_committee(
        evaluation_database,
        committee.id,
        committee.path,
        made,
        auditor,
        wait_seconds=5,
        clock=FixedClock(NOW),
    )
    assert "nominees" in summary

    with evaluation_database.transaction(committee.context) as session:
        assert session.scalar(select(func.count()).select_from(Tally)) > 0
        assert session.scalar(select(func.count()).select_from(Rating)) > 0
        plans = {plan.period_start: plan for plan in session.scalars(select(AuditPlan))}
        assert plans[date(2026, 10, 1)].status == "drawn"
        assert plans[date(2026, 11, 1)].status == "committed"
        tasks = session.scalars(select(AuditTask)).all()
        assert tasks
        assert {task.auditor_id for task in tasks} == {auditor}
        assert {nomination.status for nomination in session.scalars(select(Nomination))} == {"in_notice"}

    assert (
        seed_committee(
            evaluation_database,
            committee.id,
            committee.path,
            made,
            auditor,
            wait_seconds=5,
            clock=FixedClock(NOW),
        )
        == "already seeded"
    )
