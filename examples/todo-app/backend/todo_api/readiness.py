"""GET /ready: the database takes a committed write, checked on a connection and a thread of its own."""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Optional

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from .db import DatabaseFileGone, FileIdentity, check_write, create_db_engine, create_schema

log = logging.getLogger("todo_api")


class NotReady(Exception):
    """Why the database cannot take writes; `kind` is what /ready reports, the message what the log says."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind


def describe(error: BaseException) -> str:
    """The driver's own words for a database error (e.g. "database or disk is full"), on one line, without the SQL."""
    cause = error.orig if isinstance(error, SQLAlchemyError) and getattr(error, "orig", None) is not None else error
    text = " ".join(str(cause).split()) or "no message"
    return f"{type(cause).__name__}: {text[:300]}"


class Readiness:
    """Checks that a write commits, on a pool-less engine and one dedicated thread.

    Neither a busy connection pool nor a full worker thread pool delays the answer; one check runs at a time,
    and probes that arrive meanwhile wait for its result instead of piling up.
    """

    def __init__(self, database_url: str, identity: FileIdentity, timeout_seconds: float, schema_ready: bool,
                 reset_connections: Callable[[], None]) -> None:
        # The database's own waits (busy lock, statement, connect) end before the answer is due, so a check that
        # timed out does not linger and hand its stale failure to the next probe.
        self.database_timeout_seconds = timeout_seconds * 0.75
        self.engine = create_db_engine(database_url, probe_timeout_seconds=self.database_timeout_seconds)
        self.identity = identity
        self.timeout_seconds = timeout_seconds
        self.schema_ready = schema_ready
        self.reset_connections = reset_connections
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readiness")
        self._running: Optional[asyncio.Future] = None
        self._last_failure: Optional[str] = None

    async def check(self) -> None:
        """Raises NotReady, and logs why, when the database cannot take a write within the timeout."""
        # Not in the app's queue of writes (WriteTurn): a busy pod is still ready. Its write competes with the one
        # write under way at most, and waits for it inside SQLite (busy_timeout).
        if self._running is None or self._running.done():
            if self._last_failure is not None:
                self.reset_connections()  # what the app opened since, e.g. to read a read-only file, goes too
            self._running = asyncio.get_running_loop().run_in_executor(self._executor, self._check_write)
        try:
            await asyncio.wait_for(asyncio.shield(self._running), timeout=self.timeout_seconds)
        except TimeoutError:
            self._failed(NotReady("timeout", f"the database did not confirm a write within {self.timeout_seconds:g} s"))
        except NotReady as error:
            self._failed(error)
        else:
            if self._last_failure is not None:
                log.info("ready again: the database takes writes")
            self._last_failure = None

    def _failed(self, error: NotReady) -> None:
        self._last_failure = str(error)
        log.warning("not ready: %s", error, extra={"database": error.kind})
        # A connection opened while the database was read-only stays read-only (SQLite also shares its WAL index
        # between the connections of a process): the app's pool opens new ones, now and when the database is back.
        self.reset_connections()
        raise error

    def _check_write(self) -> None:
        try:
            self.identity.check()
        except DatabaseFileGone as error:
            raise NotReady("file gone", str(error)) from None
        try:
            connection = self.engine.connect()
        except SQLAlchemyError as error:
            raise NotReady("unreachable", f"cannot connect to the database: {describe(error)}") from None
        with connection:
            try:
                if not self.schema_ready:
                    create_schema(connection)
                    connection.commit()
                    self.schema_ready = True
                check_write(connection, self.database_timeout_seconds)
            except SQLAlchemyError as error:
                raise NotReady("not writable", f"the database cannot take a write: {describe(error)}") from None

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.engine.dispose()

