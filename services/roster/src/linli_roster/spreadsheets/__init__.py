"""Excel in and out: importing a committee's existing volunteer list from .xlsx, exporting the roster."""
