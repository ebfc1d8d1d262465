"""An activity's occurrences, from its first start, its RFC 5545 rule and its exception dates.

The rule is stored without DTSTART: the first start (local Asia/Shanghai wall-clock time) is the activity's
own column and must be the rule's first occurrence. Only the rule parts a committee's calendar needs are
accepted, each checked here before dateutil sees it: dateutil iterates some legal-looking rules for seconds
(`FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30` walks every day to the year 9999 looking for a 30 February) and reads
others in surprising ways (`BYMONTHDAY=0` as every day). What remains is expanded lazily and refused — with
nothing written — as soon as it makes more than one shift a day, more than `MAX_OCCURRENCES_PER_YEAR` in
its first year, or occurrences that overlap each other.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from dateutil.rrule import rrule, rrulestr

from linli_shared.clock import SHANGHAI
from linli_shared.problems import Invalid

#: no activity needs more; a rule that reaches it is a mistake or an attack (a "recurrence bomb")
MAX_OCCURRENCES_PER_YEAR = 400
FIRST_YEAR = timedelta(days=366)

#: the parts a committee's calendar uses, in the order a stored rule lists them
RULE_PARTS = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS", "WKST")
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
#: a shift is a day's occurrence (its service date is unique per activity): these would make many a day
SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_INTERVAL = 999
MAX_COUNT = 10_000
#: the most weekdays of one kind in a month / a year ("5FR", "-1SU", "53MO")
ORDINAL_LIMITS = {"MONTHLY": 5, "YEARLY": 53}
SETPOS_LIMITS = {"MONTHLY": 31, "YEARLY": 366}

_INTEGER = re.compile(r"^[+-]?\d{1,5}$")
_WEEKDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL = re.compile(r"^(\d{8})(?:T(\d{6})(Z?))?$")


class RecurrenceInvalid(Invalid):
    slug = "recurrence-invalid"
    title = "The recurrence rule is not valid"


class RecurrenceTooDense(Invalid):
    slug = "recurrence-too-dense"
    title = "The recurrence rule makes too many shifts"


class OccurrencesOverlap(Invalid):
    slug = "occurrences-overlap"
    title = "The activity's occurrences would overlap each other"


class Occurrence(NamedTuple):
    starts_at: datetime
    ends_at: datetime
    #: the service date in Asia/Shanghai
    local_date: date


def normalise_rule(text: str) -> str:
    """The rule in the one form it is stored in: upper case, known parts in a fixed order, no `RRULE:`
    prefix, and UNTIL as a local wall-clock time (a date means "up to the end of that day", a UTC time is
    converted), so that expanding it never depends on how a client happened to spell it."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    if not body or any(character in body for character in ":\r\n"):
        raise RecurrenceInvalid("Give a single RRULE, without DTSTART, RDATE, EXRULE or EXDATE.")
    parts: dict[str, str] = {}
    for chunk in body.split(";"):
        name, equals, value = chunk.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not equals or not name or not value:
            raise RecurrenceInvalid(f"{chunk!r} is not a NAME=VALUE rule part.")
        if name not in RULE_PARTS:
            raise RecurrenceInvalid(f"The rule part {name} is not supported.")
        if name in parts:
            raise RecurrenceInvalid(f"The rule part {name} is given twice.")
        parts[name] = value
    _check_parts(parts)
    if "UNTIL" in parts:
        parts["UNTIL"] = _local_until(parts["UNTIL"])
    return ";".join(f"{name}={parts[name]}" for name in RULE_PARTS if name in parts)


def expand(
    first_start: datetime,
    duration: timedelta,
    rule: str | None,
    exceptions: Collection[date],
    from_date: date,
    until_date: date,
) -> list[Occurrence]:
    """The occurrences whose local date is in [from_date, until_date), skipping exception dates.

    `first_start` is naive local wall-clock time; a null rule is a one-off. The series is walked from its
    first start every time, at least through its first year, so every expansion re-checks the rule."""
    if first_start.tzinfo is not None:
        raise ValueError("the first start is local wall-clock time, without a zone")
    starts: Iterable[datetime] = [first_start] if rule is None else _parse(rule, first_start)
    skipped = set(exceptions)
    first_year_ends = first_start + FIRST_YEAR
    found: list[Occurrence] = []
    previous: datetime | None = None
    in_first_year = 0
    for start in _guarded(starts):
        if previous is None and start != first_start:
            raise RecurrenceInvalid("The first start must be the rule's first occurrence.")
        if start.date() >= until_date and start >= first_year_ends:
            break
        if previous is not None:
            if start.date() == previous.date():
                raise RecurrenceTooDense("An activity has at most one shift a day.")
            if start < previous + duration:
                raise OccurrencesOverlap(
                    f"The occurrences on {previous.date()} and {start.date()} would overlap: "
                    "the duration is longer than the interval between them."
                )
        if start < first_year_ends:
            in_first_year += 1
            if in_first_year > MAX_OCCURRENCES_PER_YEAR:
                raise RecurrenceTooDense(
                    f"The rule makes more than {MAX_OCCURRENCES_PER_YEAR} shifts in its first year."
                )
        previous = start
        if from_date <= start.date() < until_date and start.date() not in skipped:
            found.append(_occurrence(start, duration))
    if previous is None:
        raise RecurrenceInvalid("The rule has no occurrence at all.")
    return found


def _occurrence(local_start: datetime, duration: timedelta) -> Occurrence:
    starts_at = local_start.replace(tzinfo=SHANGHAI).astimezone(UTC)
    return Occurrence(starts_at, starts_at + duration, local_start.date())


def _parse(rule: str, first_start: datetime) -> rrule:
    try:
        parsed = rrulestr(normalise_rule(rule), dtstart=first_start)
    except (ValueError, IndexError, TypeError, OverflowError) as error:
        raise RecurrenceInvalid(f"The rule cannot be read: {error}.") from error
    if not isinstance(parsed, rrule):
        raise RecurrenceInvalid("Give a single RRULE.")
    return parsed


def _guarded(starts: Iterable[datetime]) -> Iterator[datetime]:
    """dateutil computes dates as it goes; a rule that runs off the calendar fails there, not when parsed."""
    iterator = iter(starts)
    while True:
        try:
            start = next(iterator)
        except StopIteration:
            return
        except (ValueError, OverflowError) as error:
            raise RecurrenceInvalid(f"The rule runs off the calendar: {error}.") from error
        yield start


def _check_parts(parts: dict[str, str]) -> None:
    frequency = parts.get("FREQ")
    if frequency is None:
        raise RecurrenceInvalid("The rule needs a FREQ.")
    if frequency in SUB_DAILY:
        raise RecurrenceTooDense("A shift recurs at most daily (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY).")
    if frequency not in FREQUENCIES:
        raise RecurrenceInvalid(f"FREQ={frequency} is not a frequency.")
    if "COUNT" in parts and "UNTIL" in parts:
        raise RecurrenceInvalid("A rule ends by COUNT or by UNTIL, not both.")
    _integers(parts, "INTERVAL", 1, MAX_INTERVAL)
    _integers(parts, "COUNT", 1, MAX_COUNT)
    months = _integers(parts, "BYMONTH", 1, 12)
    month_days = _integers(parts, "BYMONTHDAY", -31, 31)
    if 0 in month_days:
        raise RecurrenceInvalid("BYMONTHDAY counts from 1 (or back from -1).")
    if months and month_days and not _any_real_day(months, month_days):
        raise RecurrenceInvalid("No day matches both BYMONTH and BYMONTHDAY.")
    if "BYDAY" in parts:
        _check_weekdays(parts["BYDAY"], frequency)
    if "BYSETPOS" in parts:
        if frequency not in SETPOS_LIMITS:
            raise RecurrenceInvalid("BYSETPOS picks from a month's or a year's days only.")
        limit = SETPOS_LIMITS[frequency]
        if 0 in _integers(parts, "BYSETPOS", -limit, limit):
            raise RecurrenceInvalid("BYSETPOS counts from 1 (or back from -1).")
    if "WKST" in parts and parts["WKST"] not in WEEKDAYS:
        raise RecurrenceInvalid("WKST is a weekday (MO…SU).")


def _integers(parts: dict[str, str], name: str, lowest: int, highest: int) -> list[int]:
    if name not in parts:
        return []
    values = parts[name].split(",")
    if not all(_INTEGER.match(value) for value in values):
        raise RecurrenceInvalid(f"{name} takes whole numbers.")
    numbers = [int(value) for value in values]
    if not all(lowest <= number <= highest for number in numbers):
        raise RecurrenceInvalid(f"{name} takes numbers from {lowest} to {highest}.")
    return numbers


def _any_real_day(months: list[int], month_days: list[int]) -> bool:
    """A leap year's month lengths: 29 February is a real (if rare) day."""
    return any(abs(day) <= calendar.monthrange(2024, month)[1] for month in months for day in month_days)


def _check_weekdays(value: str, frequency: str) -> None:
    for weekday in value.split(","):
        matched = _WEEKDAY.match(weekday)
        if matched is None:
            raise RecurrenceInvalid(f"BYDAY={weekday} is not a weekday (MO…SU, or e.g. 1MO, -1FR).")
        if matched.group(1) is None:
            continue
        limit = ORDINAL_LIMITS.get(frequency)
        if limit is None:
            raise RecurrenceInvalid("A numbered weekday (e.g. 1MO) belongs to a MONTHLY or YEARLY rule.")
        ordinal = int(matched.group(1))
        if ordinal == 0 or abs(ordinal) > limit:
            raise RecurrenceInvalid(f"BYDAY={weekday}: a {frequency.lower()} rule counts 1 to {limit}.")


def _local_until(value: str) -> str:
    matched = _UNTIL.match(value)
    if matched is None:
        raise RecurrenceInvalid("UNTIL is a date (20261231) or a time (20261231T235959 or …Z).")
    day, time, utc = matched.groups()
    try:
        if time is None:
            until = datetime.strptime(day + "235959", "%Y%m%d%H%M%S")
        elif utc:
            moment = datetime.strptime(day + time, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
            until = moment.astimezone(SHANGHAI).replace(tzinfo=None)
        else:
            until = datetime.strptime(day + time, "%Y%m%d%H%M%S")
    except (ValueError, OverflowError) as error:
        raise RecurrenceInvalid(f"UNTIL={value} is not a real date and time.") from error
    return until.strftime("%Y%m%dT%H%M%S")
