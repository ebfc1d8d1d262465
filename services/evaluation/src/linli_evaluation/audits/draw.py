"""The audit draw (随机抽查): which of a period's service records the auditors check.

A pure function of the plan's seed, its numbers (rate, least count, risk weights) and the population, so
anyone holding the revealed seed and the population snapshot re-runs it and gets the same sample. The seed
is fixed (its hash published) before the period's records are final, so nobody — staff included — can
steer which records are drawn by choosing what to record.

The rules, step by step (version `linli-audit-draw/1`):

1. The population is taken in record-id order; the order records came from the database never matters.
2. Risk signals of a record: `late_entry`, `self_reported`, `auto_closed` (its own flags); `long` — its
   service minutes are above the population's 95th percentile (nearest rank: the ⌈0.95·N⌉-th smallest) or
   above 8 hours; `frequent` — its volunteer has more than 3× the median number of records per volunteer
   in the population. Its weight is 1 + the sum of the policy's weights of its signals.
3. Sample size n = min(N, max(min_count, ⌈rate·N⌉)).
4. Each record's key: h = HMAC-SHA256(key = the 32 seed bytes, message = the record id as lowercase
   hyphenated text, ASCII); u = (first 8 bytes of h as a big-endian integer + 1) / (2^64 + 1), in (0, 1);
   k = u^(1/w). Keys are compared as ln(u)/w (the same order: ln is increasing), computed in decimal
   arithmetic to 50 significant digits, where ln and division are correctly rounded — so every
   implementation orders the keys alike. Equal keys: the smaller record id ranks first.
5. Strata are activities. Allocation of the n places:
   a. every stratum gets one place while places last; when there are fewer places than strata, the strata
      whose best (largest) key is largest get them (ranked as records are) — a stratum's chance follows its
      total weight;
   b. the r = n − S places left (S strata) are shared in proportion to each stratum's records not yet
      placed (N_h − 1), by largest remainder (Hamilton): each gets ⌊r·(N_h − 1)/(N − S)⌋, and the places
      still left go to the largest fractional remainders (ties: the larger stratum, then the smaller
      stratum id). No stratum is ever given more places than it has records.
6. Within a stratum, its allocated number of records with the largest keys are drawn: weighted sampling
   without replacement (Efraimidis–Spirakis), a riskier record being proportionally likelier to be drawn.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

ALGORITHM = "linli-audit-draw/1"
#: the risk signals a policy weighs, in the order they are reported
RISKS = ("late_entry", "self_reported", "auto_closed", "long", "frequent")
DEFAULT_RATE = Decimal("0.05")
DEFAULT_MIN_COUNT = 3
DEFAULT_WEIGHTS: Mapping[str, Decimal] = {
    "late_entry": Decimal(3),
    "self_reported": Decimal(3),
    "auto_closed": Decimal(2),
    "long": Decimal(2),
    "frequent": Decimal(2),
}
#: more than a working day is long whatever the committee's usual service looks like
LONG_MINUTES = 8 * 60
#: the percentile above which a record's service minutes count as long
LONG_PERCENTILE = 95
#: a volunteer with more than this many times the median records per volunteer is frequent
FREQUENT_FACTOR = 3
#: 50 significant digits: far beyond any real difference between keys, and fixed, so results are exact
KEY_ARITHMETIC = Context(prec=50)
_U_DENOMINATOR = Decimal(2**64 + 1)
_U_DENOMINATOR_FLOAT = float(2**64 + 1)
#: float keys closer than this (relative) are ordered by their exact decimal keys
_NEAR = 1e-9


@dataclass(frozen=True)
class Candidate:
    """A service record of the period, as the draw sees it."""

    record_id: uuid.UUID
    #: the activity's id: the stratum
    stratum: str
    stratum_name: str
    volunteer_id: uuid.UUID
    service_minutes: int
    hours: Decimal
    late_entry: bool
    self_reported: bool
    auto_closed: bool

    def snapshot(self) -> dict[str, Any]:
        """The record as stored on the plan and shown by its verification (JSON)."""
        return {
            "record_id": str(self.record_id),
            "stratum": self.stratum,
            "stratum_name": self.stratum_name,
            "volunteer_id": str(self.volunteer_id),
            "service_minutes": self.service_minutes,
            "hours": str(self.hours),
            "late_entry": self.late_entry,
            "self_reported": self.self_reported,
            "auto_closed": self.auto_closed,
        }

    @classmethod
    def from_snapshot(cls, row: Mapping[str, Any]) -> Candidate:
        return cls(
            record_id=uuid.UUID(row["record_id"]),
            stratum=row["stratum"],
            stratum_name=row["stratum_name"],
            volunteer_id=uuid.UUID(row["volunteer_id"]),
            service_minutes=int(row["service_minutes"]),
            hours=Decimal(row["hours"]),
            late_entry=bool(row["late_entry"]),
            self_reported=bool(row["self_reported"]),
            auto_closed=bool(row["auto_closed"]),
        )


@dataclass(frozen=True)
class Rules:
    """The plan's numbers (the policy in force when its seed was committed)."""

    rate: Decimal = DEFAULT_RATE
    min_count: int = DEFAULT_MIN_COUNT
    weights: Mapping[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def sample_size(self, population: int) -> int:
        return min(population, max(self.min_count, math.ceil(self.rate * population)))


@dataclass(frozen=True)
class Assessed:
    """A candidate with its risk signals, weight and key."""

    candidate: Candidate
    risks: tuple[str, ...]
    weight: Decimal
    #: the first 8 bytes of HMAC-SHA256(seed, record id), big-endian
    draw_value: int

    @property
    def record_id(self) -> uuid.UUID:
        return self.candidate.record_id

    @cached_property
    def key(self) -> Decimal:
        """ln(u)/w, exactly as rule 4 says (decimal, 50 digits)."""
        return key_of(uniform_of(self.draw_value), self.weight)

    @cached_property
    def fast_key(self) -> float:
        """ln(u)/w in binary floating point, within 1e-14 of `key` (relative): ln(u) = log1p(u − 1) and
        u − 1 = −(2^64 − value)/(2^64 + 1) keeps full precision even for u close to 1."""
        return math.log1p(-(2**64 - self.draw_value) / _U_DENOMINATOR_FLOAT) / float(self.weight)

    @property
    def rank(self) -> tuple[Decimal, uuid.UUID]:
        """Sorts the best first: the largest key, then the smallest record id."""
        return (-self.key, self.candidate.record_id)


@dataclass(frozen=True)
class Draw:
    population: int
    sample_size: int
    #: the 95th percentile of service minutes (None for an empty population)
    long_above_minutes: int | None
    #: records per volunteer above which a volunteer is frequent (None for an empty population)
    frequent_above: Fraction | None
    #: places per stratum (every stratum of the population, 0 included), in stratum order
    allocation: dict[str, int]
    #: every record with its signals, weight and key, in record-id order
    assessed: tuple[Assessed, ...]
    #: the drawn records, in record-id order
    sample: tuple[Assessed, ...]

    @property
    def sample_ids(self) -> list[uuid.UUID]:
        return [drawn.record_id for drawn in self.sample]


def seed_hash(seed_hex: str) -> str:
    """What a plan publishes before its draw: sha256 over the 32 raw seed bytes, hex."""
    return hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()


def draw_value(seed: bytes, record_id: uuid.UUID) -> int:
    """The first 8 bytes of HMAC-SHA256(seed, the record id as lowercase hyphenated text), big-endian."""
    digest = hmac.new(seed, str(record_id).encode("ascii"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def uniform_of(value: int) -> Decimal:
    """u = (value + 1)/(2^64 + 1), strictly between 0 and 1."""
    return KEY_ARITHMETIC.divide(Decimal(value + 1), _U_DENOMINATOR)


def key_of(u: Decimal, weight: Decimal) -> Decimal:
    """ln(u^(1/w)) = ln(u)/w: orders records as u^(1/w) does, without a power function's rounding."""
    return KEY_ARITHMETIC.divide(KEY_ARITHMETIC.ln(u), weight)


def best_first(items: Iterable[Assessed]) -> list[Assessed]:
    """Sorted by key, largest first, equal keys by record id (rule 4). Decimal logarithms are slow, so the
    order is found on the float keys and only neighbours too close to call by floats (a relative gap under
    1e-9, far above the floats' error) are ordered by their exact keys: the result is the exact order."""
    ordered = sorted(items, key=lambda item: (-item.fast_key, item.record_id))
    result: list[Assessed] = []
    start = 0
    for end in range(1, len(ordered) + 1):
        if end < len(ordered) and (
            ordered[end - 1].fast_key - ordered[end].fast_key <= _NEAR * abs(ordered[end - 1].fast_key)
        ):
            continue
        group = ordered[start:end]
        if len(group) > 1:
            group.sort(key=lambda item: item.rank)
        result.extend(group)
        start = end
    return result


def long_threshold(minutes: Sequence[int]) -> int | None:
    """The nearest-rank 95th percentile: at most 5% of records lie strictly above it."""
    if not minutes:
        return None
    ordered = sorted(minutes)
    rank = -(-LONG_PERCENTILE * len(ordered) // 100)  # ⌈0.95·N⌉ in integers
    return ordered[rank - 1]


def frequent_threshold(records_per_volunteer: Iterable[int]) -> Fraction | None:
    """3× the median records per volunteer (the mean of the middle two for an even count)."""
    counts = sorted(records_per_volunteer)
    if not counts:
        return None
    middle = len(counts) // 2
    median = Fraction(counts[middle]) if len(counts) % 2 else Fraction(counts[middle - 1] + counts[middle], 2)
    return FREQUENT_FACTOR * median


def draw(seed_hex: str, rules: Rules, population: Iterable[Candidate]) -> Draw:
    seed = bytes.fromhex(seed_hex)
    if len(seed) != 32:
        raise ValueError("the seed is 32 bytes")
    candidates = sorted(population, key=lambda candidate: candidate.record_id)
    if len({candidate.record_id for candidate in candidates}) != len(candidates):
        raise ValueError("a record appears twice in the population")
    long_above = long_threshold([candidate.service_minutes for candidate in candidates])
    per_volunteer = Counter(candidate.volunteer_id for candidate in candidates)
    frequent_above = frequent_threshold(per_volunteer.values())

    assessed = []
    for candidate in candidates:
        risks = _risks(candidate, long_above, frequent_above, per_volunteer[candidate.volunteer_id])
        weight = Decimal(1) + sum((Decimal(str(rules.weights.get(risk, 0))) for risk in risks), Decimal(0))
        assessed.append(Assessed(candidate, risks, weight, draw_value(seed, candidate.record_id)))

    strata: dict[str, list[Assessed]] = {}
    for item in assessed:
        strata.setdefault(item.candidate.stratum, []).append(item)
    ordered_strata = {stratum: best_first(members) for stratum, members in sorted(strata.items())}
    size = rules.sample_size(len(assessed))
    allocation = allocate(size, ordered_strata)
    sample = sorted(
        (item for stratum, members in ordered_strata.items() for item in members[: allocation[stratum]]),
        key=lambda item: item.record_id,
    )
    return Draw(
        population=len(assessed),
        sample_size=size,
        long_above_minutes=long_above,
        frequent_above=frequent_above,
        allocation=allocation,
        assessed=tuple(assessed),
        sample=tuple(sample),
    )


def allocate(size: int, strata: Mapping[str, Sequence[Assessed]]) -> dict[str, int]:
    """Places per stratum (rule 5); `strata` in stratum order, each stratum's members best first."""
    allocation = dict.fromkeys(strata, 0)
    if size <= 0 or not strata:
        return allocation
    if size < len(strata):
        # fewer places than activities: the strata whose best records rank highest, one place each
        for best in best_first(members[0] for members in strata.values())[:size]:
            allocation[best.candidate.stratum] = 1
        return allocation
    for stratum in strata:
        allocation[stratum] = 1
    left = size - len(strata)
    unplaced = {stratum: len(members) - 1 for stratum, members in strata.items()}
    room = sum(unplaced.values())
    if left == 0 or room == 0:
        return allocation
    quotas = {stratum: Fraction(left * count, room) for stratum, count in unplaced.items()}
    for stratum, quota in quotas.items():
        allocation[stratum] += math.floor(quota)
    still = left - sum(math.floor(quota) for quota in quotas.values())
    by_remainder = sorted(
        strata,
        key=lambda stratum: (
            -(quotas[stratum] - math.floor(quotas[stratum])),
            -unplaced[stratum],
            stratum,
        ),
    )
    for stratum in by_remainder[:still]:
        allocation[stratum] += 1
    return allocation


def _risks(
    candidate: Candidate, long_above: int | None, frequent_above: Fraction | None, records_of_volunteer: int
) -> tuple[str, ...]:
    long = candidate.service_minutes > LONG_MINUTES or (
        long_above is not None and candidate.service_minutes > long_above
    )
    frequent = frequent_above is not None and records_of_volunteer > frequent_above
    signals = {
        "late_entry": candidate.late_entry,
        "self_reported": candidate.self_reported,
        "auto_closed": candidate.auto_closed,
        "long": long,
        "frequent": frequent,
    }
    return tuple(risk for risk in RISKS if signals[risk])
