"""Opening an uploaded .xlsx without trusting it.

Before openpyxl sees the bytes: the archive must be a zip with a workbook in it, few members, at most
`MAX_UNCOMPRESSED_BYTES` once inflated (zip bombs), and no DTD in any XML part (entity expansion). Then
openpyxl reads in read-only (streaming) mode. Formulas are never evaluated — openpyxl has no calculation
engine — and we load with `data_only=False` on purpose: a formula cell then shows up as its formula text
("=…") instead of Excel's cached result or an empty value, so every formula in an imported column is caught
and refused rather than silently accepted.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl import load_workbook

from linli_roster.spreadsheets.exceptions import SpreadsheetTooLarge, UnreadableSpreadsheet

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_MEMBERS = 500
MAX_DATA_ROWS = 5_000
#: the header may sit below a title line or two ("XX居民区志愿者名册")
HEADER_SEARCH_ROWS = 10
#: rows read in all, blank ones included (formatting often runs far below the data)
MAX_SCANNED_ROWS = 100_000
MAX_COLUMNS = 60
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_CHUNK = 1 << 16
_SCALARS = (str, int, float, bool, date, datetime, time, timedelta)


@dataclass(frozen=True)
class SheetCell:
    value: Any
    #: a formula (or text that would be one): never taken as data
    formula: bool = False
    #: a spreadsheet error value such as #N/A or #REF!
    error: bool = False

    @property
    def blank(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass(frozen=True)
class SheetRow:
    number: int  # as Excel shows it, 1-based
    cells: tuple[SheetCell, ...]

    @property
    def blank(self) -> bool:
        return all(cell.blank and not cell.formula for cell in self.cells)


def check_archive(data: bytes) -> None:
    """Refuse what is not a small, plain .xlsx archive before any XML is parsed."""
    if not data:
        raise UnreadableSpreadsheet("The file is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise SpreadsheetTooLarge(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise UnreadableSpreadsheet("The archive has too many parts to be a volunteer list.")
            # the declared sizes bound what zipfile will inflate: reading stops at file_size bytes
            if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
                raise SpreadsheetTooLarge(
                    f"The workbook unpacks to more than {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB."
                )
            names = {member.filename for member in members}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise UnreadableSpreadsheet("The archive is not an .xlsx workbook.")
            for member in members:
                if member.flag_bits & 0x1:
                    raise UnreadableSpreadsheet("The workbook is encrypted; save it without a password.")
                if member.filename.endswith((".xml", ".rels", ".vml")):
                    _refuse_dtd(archive, member)
    except zipfile.BadZipFile as error:
        raise UnreadableSpreadsheet(
            "The file is not an .xlsx workbook (an .xls, .csv, password-protected or damaged file?)."
        ) from error
    except (zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as error:
        raise UnreadableSpreadsheet("The workbook is damaged.") from error


def _refuse_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Office never writes a DTD; one in an upload can only be an entity-expansion attack."""
    tail = b""
    with archive.open(member) as stream:  # reads to the end, so a bad CRC raises BadZipFile here
        while chunk := stream.read(_CHUNK):
            if _DTD.search(tail + chunk):
                raise UnreadableSpreadsheet("The workbook contains a document type declaration.")
            tail = chunk[-16:]


def read_rows(data: bytes) -> list[SheetRow]:
    """The first worksheet's non-blank rows (at most `MAX_COLUMNS` wide), header included."""
    check_archive(data)
    try:
        return list(_rows(data))
    except (SpreadsheetTooLarge, UnreadableSpreadsheet):
        raise
    except Exception as error:  # openpyxl raises anything on hostile input: all of it means "unreadable"
        raise UnreadableSpreadsheet("The workbook could not be read.") from error


def _rows(data: bytes) -> Iterator[SheetRow]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    try:
        if not workbook.worksheets:
            raise UnreadableSpreadsheet("The workbook has no worksheet.")
        sheet = workbook.worksheets[0]
        # the <dimension> a file declares may lie (or be stale): iterating by it could drop rows or invent
        # a million blank ones
        sheet.reset_dimensions()
        non_blank = 0
        # rows come from row 1 with gaps filled, so the count is the row number Excel shows
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            if number > MAX_SCANNED_ROWS:
                raise SpreadsheetTooLarge(
                    f"The sheet runs to more than {MAX_SCANNED_ROWS} rows; delete the rows below the list."
                )
            width = len(cells)
            while width and cells[width - 1].value is None:
                width -= 1
            if not width:
                continue
            row = SheetRow(number=number, cells=tuple(_cell(cell) for cell in cells[:width]))
            if row.blank:
                continue
            non_blank += 1
            # title lines, the header, up to MAX_DATA_ROWS data rows and one more to tell "too many"; the
            # importer counts the data rows exactly once it has found the header
            if non_blank > HEADER_SEARCH_ROWS + MAX_DATA_ROWS + 1:
                raise SpreadsheetTooLarge(f"The sheet has more than {MAX_DATA_ROWS} volunteer rows.")
            yield row
    finally:
        workbook.close()


def _cell(cell: Any) -> SheetCell:
    value = getattr(cell, "value", None)
    data_type = getattr(cell, "data_type", None)
    if data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        return SheetCell(value=str(value), formula=True)
    if value is not None and not isinstance(value, _SCALARS):
        return SheetCell(value=str(value), formula=True)  # array / data-table formulas come as objects
    if data_type == "e":
        return SheetCell(value=value, error=True)
    return SheetCell(value=value)
