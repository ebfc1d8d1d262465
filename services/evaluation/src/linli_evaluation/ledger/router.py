from __future__ import annotations

from fastapi import APIRouter

from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(tags=["ledger"], responses=PROBLEM_RESPONSES)
