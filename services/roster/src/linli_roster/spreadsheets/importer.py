"""Importing a committee's existing volunteer list: validate every row, preview, then all or nothing."""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from linli_roster.access import SEES_PHONES, writable_committee
from linli_roster.protection import mask_id_number, mask_phone
from linli_roster.spreadsheets.columns import BY_FIELD, CHANNELS, COLUMNS, HEADERS, NO, YES, normalise_header
from linli_roster.spreadsheets.exceptions import (
    DuplicateColumns,
    ImportRejected,
    MissingColumns,
    NothingToImport,
    SpreadsheetTooLarge,
)
from linli_roster.spreadsheets.reader import HEADER_SEARCH_ROWS, MAX_DATA_ROWS, SheetCell, SheetRow, read_rows
from linli_roster.spreadsheets.repository import SpreadsheetRepository
from linli_roster.spreadsheets.schemas import (
    ImportCounts,
    ImportedValues,
    ImportPreview,
    ImportResult,
    PreviewRow,
    RowError,
)
from linli_roster.volunteers.models import Channel
from linli_roster.volunteers.schemas import VolunteerCreate
from linli_roster.volunteers.service import VolunteerService

_BLANK = SheetCell(None)
_SKILL_SEPARATORS = re.compile(r"[、,，;；/\n]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
#: friendlier words for the pattern checks VolunteerCreate makes
_PATTERN_MESSAGES = {
    "phone": "not a mainland mobile number (11 digits starting with 1)",
    "id_number": "not an 18-character resident ID number (17 digits, then a digit or X)",
}
#: VolunteerCreate's fields → the sheet's fields
_SHEET_FIELD = {"building_id": "building"}


class _CellError(Exception):
    pass


@dataclass
class Header:
    row: int  # index into the sheet's rows
    columns: dict[str, int]  # field → cell index
    ignored: list[str]


@dataclass
class ParsedRow:
    number: int
    request: VolunteerCreate | None = None
    building: str | None = None
    errors: list[RowError] = field(default_factory=list)

    def fail(self, sheet_field: str, message: str) -> None:
        self.errors.append(RowError(row=self.number, column=BY_FIELD[sheet_field].label, message=message))


class VolunteerImport:
    def __init__(self, volunteers: VolunteerService) -> None:
        self.volunteers = volunteers
        self.context = volunteers.context
        self.repository = SpreadsheetRepository(volunteers.session, volunteers.context)

    def run(self, data: bytes, dry_run: bool) -> ImportPreview | ImportResult:
        writable_committee(self.volunteers.session, self.context)
        rows = read_rows(data)
        header = find_header(rows)
        data_rows = rows[header.row + 1 :]
        if len(data_rows) > MAX_DATA_ROWS:
            raise SpreadsheetTooLarge(f"The sheet has more than {MAX_DATA_ROWS} volunteer rows.")
        parsed = self._parse(header, data_rows)
        errors = [error for row in parsed for error in row.errors]
        valid = [row for row in parsed if not row.errors]
        counts = ImportCounts(rows=len(parsed), valid=len(valid), invalid=len(parsed) - len(valid))
        if dry_run:
            return ImportPreview(
                columns=[BY_FIELD[name].label for name in sorted(header.columns, key=_column_order)],
                ignored_columns=header.ignored,
                counts=counts,
                rows=[
                    PreviewRow(row=row.number, values=self._values(row), errors=row.errors) for row in parsed
                ],
                errors=errors,
            )
        if errors:
            raise ImportRejected(
                f"{counts.invalid} of {counts.rows} rows have errors; fix them and import again.",
                errors=[error.model_dump() for error in errors],
                counts=counts.model_dump(),
            )
        if not parsed:
            raise NothingToImport()
        # one transaction (the request's): a failure on any row rolls every row back
        ids = [self.volunteers.register(row.request).id for row in valid if row.request is not None]
        return ImportResult(imported=len(ids), counts=counts, volunteer_ids=ids)

    # rows ----------------------------------------------------------------------------------------------

    def _parse(self, header: Header, rows: list[SheetRow]) -> list[ParsedRow]:
        buildings = self.repository.buildings_by_name()
        parsed = [_parse_row(header, row, buildings) for row in rows]
        phones = {row.request.phone for row in parsed if row.request is not None}
        taken = self.repository.active_phones(phones)
        first_phone: dict[str, int] = {}
        first_id: dict[str, int] = {}
        for row in parsed:
            request = row.request
            if request is None:
                continue
            if request.phone in taken:
                row.fail("phone", "an active volunteer of this committee already has this phone number")
            elif request.phone in first_phone:
                row.fail("phone", f"the same phone number as row {first_phone[request.phone]}")
            else:
                first_phone[request.phone] = row.number
            if request.id_number is not None:
                if request.id_number in first_id:
                    row.fail("id_number", f"the same ID number as row {first_id[request.id_number]}")
                else:
                    first_id[request.id_number] = row.number
            if row.errors:
                row.request = None
        return parsed

    def _values(self, row: ParsedRow) -> ImportedValues | None:
        request = row.request
        if request is None:
            return None
        return ImportedValues(
            name=request.name,
            phone=request.phone if self.context.role in SEES_PHONES else mask_phone(request.phone),
            id_number=mask_id_number(request.id_number[-4:]) if request.id_number else None,
            building_id=request.building_id,
            building=row.building,
            skills=request.skills,
            availability=request.availability,
            party_member=request.party_member,
            joined_on=request.joined_on,
            channel=request.channel,
        )


def _column_order(name: str) -> int:
    return [column.field for column in COLUMNS].index(name)


def find_header(rows: list[SheetRow]) -> Header:
    """The first of the top rows naming at least two known columns (a title line may sit above it)."""
    candidates = rows[:HEADER_SEARCH_ROWS]
    index = next(
        (
            position
            for position, row in enumerate(candidates)
            if sum(_header_field(cell) is not None for cell in row.cells) >= 2
        ),
        0,
    )
    columns: dict[str, int] = {}
    duplicated: list[str] = []
    ignored: list[str] = []
    for position, cell in enumerate(rows[index].cells if rows else ()):
        name = _header_field(cell)
        if name is None:
            if not cell.blank:
                ignored.append(str(cell.value).strip()[:60])
        elif name in columns:
            duplicated.append(BY_FIELD[name].label)
        else:
            columns[name] = position
    if duplicated:
        raise DuplicateColumns(f"Columns appearing twice: {', '.join(duplicated)}.", duplicated=duplicated)
    missing = [column.label for column in COLUMNS if column.required and column.field not in columns]
    if missing:
        raise MissingColumns(
            f"The sheet needs the columns {', '.join(missing)} (found in the header row).",
            missing=missing,
            expected=[column.label for column in COLUMNS],
        )
    return Header(row=index, columns=columns, ignored=ignored)


def _header_field(cell: SheetCell) -> str | None:
    if cell.blank or cell.formula or cell.error:
        return None
    column = HEADERS.get(normalise_header(str(cell.value)))
    return column.field if column else None


def _parse_row(header: Header, row: SheetRow, buildings: dict[str, list[uuid.UUID]]) -> ParsedRow:
    parsed = ParsedRow(number=row.number)
    payload: dict[str, Any] = {}
    for name, position in header.columns.items():
        cell = row.cells[position] if position < len(row.cells) else _BLANK
        if cell.formula:
            parsed.fail(name, "formulas are not imported; enter the value itself")
            continue
        if cell.error:
            parsed.fail(name, f"the cell holds a spreadsheet error ({cell.value})")
            continue
        try:
            _convert(name, cell.value, payload, parsed, buildings)
        except _CellError as problem:
            parsed.fail(name, str(problem))
    for name in ("name", "phone", "joined_on"):
        if name not in payload and not any(found.column == BY_FIELD[name].label for found in parsed.errors):
            parsed.fail(name, "required")
    payload.setdefault("channel", Channel.IMPORTED)
    try:
        request = VolunteerCreate.model_validate(payload)
    except ValidationError as invalid:
        failed = {found.column for found in parsed.errors}
        for detail in invalid.errors():
            model_field = str(detail["loc"][0]) if detail["loc"] else "name"
            sheet_field = _SHEET_FIELD.get(model_field, model_field)
            if sheet_field not in BY_FIELD or BY_FIELD[sheet_field].label in failed:
                continue
            parsed.fail(sheet_field, _message(sheet_field, detail))
        return parsed
    if not parsed.errors:
        parsed.request = request
    return parsed


def _message(sheet_field: str, error: Any) -> str:
    if error["type"] == "string_pattern_mismatch":
        return _PATTERN_MESSAGES.get(sheet_field, "contains characters that cannot be stored")
    return str(error["msg"]).removeprefix("Value error, ")


def _convert(
    name: str, value: Any, payload: dict[str, Any], parsed: ParsedRow, buildings: dict[str, list[uuid.UUID]]
) -> None:
    """Put the cell's value into the VolunteerCreate payload (leaving it out when blank)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return
    if name == "name":
        payload["name"] = _text(value)
    elif name == "phone":
        phone = re.sub(r"[\s\-()（）]", "", _digits(value, "phone"))
        payload["phone"] = phone.removeprefix("+86")
    elif name == "id_number":
        payload["id_number"] = re.sub(r"\s", "", _digits(value, "id_number"))
    elif name == "building":
        building = _text(value)
        found = buildings.get(building, [])
        if not found:
            raise _CellError(f"no building named {building[:60]!r} in this committee")
        if len(found) > 1:
            raise _CellError(f"more than one building is named {building[:60]!r}; rename one in the areas")
        payload["building_id"], parsed.building = found[0], building
    elif name == "skills":
        payload["skills"] = [
            skill.strip() for skill in _SKILL_SEPARATORS.split(_text(value)) if skill.strip()
        ]
    elif name == "availability":
        payload["availability"] = _text(value)
    elif name == "party_member":
        payload["party_member"] = _yes_no(value)
    elif name == "joined_on":
        payload["joined_on"] = _date(value)
    elif name == "channel":
        channel = CHANNELS.get(normalise_header(_text(value)))
        if channel is None:
            raise _CellError(
                "not a known channel: 个人自荐, 组织推荐, 居民联荐 or 双向选择 (blank: imported)"
            )
        payload["channel"] = channel


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return str(value).strip()


def _digits(value: Any, name: str) -> str:
    """Numbers typed into a cell formatted as a number arrive as int or float."""
    if isinstance(value, bool):
        raise _CellError("expected text, not TRUE/FALSE")
    if isinstance(value, float):
        if name == "id_number":
            # Excel keeps 15 significant digits: an 18-digit number typed as a number has lost its tail
            raise _CellError("enter ID numbers as text; as a number Excel loses the last digits")
        if not value.is_integer():
            raise _CellError("expected a whole number")
        value = int(value)
    # Chinese input methods often type full-width digits (１３８…); the schema takes ASCII digits only
    return unicodedata.normalize("NFKC", str(value)).strip()


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = normalise_header(_text(value))
    if text in YES:
        return True
    if text in NO:
        return False
    raise _CellError("expected 是 or 否")


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 19000101 <= value <= 29991231:
        value = str(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        for pattern in _DATE_FORMATS:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    raise _CellError("not a date (write it as a date, or as 2024-03-01)")
