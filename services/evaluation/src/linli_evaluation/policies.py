"""Whose rules apply. Star thresholds, audit rates and score weights are each set per district, town or
committee, and a committee uses the nearest policy up its path; this says whose that policy is."""

from __future__ import annotations

import uuid

#: the tree's fixed depths: linli.<district>.<town>.<committee>
LEVEL_BY_DEPTH = {2: "district", 3: "town", 4: "committee"}


def owner_of(path: str) -> uuid.UUID:
    """The district, town or committee a path ends in."""
    return uuid.UUID(path.rsplit(".", 1)[-1].removeprefix("t"))


def level_of(path: str) -> str:
    """district, town or committee. A committee may not read its ancestors' directory rows: the path's depth
    says what they are."""
    return LEVEL_BY_DEPTH[path.count(".") + 1]


def policy_source(source_path: str | None, caller_path: str, default: str) -> tuple[str, uuid.UUID | None]:
    """Whose a policy found up the caller's path is, seen from the caller — "own", "town" or "district"
    (`default` when none was found) — and that node's id."""
    if source_path is None:
        return default, None
    return ("own" if source_path == caller_path else level_of(source_path)), owner_of(source_path)
