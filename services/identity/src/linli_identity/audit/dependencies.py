from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_identity.audit.service import Actor
from linli_shared.auth import CurrentContext


def current_actor(request: Request, context: CurrentContext) -> Actor:
    return Actor(context=context, ip=request.client.host if request.client else None)


ActorDep = Annotated[Actor, Depends(current_actor)]
