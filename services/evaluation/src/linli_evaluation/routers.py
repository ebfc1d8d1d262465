"""Every domain's HTTP routes, in the order they are matched."""

from __future__ import annotations

from fastapi import APIRouter

from linli_evaluation.audits.router import router as audits_router
from linli_evaluation.certificates.router import router as certificates_router
from linli_evaluation.feedback.router import router as feedback_router
from linli_evaluation.ledger.router import router as ledger_router
from linli_evaluation.recognition.router import router as recognition_router
from linli_evaluation.reports.router import router as reports_router
from linli_evaluation.scores.router import router as scores_router
from linli_evaluation.stars.router import router as stars_router

ROUTERS: tuple[APIRouter, ...] = (
    ledger_router,
    stars_router,
    feedback_router,
    audits_router,
    scores_router,
    recognition_router,
    certificates_router,
    reports_router,
)
