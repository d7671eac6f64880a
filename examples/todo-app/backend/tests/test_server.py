"""The real server process, as the container runs it (server_process.py)."""

import json
import signal
import urllib.request

from .conftest import table_names
from .server_process import APP_UID, BACKEND_DIR, Sandbox, free_port, request, stop, wait_until_ready


def test_serves_as_the_app_user_writing_only_its_directories(sandbox: Sandbox) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    code_before = {path: path.stat().st_mtime_ns for path in (BACKEND_DIR / "todo_api").rglob("*")}
    process = sandbox.run(["-m", "todo_api"], sandbox.env(port))
    try:
        wait_until_ready(base, process)
        assert request(f"{base}/health") == (200, {"status": "ok"})
        assert request(f"{base}/api/todos", "POST", {"title": "from a real server"})[0] == 201
        assert request(f"{base}/api/todos")[1]["items"] == [{"id": 1, "title": "from a real server", "done": False}]
        with urllib.request.urlopen(f"{base}/metrics", timeout=5) as metrics:
            assert b"http_requests_total" in metrics.read()
    finally:
        code, stdout, stderr = stop(process)
    # uvicorn drains, runs the shutdown hooks, then re-raises SIGTERM: the exit status is the signal's.
    assert code in (0, -signal.SIGTERM), stderr
    assert stderr == ""
    records = [json.loads(line) for line in stdout.splitlines()]
    messages = [record["message"] for record in records]
    assert "started" in messages and "shutting down" in messages
    assert messages.index("shutting down") < messages.index("Application shutdown complete.")
    assert any(record["logger"] == "uvicorn.access" and "POST /api/todos" in record["message"] for record in records)
    assert {record["level"] for record in records} <= {"INFO", "WARNING"}
    assert all("color_message" not in record and record["time"].endswith("+00:00") for record in records)
    # The same lines in LOG_DIR, and the database on the data volume, owned by the app user.
    assert (sandbox.logs / "backend.log").read_text().splitlines() == stdout.splitlines()
    database = sandbox.data / "db.sqlite3"
    assert database.is_file()
    if sandbox.as_root:
        assert database.stat().st_uid == APP_UID
    # Nothing in the code changed or appeared (no bytecode either): the image's files stay read-only.
    assert {path: path.stat().st_mtime_ns for path in (BACKEND_DIR / "todo_api").rglob("*")} == code_before


def test_migrate_creates_the_schema_and_exits(sandbox: Sandbox) -> None:
    process = sandbox.run(["-m", "todo_api.migrate"], sandbox.env(free_port()))
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert json.loads(stdout.splitlines()[-1])["message"] == "schema is up to date"
    assert "todos" in table_names(f"sqlite:///{sandbox.data}/db.sqlite3")


def test_migrate_fails_readably_without_a_database(sandbox: Sandbox) -> None:
    env = sandbox.env(free_port(), DATABASE_URL="postgresql://todo:x@127.0.0.1:1/todo")
    process = sandbox.run(["-m", "todo_api.migrate"], env)
    stdout, _ = process.communicate(timeout=30)
    assert process.returncode == 1
    record = json.loads(stdout.splitlines()[-1])
    assert record["level"] == "ERROR" and record["message"].startswith("schema creation failed: OperationalError")
    assert "x@" not in stdout  # the password in the URL never reaches the log


def test_refuses_real_mode_without_a_model_server(sandbox: Sandbox) -> None:
    process = sandbox.run(["-m", "todo_api"], sandbox.env(free_port(), MODE="real"))
    _, stderr = process.communicate(timeout=30)
    assert process.returncode != 0
    assert "MODE=real needs MODEL_SERVER_URL" in stderr
