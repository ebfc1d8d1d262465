"""The score (动态评估) and its five components, each normalised to 0–100, as pure functions of counted
inputs, so the number and its explanation come from one place.

Over a window of the last `window_months` months ending on the day the score is as of:

- hours = min(100, 100 × verified hours / target hours): verified, non-voided service records dated in the
  window (a target of 40 h earns the full 100).
- satisfaction = (m − 1) / 4 × 100, where m = (5 × 4.0 + Σ ratings) / (5 + n): the residents' 1–5
  ratings of the window's records, pulled toward a neutral 4.0 as if five 4.0 ratings were also given,
  so one rating does not decide it; no ratings → 75 (the prior).
- reliability = 100 × (1 − (no-shows + 0.5 × late cancellations) / max(1, sign-ups)): sign-ups = confirmed
  places for shifts starting in the window that were kept, missed or given up late (a place given up in
  good time, or a shift called off, is neither kept nor broken); none → 100.
- training = min(100, 60 if a qualification is valid on the day + 20 × qualifications granted in the
  window (each a course passed; revoked grants do not count)); none → 0.
- audits = 100 × confirmed / (confirmed + adjusted + 2 × rejected), over the spot checks of the
  volunteer's records decided in the window (a rejection weighs double an adjustment); none → 100.

The score is the sum of the contributions, each = value × weight rounded to 0.01, so the explanation
adds up exactly; the weights (≥ 0, summing to 1) are the nearest district's, town's or committee's."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
MILLI = Decimal("0.001")

COMPONENTS = ("hours", "satisfaction", "reliability", "training", "audits")

#: the neutral rating residents' ratings are pulled toward, and how many ratings' worth of pull it has
PRIOR_MEAN = Decimal("4.0")
PRIOR_WEIGHT = 5
#: training: what a valid qualification is worth, and each course passed in the window
VALID_QUALIFICATION_POINTS = 60
COMPLETION_POINTS = 20
#: a late cancellation is half as bad as not coming at all; a rejected audit twice an adjusted one
LATE_CANCELLATION_WEIGHT = Decimal("0.5")
REJECTED_WEIGHT = 2

DEFAULT_WINDOW_MONTHS = 12
DEFAULT_TARGET_HOURS = Decimal(40)


@dataclass(frozen=True)
class Weights:
    hours: Decimal = Decimal("0.350")
    satisfaction: Decimal = Decimal("0.250")
    reliability: Decimal = Decimal("0.200")
    training: Decimal = Decimal("0.100")
    audits: Decimal = Decimal("0.100")

    def of(self, component: str) -> Decimal:
        weight: Decimal = getattr(self, component)
        return weight

    def as_dict(self) -> dict[str, Decimal]:
        return {component: self.of(component) for component in COMPONENTS}

    @classmethod
    def normalised(cls, given: dict[str, Decimal]) -> Weights:
        """Weights summing to 1 within ±0.001, made to sum to exactly 1.000 (in thousandths): each is scaled
        by the sum, and the rounding dust goes to the largest, so the score can never pass 100."""
        total = sum(given.values(), start=Decimal(0))
        scaled = {key: (given[key] / total).quantize(MILLI, rounding=ROUND_HALF_UP) for key in COMPONENTS}
        largest = max(COMPONENTS, key=lambda key: (scaled[key], -COMPONENTS.index(key)))
        scaled[largest] += Decimal(1) - sum(scaled.values(), start=Decimal(0))
        return cls(**scaled)


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class ScoreRules:
    weights: Weights = DEFAULT_WEIGHTS
    window_months: int = DEFAULT_WINDOW_MONTHS
    target_hours: Decimal = DEFAULT_TARGET_HOURS
    #: the tenant whose policy this is; None: the defaults
    source_tenant_path: str | None = None

    def window_start(self, day: date) -> date:
        """The first day of the window that ends on `day`: `window_months` whole months back."""
        return months_before(day, self.window_months) + timedelta(days=1)


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier, or that month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Inputs:
    """What was counted for one volunteer in the window."""

    verified_hours: Decimal = Decimal(0)
    ratings: int = 0
    rating_sum: int = 0
    signups: int = 0
    no_shows: int = 0
    late_cancellations: int = 0
    #: names of the qualifications valid on the day
    valid_qualifications: tuple[str, ...] = field(default_factory=tuple)
    completions: int = 0
    audits_confirmed: int = 0
    audits_adjusted: int = 0
    audits_rejected: int = 0


def _cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _bounded(value: Decimal) -> Decimal:
    return _cent(min(HUNDRED, max(Decimal(0), value)))


def hours_value(verified_hours: Decimal, target_hours: Decimal) -> Decimal:
    return _bounded(HUNDRED * verified_hours / target_hours)


def adjusted_rating(ratings: int, rating_sum: int) -> Decimal:
    """The average rating pulled toward the neutral prior (a Bayesian mean)."""
    return (PRIOR_WEIGHT * PRIOR_MEAN + rating_sum) / (PRIOR_WEIGHT + ratings)


def satisfaction_value(ratings: int, rating_sum: int) -> Decimal:
    return _bounded((adjusted_rating(ratings, rating_sum) - 1) / 4 * HUNDRED)


def reliability_value(signups: int, no_shows: int, late_cancellations: int) -> Decimal:
    broken = no_shows + LATE_CANCELLATION_WEIGHT * late_cancellations
    return _bounded(HUNDRED * (1 - broken / max(1, signups)))


def training_value(valid_qualifications: int, completions: int) -> Decimal:
    points = (VALID_QUALIFICATION_POINTS if valid_qualifications else 0) + COMPLETION_POINTS * completions
    return _bounded(Decimal(points))


def audits_value(confirmed: int, adjusted: int, rejected: int) -> Decimal:
    weighed = confirmed + adjusted + REJECTED_WEIGHT * rejected
    if weighed == 0:
        return HUNDRED.quantize(CENT)
    return _bounded(HUNDRED * confirmed / weighed)


@dataclass(frozen=True)
class Part:
    component: str
    value: Decimal
    weight: Decimal
    contribution: Decimal
    #: the raw inputs, JSON-ready, under machine keys
    inputs: dict[str, Any]


@dataclass(frozen=True)
class Score:
    total: Decimal
    parts: tuple[Part, ...]

    def part(self, component: str) -> Part:
        return next(part for part in self.parts if part.component == component)


def compute(inputs: Inputs, rules: ScoreRules) -> Score:
    values: dict[str, tuple[Decimal, dict[str, Any]]] = {
        "hours": (
            hours_value(inputs.verified_hours, rules.target_hours),
            {"verified_hours": float(inputs.verified_hours), "target_hours": float(rules.target_hours)},
        ),
        "satisfaction": (
            satisfaction_value(inputs.ratings, inputs.rating_sum),
            {
                "ratings": inputs.ratings,
                "average": float(_cent(Decimal(inputs.rating_sum) / inputs.ratings))
                if inputs.ratings
                else None,
                "prior_mean": float(PRIOR_MEAN),
                "prior_weight": PRIOR_WEIGHT,
                "adjusted_average": float(_cent(adjusted_rating(inputs.ratings, inputs.rating_sum))),
            },
        ),
        "reliability": (
            reliability_value(inputs.signups, inputs.no_shows, inputs.late_cancellations),
            {
                "signups": inputs.signups,
                "no_shows": inputs.no_shows,
                "late_cancellations": inputs.late_cancellations,
            },
        ),
        "training": (
            training_value(len(inputs.valid_qualifications), inputs.completions),
            {
                "valid_qualifications": len(inputs.valid_qualifications),
                "qualification_names": sorted(inputs.valid_qualifications),
                "completions": inputs.completions,
            },
        ),
        "audits": (
            audits_value(inputs.audits_confirmed, inputs.audits_adjusted, inputs.audits_rejected),
            {
                "confirmed": inputs.audits_confirmed,
                "adjusted": inputs.audits_adjusted,
                "rejected": inputs.audits_rejected,
            },
        ),
    }
    parts = tuple(
        Part(
            component=component,
            value=value,
            weight=rules.weights.of(component),
            contribution=_cent(value * rules.weights.of(component)),
            inputs=raw,
        )
        for component, (value, raw) in values.items()
    )
    return Score(total=sum((part.contribution for part in parts), start=Decimal(0)), parts=parts)
