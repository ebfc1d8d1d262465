"""The draw itself, a pure function: reproducible from its seed, fair to every activity, and weighted
towards risky records by exactly the rule it documents."""

import hashlib
import hmac
import uuid
from collections import Counter
from decimal import Decimal

import pytest

from linli_evaluation.audits.draw import (
    Assessed,
    Candidate,
    Rules,
    best_first,
    draw,
    draw_value,
    frequent_threshold,
    long_threshold,
    seed_hash,
)

pytestmark = pytest.mark.unit

NO_WEIGHTS = {"late_entry": 0, "self_reported": 0, "auto_closed": 0, "long": 0, "frequent": 0}


def seed_of(label: object) -> str:
    """A deterministic 32-byte seed (hex) per label: the tests never depend on chance."""
    return hashlib.sha256(f"audit-test-{label}".encode()).hexdigest()


def record_id(index: int) -> uuid.UUID:
    return uuid.UUID(int=(0x1234 << 64) + index)


def candidate(
    index: int,
    stratum: str = "patrol",
    volunteer: int | None = None,
    minutes: int = 120,
    **flags: bool,
) -> Candidate:
    return Candidate(
        record_id=record_id(index),
        stratum=stratum,
        stratum_name=stratum,
        volunteer_id=uuid.UUID(int=volunteer if volunteer is not None else 10_000 + index),
        service_minutes=minutes,
        hours=Decimal(minutes) / 60,
        late_entry=flags.get("late_entry", False),
        self_reported=flags.get("self_reported", False),
        auto_closed=flags.get("auto_closed", False),
    )


def population(size: int, strata: tuple[str, ...] = ("patrol",)) -> list[Candidate]:
    return [candidate(index, strata[index % len(strata)]) for index in range(size)]


def test_the_same_seed_draws_the_same_sample_whatever_order_the_records_come_in():
    records = population(120, ("patrol", "sorting", "visits"))
    first = draw(seed_of(1), Rules(), records)
    again = draw(seed_of(1), Rules(), list(reversed(records)))
    assert first.sample_ids == again.sample_ids
    assert first.sample_size == len(first.sample) == 6  # ⌈0.05 × 120⌉
    assert first.sample_ids == sorted(first.sample_ids)


def test_a_different_seed_draws_a_different_sample():
    records = population(200)
    samples = {tuple(draw(seed_of(label), Rules(), records).sample_ids) for label in range(5)}
    assert len(samples) == 5


def test_keys_follow_the_documented_hmac_rule():
    """An independent re-implementation from the module's description (floats, u^(1/w)) draws the same."""
    records = [candidate(index, late_entry=index % 7 == 0) for index in range(60)]
    seed = seed_of("independent")
    weights = {"late_entry": 3}
    result = draw(seed, Rules(rate=Decimal("0.1"), min_count=3, weights=weights), records)

    def key(item: Candidate) -> float:
        digest = hmac.new(bytes.fromhex(seed), str(item.record_id).encode(), hashlib.sha256).digest()
        u = (int.from_bytes(digest[:8], "big") + 1) / (2**64 + 1)
        return u ** (1 / (1 + (3 if item.late_entry else 0)))

    expected = sorted(sorted(records, key=key, reverse=True)[:6], key=lambda item: item.record_id)
    assert result.sample_ids == [item.record_id for item in expected]
    assert seed_hash(seed) == hashlib.sha256(bytes.fromhex(seed)).hexdigest()


def test_risk_weights_shift_the_odds():
    """Over 400 seeds, a late entry (weight 1 + 3) is drawn about four times as often as a plain record;
    with every weight 0 the two are drawn alike."""
    records = [candidate(index, late_entry=index < 10) for index in range(100)]
    weighted, flat = Counter[bool](), Counter[bool]()
    for label in range(400):
        for item in draw(seed_of(label), Rules(rate=Decimal("0.1")), records).sample:
            weighted[item.candidate.late_entry] += 1
        rules = Rules(rate=Decimal("0.1"), weights=NO_WEIGHTS)
        for item in draw(seed_of(label), rules, records).sample:
            flat[item.candidate.late_entry] += 1
    # per record: 10 late, 90 plain
    weighted_ratio = (weighted[True] / 10) / (weighted[False] / 90)
    flat_ratio = (flat[True] / 10) / (flat[False] / 90)
    assert 2.8 < weighted_ratio < 5.5, weighted_ratio
    assert 0.7 < flat_ratio < 1.4, flat_ratio


def test_every_activity_is_represented_and_the_rest_is_shared_by_largest_remainder():
    records = (
        [candidate(index, "patrol") for index in range(60)]
        + [candidate(100 + index, "sorting") for index in range(30)]
        + [candidate(200 + index, "visits") for index in range(10)]
    )
    result = draw(seed_of("strata"), Rules(rate=Decimal("0.1")), records)
    # one each, then 7 shared over 59 : 29 : 9 → 4.26, 2.09, 0.65 → 4, 2, 0 and the last to 0.65
    assert result.allocation == {"patrol": 5, "sorting": 3, "visits": 2}
    drawn = Counter(item.candidate.stratum for item in result.sample)
    assert drawn == Counter(result.allocation)


def test_a_small_stratum_is_drawn_even_when_proportion_would_give_it_nothing():
    records = [candidate(index, "patrol") for index in range(97)] + [candidate(500, "rare")]
    for label in range(20):
        result = draw(seed_of(label), Rules(rate=Decimal("0.03")), records)
        assert result.allocation["rare"] == 1
        assert record_id(500) in result.sample_ids


def test_fewer_places_than_activities_go_one_each_to_activities_chosen_by_the_draw():
    records = [candidate(index, f"activity-{index % 8}") for index in range(16)]
    chosen = set()
    for label in range(30):
        result = draw(seed_of(label), Rules(rate=Decimal("0.01"), min_count=3), records)
        assert result.sample_size == 3
        assert sorted(result.allocation.values()) == [0, 0, 0, 0, 0, 1, 1, 1]
        assert len({item.candidate.stratum for item in result.sample}) == 3
        chosen.add(frozenset(item.candidate.stratum for item in result.sample))
    assert len(chosen) > 5  # not always the same activities


@pytest.mark.parametrize(
    ("size", "rate", "min_count", "expected"),
    [
        (0, "0.05", 3, 0),
        (1, "0.05", 3, 1),
        (2, "0.05", 3, 2),
        (40, "0.05", 3, 3),
        (100, "0.05", 3, 5),
        (100, "0.051", 3, 6),
        (10, "1", 0, 10),
        (10, "0.001", 0, 1),
    ],
)
def test_sample_size(size, rate, min_count, expected):
    result = draw(seed_of(size), Rules(rate=Decimal(rate), min_count=min_count), population(size))
    assert result.sample_size == len(result.sample) == expected


def test_an_empty_period_draws_nothing():
    result = draw(seed_of("empty"), Rules(), [])
    assert (result.population, result.sample, result.allocation) == (0, (), {})
    assert result.long_above_minutes is None
    assert result.frequent_above is None


def test_tiny_populations_are_drawn_whole():
    records = population(2, ("patrol", "sorting"))
    result = draw(seed_of("tiny"), Rules(), records)
    assert result.sample_ids == sorted(item.record_id for item in records)


def test_long_is_above_the_95th_percentile_or_a_working_day():
    assert long_threshold(list(range(1, 101))) == 95
    assert long_threshold([60] * 19) == 60  # fewer than 20: the largest, so only > 8 h is long
    records = [candidate(index, minutes=60 + index) for index in range(100)] + [candidate(999, minutes=600)]
    result = draw(seed_of("long"), Rules(), records)
    flagged = {item.record_id for item in result.assessed if "long" in item.risks}
    assert result.long_above_minutes == 155  # the 96th smallest of 101
    assert flagged == {record_id(index) for index in range(96, 100)} | {record_id(999)}
    small = draw(seed_of("long"), Rules(), [candidate(1, minutes=500), candidate(2, minutes=30)])
    assert [item.risks for item in small.assessed] == [("long",), ()]


def test_frequent_is_more_than_three_times_the_median_per_volunteer():
    assert frequent_threshold([1, 1, 2, 9]) == 4 + Decimal(1) / 2  # 3 × 1.5
    assert frequent_threshold([2, 3, 3]) == 9
    busy = [candidate(index, volunteer=1) for index in range(10)]
    others = [candidate(100 + index, volunteer=2 + index % 5) for index in range(10)]  # 2 each
    result = draw(seed_of("frequent"), Rules(), busy + others)
    weights = {item.record_id: (item.risks, item.weight) for item in result.assessed}
    assert weights[record_id(0)] == (("frequent",), Decimal(3))
    assert weights[record_id(100)] == ((), Decimal(1))


def test_a_records_weight_sums_its_signals():
    item = candidate(1, minutes=600, late_entry=True, self_reported=True, auto_closed=True)
    result = draw(seed_of("sum"), Rules(), [item])
    assert result.assessed[0].risks == ("late_entry", "self_reported", "auto_closed", "long")
    assert result.assessed[0].weight == Decimal(1 + 3 + 3 + 2 + 2)


def test_equal_keys_rank_the_smaller_record_id_first():
    first, second = candidate(1), candidate(2)
    ranked = best_first([Assessed(second, (), Decimal(1), 12345), Assessed(first, (), Decimal(1), 12345)])
    assert ranked[0].key == ranked[1].key
    assert [item.record_id for item in ranked] == [record_id(1), record_id(2)]


def test_the_fast_order_is_the_exact_order():
    """Float keys only find the order; near neighbours are settled by the exact decimal keys, so the
    result is the order of the documented keys — including u next to 1 and keys equal in floats."""
    seed = bytes.fromhex(seed_of("exact"))
    items = [
        Assessed(
            candidate(index),
            (),
            Decimal(1 + index % 4) + Decimal("0.01") * (index % 3),
            draw_value(seed, record_id(index)),
        )
        for index in range(300)
    ]
    top = 2**64 - 1
    items += [
        Assessed(candidate(1000), (), Decimal(1), top),
        Assessed(candidate(1001), (), Decimal(1), top - 1),
        Assessed(candidate(1002), (), Decimal(2), top),
        # equal floats, different exact keys (the weights differ in the 17th digit): the float order
        # would put 1003 first by its record id, the exact keys put 1004 first
        Assessed(candidate(1003), (), Decimal(1), 2**63),
        Assessed(candidate(1004), (), Decimal("1.0000000000000001"), 2**63),
    ]
    assert items[-1].fast_key == items[-2].fast_key
    assert items[-1].key > items[-2].key
    exact = sorted(items, key=lambda item: item.rank)
    assert exact.index(items[-1]) < exact.index(items[-2])
    assert [item.record_id for item in best_first(reversed(items))] == [item.record_id for item in exact]
    assert exact[0].record_id == record_id(1002)  # u closest to 1, heaviest weight


def test_a_bad_seed_or_a_repeated_record_is_refused():
    with pytest.raises(ValueError, match="32 bytes"):
        draw("ab" * 16, Rules(), population(3))
    with pytest.raises(ValueError, match="twice"):
        draw(seed_of("twice"), Rules(), [candidate(1), candidate(1)])


def test_a_population_round_trips_through_its_snapshot():
    item = candidate(7, "patrol", minutes=95, self_reported=True)
    assert Candidate.from_snapshot(item.snapshot()) == item
