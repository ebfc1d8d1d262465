"""The district portal (区级), also a town's (镇/街道) scoped to its town: `/d/<slug>/…`, for the node's own
admins only (`AreaUser`). Every page reads through the services as the admin, so a town sees its own
committees and never another town's.

The pages live in the modules below; this router gives them the portal's HTML responses and the form token
check on every change."""

from __future__ import annotations

from linli_portal.dependencies import portal_router
from linli_portal.district import awards, nodes, policies, reports, rollout

router = portal_router(tags=["district"])
for pages in (rollout, nodes, reports, policies, awards):
    router.include_router(pages.router)
