"""The nightly score task: every active volunteer of one committee, stored with each component's value, the
inputs and the weights used and the day it is as of; running it again changes nothing, an older day's run
never replaces a newer score, and other committees are left alone."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from linli_evaluation.scores.models import VolunteerScore
from linli_evaluation.scores.tasks import recompute_scores
from linli_shared.tenancy import Role, TenantContext

TODAY = date(2026, 11, 25)


def comparable(row) -> dict:
    return {
        column: getattr(row, column)
        for column in (
            "volunteer_id",
            "tenant_path",
            "computed_on",
            "window_start",
            "score",
            "hours",
            "satisfaction",
            "reliability",
            "training",
            "audits",
            "components",
            "policy",
        )
    }


def test_every_active_volunteer_is_scored_with_what_it_was_computed_from(
    evaluation_database, committee, register, record, signup, deliver, stored_scores
):
    worker, newcomer, gone = (register(committee.tenant, name) for name in ("张阿姨", "李叔", "王伯"))
    record(committee.tenant, worker, hours=20.0, on=date(2026, 7, 1))
    signup(committee.tenant, worker, "confirmed", on=date(2026, 7, 1))
    deliver(
        "linli.roster.volunteer.exited.v1",
        "roster.volunteers",
        committee.tenant,
        gone,
        {"volunteer_id": str(gone)},
    )
    assert recompute_scores(evaluation_database, committee.id, committee.path, TODAY) == 2
    rows = stored_scores(committee)
    assert set(rows) == {worker, newcomer}
    row = rows[worker]
    assert (row.computed_on, row.window_start, row.tenant_path) == (TODAY, date(2025, 11, 26), committee.path)
    assert (row.hours, row.satisfaction, row.reliability, row.training, row.audits) == (
        Decimal("50.00"),
        Decimal("75.00"),
        Decimal("100.00"),
        Decimal("0.00"),
        Decimal("100.00"),
    )
    assert row.score == Decimal("17.50") + Decimal("18.75") + Decimal("20.00") + Decimal("10.00")
    assert row.components["hours"] == {
        "value": "50.00",
        "weight": "0.350",
        "contribution": "17.50",
        "inputs": {"verified_hours": 20.0, "target_hours": 40.0},
    }
    assert row.components["reliability"]["inputs"] == {"signups": 1, "no_shows": 0, "late_cancellations": 0}
    assert row.policy == {
        "weights": {
            "hours": "0.350",
            "satisfaction": "0.250",
            "reliability": "0.200",
            "training": "0.100",
            "audits": "0.100",
        },
        "window_months": 12,
        "target_hours": "40",
        "source_path": None,
    }
    assert sum(Decimal(part["contribution"]) for part in row.components.values()) == row.score


def test_running_it_again_changes_nothing(evaluation_database, committee, register, record, stored_scores):
    volunteer = register(committee.tenant, "张阿姨")
    record(committee.tenant, volunteer, hours=6.0, on=date(2026, 7, 1))
    recompute_scores(evaluation_database, committee.id, committee.path, TODAY)
    first = {key: comparable(row) for key, row in stored_scores(committee).items()}
    assert recompute_scores(evaluation_database, committee.id, committee.path, TODAY) == 1
    assert {key: comparable(row) for key, row in stored_scores(committee).items()} == first


def test_a_later_day_moves_the_window_and_an_older_run_never_replaces_it(
    evaluation_database, committee, register, record, stored_scores
):
    volunteer = register(committee.tenant, "张阿姨")
    record(committee.tenant, volunteer, hours=20.0, on=date(2025, 12, 1))
    recompute_scores(evaluation_database, committee.id, committee.path, TODAY)
    assert stored_scores(committee)[volunteer].hours == Decimal("50.00")
    later = date(2026, 12, 2)  # the record has left the window
    recompute_scores(evaluation_database, committee.id, committee.path, later)
    row = stored_scores(committee)[volunteer]
    assert (row.computed_on, row.hours) == (later, Decimal("0.00"))
    recompute_scores(evaluation_database, committee.id, committee.path, TODAY)  # a late retry of the old day
    assert stored_scores(committee)[volunteer].computed_on == later


def test_the_weights_in_force_are_used_and_kept(
    evaluation_database, evaluation_client, world, committee, register, record, login, stored_scores
):
    volunteer = register(committee.tenant, "张阿姨")
    record(committee.tenant, volunteer, hours=20.0, on=date(2026, 7, 1))
    weights = {"hours": 0.5, "satisfaction": 0.5, "reliability": 0, "training": 0, "audits": 0}
    response = evaluation_client.put(
        "/v1/score-weights", headers=login("town_admin"), json={"weights": weights, "window_months": 6}
    )
    assert response.status_code == 200, response.text
    recompute_scores(evaluation_database, committee.id, committee.path, TODAY)
    row = stored_scores(committee)[volunteer]
    assert row.window_start == date(2026, 5, 26)
    assert row.score == Decimal("25.00") + Decimal("37.50")
    assert row.policy["source_path"] == world.town.path
    assert row.components["reliability"]["weight"] == "0.000"


def test_other_committees_are_left_alone(evaluation_database, world, committee, register):
    register(committee.tenant, "张阿姨")
    register(world.sibling, "邻居")
    assert recompute_scores(evaluation_database, committee.id, committee.path, TODAY) == 1
    town = TenantContext(
        tenant_id=world.town.id, tenant_path=world.town.path, role=Role.SERVICE, subject="test"
    )
    with evaluation_database.transaction(town) as session:
        scored = session.scalars(select(VolunteerScore.tenant_id)).all()
    assert scored == [committee.id]
