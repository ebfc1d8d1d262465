"""Pages of this area (being written)."""

from __future__ import annotations

from linli_portal.dependencies import portal_router

router = portal_router(tags=["audits"])
