"""Committed JSON Schemas of each service's events: generated from the payload models, checked by tests."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from linli_shared.events.envelope import EventSpec, envelope_schema


def schema_documents(specs: Iterable[EventSpec[Any]]) -> dict[str, str]:
    return {
        f"{spec.type}.json": json.dumps(envelope_schema(spec), indent=2, ensure_ascii=False, sort_keys=True)
        + "\n"
        for spec in specs
    }


def write_schemas(specs: Iterable[EventSpec[Any]], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_documents(specs).items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(specs: Iterable[EventSpec[Any]], directory: Path) -> list[str]:
    """Names of committed schema files that differ from (or are missing for) the current payload models."""
    return [
        name
        for name, text in schema_documents(specs).items()
        if not (directory / name).exists() or (directory / name).read_text(encoding="utf-8") != text
    ]


def load_schema(directory: Path, event_type: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((directory / f"{event_type}.json").read_text(encoding="utf-8"))
    return loaded
