"""Each component's formula at its edges (no data, perfect, bad), the weights made to sum to exactly 1, the
window, and a score that is always the sum of its contributions."""

from datetime import date
from decimal import Decimal

import pytest

from linli_evaluation.scores.formulas import (
    DEFAULT_WEIGHTS,
    Inputs,
    ScoreRules,
    Weights,
    audits_value,
    compute,
    hours_value,
    months_before,
    reliability_value,
    satisfaction_value,
    training_value,
)

pytestmark = pytest.mark.unit


def test_hours_against_the_target_capped_at_100():
    assert hours_value(Decimal(0), Decimal(40)) == Decimal("0.00")
    assert hours_value(Decimal(10), Decimal(40)) == Decimal("25.00")
    assert hours_value(Decimal(40), Decimal(40)) == Decimal("100.00")
    assert hours_value(Decimal(400), Decimal(40)) == Decimal("100.00")
    assert hours_value(Decimal("13.5"), Decimal(30)) == Decimal("45.00")


def test_satisfaction_is_pulled_toward_the_neutral_prior():
    assert satisfaction_value(0, 0) == Decimal("75.00")  # no ratings: the prior, 4.0
    assert satisfaction_value(1, 1) == Decimal("62.50")  # one angry rating does not sink it: m = 21/6
    assert satisfaction_value(1, 5) == Decimal("79.17")  # one glowing rating does not make it: m = 25/6
    assert satisfaction_value(5, 25) == Decimal("87.50")  # m = 4.5
    assert satisfaction_value(95, 475) == Decimal("98.75")  # many 5s approach 100: m = 4.95
    assert satisfaction_value(95, 95) == Decimal("3.75")  # many 1s approach 0: m = 1.15


def test_reliability_counts_no_shows_fully_and_late_cancellations_half():
    assert reliability_value(0, 0, 0) == Decimal("100.00")  # no commitments, none broken
    assert reliability_value(12, 0, 0) == Decimal("100.00")
    assert reliability_value(12, 1, 0) == Decimal("91.67")
    assert reliability_value(4, 0, 1) == Decimal("87.50")
    assert reliability_value(4, 2, 2) == Decimal("25.00")
    assert reliability_value(3, 3, 0) == Decimal("0.00")
    # a late cancellation is itself a sign-up: the denominator is never zero when something was broken
    assert reliability_value(1, 0, 1) == Decimal("50.00")


def test_training_values_a_valid_qualification_and_recent_completions():
    assert training_value(0, 0) == Decimal("0.00")
    assert training_value(1, 0) == Decimal("60.00")  # held from an old course
    assert training_value(1, 1) == Decimal("80.00")
    assert training_value(0, 1) == Decimal("20.00")  # passed in the window, since expired
    assert training_value(2, 2) == Decimal("100.00")
    assert training_value(3, 5) == Decimal("100.00")  # capped


def test_audits_weigh_a_rejection_double_and_no_audit_is_neutral():
    assert audits_value(0, 0, 0) == Decimal("100.00")
    assert audits_value(4, 0, 0) == Decimal("100.00")
    assert audits_value(1, 1, 0) == Decimal("50.00")
    assert audits_value(1, 0, 1) == Decimal("33.33")
    assert audits_value(0, 0, 3) == Decimal("0.00")
    assert audits_value(0, 2, 0) == Decimal("0.00")


def test_the_score_is_the_sum_of_its_contributions():
    inputs = Inputs(
        verified_hours=Decimal("17.5"),
        ratings=3,
        rating_sum=13,
        signups=7,
        no_shows=1,
        late_cancellations=1,
        valid_qualifications=("应急救护",),
        completions=1,
        audits_confirmed=2,
        audits_rejected=1,
    )
    score = compute(inputs, ScoreRules())
    assert [part.component for part in score.parts] == [
        "hours",
        "satisfaction",
        "reliability",
        "training",
        "audits",
    ]
    assert score.total == sum(part.contribution for part in score.parts)
    assert score.part("hours").value == Decimal("43.75")
    assert score.part("hours").contribution == Decimal("15.31")  # 43.75 × 0.35 = 15.3125
    assert score.part("reliability").value == Decimal("78.57")  # 1 − 1.5/7
    assert score.part("training").value == Decimal("80.00")
    assert score.part("audits").value == Decimal("50.00")
    assert score.part("reliability").inputs == {"signups": 7, "no_shows": 1, "late_cancellations": 1}


def test_perfect_and_empty_volunteers():
    perfect = compute(
        Inputs(
            verified_hours=Decimal(80),
            ratings=400,
            rating_sum=2000,
            signups=20,
            valid_qualifications=("应急救护", "消防安全"),
            completions=2,
            audits_confirmed=3,
        ),
        ScoreRules(),
    )
    assert Decimal(99) < perfect.total <= Decimal(100)
    # nothing recorded yet: only the neutral parts count (satisfaction's prior, reliability, audits)
    empty = compute(Inputs(), ScoreRules())
    assert empty.total == Decimal("18.75") + Decimal("20.00") + Decimal("10.00")


def test_weights_summing_to_one_within_a_thousandth_are_made_exact():
    given = {key: Decimal("0.333") for key in ("hours", "satisfaction", "reliability")}
    weights = Weights.normalised({**given, "training": Decimal(0), "audits": Decimal(0)})
    assert sum(weights.as_dict().values()) == 1
    assert weights.hours == Decimal("0.334")  # the dust goes to the largest (the first of equals)
    assert (weights.satisfaction, weights.reliability) == (Decimal("0.333"), Decimal("0.333"))
    assert Weights.normalised(DEFAULT_WEIGHTS.as_dict()) == DEFAULT_WEIGHTS
    over = Weights.normalised(
        {
            "hours": Decimal("0.351"),
            "satisfaction": Decimal("0.25"),
            "reliability": Decimal("0.2"),
            "training": Decimal("0.1"),
            "audits": Decimal("0.1"),
        }
    )
    assert sum(over.as_dict().values()) == 1
    full = compute(
        Inputs(
            verified_hours=Decimal(40),
            ratings=10_000,
            rating_sum=50_000,
            valid_qualifications=("应急救护",),
            completions=2,
        ),
        ScoreRules(weights=over),
    )
    assert full.total <= 100


def test_the_window_reaches_back_whole_months():
    assert ScoreRules().window_start(date(2026, 11, 25)) == date(2025, 11, 26)
    assert ScoreRules(window_months=1).window_start(date(2026, 3, 31)) == date(2026, 3, 1)
    assert ScoreRules(window_months=3).window_start(date(2026, 1, 15)) == date(2025, 10, 16)
    assert months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert months_before(date(2026, 12, 31), 12) == date(2025, 12, 31)
