"""The service starts, migrates and answers its health checks; its app role is unprivileged."""

from linli_shared.testing import assert_unprivileged_app_role


def test_health_and_readiness(scheduling_client):
    assert scheduling_client.get("/healthz").status_code == 200
    assert scheduling_client.get("/readyz").status_code == 200


def test_app_role_cannot_bypass_row_level_security(scheduling_database, scheduling_urls):
    assert_unprivileged_app_role(
        scheduling_database, scheduling_urls, ("shifts", "signups", "service_records", "hour_policies")
    )


def test_a_planned_shift_is_visible_only_inside_its_committee(committee, plan, scheduling_database, world):
    from datetime import UTC, datetime

    from sqlalchemy import select

    from linli_scheduling.activities.models import Shift
    from linli_shared.tenancy import Role, TenantContext

    shift_id = plan(world.committee, datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
    sibling = TenantContext(
        tenant_id=world.sibling.id, tenant_path=world.sibling.path, role=Role.SERVICE, subject="test"
    )
    with scheduling_database.transaction(committee.context) as session:
        assert session.get(Shift, (world.committee.id, shift_id)) is not None
    with scheduling_database.transaction(sibling) as session:
        assert session.scalars(select(Shift).where(Shift.id == shift_id)).first() is None
