"""POST /v1/volunteers/imports (the .xlsx as the raw body) and GET /v1/volunteers/export.xlsx.

Include this router before the volunteers router: `/v1/volunteers/{volunteer_id}` would otherwise take
`export.xlsx` for an id."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response, status

from linli_roster.access import WRITERS, Reader
from linli_roster.spreadsheets.exceptions import NotASpreadsheet, SpreadsheetTooLarge
from linli_roster.spreadsheets.exporter import XLSX_MEDIA_TYPE, RosterExport
from linli_roster.spreadsheets.importer import VolunteerImport
from linli_roster.spreadsheets.reader import MAX_FILE_BYTES
from linli_roster.spreadsheets.schemas import ImportPreview, ImportResult
from linli_roster.volunteers.dependencies import VolunteerFilterDep, VolunteerServiceDep
from linli_shared.auth import require_role
from linli_shared.clock import shanghai_today
from linli_shared.dependencies import ContextSession
from linli_shared.openapi import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/volunteers", tags=["spreadsheets"], responses=PROBLEM_RESPONSES)
#: browsers and some clients label an upload generically
ACCEPTED_MEDIA_TYPES = frozenset({XLSX_MEDIA_TYPE, "application/octet-stream"})
_TOO_LARGE = f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."


async def xlsx_body(request: Request) -> bytes:
    """The raw body, read up to the limit whether or not a Content-Length was sent."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type not in ACCEPTED_MEDIA_TYPES:
        raise NotASpreadsheet(f"Send the .xlsx file as the request body with Content-Type {XLSX_MEDIA_TYPE}.")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FILE_BYTES:
        raise SpreadsheetTooLarge(_TOO_LARGE)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FILE_BYTES:
            raise SpreadsheetTooLarge(_TOO_LARGE)
    return bytes(body)


_XLSX_BODY = {
    "requestBody": {
        "required": True,
        "content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.post(
    "/imports",
    dependencies=[Depends(require_role(WRITERS))],
    summary="Import a volunteer list from .xlsx: a dry-run preview, or all rows or none",
    description=(
        "The body is the .xlsx file itself. Columns (first sheet, Chinese or English headers): 姓名, 手机号, "
        "身份证号, 楼栋, 技能, 可服务时间, 是否党员, 加入日期, 来源渠道. `dry_run=true` → 200 with every row's "
        "parsed values and errors; `dry_run=false` → 201 when every row is valid and registered, else 422 with "
        "the same per-row errors and nothing written."
    ),
    responses={
        201: {"model": ImportResult, "description": "Every row registered"},
        415: {"description": "Not sent as an .xlsx", "content": PROBLEM_RESPONSES[413]["content"]},
    },
    openapi_extra=_XLSX_BODY,
)
def import_volunteers(
    dry_run: bool,
    body: Annotated[bytes, Depends(xlsx_body)],
    service: VolunteerServiceDep,
    response: Response,
) -> ImportPreview | ImportResult:
    result = VolunteerImport(service).run(body, dry_run)
    if isinstance(result, ImportResult):
        response.status_code = status.HTTP_201_CREATED
    return result


@router.get(
    "/export.xlsx",
    summary="The roster as an .xlsx, with the list's filters",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}},
)
def export_volunteers(context: Reader, session: ContextSession, where: VolunteerFilterDep) -> Response:
    today = shanghai_today()
    content = RosterExport(session, context).workbook(where, today)
    filename = f"志愿者名册-{today.isoformat()}.xlsx"
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="volunteers-{today.isoformat()}.xlsx"; '
            f"filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
        },
    )
