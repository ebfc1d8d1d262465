"""Report metrics from additive counts: a committee's counts sum into its town's and the district's, and
every rate is computed from the summed counts (never averaged from the committees' rates)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal

from linli_evaluation.reports.schemas import Change, Metrics, MonthHours, StarCount, TallyCheck

ZERO = Decimal(0)
STAR_LEVELS = 6  # 0★ … 5★


@dataclass
class Hours:
    records: int = 0
    verified: Decimal = ZERO
    unverified: Decimal = ZERO

    def __add__(self, other: Hours) -> Hours:
        return Hours(
            self.records + other.records, self.verified + other.verified, self.unverified + other.unverified
        )

    @property
    def total(self) -> Decimal:
        return self.verified + self.unverified


@dataclass
class Counts:
    volunteers: int = 0
    active_volunteers: int = 0
    backbone: int = 0
    hours: Hours = field(default_factory=Hours)
    ratings: int = 0
    rating_points: int = 0
    audits_confirmed: int = 0
    audits_adjusted: int = 0
    audits_rejected: int = 0
    audits_open: int = 0
    stars: list[int] = field(default_factory=lambda: [0] * STAR_LEVELS)
    #: the committee tallies of the same months, for the cross-check
    tallied: Hours = field(default_factory=Hours)

    def __add__(self, other: Counts) -> Counts:
        summed = Counts()
        for item in fields(self):
            mine, theirs = getattr(self, item.name), getattr(other, item.name)
            if isinstance(mine, list):
                setattr(summed, item.name, [left + right for left, right in zip(mine, theirs, strict=True)])
            else:
                setattr(summed, item.name, mine + theirs)
        return summed

    @property
    def audits_decided(self) -> int:
        return self.audits_confirmed + self.audits_adjusted + self.audits_rejected


def metrics(counts: Counts) -> Metrics:
    return Metrics(
        volunteers=counts.volunteers,
        active_volunteers=counts.active_volunteers,
        active_rate=ratio(counts.active_volunteers, counts.volunteers),
        backbone=counts.backbone,
        backbone_ratio=ratio(counts.backbone, counts.volunteers),
        verified_hours=counts.hours.verified,
        unverified_hours=counts.hours.unverified,
        hours=counts.hours.total,
        records=counts.hours.records,
        ratings=counts.ratings,
        satisfaction=round(counts.rating_points / counts.ratings, 2) if counts.ratings else None,
        audits_decided=counts.audits_decided,
        audits_confirmed=counts.audits_confirmed,
        audits_adjusted=counts.audits_adjusted,
        audits_rejected=counts.audits_rejected,
        audits_open=counts.audits_open,
        audit_pass_rate=ratio(counts.audits_confirmed, counts.audits_decided),
        star_distribution=[
            StarCount(stars=stars, volunteers=volunteers) for stars, volunteers in enumerate(counts.stars)
        ],
    )


def tally_check(counts: Counts) -> TallyCheck:
    return TallyCheck(
        verified_hours=counts.tallied.verified,
        unverified_hours=counts.tallied.unverified,
        agrees=(counts.tallied.verified, counts.tallied.unverified)
        == (counts.hours.verified, counts.hours.unverified),
    )


def change(now: Metrics, before: Metrics) -> Change:
    return Change(
        hours=now.hours - before.hours,
        verified_hours=now.verified_hours - before.verified_hours,
        records=now.records - before.records,
        active_volunteers=now.active_volunteers - before.active_volunteers,
        active_rate=_difference(now.active_rate, before.active_rate),
        satisfaction=_difference(now.satisfaction, before.satisfaction),
        audit_pass_rate=_difference(now.audit_pass_rate, before.audit_pass_rate),
    )


def month_hours(month: str, hours: Hours) -> MonthHours:
    return MonthHours(
        month=month,
        records=hours.records,
        verified_hours=hours.verified,
        unverified_hours=hours.unverified,
        hours=hours.total,
    )


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _difference(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else round(now - before, 4)
