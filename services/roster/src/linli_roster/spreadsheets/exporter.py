"""The roster as an .xlsx: Chinese headers, real dates, Chinese labels, phones masked unless the role sees them,
ID numbers always masked."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy.orm import Session

from linli_roster.access import SEES_PHONES
from linli_roster.protection import mask_id_number, mask_phone
from linli_roster.spreadsheets.columns import CHANNEL_LABELS, ROLE_LABELS, STATUS_LABELS, TIER_LABELS
from linli_roster.spreadsheets.exceptions import ExportTooLarge
from linli_roster.spreadsheets.repository import SpreadsheetRepository
from linli_roster.volunteers.models import Volunteer, VolunteerRole
from linli_roster.volunteers.repository import VolunteerFilter, VolunteerRepository
from linli_shared.tenancy import TenantContext

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: a district of 50,000 volunteers fits; beyond this, narrow the filters
MAX_EXPORT_ROWS = 100_000
_CHUNK = 1_000
#: header, column width
EXPORT_COLUMNS = (
    ("姓名", 12),
    ("手机号", 15),
    ("身份证号", 22),
    ("所属居民区", 16),
    ("楼栋", 12),
    ("技能", 24),
    ("可服务时间", 20),
    ("是否党员", 9),
    ("加入日期", 12),
    ("来源渠道", 11),
    ("层级", 8),
    ("状态", 8),
    ("当前身份", 30),
)


class RosterExport:
    def __init__(self, session: Session, context: TenantContext) -> None:
        self.context = context
        self.volunteers = VolunteerRepository(session, context)
        self.lookups = SpreadsheetRepository(session, context)

    def workbook(self, where: VolunteerFilter, today: date) -> bytes:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("志愿者名册")
        for position, (_, width) in enumerate(EXPORT_COLUMNS):
            sheet.column_dimensions[_letter(position)].width = width
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        sheet.append([_cell(sheet, title, font=bold) for title, _ in EXPORT_COLUMNS])
        for volunteer, roles, areas, committees in self._chunks(where):
            sheet.append(
                self._row(sheet, volunteer, roles, areas, committees.get(volunteer.tenant_id), today)
            )
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    def _chunks(
        self, where: VolunteerFilter
    ) -> Iterator[tuple[Volunteer, list[VolunteerRole], dict[uuid.UUID, str], dict[uuid.UUID, str]]]:
        after: tuple[str, uuid.UUID] | None = None
        committees: dict[uuid.UUID, str] = {}
        exported = 0
        while True:
            found = self.volunteers.page(where, after, _CHUNK)
            if not found:
                return
            exported += len(found)
            if exported > MAX_EXPORT_ROWS:
                raise ExportTooLarge(f"More than {MAX_EXPORT_ROWS} volunteers match; narrow the filters.")
            roles = self.volunteers.roles_of([volunteer.id for volunteer in found])
            area_ids = {volunteer.building_id for volunteer in found if volunteer.building_id}
            area_ids |= {role.area_id for listed in roles.values() for role in listed if role.area_id}
            areas = self.lookups.area_names(area_ids)
            missing = {volunteer.tenant_id for volunteer in found} - committees.keys()
            committees.update(self.lookups.committee_names(missing))
            for volunteer in found:
                yield volunteer, roles[volunteer.id], areas, committees
            if len(found) < _CHUNK:
                return
            after = (found[-1].name, found[-1].id)

    def _row(
        self,
        sheet: WriteOnlyWorksheet,
        volunteer: Volunteer,
        roles: Sequence[VolunteerRole],
        areas: dict[uuid.UUID, str],
        committee: str | None,
        today: date,
    ) -> list[WriteOnlyCell]:
        sees_phones = self.context.role in SEES_PHONES
        current = [
            role
            for role in roles
            if role.ended_reason is None and (role.ends_on is None or role.ends_on >= today)
        ]
        values: list[Any] = [
            volunteer.name,
            volunteer.phone if sees_phones else mask_phone(volunteer.phone),
            mask_id_number(volunteer.id_number_hint),
            committee,
            areas.get(volunteer.building_id) if volunteer.building_id else None,
            "、".join(volunteer.skills),
            volunteer.availability,
            "是" if volunteer.party_member else "否",
            volunteer.joined_on,
            CHANNEL_LABELS.get(volunteer.channel, volunteer.channel),
            TIER_LABELS.get(volunteer.tier, volunteer.tier),
            STATUS_LABELS.get(volunteer.status, volunteer.status),
            "、".join(_role(role, areas) for role in current),
        ]
        return [_cell(sheet, value) for value in values]


def _role(role: VolunteerRole, areas: dict[uuid.UUID, str]) -> str:
    label = ROLE_LABELS.get(role.role, role.role)
    scope = (areas.get(role.area_id) if role.area_id else None) or role.scope_note
    return f"{label}（{scope}）" if scope else label


def _cell(sheet: WriteOnlyWorksheet, value: Any, font: Font | None = None) -> WriteOnlyCell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value) or None
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl would write "=…" text as a formula: stored names and notes are data, never formulas
        cell.data_type = "s"
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if font is not None:
        cell.font = font
    return cell


def _letter(position: int) -> str:
    return chr(ord("A") + position)
