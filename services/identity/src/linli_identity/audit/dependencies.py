from __future__ import annotations

import ipaddress
from typing import Annotated

from fastapi import Depends, Request

from linli_identity.audit.service import Actor
from linli_shared.auth import CurrentContext


def client_ip(request: Request) -> str | None:
    """The peer address when it is one (test clients and some proxies report names instead)."""
    host = request.client.host if request.client else None
    try:
        return str(ipaddress.ip_address(host)) if host else None
    except ValueError:
        return None


def current_actor(request: Request, context: CurrentContext) -> Actor:
    return Actor(context=context, ip=client_ip(request))


ActorDep = Annotated[Actor, Depends(current_actor)]
