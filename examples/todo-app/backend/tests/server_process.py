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
            "MODE": "mock",
            "LOG_LEVEL": "info",
            **extra,
        }

    def run(self, args: list[str], env: dict[str, str], **kwargs) -> subprocess.Popen:
        user = {"user": APP_UID, "group": APP_UID, "extra_groups": []} if self.as_root else {}
        return subprocess.Popen([sys.executable, *args], cwd=BACKEND_DIR, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, **user, **kwargs)

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


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
