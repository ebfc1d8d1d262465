"""Months as reports count them: whole months, their last service day, the months before, tally periods."""

from datetime import date

from linli_evaluation.reports.periods import Months, add_months, label, month_of


def test_a_month_ends_on_its_last_day():
    assert Months(date(2028, 2, 1), date(2028, 2, 1)).end == date(2028, 2, 29)
    assert Months(date(2026, 2, 1), date(2026, 2, 1)).end == date(2026, 2, 28)
    assert Months(date(2026, 11, 1), date(2026, 12, 1)).end == date(2026, 12, 31)


def test_the_months_before_are_as_many_and_cross_the_year():
    assert Months(date(2027, 1, 1), date(2027, 1, 1)).previous() == Months(
        date(2026, 12, 1), date(2026, 12, 1)
    )
    assert Months(date(2026, 1, 1), date(2026, 3, 1)).previous() == Months(
        date(2025, 10, 1), date(2025, 12, 1)
    )


def test_the_tally_periods_of_a_range():
    months = Months(month_of("2025-11"), month_of("2026-02"))
    assert months.count == 4
    assert months.tally_periods() == ["m2025-11", "m2025-12", "m2026-01", "m2026-02"]
    assert [label(month) for month in months.each()] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
