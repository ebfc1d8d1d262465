"""The hour rules in force for a committee, and the rounding that turns service minutes into hours."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linli_scheduling.activities.models import ActivityKind
from linli_scheduling.policies.models import HourPolicy, Rounding

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class EffectivePolicy:
    rounding: Rounding
    excluded_kinds: frozenset[str]
    late_entry_window_days: int
    cancellation_cutoff_hours: int
    check_in_opens_minutes: int
    #: the tenant whose policy this is; None: the national defaults
    source_tenant_path: str | None = None

    def counts(self, kind: str) -> bool:
        """Whether attending an activity of this kind earns service hours."""
        return kind not in self.excluded_kinds


#: what applies until a district says otherwise: the Chongqing rounding, training is learning not service
DEFAULT_POLICY = EffectivePolicy(
    rounding=Rounding.CHONGQING,
    excluded_kinds=frozenset({ActivityKind.TRAINING_SESSION}),
    late_entry_window_days=30,
    cancellation_cutoff_hours=12,
    check_in_opens_minutes=30,
)


def effective_policy(session: Session, tenant_path: str) -> EffectivePolicy:
    """The nearest policy on the path: the committee's own, else its town's, else its district's."""
    policy = session.scalars(
        select(HourPolicy)
        .where(HourPolicy.tenant_path.op("@>")(tenant_path))
        .order_by(func.nlevel(HourPolicy.tenant_path).desc())
        .limit(1)
    ).first()
    if policy is None:
        return DEFAULT_POLICY
    return EffectivePolicy(
        rounding=Rounding(policy.rounding),
        excluded_kinds=frozenset(policy.excluded_kinds),
        late_entry_window_days=policy.late_entry_window_days,
        cancellation_cutoff_hours=policy.cancellation_cutoff_hours,
        check_in_opens_minutes=policy.check_in_opens_minutes,
        source_tenant_path=policy.tenant_path,
    )


def round_hours(minutes: int, rounding: Rounding) -> Decimal:
    """Service minutes → credited hours.

    Chongqing (重庆): whole hours count; of the minutes past them, ≤15 → 0 h, 15–45 → 0.5 h, >45 → 1 h.
    """
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    whole, rest = divmod(minutes, 60)
    if rounding is Rounding.CHONGQING:
        part = Decimal(0) if rest <= 15 else Decimal("0.5") if rest <= 45 else Decimal(1)
        return Decimal(whole) + part
    if rounding is Rounding.HALF_HOUR:
        halves = (Decimal(minutes) / 30).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return (halves / 2).quantize(HUNDREDTH)
    if rounding is Rounding.QUARTER_HOUR_DOWN:
        return (Decimal(minutes // 15) / 4).quantize(HUNDREDTH)
    return (Decimal(minutes) / 60).quantize(HUNDREDTH, rounding=ROUND_DOWN)
