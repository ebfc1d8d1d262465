"""Whether a volunteer meets a shift's requirements on the shift's own day (Asia/Shanghai), judged against
the roster facts: a qualification that has expired by then, or a role whose term has not begun, does not
count, whatever holds today.

Unmet requirements are reported as stable codes (`qualification-required:应急救护`): a client shows them in
its language, the requirement's own name (usually Chinese) travels as it is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from linli_scheduling.facts.models import QualificationFact, RoleFact, VolunteerFact

ACTIVE = "active"
VOLUNTEER_NOT_ACTIVE = "volunteer-not-active"
QUALIFICATION_REQUIRED = "qualification-required"
ROLE_REQUIRED = "role-required"
TIER_REQUIRED = "tier-required"


class Requirements(Protocol):
    """What a shift asks of its volunteers (a `Shift` row satisfies it)."""

    @property
    def local_date(self) -> date: ...
    @property
    def required_qualification(self) -> str | None: ...
    @property
    def required_role(self) -> str | None: ...
    @property
    def required_tier(self) -> str | None: ...


@dataclass(frozen=True)
class Holdings:
    """One volunteer's qualification grants and role terms, loaded once and checked against any number of
    shifts (the open-shift list checks dozens)."""

    volunteer: VolunteerFact
    qualifications: Sequence[QualificationFact]
    roles: Sequence[RoleFact]

    def holds_qualification(self, name: str, day: date) -> bool:
        return any(
            grant.name == name
            and not grant.revoked
            and grant.granted_on <= day
            and (grant.expires_on is None or day <= grant.expires_on)
            for grant in self.qualifications
        )

    def holds_role(self, role: str, day: date) -> bool:
        return any(
            term.role == role and term.starts_on <= day and (term.ends_on is None or day <= term.ends_on)
            for term in self.roles
        )

    def unmet(self, shift: Requirements) -> list[str]:
        day = shift.local_date
        unmet = []
        if self.volunteer.status != ACTIVE:
            unmet.append(VOLUNTEER_NOT_ACTIVE)
        if shift.required_qualification and not self.holds_qualification(shift.required_qualification, day):
            unmet.append(f"{QUALIFICATION_REQUIRED}:{shift.required_qualification}")
        if shift.required_role and not self.holds_role(shift.required_role, day):
            unmet.append(f"{ROLE_REQUIRED}:{shift.required_role}")
        if shift.required_tier and self.volunteer.tier != shift.required_tier:
            unmet.append(f"{TIER_REQUIRED}:{shift.required_tier}")
        return unmet


def holdings_of(session: Session, volunteer: VolunteerFact) -> Holdings:
    qualifications = session.scalars(
        select(QualificationFact).where(
            QualificationFact.tenant_id == volunteer.tenant_id,
            QualificationFact.volunteer_id == volunteer.volunteer_id,
        )
    ).all()
    roles = session.scalars(
        select(RoleFact).where(
            RoleFact.tenant_id == volunteer.tenant_id, RoleFact.volunteer_id == volunteer.volunteer_id
        )
    ).all()
    return Holdings(volunteer=volunteer, qualifications=qualifications, roles=roles)


def unmet_requirements(session: Session, shift: Requirements, volunteer_fact: VolunteerFact) -> list[str]:
    """The requirements of `shift` that `volunteer_fact` does not meet on the shift's day; empty: eligible."""
    return holdings_of(session, volunteer_fact).unmet(shift)
