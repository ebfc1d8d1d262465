"""Expanding a rule: weekly duty with exceptions, COUNT and UNTIL, local time to UTC, and the rules that
are refused (garbage, DTSTART and friends, recurrence bombs, overlapping occurrences)."""

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from linli_scheduling.activities.recurrence import (
    MAX_OCCURRENCES_PER_YEAR,
    OccurrencesOverlap,
    RecurrenceInvalid,
    RecurrenceTooDense,
    expand,
    normalise_rule,
)

pytestmark = pytest.mark.unit

#: Saturday 2 May 2026, 08:00 in Shanghai (00:00 UTC)
SATURDAY = datetime(2026, 5, 2, 8, 0)
TWO_HOURS = timedelta(hours=2)
SORTING_DUTY = "FREQ=WEEKLY;BYDAY=SA"


def days(occurrences) -> list[date]:
    return [occurrence.local_date for occurrence in occurrences]


def test_weekly_garbage_sorting_duty_skips_its_exceptions():
    found = expand(
        SATURDAY,
        TWO_HOURS,
        SORTING_DUTY,
        [date(2026, 5, 9), date(2026, 5, 30)],
        date(2026, 5, 1),
        date(2026, 6, 1),
    )
    assert days(found) == [date(2026, 5, 2), date(2026, 5, 16), date(2026, 5, 23)]
    first = found[0]
    assert first.starts_at == datetime(2026, 5, 2, 0, 0, tzinfo=UTC)
    assert first.ends_at == datetime(2026, 5, 2, 2, 0, tzinfo=UTC)
    assert first.starts_at.tzinfo is UTC


def test_the_window_is_half_open_on_local_dates():
    # 00:30 in Shanghai is still the previous day in UTC: the local date decides
    late = datetime(2026, 5, 2, 0, 30)
    found = expand(late, TWO_HOURS, "FREQ=DAILY", [], date(2026, 5, 3), date(2026, 5, 5))
    assert days(found) == [date(2026, 5, 3), date(2026, 5, 4)]
    assert found[0].starts_at == datetime(2026, 5, 2, 16, 30, tzinfo=UTC)


def test_count_and_until_end_the_series():
    whole_year = (date(2026, 1, 1), date(2027, 12, 31))
    assert days(expand(SATURDAY, TWO_HOURS, SORTING_DUTY + ";COUNT=3", [], *whole_year)) == [
        date(2026, 5, 2),
        date(2026, 5, 9),
        date(2026, 5, 16),
    ]
    # a date UNTIL includes its whole day; a UTC one is read in Shanghai time
    assert days(expand(SATURDAY, TWO_HOURS, SORTING_DUTY + ";UNTIL=20260516", [], *whole_year))[-1] == date(
        2026, 5, 16
    )
    # 00:00 UTC is 08:00 in Shanghai: the 16 May duty starts exactly then, and UNTIL is inclusive
    assert days(expand(SATURDAY, TWO_HOURS, SORTING_DUTY + ";UNTIL=20260516T000000Z", [], *whole_year))[
        -1
    ] == date(2026, 5, 16)
    assert days(expand(SATURDAY, TWO_HOURS, SORTING_DUTY + ";UNTIL=20260515T235959Z", [], *whole_year))[
        -1
    ] == date(2026, 5, 9)
    assert days(expand(SATURDAY, TWO_HOURS, SORTING_DUTY + ";UNTIL=20260515T235959", [], *whole_year))[
        -1
    ] == date(2026, 5, 9)


def test_monthly_and_yearly_rules():
    first_monday = datetime(2026, 5, 4, 14, 0)
    found = expand(first_monday, TWO_HOURS, "FREQ=MONTHLY;BYDAY=1MO", [], date(2026, 5, 1), date(2026, 9, 1))
    assert days(found) == [date(2026, 5, 4), date(2026, 6, 1), date(2026, 7, 6), date(2026, 8, 3)]
    last_friday = datetime(2026, 5, 29, 9, 0)
    found = expand(
        last_friday, TWO_HOURS, "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1", [], date(2026, 5, 1), date(2026, 8, 1)
    )
    assert days(found) == [date(2026, 5, 29), date(2026, 6, 26), date(2026, 7, 31)]
    double_ninth = datetime(2026, 10, 18, 9, 0)
    found = expand(double_ninth, TWO_HOURS, "FREQ=YEARLY", [], date(2026, 1, 1), date(2028, 12, 31))
    assert days(found) == [date(2026, 10, 18), date(2027, 10, 18), date(2028, 10, 18)]


def test_a_one_off_is_its_first_start():
    assert days(expand(SATURDAY, TWO_HOURS, None, [], date(2026, 5, 1), date(2026, 5, 3))) == [
        date(2026, 5, 2)
    ]
    assert expand(SATURDAY, TWO_HOURS, None, [], date(2026, 5, 3), date(2026, 6, 3)) == []


def test_rules_are_stored_in_one_spelling():
    assert normalise_rule(" rrule:byday=sa;freq=weekly ") == "FREQ=WEEKLY;BYDAY=SA"
    assert normalise_rule("FREQ=WEEKLY;UNTIL=20260530") == "FREQ=WEEKLY;UNTIL=20260530T235959"
    assert normalise_rule("FREQ=WEEKLY;UNTIL=20260530T000000Z") == "FREQ=WEEKLY;UNTIL=20260530T080000"


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "garbage",
        "FREQ=FORTNIGHTLY",
        "INTERVAL=2",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=WEEKLY;BYDAY=SA;BYDAY=SU",
        "FREQ=WEEKLY;INTERVAL=0",
        "FREQ=WEEKLY;INTERVAL=-1",
        "FREQ=WEEKLY;INTERVAL=1000",
        "FREQ=WEEKLY;COUNT=0",
        "FREQ=WEEKLY;COUNT=3;UNTIL=20261231",
        "FREQ=WEEKLY;UNTIL=2026-12-31",
        "FREQ=WEEKLY;UNTIL=20261332",
        "FREQ=WEEKLY;BYMONTHDAY=0",
        "FREQ=MONTHLY;BYMONTH=13",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=MONTHLY;BYDAY=6SA",
        "FREQ=WEEKLY;BYDAY=1SA",
        "FREQ=WEEKLY;BYDAY=SA;BYSETPOS=1",
        "FREQ=WEEKLY;WKST=XX",
        "FREQ=WEEKLY;BYHOUR=8",
        "FREQ=WEEKLY;BYEASTER=0",
        "DTSTART:20260502T080000\nRRULE:FREQ=WEEKLY",
        "DTSTART=20260502T080000;FREQ=WEEKLY",
        "FREQ=WEEKLY;RDATE=20260503",
        "FREQ=WEEKLY;EXRULE=FREQ",
        "FREQ=WEEKLY;EXDATE=20260509",
        "EXRULE:FREQ=DAILY",
        "FREQ=WEEKLY\x00",
        # the first start must be the first occurrence: 2 May is a Saturday, not a Friday
        "FREQ=WEEKLY;BYDAY=FR",
        "FREQ=WEEKLY;BYDAY=SA;UNTIL=20260501",
    ],
)
def test_rules_that_are_refused(rule):
    with pytest.raises(RecurrenceInvalid):
        expand(SATURDAY, TWO_HOURS, rule, [], date(2026, 5, 1), date(2026, 6, 1))


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=SECONDLY;COUNT=1000000",
        "FREQ=SECONDLY",
        "FREQ=MINUTELY",
        "FREQ=HOURLY",
        "FREQ=HOURLY;INTERVAL=25",
    ],
)
def test_recurrence_bombs_are_refused_at_once(rule):
    started = time.monotonic()
    with pytest.raises(RecurrenceTooDense):
        expand(SATURDAY, TWO_HOURS, rule, [], date(2026, 5, 1), date(2027, 5, 1))
    assert time.monotonic() - started < 1


def test_impossible_rules_end_quickly():
    """A rule that matches nothing is walked to the end of the calendar by dateutil; what passes the
    static checks stays within a second."""
    for rule in ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6", "FREQ=YEARLY;BYDAY=MO;BYSETPOS=366"):
        started = time.monotonic()
        with pytest.raises(RecurrenceInvalid):
            expand(SATURDAY, TWO_HOURS, rule, [], date(2026, 5, 1), date(2027, 5, 1))
        assert time.monotonic() - started < 5, rule


def test_the_first_year_is_checked_whatever_the_window():
    # a daily rule is the densest allowed: 365 or 366 a year, under the cap
    assert MAX_OCCURRENCES_PER_YEAR >= 366
    assert len(expand(SATURDAY, TWO_HOURS, "FREQ=DAILY", [], date(2026, 5, 1), date(2027, 5, 2))) == 365
    # a narrow window still walks the rule's first year
    assert len(expand(SATURDAY, TWO_HOURS, "FREQ=DAILY", [], date(2026, 5, 2), date(2026, 5, 3))) == 1


def test_occurrences_may_not_overlap():
    with pytest.raises(OccurrencesOverlap):
        expand(SATURDAY, timedelta(hours=25), "FREQ=DAILY", [], date(2026, 5, 1), date(2026, 6, 1))
    with pytest.raises(OccurrencesOverlap):
        expand(SATURDAY, timedelta(days=8), SORTING_DUTY, [], date(2026, 5, 1), date(2026, 6, 1))
    # back to back is not an overlap
    assert len(expand(SATURDAY, timedelta(days=1), "FREQ=DAILY", [], date(2026, 5, 1), date(2026, 5, 8))) == 6
    # an exception does not make room: the rule itself must not overlap
    with pytest.raises(OccurrencesOverlap):
        expand(
            SATURDAY, timedelta(days=8), SORTING_DUTY, [date(2026, 5, 9)], date(2026, 5, 1), date(2026, 6, 1)
        )


def test_the_first_start_is_local_wall_clock_time():
    with pytest.raises(ValueError, match="wall-clock"):
        expand(SATURDAY.replace(tzinfo=UTC), TWO_HOURS, SORTING_DUTY, [], date(2026, 5, 1), date(2026, 6, 1))
