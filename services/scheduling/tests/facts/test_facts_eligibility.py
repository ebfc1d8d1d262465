"""The requirement rules on their own: a qualification valid on the day (granted, not expired, not
revoked), a role whose term covers the day, the exact tier, an active volunteer."""

import uuid
from dataclasses import dataclass
from datetime import date

import pytest

from linli_scheduling.facts.eligibility import Holdings
from linli_scheduling.facts.models import QualificationFact, RoleFact, VolunteerFact

pytestmark = pytest.mark.unit
DAY = date(2026, 12, 2)


@dataclass
class Needs:
    local_date: date = DAY
    required_qualification: str | None = None
    required_role: str | None = None
    required_tier: str | None = None


def holdings(tier="volunteer", status="active", qualifications=(), roles=()):
    volunteer = VolunteerFact(
        tenant_id=uuid.uuid4(), volunteer_id=uuid.uuid4(), name="王阿姨", tier=tier, status=status
    )
    return Holdings(
        volunteer,
        [
            QualificationFact(name=name, granted_on=granted, expires_on=expires, revoked=revoked)
            for name, granted, expires, revoked in qualifications
        ],
        [RoleFact(role=role, starts_on=starts, ends_on=ends) for role, starts, ends in roles],
    )


def test_no_requirements_only_need_an_active_volunteer():
    assert holdings().unmet(Needs()) == []
    assert holdings(status="exited").unmet(Needs()) == ["volunteer-not-active"]


@pytest.mark.parametrize(
    ("granted", "expires", "revoked", "met"),
    [
        (date(2025, 1, 1), None, False, True),
        (DAY, DAY, False, True),
        (date(2025, 1, 1), date(2026, 12, 1), False, False),
        (date(2026, 12, 3), None, False, False),
        (date(2025, 1, 1), None, True, False),
    ],
)
def test_a_qualification_counts_on_the_days_it_is_valid(granted, expires, revoked, met):
    held = holdings(qualifications=[("应急救护", granted, expires, revoked)])
    assert held.unmet(Needs(required_qualification="应急救护")) == (
        [] if met else ["qualification-required:应急救护"]
    )


def test_any_valid_grant_counts_when_a_renewal_left_history():
    held = holdings(
        qualifications=[
            ("应急救护", date(2023, 1, 1), date(2024, 12, 31), False),
            ("应急救护", date(2025, 1, 1), date(2026, 12, 31), False),
        ]
    )
    assert held.unmet(Needs(required_qualification="应急救护")) == []
    assert held.unmet(Needs(local_date=date(2027, 1, 1), required_qualification="应急救护")) != []


@pytest.mark.parametrize(
    ("starts", "ends", "met"),
    [
        (date(2025, 1, 1), None, True),
        (DAY, DAY, True),
        (date(2025, 1, 1), date(2026, 12, 1), False),
        (date(2026, 12, 3), None, False),
    ],
)
def test_a_role_counts_within_its_term(starts, ends, met):
    held = holdings(roles=[("building_leader", starts, ends), ("mediator", date(2020, 1, 1), None)])
    assert held.unmet(Needs(required_role="building_leader")) == (
        [] if met else ["role-required:building_leader"]
    )


def test_the_tier_must_match_exactly():
    assert holdings(tier="backbone").unmet(Needs(required_tier="backbone")) == []
    assert holdings(tier="reserve").unmet(Needs(required_tier="backbone")) == ["tier-required:backbone"]
