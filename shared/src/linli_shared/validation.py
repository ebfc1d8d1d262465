"""Constraints shared by every service's request schemas."""

from __future__ import annotations

#: Text that is stored: no C0 control characters except tab and line breaks, no DEL. PostgreSQL refuses NUL
#: in text outright (a 500 if it gets that far); the others have no place in names, addresses or reasons.
PLAIN_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
