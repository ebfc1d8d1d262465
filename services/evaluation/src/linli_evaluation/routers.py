"""Every domain's HTTP routes, in the order they are matched."""

from __future__ import annotations

from fastapi import APIRouter

from linli_evaluation.ledger.router import router as ledger_router
from linli_evaluation.stars.router import router as stars_router

ROUTERS: tuple[APIRouter, ...] = (ledger_router, stars_router)
