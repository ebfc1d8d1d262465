"""Star rules (per district, town or committee; national by default) and the volunteers' star levels."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from linli_evaluation.database import directory
from linli_evaluation.facts.models import VolunteerFact
from linli_evaluation.policies import policy_source
from linli_evaluation.stars.levels import star_rules
from linli_evaluation.stars.models import StarLevel, StarPolicy
from linli_evaluation.stars.schemas import StarLevelOut, StarPolicyIn, StarPolicyOut
from linli_shared.problems import Forbidden
from linli_shared.tenancy import TenantContext

#: the most volunteers one listing of star levels shows
LEVELS_LISTED = 500


class StarService:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.session = session
        self.context = context

    def policy(self) -> StarPolicyOut:
        """The nearest rules up the caller's path, and whose they are."""
        rules = star_rules(self.session, self.context.tenant_path)
        source, source_id = policy_source(
            rules.source_tenant_path, self.context.tenant_path, "national_default"
        )
        return StarPolicyOut(
            thresholds=list(rules.thresholds),
            tenure_months=list(rules.tenure_months),
            source=source,
            source_tenant_id=source_id,
        )

    def set_policy(self, request: StarPolicyIn) -> StarPolicyOut:
        """A district's, town's or committee's admin sets their own node's rules."""
        tenant_id = self.context.tenant_id
        if tenant_id is None:
            raise Forbidden("Star rules belong to a district, a town or a committee.")
        directory.ensure_active(self.session, tenant_id)
        values = {
            "tenant_path": self.context.tenant_path,
            "thresholds": request.thresholds,
            "tenure_months": request.tenure_months,
            "updated_by": self.context.subject,
        }
        statement = insert(StarPolicy).values(tenant_id=tenant_id, **values)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id"], set_={**values, "updated_at": func.now()}
            )
        )
        return self.policy()

    def levels(self, stars: int | None) -> list[StarLevelOut]:
        """Volunteers by star level (optionally one level's), most stars and hours first."""
        statement = select(StarLevel, VolunteerFact.name).join(
            VolunteerFact,
            (VolunteerFact.tenant_id == StarLevel.tenant_id)
            & (VolunteerFact.volunteer_id == StarLevel.volunteer_id),
        )
        if stars is not None:
            statement = statement.where(StarLevel.stars == stars)
        rows = self.session.execute(
            statement.order_by(
                StarLevel.stars.desc(), StarLevel.verified_hours.desc(), StarLevel.volunteer_id
            ).limit(LEVELS_LISTED)
        ).all()
        return [
            StarLevelOut(
                volunteer_id=level.volunteer_id,
                name=name,
                stars=level.stars,
                verified_hours=level.verified_hours,
                since=level.since,
            )
            for level, name in rows
        ]
