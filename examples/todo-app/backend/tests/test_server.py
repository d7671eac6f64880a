"""The real server process, as the container runs it: `python -m todo_api` as uid 1000 (when the tests run as root),
with only its data, log and temporary directories writable. Bound to 127.0.0.1, every wait bounded."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from .conftest import table_names

APP_UID = 1000  # the contract's backend user (FastApiBackend's default runAsUser)
BACKEND_DIR = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(url: str, method: str = "GET", body: object = None) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class Sandbox:
    """Writable /data, /logs and /tmp stand-ins owned by the app user; everything else is read-only to it."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="todo-backend-"))
        self.root.chmod(0o755)
        self.data, self.logs, self.tmp = (self.root / name for name in ("data", "logs", "tmp"))
        self.as_root = os.geteuid() == 0
        for path in (self.data, self.logs, self.tmp):
            path.mkdir()
            if self.as_root:
                os.chown(path, APP_UID, APP_UID)

    def env(self, port: int, **extra: str) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.tmp),
            "TMPDIR": str(self.tmp),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": f"sqlite:///{self.data}/db.sqlite3",
            "LOG_DIR": str(self.logs),
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "MODE": "dummy",
            "LOG_LEVEL": "info",
            **extra,
        }

    def run(self, args: list[str], env: dict[str, str], **kwargs) -> subprocess.Popen:
        user = {"user": APP_UID, "group": APP_UID, "extra_groups": []} if self.as_root else {}
        return subprocess.Popen([sys.executable, *args], cwd=BACKEND_DIR, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, **user, **kwargs)

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    yield box
    box.cleanup()


def wait_until_ready(base: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}: {process.stderr.read() if process.stderr else ''}")
        try:
            if request(f"{base}/ready")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"server not ready within {seconds} s")


def stop(process: subprocess.Popen) -> tuple[int, str, str]:
    process.send_signal(signal.SIGTERM)
    try:
        stdout, stderr = process.communicate(timeout=25)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate(timeout=5)
        raise AssertionError("server did not stop within 25 s of SIGTERM")
    return process.returncode, stdout, stderr


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
