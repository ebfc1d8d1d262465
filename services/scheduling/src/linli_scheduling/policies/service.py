"""Reading and setting the hour policy of a node of the tree (a district's rules, a town's refinement, a
committee's own), and describing the rounding presets a district chooses from."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from linli_scheduling.database import directory
from linli_scheduling.policies.exceptions import PolicyChangedConcurrently
from linli_scheduling.policies.models import HourPolicy, Rounding
from linli_scheduling.policies.repository import PolicyRepository
from linli_scheduling.policies.rules import EffectivePolicy, effective_policy, round_hours
from linli_scheduling.policies.schemas import (
    HourPolicyIn,
    HourPolicyOut,
    PolicySource,
    RoundingExample,
    RoundingPreset,
)
from linli_shared.problems import Forbidden
from linli_shared.tenancy import Role, TenantContext

#: a district or town admin sets the policy of their own node, a committee's admin the committee's
POLICY_SETTERS = frozenset({Role.DISTRICT_ADMIN, Role.TOWN_ADMIN, Role.TENANT_ADMIN})

#: the tree's fixed depths: linli.<district>.<town>.<committee>
SOURCE_BY_DEPTH = {2: PolicySource.DISTRICT, 3: PolicySource.TOWN}

#: (名称, 说明) of each rounding, as a district admin reads them when choosing
ROUNDING_PRESETS: dict[Rounding, tuple[str, str]] = {
    Rounding.CHONGQING: (
        "重庆规则",
        "整小时照计；不足一小时的零头：≤15分钟不计，15–45分钟计0.5小时，45–60分钟计1小时。",
    ),
    Rounding.HALF_HOUR: (
        "按半小时取整",
        "按最接近的半小时计：零头满15分钟计0.5小时，满45分钟计1小时，不足15分钟不计。",
    ),
    Rounding.QUARTER_HOUR_DOWN: (
        "按刻钟向下取整",
        "按每15分钟计0.25小时，不足15分钟的零头不计。",
    ),
    Rounding.EXACT: (
        "按实际分钟",
        "按实际服务分钟折算为小时，保留两位小数（向下取整）。",
    ),
}
EXAMPLE_MINUTES = (10, 15, 16, 30, 45, 46, 60, 75, 100)


def rounding_presets() -> list[RoundingPreset]:
    return [
        RoundingPreset(
            rounding=rounding,
            name=name,
            description=description,
            examples=[
                RoundingExample(minutes=minutes, hours=float(round_hours(minutes, rounding)))
                for minutes in EXAMPLE_MINUTES
            ],
        )
        for rounding, (name, description) in ROUNDING_PRESETS.items()
    ]


class PolicyService:
    def __init__(self, session: Session, context: TenantContext, now: datetime) -> None:
        self.session = session
        self.context = context
        self.now = now
        self.policies = PolicyRepository(session)

    def effective(self) -> HourPolicyOut:
        """The nearest policy up the caller's path; row-level security lets a node read its ancestors'."""
        policy = effective_policy(self.session, self.context.tenant_path)
        return _out(policy, self.context.tenant_path)

    def replace(self, request: HourPolicyIn) -> HourPolicyOut:
        tenant_id = self.context.tenant_id
        if tenant_id is None or self.context.role not in POLICY_SETTERS:
            raise Forbidden("Only a district's, town's or committee's admin sets its hour policy.")
        directory.ensure_active(self.session, tenant_id)
        values = {
            "rounding": request.rounding,
            "excluded_kinds": sorted(request.excluded_kinds),
            "late_entry_window_days": request.late_entry_window_days,
            "cancellation_cutoff_hours": request.cancellation_cutoff_hours,
            "check_in_opens_minutes": request.check_in_opens_minutes,
            "updated_by": self.context.subject,
            "updated_at": self.now,
        }
        policy = self.policies.own(tenant_id)
        if policy is None:
            try:
                with self.session.begin_nested():
                    self.policies.add(
                        HourPolicy(tenant_id=tenant_id, tenant_path=self.context.tenant_path, **values)
                    )
            except IntegrityError as error:
                # two first-time settings raced; the other one won
                raise PolicyChangedConcurrently() from error
        else:
            for field, value in values.items():
                setattr(policy, field, value)
            self.session.flush()
        return self.effective()


def _out(policy: EffectivePolicy, caller_path: str) -> HourPolicyOut:
    source_path = policy.source_tenant_path
    if source_path is None:
        source, source_tenant_id = PolicySource.NATIONAL_DEFAULT, None
    else:
        labels = source_path.split(".")
        source_tenant_id = uuid.UUID(labels[-1].removeprefix("t"))
        source = PolicySource.OWN if source_path == caller_path else SOURCE_BY_DEPTH[len(labels)]
    return HourPolicyOut(
        rounding=policy.rounding,
        rounding_description=ROUNDING_PRESETS[policy.rounding][1],
        excluded_kinds=sorted(policy.excluded_kinds),
        late_entry_window_days=policy.late_entry_window_days,
        cancellation_cutoff_hours=policy.cancellation_cutoff_hours,
        check_in_opens_minutes=policy.check_in_opens_minutes,
        source=source,
        source_tenant_id=source_tenant_id,
    )
