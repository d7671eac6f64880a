"""Database engine and schema: SQLite from a file path URL or PostgreSQL from a URL."""

from pathlib import Path

from sqlalchemy import Boolean, DateTime, Engine, Integer, String, create_engine, event, func, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

TITLE_MAX_LENGTH = 200


class Base(DeclarativeBase):
    pass


class Todo(Base):
    __tablename__ = "todos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH), nullable=False)
    done: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


def normalize_url(url: str) -> str:
    """`postgres://` and `postgresql://` (what Neon and most providers hand out) use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def create_db_engine(database_url: str) -> Engine:
    url = make_url(normalize_url(database_url))
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if url.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, connect_args={"connect_timeout": 5})
    raise ValueError(f"DATABASE_URL must be sqlite:////absolute/path.sqlite3 or postgresql://...; got the scheme {url.drivername!r}")


def _sqlite_engine(url) -> Engine:
    database = url.database
    if not database or database == ":memory:" or not Path(database).is_absolute():
        raise ValueError(f"DATABASE_URL must name an absolute SQLite file path, e.g. sqlite:////data/db.sqlite3; got {database!r}")
    # The directory lies on the volume (SqlitePersistence's init container creates it); create it when missing.
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # WAL lets readers continue during a write; the -wal and -shm files stay beside the database on the volume.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    return engine


def create_schema(engine: Engine) -> None:
    """Creates the tables that do not exist yet (idempotent: safe on every start and from an init container)."""
    Base.metadata.create_all(engine)


def check_connection(engine: Engine) -> None:
    """Raises when the database cannot answer a query."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
