"""The service starts, migrates and answers its health checks; its app role is unprivileged."""

from linli_shared.testing import assert_unprivileged_app_role


def test_health_and_readiness(evaluation_client):
    assert evaluation_client.get("/healthz").status_code == 200
    assert evaluation_client.get("/readyz").status_code == 200


def test_app_role_cannot_bypass_row_level_security(evaluation_database, evaluation_urls):
    assert_unprivileged_app_role(
        evaluation_database, evaluation_urls, ("ledger_entries", "tallies", "record_facts", "star_policies")
    )
