"""What the district portal's pages share: the caller's part of the tenant tree, form numbers as the services
read them."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from linli_portal.dependencies import Api


def subtree(api: Api, include_inactive: bool = False) -> list[dict[str, Any]]:
    """The caller's node and every town and committee below it, as identity holds them (the authority on
    the tree: evaluation's copy lags until identity's events are handled)."""
    nodes: list[dict[str, Any]] = api.identity.get("/v1/tenants", include_inactive=include_inactive or None)
    return nodes


def as_number(text: str) -> int | float | str:
    """A form field as the JSON number the services expect. Text that is no number is sent as it is, so the
    service refuses it by field name and the page can say which field."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def as_fraction(percent: str) -> float | str:
    """ "5" (per cent, as people say a rate) → 0.05, computed in decimal so 3.3 % is 0.033 and not 0.0329999…"""
    try:
        value = Decimal(percent.strip()) / 100
    except InvalidOperation:
        return percent
    return float(value) if value.is_finite() else percent
