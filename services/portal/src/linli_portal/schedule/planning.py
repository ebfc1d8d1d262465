"""The activity form as staff fill it in (a day, a time, weekdays, "until" or "N times"), and the request
scheduling expects from it: an aware first start and an RFC 5545 RRULE without DTSTART."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, Field

from linli_portal.i18n import gettext as _
from linli_portal.labels import N_
from linli_shared.clock import SHANGHAI

#: RFC 5545's weekday codes, Monday first (as `date.weekday()` counts)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = {
    "MO": N_("Monday"),
    "TU": N_("Tuesday"),
    "WE": N_("Wednesday"),
    "TH": N_("Thursday"),
    "FR": N_("Friday"),
    "SA": N_("Saturday"),
    "SU": N_("Sunday"),
}
#: training sessions name their course: they are planned from the training pages
KINDS = ("service", "grid_duty", "deliberation_meeting", "mediation_class")
ROLES = (
    "party_group_leader",
    "building_group_leader",
    "micro_grid_leader",
    "deliberation_member",
    "mediator",
)
TIERS = ("volunteer", "backbone", "reserve")
REPEATS = ("once", "weekly")
ENDINGS = ("count", "until", "never")


def _text(limit: int) -> Any:
    return Field("", max_length=limit)


class ActivityForm(BaseModel):
    """Every field as the browser sends it (text), so a refused form comes back exactly as it was typed."""

    name: str = _text(200)
    kind: str = _text(40)
    project_id: str = _text(40)
    content: str = _text(4000)
    recipient: str = _text(200)
    area_id: str = _text(40)
    place: str = _text(200)
    start_date: str = _text(20)
    start_time: str = _text(10)
    duration_minutes: str = _text(10)
    capacity: str = _text(10)
    lead_volunteer_id: str = _text(40)
    required_qualification: str = _text(120)
    required_role: str = _text(40)
    required_tier: str = _text(20)
    repeat: str = Field("once", max_length=10)
    weekdays: list[str] = Field(default_factory=list, max_length=7)
    interval: str = Field("1", max_length=5)
    ends: str = Field("count", max_length=10)
    until: str = _text(20)
    count: str = _text(10)

    @classmethod
    def blank(cls, today: date, project_id: str = "") -> ActivityForm:
        return cls(
            kind="service",
            project_id=project_id,
            start_date=(today + timedelta(days=1)).isoformat(),
            start_time="09:00",
            duration_minutes="120",
            capacity="10",
            count="10",
        )


def activity_request(form: ActivityForm) -> tuple[dict[str, Any] | None, list[str]]:
    """The body of `POST /v1/activities`, or the reasons the form cannot become one. Only what the
    portal itself builds is checked here (dates, numbers, the rule); the service judges the rest."""
    errors: list[str] = []
    first_day = _day(form.start_date)
    start_time = _time(form.start_time)
    if first_day is None or start_time is None:
        errors.append(_("Give the first day and the start time."))
    duration = _whole(form.duration_minutes)
    if duration is None:
        errors.append(_("The duration is a whole number of minutes."))
    capacity = _whole(form.capacity)
    if capacity is None:
        errors.append(_("The number of places is a whole number."))
    rule = None
    if form.repeat == "weekly" and first_day is not None:
        rule, first_day, rule_errors = weekly_rule(form, first_day)
        errors.extend(rule_errors)
    elif form.repeat not in REPEATS:
        errors.append(_("Choose once or weekly."))
    if errors or first_day is None or start_time is None:
        return None, errors
    first_start = datetime.combine(first_day, start_time, SHANGHAI)
    return {
        "name": form.name,
        "kind": form.kind,
        "project_id": form.project_id or None,
        "content": form.content,
        "recipient": form.recipient,
        "area_id": form.area_id or None,
        "place": form.place,
        "lead_volunteer_id": form.lead_volunteer_id or None,
        "first_starts_at": first_start.isoformat(),
        "duration_minutes": duration,
        "capacity": capacity,
        "recurrence": rule,
        "required_qualification": form.required_qualification.strip() or None,
        "required_role": form.required_role or None,
        "required_tier": form.required_tier or None,
    }, []


def weekly_rule(form: ActivityForm, from_day: date) -> tuple[str | None, date, list[str]]:
    """`FREQ=WEEKLY;BYDAY=…` ending by COUNT, UNTIL or not at all, and the series' first day: the first
    chosen weekday on or after the day given (the service wants the first start to be the rule's first
    occurrence). No weekday chosen means the given day's own."""
    errors: list[str] = []
    chosen = [code for code in WEEKDAYS if code in form.weekdays]
    if len(chosen) != len(set(form.weekdays)):
        errors.append(_("Choose weekdays from Monday to Sunday."))
    if not chosen:
        chosen = [WEEKDAYS[from_day.weekday()]]
    first_day = next(
        from_day + timedelta(days=offset)
        for offset in range(7)
        if WEEKDAYS[(from_day + timedelta(days=offset)).weekday()] in chosen
    )
    parts = ["FREQ=WEEKLY"]
    interval = _whole(form.interval or "1")
    if interval is None or interval < 1:
        errors.append(_("Repeat every 1 or more weeks."))
    elif interval > 1:
        parts.append(f"INTERVAL={interval}")
    parts.append("BYDAY=" + ",".join(chosen))
    if form.ends == "count":
        count = _whole(form.count)
        if count is None or count < 1:
            errors.append(_("Give how many times the activity takes place."))
        else:
            parts.append(f"COUNT={count}")
    elif form.ends == "until":
        until = _day(form.until)
        if until is None:
            errors.append(_("Give the last day of the series."))
        else:
            parts.append(f"UNTIL={until:%Y%m%d}")
    elif form.ends != "never":
        errors.append(_("Choose how the series ends."))
    return (None if errors else ";".join(parts)), first_day, errors


def describe_rule(rule: str | None) -> dict[str, Any]:
    """A stored rule's parts as the activity page tells them: weekdays, every how many weeks, the end."""
    if not rule:
        return {}
    parts = dict(part.partition("=")[::2] for part in rule.split(";"))
    until = parts.get("UNTIL", "")
    return {
        "frequency": parts.get("FREQ", ""),
        "interval": int(parts.get("INTERVAL", "1")),
        "weekdays": [
            WEEKDAY_NAMES[code] for code in parts.get("BYDAY", "").split(",") if code in WEEKDAY_NAMES
        ],
        "count": parts.get("COUNT"),
        "until": date(int(until[:4]), int(until[4:6]), int(until[6:8])) if len(until) >= 8 else None,
    }


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _time(text: str) -> time | None:
    try:
        return time.fromisoformat(text.strip()).replace(second=0, microsecond=0)
    except ValueError:
        return None


def _whole(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdecimal() and len(text) <= 6 else None
