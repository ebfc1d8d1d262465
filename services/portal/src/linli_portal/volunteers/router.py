"""A committee's volunteer roster: the list (search, filters, Excel out), registering a volunteer or importing
a sheet of them, and each volunteer's profile — stacked roles, tier, exit and re-joining, qualifications,
honours, hours and stars, and giving them a login. The roster decides every rule; these pages show what it
says, and its refusals next to the form that was refused."""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from typing import Annotated, Any

from fastapi import File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from linli_portal.dependencies import Api, ApiDep, CommitteeUser, portal_router
from linli_portal.forms import query_string
from linli_portal.i18n import gettext as _
from linli_portal.labels import N_, label
from linli_portal.qr import invitation_link, qr_svg
from linli_portal.sessions import PortalUser, flash
from linli_portal.templating import pass_through, render, see_other
from linli_portal.upstreams import UpstreamError
from linli_shared.clock import Now, local_date

router = portal_router(prefix="/t/{slug}/volunteers", tags=["volunteers"])

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: the sheet's columns as the roster reads them (Chinese headers; the first, second and eighth are required)
SHEET_COLUMNS = (
    "姓名",
    "手机号",
    "身份证号",
    "楼栋",
    "技能",
    "可服务时间",
    "是否党员",
    "加入日期",
    "来源渠道",
)
#: the previewed file rides back in the confirm form, base64 in hidden fields; the portal refuses requests
#: over 6 MB, so the file (4/3 larger as base64) must stay under about 4.5 MB
MAX_IMPORT_BYTES = 4 * 1024 * 1024
#: a form field may hold at most 1 MiB (Starlette's limit), so the base64 text is cut into parts
CARRY_PART_CHARS = 1_000_000
#: what a volunteer's history says happened, and how its detail code reads
CHANGES = {
    "registered": (N_("Registered"), "channel"),
    "tier_changed": (N_("Tier changed"), "tier"),
    "role_assigned": (N_("Role assigned"), "role_kind"),
    "role_ended": (N_("Role ended"), "role_kind"),
    "exited": (N_("Exited"), "exit_kind"),
    "rejoined": (N_("Re-joined"), None),
    "login_invited": (N_("Given a login"), None),
}
SKILL_SEPARATORS = re.compile(r"[、,，;；\n]+")


def refused_here(refused: UpstreamError) -> list[str]:
    """What a refused form shows next to itself; "not allowed" and "not found" become their own pages."""
    if refused.status in (403, 404):
        raise refused
    return refused.messages


# the list ------------------------------------------------------------------------------------------------


class Filters(BaseModel):
    """The list's search box and filters, shared by the list, its pages and the Excel export."""

    q: str = Field("", max_length=50)
    tier: str = Field("", max_length=30)
    status: str = Field("active", max_length=30)
    role: str = Field("", max_length=40)
    area_id: str = Field("", max_length=40)

    def roster(self) -> dict[str, str]:
        """As the roster's query: digits search the end of phone numbers, anything else the name."""
        q = self.q.strip()
        digits = q.isascii() and q.isdigit()
        return {
            "name": "" if digits else q,
            "phone_suffix": q if digits else "",
            "tier": self.tier,
            "status": self.status,
            "role": self.role,
            "area_id": self.area_id,
        }

    def query(self, **more: str) -> str:
        return query_string({**self.model_dump(), **more})


FiltersDep = Annotated[Filters, Query()]


@router.get("")
def volunteers(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    filters: FiltersDep,
    cursor: Annotated[str, Query(max_length=400)] = "",
) -> Response:
    errors: list[str] = []
    try:
        page = api.roster.get("/v1/volunteers", cursor=cursor, limit=PAGE_SIZE, **filters.roster())
    except UpstreamError as refused:  # a search the roster cannot read (odd characters, say)
        errors = refused_here(refused)
        page = {"items": [], "next_cursor": None}
    return render(
        request,
        "volunteers/list.html",
        status_code=400 if errors else 200,
        section="volunteers",
        errors=errors,
        page=page,
        filters=filters,
        later_page=bool(cursor),
        areas=api.roster.get("/v1/areas"),
    )


@router.get("/export.xlsx")
def export(user: CommitteeUser, api: ApiDep, filters: FiltersDep) -> Response:
    return pass_through(api.roster.download("/v1/volunteers/export.xlsx", **filters.roster()))


# registering one -----------------------------------------------------------------------------------------


class VolunteerForm(BaseModel):
    """The register form as typed; the roster validates it (and says what is wrong)."""

    name: str = ""
    phone: str = ""
    id_number: str = ""
    building_id: str = ""
    skills: str = ""
    availability: str = ""
    party_member: bool = False
    joined_on: str = ""
    channel: str = ""

    def body(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "phone": self.phone,
            "id_number": self.id_number or None,
            "building_id": self.building_id or None,
            "skills": [skill.strip() for skill in SKILL_SEPARATORS.split(self.skills) if skill.strip()],
            "availability": self.availability,
            "party_member": self.party_member,
            "joined_on": self.joined_on or None,
            "channel": self.channel or None,
        }


def _register_page(
    request: Request, api: Api, form: VolunteerForm, errors: list[str] | None = None, status_code: int = 200
) -> Response:
    buildings = [area for area in api.roster.get("/v1/areas") if area["kind"] == "building"]
    return render(
        request,
        "volunteers/new.html",
        status_code=status_code,
        section="volunteers",
        form=form,
        errors=errors or [],
        buildings=buildings,
    )


@router.get("/new")
def new_volunteer(request: Request, user: CommitteeUser, api: ApiDep, now: Now) -> Response:
    return _register_page(request, api, VolunteerForm(joined_on=local_date(now).isoformat()))


@router.post("")
def register(
    request: Request, user: CommitteeUser, api: ApiDep, form: Annotated[VolunteerForm, Form()]
) -> Response:
    try:
        made = api.roster.post("/v1/volunteers", form.body())
    except UpstreamError as refused:
        return _register_page(request, api, form, refused_here(refused), refused.status)
    flash(request, _("Volunteer registered."))
    return see_other(f"/t/{user.slug}/volunteers/{made['id']}")


# importing a sheet ---------------------------------------------------------------------------------------


def _import_page(request: Request, errors: list[str] | None = None, status_code: int = 200) -> Response:
    return render(
        request,
        "volunteers/import.html",
        status_code=status_code,
        section="volunteers",
        errors=errors or [],
        columns=SHEET_COLUMNS,
        max_mb=MAX_IMPORT_BYTES // (1024 * 1024),
    )


def _send_sheet(api: Api, data: bytes, dry_run: bool) -> dict[str, Any]:
    """The roster reads the workbook as the raw request body, labelled as .xlsx."""
    found: dict[str, Any] = api.roster.send(
        "POST",
        "/v1/volunteers/imports",
        params={"dry_run": "true" if dry_run else "false"},
        content=data,
        headers={"content-type": XLSX},
    )
    return found


def _sheet_messages(refused: UpstreamError) -> list[str]:
    """The roster's complaint, and each bad row's ("Row 4, 手机号: …")."""
    rows = [error for error in refused.errors if "row" in error]
    if not rows:
        return refused_here(refused)
    return [refused.detail or refused.title] + [
        _(
            "Row %(row)s, %(column)s: %(problem)s",
            row=e["row"],
            column=e.get("column", ""),
            problem=e["message"],
        )
        for e in rows
    ]


@router.get("/import")
def import_form(request: Request, user: CommitteeUser) -> Response:
    return _import_page(request)


@router.post("/import")
def preview_import(
    request: Request, user: CommitteeUser, api: ApiDep, file: Annotated[UploadFile, File()]
) -> Response:
    data = file.file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        message = _("The file is larger than %(mb)s MB.", mb=MAX_IMPORT_BYTES // (1024 * 1024))
        return _import_page(request, [message], 413)
    if not data:
        return _import_page(request, [_("Choose an .xlsx file to import.")], 400)
    try:
        preview = _send_sheet(api, data, dry_run=True)
    except UpstreamError as refused:
        return _import_page(request, _sheet_messages(refused), refused.status)
    encoded = base64.urlsafe_b64encode(data).decode("ascii")
    return render(
        request,
        "volunteers/import_preview.html",
        section="volunteers",
        preview=preview,
        filename=file.filename or "",
        parts=[encoded[at : at + CARRY_PART_CHARS] for at in range(0, len(encoded), CARRY_PART_CHARS)],
    )


@router.post("/import/confirm")
def confirm_import(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    part: Annotated[list[str], Form()],
) -> Response:
    try:
        data = base64.b64decode("".join(part), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return _import_page(request, [_("The file did not come back intact. Upload it again.")], 400)
    if not data or len(data) > MAX_IMPORT_BYTES:
        return _import_page(request, [_("The file did not come back intact. Upload it again.")], 400)
    try:
        result = _send_sheet(api, data, dry_run=False)
    except UpstreamError as refused:
        return _import_page(request, _sheet_messages(refused), refused.status)
    flash(request, _("Volunteers imported: %(count)s.", count=result["imported"]))
    return see_other(f"/t/{user.slug}/volunteers")


# one volunteer -------------------------------------------------------------------------------------------


def _profile(
    request: Request,
    user: PortalUser,
    api: Api,
    now: Any,
    volunteer_id: uuid.UUID,
    failed: str = "",
    errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    """The profile; after a refused form, with the roster's messages next to that form (`failed`)."""
    path = f"/v1/volunteers/{volunteer_id}"
    volunteer = api.roster.get(path)  # another committee's volunteer: 404, and so this page
    areas = {area["id"]: area for area in api.roster.get("/v1/areas")}
    try:
        hours = api.evaluation.get(f"{path}/hours")
    except UpstreamError as refused:
        if refused.status != 404:
            raise
        hours = None  # evaluation has not heard of them yet: no hours
    tallies = [t for t in (hours or {}).get("tallies", []) if t["scope"] == "volunteer"]
    return render(
        request,
        "volunteers/profile.html",
        status_code=status_code,
        section="volunteers",
        volunteer=volunteer,
        areas=areas,
        building=areas.get(volunteer["building_id"]),
        current_roles=[r for r in volunteer["roles"] if r["ended_reason"] is None],
        past_roles=[r for r in volunteer["roles"] if r["ended_reason"] is not None],
        history=[_change(change) for change in api.roster.get(f"{path}/history")],
        qualifications=api.roster.get(f"{path}/qualifications", include_expired="true"),
        honours=api.roster.get(f"{path}/honours"),
        stars=hours["stars"] if hours else 0,
        lifetime=next((t for t in tallies if t["period"] == "all"), None),
        months=[t for t in tallies if t["period"].startswith("m")][:12],
        today=local_date(now).isoformat(),
        failed=failed,
        errors=errors or [],
    )


def _change(change: dict[str, Any]) -> dict[str, Any]:
    what, detail_group = CHANGES.get(change["change"], (change["change"], None))
    detail = label(change["detail"], detail_group) if detail_group else change["detail"]
    return {**change, "what": _(what), "detail": detail}


@router.get("/{volunteer_id:uuid}")
def profile(
    request: Request, user: CommitteeUser, api: ApiDep, now: Now, volunteer_id: uuid.UUID
) -> Response:
    return _profile(request, user, api, now, volunteer_id)


def _change_volunteer(
    request: Request,
    user: PortalUser,
    api: Api,
    now: Any,
    volunteer_id: uuid.UUID,
    form: str,
    path: str,
    body: dict[str, Any],
    done: str,
) -> Response:
    """One of the profile's forms: the roster's answer, then back to the profile (or the refusal on it)."""
    try:
        api.roster.post(f"/v1/volunteers/{volunteer_id}{path}", body)
    except UpstreamError as refused:
        messages = refused_here(refused)
        return _profile(request, user, api, now, volunteer_id, form, messages, refused.status)
    flash(request, done)
    return see_other(f"/t/{user.slug}/volunteers/{volunteer_id}")


Text = Annotated[str, Form(max_length=500)]
Code = Annotated[str, Form(max_length=40)]


@router.post("/{volunteer_id:uuid}/roles")
def add_role(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    volunteer_id: uuid.UUID,
    role: Code = "",
    area_id: Code = "",
    scope_note: Text = "",
    starts_on: Code = "",
    ends_on: Code = "",
) -> Response:
    body = {
        "role": role or None,
        "area_id": area_id or None,
        "scope_note": scope_note,
        "starts_on": starts_on or None,
        "ends_on": ends_on or None,
    }
    return _change_volunteer(request, user, api, now, volunteer_id, "role", "/roles", body, _("Role added."))


@router.post("/{volunteer_id:uuid}/roles/{role_id:uuid}/end")
def end_role(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    volunteer_id: uuid.UUID,
    role_id: uuid.UUID,
    ends_on: Code = "",
    reason: Text = "",
) -> Response:
    body = {"ends_on": ends_on or None, "reason": reason}
    return _change_volunteer(
        request,
        user,
        api,
        now,
        volunteer_id,
        f"end-{role_id}",
        f"/roles/{role_id}/end",
        body,
        _("Role ended."),
    )


@router.post("/{volunteer_id:uuid}/tier")
def change_tier(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    volunteer_id: uuid.UUID,
    tier: Code = "",
    reason: Text = "",
) -> Response:
    body = {"tier": tier or None, "reason": reason}
    return _change_volunteer(request, user, api, now, volunteer_id, "tier", "/tier", body, _("Tier changed."))


@router.post("/{volunteer_id:uuid}/exit")
def exit_volunteer(
    request: Request,
    user: CommitteeUser,
    api: ApiDep,
    now: Now,
    volunteer_id: uuid.UUID,
    kind: Code = "",
    reason: Text = "",
) -> Response:
    body = {"kind": kind or None, "reason": reason}
    done = _("The volunteer has exited. Their history stays.")
    return _change_volunteer(request, user, api, now, volunteer_id, "exit", "/exit", body, done)


@router.post("/{volunteer_id:uuid}/rejoin")
def rejoin(
    request: Request, user: CommitteeUser, api: ApiDep, now: Now, volunteer_id: uuid.UUID, reason: Text = ""
) -> Response:
    return _change_volunteer(
        request, user, api, now, volunteer_id, "rejoin", "/rejoin", {"reason": reason}, _("Re-joined.")
    )


@router.post("/{volunteer_id:uuid}/login-invitation")
def give_login(request: Request, user: CommitteeUser, api: ApiDep, volunteer_id: uuid.UUID) -> Response:
    """The one-time link is shown here once, as text and as a QR code to scan on the volunteer's phone."""
    volunteer = api.roster.get(f"/v1/volunteers/{volunteer_id}")
    invitation = api.roster.post(f"/v1/volunteers/{volunteer_id}/login-invitation")
    # the link opens this portal's acceptance page, whatever address identity was configured with
    link = invitation_link(request, invitation["token"])
    qr = qr_svg(link)
    return render(
        request,
        "volunteers/login.html",
        section="volunteers",
        volunteer=volunteer,
        invitation=invitation,
        link=link,
        qr=qr,
    )
