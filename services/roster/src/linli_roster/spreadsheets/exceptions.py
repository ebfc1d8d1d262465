from linli_shared.problems import Invalid, Problem


class SpreadsheetTooLarge(Problem):
    status = 413
    slug = "spreadsheet-too-large"
    title = "The spreadsheet is too large"


class NotASpreadsheet(Problem):
    status = 415
    slug = "not-an-xlsx"
    title = "Send the file as an .xlsx workbook"


class UnreadableSpreadsheet(Invalid):
    slug = "unreadable-spreadsheet"
    title = "The file is not a readable .xlsx workbook"


class MissingColumns(Invalid):
    slug = "missing-columns"
    title = "Required columns are missing"


class DuplicateColumns(Invalid):
    slug = "duplicate-columns"
    title = "A column appears more than once"


class ImportRejected(Invalid):
    slug = "import-rejected"
    title = "Some rows are not valid; nothing was imported"


class NothingToImport(Invalid):
    slug = "nothing-to-import"
    title = "The sheet has no volunteer rows"


class ExportTooLarge(Invalid):
    slug = "export-too-large"
    title = "Too many volunteers for one export; narrow the filters"
