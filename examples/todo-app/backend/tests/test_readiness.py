"""GET /ready fails, and the log says why, whenever the database cannot take a write; /health stays cheap and 200.

Read-only volumes and files and a full disk are made for real: with mounts when the tests run as root (as
examples/todo-app/test.sh does), with file modes otherwise (root ignores modes). A full disk needs root.
"""

import contextlib
import logging
import os
import sqlite3
import subprocess
import threading
from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from todo_api.app import create_app
from todo_api.config import Settings
from todo_api.db import create_db_engine

IS_ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not IS_ROOT, reason="mounts a small tmpfs (run as root, as test.sh does)")


def sqlite_settings(tmp_path: Path, **extra) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path}/data/db.sqlite3", **extra)


def not_ready_log(caplog: pytest.LogCaptureFixture) -> str:
    lines = [record.getMessage() for record in caplog.records if record.getMessage().startswith("not ready:")]
    assert lines, "no 'not ready:' log line"
    return lines[-1]


def mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=10)


def umount(path: Path, lazy: bool = False) -> None:
    # Lazy: the app may still hold files open through the read-only mount; they keep it until closed.
    subprocess.run(["umount", *(["--lazy"] if lazy else []), str(path)], check=True, capture_output=True, timeout=10)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Makes a file or a directory (a volume) read-only: a read-only bind mount as root, file modes otherwise."""
    if IS_ROOT:
        mount("--bind", str(path), str(path))
        try:
            mount("-o", "remount,bind,ro", str(path))
            yield
        finally:
            umount(path, lazy=True)
        return
    paths = [path, *path.iterdir()] if path.is_dir() else [path]
    modes = {p: p.stat().st_mode for p in paths}
    for p in paths:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        yield
    finally:
        for p, mode in modes.items():
            p.chmod(mode)
        # SQLite created the -wal and -shm files meanwhile, read-only like the database: the fix covers them too.
        for companion in path.parent.glob(f"{path.name}-*") if path.is_file() else ():
            companion.chmod(0o644)


def test_health_never_touches_the_database(tmp_path: Path) -> None:
    with TestClient(create_app(sqlite_settings(tmp_path))) as client:
        (tmp_path / "data" / "db.sqlite3").unlink()
        assert client.get("/health").json() == {"status": "ok"}


def write_before_start(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.post("/api/todos", json={"title": "before"}).status_code == 201


@pytest.mark.parametrize("what, kind, cause", [
    # A file the app cannot write: SQLite opens it read-only, so reads work and writes fail.
    ("file", "not writable", "attempt to write a readonly database"),
    # A read-only volume: SQLite in WAL mode cannot create its -shm file beside the database, so it cannot even
    # read (the words differ between a read-only mount and a directory without write permission).
    ("volume", "unreachable", "unable to open database file" if IS_ROOT else "attempt to write a readonly database"),
])
def test_a_read_only_database_is_not_ready_until_it_is_writable_again(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                                      what: str, kind: str, cause: str) -> None:
    """The app starts on a read-only volume or file: /ready and writes say so and why, and both recover."""
    settings = sqlite_settings(tmp_path)
    write_before_start(settings)
    target = tmp_path / "data" / "db.sqlite3" if what == "file" else tmp_path / "data"
    made_read_only = read_only(target)
    made_read_only.__enter__()
    try:
        with TestClient(create_app(settings)) as client:
            ready = client.get("/ready")
            assert (ready.status_code, ready.json()) == (503, {"status": "not ready", "database": kind}), "was 200 before"
            assert cause in not_ready_log(caplog)
            write = client.post("/api/todos", json={"title": "during"})
            assert (write.status_code, write.json()) == (503, {"detail": "database unavailable"})
            assert any(r.getMessage() == f"database unavailable: OperationalError: {cause}" for r in caplog.records), "the log names the cause"
            if what == "file":
                assert [t["title"] for t in client.get("/api/todos").json()["items"]] == ["before"]
            assert client.get("/health").status_code == 200

            # Writable again while the app runs: ready, and the connections opened read-only are not reused.
            made_read_only.__exit__(None, None, None)
            made_read_only = None
            assert client.get("/ready").status_code == 200
            assert client.post("/api/todos", json={"title": "after"}).status_code == 201
    finally:
        if made_read_only is not None:
            made_read_only.__exit__(None, None, None)


@needs_root
def test_a_full_disk_is_not_ready_and_writes_are_503(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = tmp_path / "data"
    data.mkdir()
    mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(data))
    try:
        with TestClient(create_app(sqlite_settings(tmp_path))) as client:
            assert client.get("/ready").status_code == 200
            filler = data / "filler"
            with contextlib.suppress(OSError), filler.open("wb") as handle:
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
            statuses = {client.post("/api/todos", json={"title": "x" * 200}).status_code for _ in range(50)}
            assert 201 not in statuses or 503 in statuses, statuses
            assert client.get("/ready").status_code == 503
            assert "full" in not_ready_log(caplog)
            filler.unlink()
            assert client.get("/ready").status_code == 200
            assert client.post("/api/todos", json={"title": "after"}).status_code == 201
    finally:
        umount(data)


def test_a_held_write_lock_is_not_ready(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = sqlite_settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        other = sqlite3.connect(tmp_path / "data" / "db.sqlite3", isolation_level=None)
        try:
            other.execute("BEGIN EXCLUSIVE")  # another process that never finishes its write
            assert client.get("/ready").status_code == 503
            assert "database is locked" in not_ready_log(caplog) or "within" in not_ready_log(caplog)
            assert client.get("/health").status_code == 200
            other.execute("ROLLBACK")
        finally:
            other.close()
        assert client.get("/ready").status_code == 200


def test_a_deleted_database_file_refuses_writes_instead_of_losing_them(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = sqlite_settings(tmp_path)
    database = tmp_path / "data" / "db.sqlite3"
    with TestClient(create_app(settings)) as client:
        assert client.post("/api/todos", json={"title": "before"}).status_code == 201
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        # Before: 201, written into the deleted file and gone at the next start.
        write = client.post("/api/todos", json={"title": "lost?"})
        assert (write.status_code, write.json()) == (503, {"detail": "database unavailable"})
        ready = client.get("/ready")
        assert (ready.status_code, ready.json()) == (503, {"status": "not ready", "database": "file gone"})
        assert f"the database file {database} was deleted" in not_ready_log(caplog)
        assert not database.exists(), "a connection created a new, empty database"


def test_a_replaced_database_file_is_not_ready(tmp_path: Path) -> None:
    database = tmp_path / "data" / "db.sqlite3"
    with TestClient(create_app(sqlite_settings(tmp_path))) as client:
        assert client.post("/api/todos", json={"title": "before"}).status_code == 201
        replacement = tmp_path / "other.sqlite3"
        sqlite3.connect(replacement).close()
        os.replace(replacement, database)
        assert client.get("/ready").json()["database"] == "file gone"
        assert client.post("/api/todos", json={"title": "after"}).status_code == 503


def test_ready_answers_while_every_worker_thread_is_busy(tmp_path: Path) -> None:
    """The check runs on a thread of its own: a worker pool full of slow requests does not delay it."""
    settings = sqlite_settings(tmp_path)
    app = create_app(settings)
    release = threading.Event()

    @app.get("/api/slow")
    def slow() -> None:
        release.wait(60)

    with TestClient(app) as client:
        import anyio.to_thread

        limiter = client.portal.call(anyio.to_thread.current_default_thread_limiter)
        busy = [threading.Thread(target=client.get, args=("/api/slow",)) for _ in range(int(limiter.total_tokens) + 5)]
        for thread in busy:
            thread.start()
        try:
            client.portal.call(_wait_until_borrowed, limiter)
            # Far sooner than the slow requests end (60 s); before, both probes waited for a free worker thread.
            for path in ("/health", "/ready"):
                answers: list[int] = []
                probe = threading.Thread(target=lambda: answers.append(client.get(path).status_code))
                probe.start()
                probe.join(timeout=15)
                assert answers == [200], f"{path} did not answer while every worker thread was busy"
        finally:
            release.set()
            for thread in busy:
                thread.join(timeout=30)


async def _wait_until_borrowed(limiter) -> None:
    import anyio

    with anyio.fail_after(20):
        while limiter.available_tokens > 0:
            await anyio.sleep(0.01)


class TestPostgres:
    @pytest.fixture
    def pg_url(self, database_url: str) -> str:
        if not database_url.startswith("postgres"):
            pytest.skip("PostgreSQL only")
        return database_url

    def test_a_read_only_database_is_not_ready(self, pg_url: str, caplog: pytest.LogCaptureFixture) -> None:
        admin = create_db_engine(pg_url)
        name = admin.url.database
        with TestClient(create_app(Settings(database_url=pg_url))) as client:
            assert client.get("/ready").status_code == 200
            with admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
                connection.commit()
            try:
                ready = client.get("/ready")
                assert (ready.status_code, ready.json()) == (503, {"status": "not ready", "database": "not writable"})
                assert "read-only transaction" in not_ready_log(caplog)
            finally:
                with admin.connect() as connection:
                    connection.execute(text("SET default_transaction_read_only = off"))
                    connection.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
                    connection.commit()
                admin.dispose()
            assert client.get("/ready").status_code == 200

    def test_a_held_lock_is_not_ready(self, pg_url: str, caplog: pytest.LogCaptureFixture) -> None:
        admin = create_db_engine(pg_url)
        with TestClient(create_app(Settings(database_url=pg_url))) as client:
            assert client.get("/ready").status_code == 200
            with admin.connect() as connection:
                connection.execute(text("LOCK TABLE readiness_check IN ACCESS EXCLUSIVE MODE"))
                assert client.get("/ready").status_code == 503
                assert "not ready:" in not_ready_log(caplog)
                connection.rollback()
            admin.dispose()
            assert client.get("/ready").status_code == 200


@pytest.fixture(autouse=True)
def _capture_app_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="todo_api")
