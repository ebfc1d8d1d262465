"""Request-scoped sessions: one transaction per request, committed after the route returns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from linli_shared.auth import CurrentContext
from linli_shared.db import Database


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def context_session(request: Request, context: CurrentContext) -> Iterator[Session]:
    """A transaction acting as the caller: row-level security sees what the token's tenant may see."""
    with _database(request).transaction(context) as session:
        yield session


def public_session(request: Request) -> Iterator[Session]:
    """A transaction with no tenant: it sees no tenant rows until a flow grants itself a credential."""
    with _database(request).transaction() as session:
        yield session


ContextSession = Annotated[Session, Depends(context_session)]
PublicSession = Annotated[Session, Depends(public_session)]
