"""The evidence behind a candidate for an award, and the programme's criteria it is measured against.

For one committee and one award period: verified and unverified hours (the volunteer's tally of the
period), the current star level, residents' ratings of the period's services (count and average), the
outcomes of the spot checks of the period's service records, and party membership. Ratings and audits
belong to the period of the service they concern (its service date), as the hours do."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from linli_evaluation.recognition.models import AwardProgramme, PeriodKind

#: `2026` (a year) or `2026-Q4` (a quarter)
PERIOD = r"^\d{4}(-Q[1-4])?$"
_PERIOD = re.compile(r"^(?P<year>\d{4})(-Q(?P<quarter>[1-4]))?$")


@dataclass(frozen=True)
class AwardPeriod:
    label: str
    kind: PeriodKind
    #: the tally period the hours come from: `y2026` or `q2026-4`
    tally_period: str
    starts_on: date
    ends_on: date


def award_period(label: str, kind: PeriodKind) -> AwardPeriod | None:
    """The period a label names, if it is one of the programme's kind (a year programme takes `2026`, a
    quarterly one `2026-Q4`); None otherwise."""
    match = _PERIOD.match(label)
    if match is None or not 2000 <= int(match["year"]) <= 2999:
        return None
    year = int(match["year"])
    if kind is PeriodKind.YEAR:
        if match["quarter"] is not None:
            return None
        return AwardPeriod(label, kind, f"y{year}", date(year, 1, 1), date(year, 12, 31))
    if match["quarter"] is None:
        return None
    quarter = int(match["quarter"])
    first_month = 3 * quarter - 2
    ends_on = date(year + 1, 1, 1) if quarter == 4 else date(year, first_month + 3, 1)
    return AwardPeriod(
        label,
        kind,
        f"q{year}-{quarter}",
        date(year, first_month, 1),
        date.fromordinal(ends_on.toordinal() - 1),
    )


@dataclass(frozen=True)
class Criteria:
    min_verified_hours: Decimal
    min_stars: int
    min_average_satisfaction: Decimal | None
    min_ratings: int
    require_party_member: bool
    require_no_rejected_audit: bool

    @classmethod
    def of(cls, programme: AwardProgramme) -> Criteria:
        return cls(
            min_verified_hours=programme.min_verified_hours,
            min_stars=programme.min_stars,
            min_average_satisfaction=programme.min_average_satisfaction,
            min_ratings=programme.min_ratings,
            require_party_member=programme.require_party_member,
            require_no_rejected_audit=programme.require_no_rejected_audit,
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "min_verified_hours": float(self.min_verified_hours),
            "min_stars": self.min_stars,
            "min_average_satisfaction": (
                None if self.min_average_satisfaction is None else float(self.min_average_satisfaction)
            ),
            "min_ratings": self.min_ratings,
            "require_party_member": self.require_party_member,
            "require_no_rejected_audit": self.require_no_rejected_audit,
        }


@dataclass(frozen=True)
class Evidence:
    volunteer_id: uuid.UUID
    name: str
    party_member: bool
    verified_hours: Decimal
    unverified_hours: Decimal
    stars: int
    ratings: int
    #: null when nobody rated the period's services
    average_satisfaction: Decimal | None
    audits_confirmed: int
    audits_adjusted: int
    audits_rejected: int

    def unmet(self, criteria: Criteria) -> list[str]:
        """The criteria this volunteer does not meet, in words staff can act on; empty: a candidate."""
        missing = []
        if self.verified_hours < criteria.min_verified_hours:
            missing.append(f"verified hours {self.verified_hours} < {criteria.min_verified_hours}")
        if self.stars < criteria.min_stars:
            missing.append(f"stars {self.stars} < {criteria.min_stars}")
        # an average needs at least one rating, whatever min_ratings says
        needed_ratings = max(criteria.min_ratings, 1 if criteria.min_average_satisfaction is not None else 0)
        if self.ratings < needed_ratings:
            missing.append(f"ratings {self.ratings} < {needed_ratings}")
        if criteria.min_average_satisfaction is not None and (
            self.average_satisfaction is None or self.average_satisfaction < criteria.min_average_satisfaction
        ):
            missing.append(
                f"average satisfaction {self.average_satisfaction} < {criteria.min_average_satisfaction}"
            )
        if criteria.require_party_member and not self.party_member:
            missing.append("not a party member")
        if criteria.require_no_rejected_audit and self.audits_rejected:
            missing.append(f"{self.audits_rejected} spot check(s) rejected hours in the period")
        return missing

    def rank_key(self) -> tuple[Any, ...]:
        """Most verified hours first; then the better satisfaction, more ratings, more stars; then by name."""
        return (
            -self.verified_hours,
            -(self.average_satisfaction if self.average_satisfaction is not None else Decimal(0)),
            -self.ratings,
            -self.stars,
            self.name,
            self.volunteer_id,
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "verified_hours": float(self.verified_hours),
            "unverified_hours": float(self.unverified_hours),
            "stars": self.stars,
            "ratings": self.ratings,
            "average_satisfaction": (
                None if self.average_satisfaction is None else float(self.average_satisfaction)
            ),
            "audits": {
                "confirmed": self.audits_confirmed,
                "adjusted": self.audits_adjusted,
                "rejected": self.audits_rejected,
            },
            "party_member": self.party_member,
        }
