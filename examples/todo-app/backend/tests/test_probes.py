from pathlib import Path

from fastapi.testclient import TestClient

from todo_api.app import create_app
from todo_api.config import Settings

from .conftest import table_names


def test_health_is_ok(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_checks_the_database(client: TestClient) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok"}


def test_schema_is_created_on_start(settings: Settings) -> None:
    with TestClient(create_app(settings)):
        assert "todos" in table_names(settings.database_url)


def test_unreachable_postgres_is_not_ready_but_alive() -> None:
    # Nothing listens on port 1; the app still starts, answers liveness, and reports itself not ready.
    settings = Settings(database_url="postgresql://todo:x@127.0.0.1:1/todo")
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").status_code == 200
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert ready.json() == {"status": "not ready", "database": "unreachable"}
        api = client.get("/api/todos")
        assert api.status_code == 503
        assert api.json() == {"detail": "database unavailable"}


def test_corrupt_sqlite_file_is_not_ready(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "db.sqlite3").write_bytes(b"this is not a SQLite database" * 100)
    settings = Settings(database_url=f"sqlite:///{data}/db.sqlite3")
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").status_code == 200
        assert client.get("/ready").status_code == 503
