"""Finding people (全链条选育, "如何找到人"): needs, candidates on a board by status, screening on the
committee's criteria and "三好一会" rubric, public notices (公示) for promotions, and the volunteer rules
(《志愿者管理办法》). Every rule stays the roster's; these pages only ask it and show its answers."""

from __future__ import annotations

from linli_portal.dependencies import portal_router
from linli_portal.recruitment import candidates, needs, notices, rules, screening

router = portal_router(tags=["recruitment"])
for part in (candidates, needs, screening, notices, rules):
    router.include_router(part.router)
