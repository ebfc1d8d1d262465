"""Every page router of the portal, in the order they are matched."""

from __future__ import annotations

from fastapi import APIRouter

from linli_portal.account.router import router as account_router
from linli_portal.committee.router import router as committee_router

ROUTERS: tuple[APIRouter, ...] = (account_router, committee_router)
