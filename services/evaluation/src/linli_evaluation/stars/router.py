from __future__ import annotations

from fastapi import APIRouter

from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(tags=["stars"], responses=PROBLEM_RESPONSES)
