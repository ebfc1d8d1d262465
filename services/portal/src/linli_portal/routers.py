"""Every page router of the portal: one package per area, each with its `router.py`."""

from __future__ import annotations

from fastapi import APIRouter

from linli_portal.account.router import router as account_router
from linli_portal.areas.router import router as areas_router
from linli_portal.audits.router import router as audits_router
from linli_portal.certificates.router import router as certificates_router
from linli_portal.committee.router import router as committee_router
from linli_portal.deliberation.router import router as deliberation_router
from linli_portal.district.router import router as district_router
from linli_portal.feedback.router import router as feedback_router
from linli_portal.invitations.router import router as invitations_router
from linli_portal.mediation.router import router as mediation_router
from linli_portal.mentoring.router import router as mentoring_router
from linli_portal.projects.router import router as projects_router
from linli_portal.recognition.router import router as recognition_router
from linli_portal.records.router import router as records_router
from linli_portal.recruitment.router import router as recruitment_router
from linli_portal.reports.router import router as reports_router
from linli_portal.schedule.router import router as schedule_router
from linli_portal.training.router import router as training_router
from linli_portal.volunteer.router import router as volunteer_router
from linli_portal.volunteers.router import router as volunteers_router

ROUTERS: tuple[APIRouter, ...] = (
    account_router,
    committee_router,
    volunteers_router,
    recruitment_router,
    areas_router,
    training_router,
    mentoring_router,
    deliberation_router,
    mediation_router,
    projects_router,
    schedule_router,
    records_router,
    audits_router,
    recognition_router,
    reports_router,
    certificates_router,
    district_router,
    volunteer_router,
    feedback_router,
    invitations_router,
)
