"""Fixtures: a database URL per backend (SQLite always, PostgreSQL when TEST_POSTGRES_URL is set) and an app client."""

import os
from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from todo_api.app import create_app
from todo_api.config import Settings
from todo_api.db import Base, create_db_engine

from .server_process import Sandbox

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("TEST_REQUIRE_POSTGRES") == "1"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/data/db.sqlite3"
        return
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("TEST_REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL: set TEST_POSTGRES_URL (examples/todo-app/test.sh starts one)")
    engine = create_db_engine(POSTGRES_URL)
    Base.metadata.drop_all(engine)
    engine.dispose()
    yield POSTGRES_URL
    engine = create_db_engine(POSTGRES_URL)
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, mode="mock")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """Writable data, log and temporary directories for a real server process (server_process.py)."""
    box = Sandbox()
    yield box
    box.cleanup()


def table_names(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            if engine.url.get_backend_name() == "sqlite":
                rows = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))
            else:
                rows = connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
            return {row[0] for row in rows}
    finally:
        engine.dispose()
