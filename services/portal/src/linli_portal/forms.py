"""What the pages' forms share: how a service's refusal of a form is shown, and a filter form as the
query string of its pager's links."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from linli_portal.upstreams import UpstreamError


def refusal_to_show(refused: UpstreamError) -> UpstreamError:
    """A service's refusal of a form, to show with the form again (its `.status` and `.messages`); a 404 (not
    this committee's object, or gone) is raised again, so the page itself is the not-found page."""
    if refused.status == 404:
        raise refused
    return refused


def form_refusal(refused: UpstreamError) -> int:
    """The status a refused form is shown again with, where the form names other things (a volunteer, an
    area): one the service cannot find is a mistake in the form, not a missing page."""
    return 422 if refused.status == 404 else refused.status


def query_string(params: dict[str, Any]) -> str:
    """A page's filters as a query string (for its pager's links), the empty ones left out."""
    return urlencode({key: str(value) for key, value in params.items() if value not in (None, "")})
