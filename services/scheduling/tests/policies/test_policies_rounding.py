"""`round_hours` on every preset, at the boundaries the rules are written around."""

from decimal import Decimal

import pytest

from linli_scheduling.policies.models import Rounding
from linli_scheduling.policies.rules import round_hours

BOUNDARIES = (0, 1, 14, 15, 16, 44, 45, 46, 59, 60, 75, 76, 105, 106, 125)
EXPECTED = {
    # 重庆: ≤15 min → 0, 15–45 → 0.5, >45 → 1, on the minutes past the whole hours
    Rounding.CHONGQING: ("0", "0", "0", "0", "0.5", "0.5", "0.5", "1", "1", "1", "1", "1.5", "1.5", "2", "2"),
    # nearest half hour, halves rounded up: 15 min is already half an hour
    Rounding.HALF_HOUR: ("0", "0", "0", "0.5", "0.5", "0.5", "1", "1", "1", "1", "1.5", "1.5", "2", "2", "2"),
    Rounding.QUARTER_HOUR_DOWN: (
        "0",
        "0",
        "0",
        "0.25",
        "0.25",
        "0.5",
        "0.75",
        "0.75",
        "0.75",
        "1",
        "1.25",
        "1.25",
        "1.75",
        "1.75",
        "2",
    ),
    # exact minutes to 0.01 h, never rounded up: 16 min is 0.2666… → 0.26
    Rounding.EXACT: (
        "0",
        "0.01",
        "0.23",
        "0.25",
        "0.26",
        "0.73",
        "0.75",
        "0.76",
        "0.98",
        "1",
        "1.25",
        "1.26",
        "1.75",
        "1.76",
        "2.08",
    ),
}


@pytest.mark.unit
@pytest.mark.parametrize("rounding", list(Rounding))
def test_every_preset_at_its_boundaries(rounding):
    assert set(EXPECTED) == set(Rounding)
    credited = {minutes: round_hours(minutes, rounding) for minutes in BOUNDARIES}
    assert credited == {
        minutes: Decimal(hours) for minutes, hours in zip(BOUNDARIES, EXPECTED[rounding], strict=True)
    }


@pytest.mark.unit
def test_the_chongqing_rule_as_written():
    assert round_hours(15, Rounding.CHONGQING) == 0
    assert round_hours(16, Rounding.CHONGQING) == Decimal("0.5")
    assert round_hours(45, Rounding.CHONGQING) == Decimal("0.5")
    assert round_hours(46, Rounding.CHONGQING) == 1
    assert round_hours(60, Rounding.CHONGQING) == 1
    assert round_hours(75, Rounding.CHONGQING) == 1  # one hour, and 15 minutes that do not count


@pytest.mark.unit
@pytest.mark.parametrize("rounding", list(Rounding))
def test_hours_never_decrease_with_more_minutes(rounding):
    hours = [round_hours(minutes, rounding) for minutes in range(0, 600)]
    assert hours == sorted(hours)
    assert all(value.as_tuple().exponent >= -2 for value in hours)


@pytest.mark.unit
@pytest.mark.parametrize("rounding", list(Rounding))
def test_negative_minutes_are_refused(rounding):
    with pytest.raises(ValueError, match="negative"):
        round_hours(-1, rounding)
