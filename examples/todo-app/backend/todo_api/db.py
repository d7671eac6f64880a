"""Database engine and schema: SQLite from a file path URL or PostgreSQL from a URL."""

import asyncio
import contextlib
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import AsyncIterator, Optional
from urllib.parse import quote, unquote

from sqlalchemy import Boolean, Connection, DateTime, Engine, Integer, String, create_engine, event, func, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import NullPool

TITLE_MAX_LENGTH = 200
# Ids are PostgreSQL `integer` (SQLite allows 2^63): an id above this cannot exist on either.
ID_MAX = 2**31 - 1


class Base(DeclarativeBase):
    pass


class Todo(Base):
    __tablename__ = "todos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH), nullable=False)
    done: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class ReadinessCheck(Base):
    """One row that GET /ready rewrites: readiness means the database accepts a committed write."""

    __tablename__ = "readiness_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checked_at = mapped_column(DateTime(timezone=True), nullable=False)


class DatabaseBusy(Exception):
    """A write waited too long for its turn (WriteLock)."""


class DatabaseFileGone(Exception):
    """The SQLite file the connections have open is no longer the file at DATABASE_URL's path."""


def normalize_url(url: str) -> str:
    """`postgres://` and `postgresql://` (what Neon and most providers hand out) use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def create_db_engine(database_url: str, *, probe_timeout_seconds: Optional[float] = None) -> Engine:
    """The app's engine; with `probe_timeout_seconds`, one without a pool whose waits end by then (the readiness check)."""
    url = make_url(normalize_url(database_url))
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, probe_timeout_seconds)
    if url.get_backend_name() == "postgresql":
        if probe_timeout_seconds is not None:
            # libpq counts whole seconds and treats 1 as 2.
            return create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": max(2, int(probe_timeout_seconds))})
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, pool_timeout=10, connect_args={"connect_timeout": 5})
    raise ValueError(f"DATABASE_URL must be sqlite:////absolute/path.sqlite3 or postgresql://...; got the scheme {url.drivername!r}")


def sqlite_path(engine: Engine) -> Optional[Path]:
    """The database file of a SQLite engine; None for PostgreSQL."""
    if engine.url.get_backend_name() != "sqlite":
        return None
    return Path(unquote(engine.url.database.removeprefix("file:")))


def _sqlite_engine(url: URL, probe_timeout_seconds: Optional[float]) -> Engine:
    database = url.database
    if not database or database == ":memory:" or not Path(database).is_absolute():
        raise ValueError(f"DATABASE_URL must name an absolute SQLite file path, e.g. sqlite:////data/db.sqlite3; got {database!r}")
    path = Path(database)
    # The directory lies on the volume (SqlitePersistence's init container creates it); create it when missing.
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Unless the directory is not writable: then the app starts anyway and /ready says why it cannot work.
        with contextlib.suppress(sqlite3.Error):
            sqlite3.connect(path).close()
    # mode=rw: a connection never creates the file. Were the file deleted under a running app, a new connection
    # would otherwise start an empty database beside the deleted one and acknowledge writes nobody will see again.
    uri = url.set(database=f"file:{quote(str(path))}", query={"mode": "rw", "uri": "true"})
    probe = probe_timeout_seconds is not None
    busy_ms = int(probe_timeout_seconds * 1000) if probe else 5000
    engine = create_engine(uri, connect_args={"check_same_thread": False, "timeout": busy_ms / 1000},
                           **({"poolclass": NullPool} if probe else {}))

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # WAL lets readers continue during a write; the -wal and -shm files stay beside the database on the volume.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        # FULL: a commit is on disk before the 201 (WAL's default NORMAL can lose the last commits on power loss).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "handle_error")
    def _drop_read_only_connections(context):
        # A connection opened while the file or volume was read-only stays read-only, and keeps SQLite's WAL index
        # read-only for every connection of the process: treated as broken, the pool replaces all of them.
        if getattr(context.original_exception, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_READONLY:
            context.is_disconnect = True

    return engine


class FileIdentity:
    """Which file a SQLite database path named when the app opened it, to notice it being deleted or replaced."""

    def __init__(self, path: Optional[Path]) -> None:
        self.path = path
        self._identity = self._current() if path else None

    def _current(self) -> Optional[tuple[int, int]]:
        try:
            stat = os.stat(self.path)  # type: ignore[arg-type]
        except FileNotFoundError:
            return None
        return stat.st_dev, stat.st_ino

    def check(self) -> None:
        """Raises DatabaseFileGone when the path no longer names the file the app has open."""
        if self.path is None or self._identity is None:
            return
        current = self._current()
        if current is None:
            raise DatabaseFileGone(f"the database file {self.path} was deleted while the app had it open; "
                                   "writes are refused so none is acknowledged and then lost: restore the file and restart the pod")
        if current != self._identity:
            raise DatabaseFileGone(f"the database file {self.path} was replaced while the app had it open; "
                                   "restart the pod to open the new file")


class WriteTurn:
    """With SQLite, lets one writing request of the process at a time into the database; with PostgreSQL, all.

    SQLite has one writer. Left to themselves, the pool's connections poll its lock with growing sleeps
    (busy_timeout): at 64 concurrent writes throughput fell to a third of that at 16 and the slowest writes took
    seconds, as did GET /ready's write. Requests wait for their turn here instead, in order and on the event loop
    (holding no worker thread), which leaves SQLite's own busy wait to the readiness check and other processes.
    """

    def __init__(self, exclusive: bool) -> None:
        self._lock = asyncio.Lock() if exclusive else None

    @classmethod
    def for_engine(cls, engine: Engine) -> "WriteTurn":
        return cls(exclusive=engine.dialect.name == "sqlite")

    @contextlib.asynccontextmanager
    async def take(self, timeout_seconds: float) -> AsyncIterator[None]:
        """Waits up to `timeout_seconds` for the turn, else raises DatabaseBusy."""
        if self._lock is None:
            yield
            return
        try:
            await asyncio.wait_for(self._lock.acquire(), timeout=timeout_seconds)
        except TimeoutError:
            raise DatabaseBusy(f"no turn to write within {timeout_seconds:g} s: a write is stuck (see the lines before)") from None
        try:
            yield
        finally:
            self._lock.release()


def create_schema(bind: Engine | Connection) -> None:
    """Creates the tables that do not exist yet (idempotent: safe on every start and from an init container)."""
    Base.metadata.create_all(bind)


def check_connection(engine: Engine) -> None:
    """Raises when the database cannot answer a query."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def check_write(connection: Connection, timeout_seconds: float) -> None:
    """Commits a write to the readiness row; raises when the database cannot take one (full, read-only, locked)."""
    with connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SET LOCAL statement_timeout = {int(timeout_seconds * 1000)}"))
        insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
        statement = insert(ReadinessCheck).values(id=1, checked_at=datetime.now(timezone.utc))
        connection.execute(statement.on_conflict_do_update(index_elements=[ReadinessCheck.id], set_={"checked_at": statement.excluded.checked_at}))
