"""Star levels: 1★–5★ from cumulative verified hours (national defaults 100/300/600/1000/1500, 中国社区志愿者
注册管理办法 art. 18), optionally with months of service per level. A change is published as an event."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linli_evaluation.database import messaging
from linli_evaluation.events.types import STAR_LEVEL_CHANGED, StarLevelChangedV1
from linli_evaluation.facts.models import VolunteerFact
from linli_evaluation.ledger.models import Scope, Tally
from linli_evaluation.stars.models import StarLevel, StarPolicy
from linli_shared.tenancy import TenantContext

NATIONAL_THRESHOLDS = tuple(Decimal(hours) for hours in (100, 300, 600, 1000, 1500))
NO_TENURE = (0, 0, 0, 0, 0)


@dataclass(frozen=True)
class StarRules:
    thresholds: tuple[Decimal, ...] = NATIONAL_THRESHOLDS
    tenure_months: tuple[int, ...] = NO_TENURE
    #: the tenant whose policy this is; None: the national defaults
    source_tenant_path: str | None = None

    def stars(self, verified_hours: Decimal, joined_on: date, today: date) -> int:
        months = (
            (today.year - joined_on.year) * 12 + today.month - joined_on.month - (today.day < joined_on.day)
        )
        earned = 0
        for level, (hours, tenure) in enumerate(
            zip(self.thresholds, self.tenure_months, strict=True), start=1
        ):
            if verified_hours >= hours and months >= tenure:
                earned = level
        return earned


def star_rules(session: Session, tenant_path: str) -> StarRules:
    """The nearest policy up the committee's path (its own, its town's, its district's), else national."""
    policy = session.scalars(
        select(StarPolicy)
        .where(StarPolicy.tenant_path.op("@>")(tenant_path))
        .order_by(func.nlevel(StarPolicy.tenant_path).desc())
        .limit(1)
    ).first()
    if policy is None:
        return StarRules()
    return StarRules(tuple(policy.thresholds), tuple(policy.tenure_months), policy.tenant_path)


def refresh_stars(
    session: Session, context: TenantContext, volunteer_ids: Iterable[uuid.UUID], today: date
) -> int:
    """Bring the star levels of these volunteers in line with their lifetime verified hours; publish each
    change. Returns how many changed."""
    ids = list(volunteer_ids)
    if not ids or context.tenant_id is None:
        return 0
    rules = star_rules(session, context.tenant_path)
    hours = dict(
        session.execute(
            select(Tally.scope_id, Tally.verified_hours).where(
                Tally.tenant_id == context.tenant_id,
                Tally.scope == Scope.VOLUNTEER,
                Tally.period == "all",
                Tally.scope_id.in_(ids),
            )
        ).all()
    )
    joined = dict(
        session.execute(
            select(VolunteerFact.volunteer_id, VolunteerFact.joined_on).where(
                VolunteerFact.tenant_id == context.tenant_id, VolunteerFact.volunteer_id.in_(ids)
            )
        ).all()
    )
    current = {
        level.volunteer_id: level
        for level in session.scalars(
            select(StarLevel)
            .where(StarLevel.tenant_id == context.tenant_id, StarLevel.volunteer_id.in_(ids))
            .with_for_update()
        )
    }
    changed = 0
    for volunteer_id in ids:
        verified = hours.get(volunteer_id, Decimal(0))
        stars = rules.stars(verified, joined.get(volunteer_id, today), today)
        level = current.get(volunteer_id)
        previous = level.stars if level else 0
        if level is None:
            level = StarLevel(
                tenant_id=context.tenant_id,
                volunteer_id=volunteer_id,
                tenant_path=context.tenant_path,
                stars=stars,
                verified_hours=verified,
                since=today,
            )
            session.add(level)
        else:
            level.verified_hours = verified
            level.updated_at = func.now()
        if stars == previous:
            continue
        level.stars, level.since = stars, today
        changed += 1
        messaging.publish(
            session,
            STAR_LEVEL_CHANGED,
            StarLevelChangedV1(
                volunteer_id=volunteer_id,
                stars=stars,
                previous_stars=previous,
                verified_hours=float(verified),
                thresholds=[float(threshold) for threshold in rules.thresholds],
                changed_on=today,
            ),
            subject=volunteer_id,
            tenant_id=context.tenant_id,
            tenant_path=context.tenant_path,
        )
    session.flush()
    return changed
