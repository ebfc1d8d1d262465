"""The month or range of months a report covers, from the query string: a malformed month is a 422 listing
the field (FastAPI's validation); a range that runs backwards or past 24 months is a 422 problem too."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from linli_evaluation.access import READERS
from linli_evaluation.reports.exceptions import MonthsOutOfOrder, TooManyMonths
from linli_evaluation.reports.periods import MAX_MONTHS, MONTH, Months, month_of
from linli_evaluation.reports.service import COMMITTEE_ROLES
from linli_shared.auth import require_role
from linli_shared.tenancy import TenantContext


def one_month(month: Annotated[str, Query(pattern=MONTH, description="The month, e.g. 2026-11")]) -> Months:
    first = month_of(month)
    return Months(first, first)


def month_range(
    from_: Annotated[str, Query(alias="from", pattern=MONTH, description="The first month, e.g. 2026-01")],
    to: Annotated[str, Query(pattern=MONTH, description="The last month, inclusive, e.g. 2026-11")],
) -> Months:
    months = Months(month_of(from_), month_of(to))
    if months.last < months.first:
        raise MonthsOutOfOrder(f"`to` ({to}) is before `from` ({from_}).")
    if months.count > MAX_MONTHS:
        raise TooManyMonths(f"{months.count} months asked; at most {MAX_MONTHS}.")
    return months


OneMonth = Annotated[Months, Depends(one_month)]
MonthRange = Annotated[Months, Depends(month_range)]
#: a committee's own readers: the national export is the recording committee's (谁记录谁证明)
CommitteeReader = Annotated[TenantContext, Depends(require_role(READERS & COMMITTEE_ROLES))]
