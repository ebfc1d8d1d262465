"""Database access: one transaction per request, task or consumed event, opened at the edge.

Services and repositories only `flush()`; the edge commits, so business rows, outbox rows and inbox rows
commit together. Every transaction publishes who is acting to PostgreSQL (`app.tenant_path`,
`app.tenant_id`, `app.user_id`) so row-level security can refuse what the code forgets to filter.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Engine,
    SQLColumnExpression,
    Table,
    case,
    cast,
    create_engine,
    event,
    func,
    literal,
    text,
    update,
)
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker
from sqlalchemy.types import TypeDecorator, UserDefinedType

from linli_shared.tenancy import TenantContext

#: extra GUCs a flow may grant itself for one transaction, e.g. a presented invitation token's hash.
GRANTS_KEY = "linli_grants"
CONTEXT_KEY = "linli_tenant"


def make_engine(url: str, pool_size: int = 10, **kwargs: Any) -> Engine:
    return create_engine(
        _psycopg_url(url), pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, **kwargs
    )


def _psycopg_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class Database:
    """A service's engine and sessions. Sessions carry the acting context into each transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # statements become spans in every process (API, relay, consumer); the instrumentation's version
        # check predates SQLAlchemy 2.1, whose spans a test confirms
        SQLAlchemyInstrumentor().instrument(engine=engine, skip_dep_check=True)
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)

    @classmethod
    def from_url(cls, url: str, pool_size: int = 10) -> Database:
        return cls(make_engine(url, pool_size))

    def session(self, context: TenantContext | None = None, **grants: str) -> Session:
        session = self._sessions()
        session.info[CONTEXT_KEY] = context
        session.info[GRANTS_KEY] = grants
        return session

    @contextmanager
    def transaction(self, context: TenantContext | None = None, **grants: str) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error."""
        with self.session(context, **grants) as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def act_as(session: Session, context: TenantContext | None = None, **grants: str) -> None:
    """Change who is acting mid-transaction: e.g. a login flow granting itself the presented email, or an
    accepted invitation acting for the invitation's tenant. Grants add to those already given."""
    if context is not None:
        session.info[CONTEXT_KEY] = context
    session.info[GRANTS_KEY] = {**session.info.get(GRANTS_KEY, {}), **grants}
    _apply(session.connection(), session.info[CONTEXT_KEY], session.info[GRANTS_KEY])


@event.listens_for(Session, "after_begin")
def _set_rls_context(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    _apply(connection, session.info.get(CONTEXT_KEY), session.info.get(GRANTS_KEY, {}))


def _apply(connection: Connection, context: TenantContext | None, grants: dict[str, str]) -> None:
    # `SET LOCAL x = :p` cannot take bind parameters; set_config(..., true) is the transaction-local form.
    values = {
        "app.tenant_path": context.tenant_path if context else "",
        "app.tenant_id": str(context.tenant_id) if context and context.tenant_id else "",
        "app.user_id": str(context.user_id) if context and context.user_id else "",
        **{f"app.{name}": value for name, value in grants.items()},
    }
    calls = ", ".join(f"set_config(:n{i}, :v{i}, true)" for i in range(len(values)))
    params = {}
    for i, (name, value) in enumerate(values.items()):
        params[f"n{i}"], params[f"v{i}"] = name, value
    connection.execute(text(f"select {calls}"), params)


def ping(database: Database) -> bool:
    try:
        with database.engine.connect() as connection:
            connection.execute(text("select 1"))
        return True
    except Exception:
        return False


class _LtreeColumn(UserDefinedType[str]):
    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "ltree"


class Ltree(TypeDecorator[str]):
    """A PostgreSQL `ltree` tenant path, read and written as text."""

    impl = _LtreeColumn
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return value

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else str(value)


def within(column: SQLColumnExpression[str], path: str) -> ColumnElement[bool]:
    """`column <@ path`: the row belongs to the node at `path` or below it."""
    return column.op("<@", return_type=Boolean)(cast(literal(path), Ltree))


def repath(session: Session, tables: Iterable[Table], old_prefix: str, new_prefix: str) -> None:
    """Move a subtree: every `tenant_path` (or a node's own `path`) under `old_prefix` now sits under
    `new_prefix`, in each of `tables`."""
    depth = old_prefix.count(".") + 1
    prefix = func.text2ltree(new_prefix)
    for table in tables:
        column = table.c["tenant_path"] if "tenant_path" in table.c else table.c["path"]
        # subpath() refuses an empty remainder, so the moved node itself takes the new prefix as it is
        moved = case(
            (func.nlevel(column) == depth, prefix), else_=prefix.op("||")(func.subpath(column, depth))
        )
        session.execute(update(table).where(within(column, old_prefix)).values({column.key: moved}))
