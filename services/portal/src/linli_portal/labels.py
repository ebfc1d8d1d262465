"""How the services' codes (`micro_grid`, `waitlisted`, `tenant_admin` …) read on a page: `{{ value |
label("signup_status") }}`. The English here is the message id; the catalogue holds the Chinese."""

from __future__ import annotations

from linli_portal.i18n import gettext


def N_(message: str) -> str:
    """Marks a message for the catalogue without translating it yet (it is translated when shown)."""
    return message


#: a message id means one thing wherever it is said, so a code whose English is shared with another meaning
#: gets words of its own ("Dismissed" is an objection's ruling; an exit reads "Asked to leave")
LABELS: dict[str, dict[str, str]] = {
    "role": {
        "district_admin": N_("District admin"),
        "town_admin": N_("Town admin"),
        "tenant_admin": N_("Committee admin"),
        "staff": N_("Staff"),
        "auditor": N_("Auditor"),
        "volunteer": N_("Volunteer"),
    },
    "tenant_kind": {"district": N_("District"), "town": N_("Town"), "committee": N_("Committee")},
    "area_kind": {"grid": N_("Grid"), "micro_grid": N_("Micro-grid"), "building": N_("Building")},
    "tier": {"volunteer": N_("Volunteer"), "backbone": N_("Backbone"), "reserve": N_("Reserve")},
    "volunteer_status": {"active": N_("On the register"), "exited": N_("Exited")},
    "role_kind": {
        "party_group_leader": N_("Party group leader"),
        "building_group_leader": N_("Building group leader"),
        "micro_grid_leader": N_("Micro-grid leader"),
        "deliberation_member": N_("Deliberation group member"),
        "mediator": N_("Mediator"),
    },
    "channel": {
        "self_recommended": N_("Self-recommended"),
        "organisation_recommended": N_("Recommended by the organisation"),
        "residents_recommended": N_("Recommended by residents"),
        "two_way_selection": N_("Two-way selection"),
        "imported": N_("Imported"),
    },
    "candidate_status": {
        "pending": N_("Pending"),
        "accepted": N_("Accepted"),
        "reserve": N_("Reserve pool"),
        "declined": N_("Declined"),
    },
    "need_status": {"open": N_("Open"), "filled": N_("Filled"), "closed": N_("Closed")},
    "notice_status": {
        "open": N_("In public notice"),
        "withdrawn": N_("Withdrawn"),
        "effective": N_("Effective"),
        "rejected": N_("Rejected"),
    },
    "objection_status": {"pending": N_("Pending"), "upheld": N_("Upheld"), "dismissed": N_("Dismissed")},
    "exit_kind": {
        "voluntary": N_("Voluntary exit"),
        "dismissed": N_("Asked to leave"),
        "inactive": N_("Inactive"),
    },
    "case_status": {"open": N_("Open"), "closed": N_("Closed")},
    "case_category": {
        "neighbour": N_("Neighbours"),
        "property": N_("Property"),
        "family": N_("Family"),
        "other": N_("Other"),
    },
    "case_outcome": {"resolved": N_("Resolved"), "unresolved": N_("Unresolved"), "referred": N_("Referred")},
    "topic_status": {
        "open": N_("Awaiting discussion"),
        "in_discussion": N_("In discussion"),
        "decided": N_("Decided"),
        "closed": N_("Closed"),
    },
    "action_status": {"open": N_("Not done yet"), "done": N_("Done")},
    "qualification_status": {
        "active": N_("Valid"),
        "superseded": N_("Superseded"),
        "expired": N_("Expired"),
        "revoked": N_("Revoked"),
    },
    "activity_kind": {
        "service": N_("Service"),
        "grid_duty": N_("Grid duty"),
        "training_session": N_("Training session"),
        "deliberation_meeting": N_("Deliberation meeting"),
        "mediation_class": N_("Mediation class"),
    },
    "activity_status": {"active": N_("Running"), "ended": N_("Ended"), "cancelled": N_("Cancelled")},
    "shift_status": {"scheduled": N_("Scheduled"), "cancelled": N_("Cancelled")},
    "signup_status": {
        "confirmed": N_("Confirmed"),
        "waitlisted": N_("Waitlisted"),
        "cancelled": N_("Cancelled"),
        "no_show": N_("No-show"),
    },
    "signup_source": {"self": N_("Signed up themself"), "assigned": N_("Assigned by staff")},
    "project_status": {
        "incubating": N_("Incubating"),
        "established": N_("Established"),
        "closed": N_("Closed"),
    },
    "record_source": {
        "check_out": N_("QR check-out"),
        "leader": N_("Confirmed by the leader"),
        "sweep": N_("Closed automatically"),
        "late_entry": N_("Late entry"),
    },
    "request_status": {"pending": N_("Pending"), "approved": N_("Approved"), "rejected": N_("Rejected")},
    "rounding": {
        "chongqing": N_("Chongqing rule (≤15 min: 0 h; 15–45 min: 0.5 h; 45–60 min: 1 h)"),
        "half_hour": N_("Nearest half hour"),
        "quarter_hour_down": N_("Quarter hours, rounded down"),
        "exact": N_("Exact minutes"),
    },
    "attendance_method": {
        "qr": N_("Scanned the QR code"),
        "leader": N_("Confirmed by the leader"),
        "sweep": N_("Closed automatically"),
    },
    "policy_source": {
        "own": N_("This node's own"),
        "town": N_("The town's"),
        "district": N_("The district's"),
        "default": N_("The national default"),
        "national_default": N_("The national default"),
    },
    "audit_outcome": {
        "open": N_("Awaiting audit"),
        "confirmed": N_("Confirmed"),
        "adjusted": N_("Adjusted"),
        "rejected": N_("Hours rejected"),
    },
    "plan_status": {"committed": N_("Seed committed"), "drawn": N_("Drawn"), "completed": N_("Completed")},
    "nomination_status": {
        "draft": N_("Draft"),
        "submitted": N_("Submitted"),
        "rejected": N_("Rejected"),
        "in_notice": N_("In public notice"),
        "withdrawn": N_("Withdrawn"),
        "conferred": N_("Conferred"),
    },
    "certificate_status": {"valid": N_("Valid"), "revoked": N_("Revoked")},
    "rating_status": {
        "rated": N_("Rated"),
        "awaiting": N_("Awaiting a rating"),
        "expired": N_("Link expired"),
        "voided": N_("Voided"),
    },
    "invitation_status": {
        "pending": N_("Pending"),
        "accepted": N_("Invitation accepted"),
        "revoked": N_("Revoked"),
        "expired": N_("Expired"),
    },
    "period_kind": {"year": N_("Year"), "quarter": N_("Quarter")},
    "score": {
        "1": N_("Very dissatisfied"),
        "2": N_("Dissatisfied"),
        "3": N_("Acceptable"),
        "4": N_("Satisfied"),
        "5": N_("Very satisfied"),
    },
}


def label(value: object, group: str) -> str:
    """The translated label of a code; an unknown code shows as it is rather than failing the page."""
    if value is None:
        return ""
    found = LABELS[group].get(str(value))
    return gettext(found) if found else str(value)
