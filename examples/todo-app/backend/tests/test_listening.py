"""HOST "::": one socket for every IPv4 and IPv6 address (listening.py), and IPv4 clients seen as IPv4."""

import errno
import json
import socket

import pytest
from fastapi.testclient import TestClient

from todo_api import listening
from todo_api.app import create_app
from todo_api.config import Settings
from todo_api.listening import listening_socket, unmapped

from .server_process import Sandbox, free_port, request, stop, wait_until_ready


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


needs_ipv6 = pytest.mark.skipif(not _has_ipv6_loopback(), reason="this machine has no IPv6 loopback")


@needs_ipv6
def test_the_image_host_serves_ipv4_and_ipv6_clients_from_one_server(sandbox: Sandbox) -> None:
    # uvicorn's own "--host ::" answers ::1 only (asyncio turns IPV6_V6ONLY on), and "0.0.0.0" 127.0.0.1 only.
    port = free_port()
    process = sandbox.run(["-m", "todo_api"], sandbox.env(port, HOST="::"))
    try:
        wait_until_ready(f"http://127.0.0.1:{port}", process)
        for base in (f"http://127.0.0.1:{port}", f"http://[::1]:{port}"):
            assert request(f"{base}/health") == (200, {"status": "ok"}), base
    finally:
        code, stdout, stderr = stop(process)
    assert stderr == ""
    records = [json.loads(line) for line in stdout.splitlines()]
    assert f"listening on [::]:{port}, every IPv4 and IPv6 address" in [record["message"] for record in records]
    # The IPv4 client is logged as IPv4, not as ::ffff:127.0.0.1.
    access = [record["message"] for record in records if record["logger"] == "uvicorn.access"]
    assert any(line.startswith("127.0.0.1:") for line in access) and any(line.startswith("::1:") for line in access), access


@needs_ipv6
def test_the_socket_turns_ipv6_only_off() -> None:
    sock = listening_socket("::", 0)
    try:
        assert sock is not None and sock.family == socket.AF_INET6
        assert sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 0
        assert sock.getsockname()[0] == "::"
    finally:
        sock.close()


def test_other_hosts_are_left_to_uvicorn() -> None:
    assert listening_socket("0.0.0.0", 0) is None
    assert listening_socket("127.0.0.1", 0) is None


def test_a_kernel_without_ipv6_gets_ipv4(monkeypatch: pytest.MonkeyPatch) -> None:
    real_socket = socket.socket

    def no_ipv6(family: int = socket.AF_INET, *args, **kwargs) -> socket.socket:
        if family == socket.AF_INET6:
            raise OSError(errno.EAFNOSUPPORT, "Address family not supported by protocol")
        return real_socket(family, *args, **kwargs)

    monkeypatch.setattr(listening.socket, "socket", no_ipv6)
    sock = listening_socket("::", 0)
    try:
        assert sock is not None and sock.family == socket.AF_INET
        assert sock.getsockname()[0] == "0.0.0.0"
    finally:
        sock.close()


@pytest.mark.parametrize("given, expected", [
    ("::ffff:10.1.2.3", "10.1.2.3"),
    ("::ffff:127.0.0.1", "127.0.0.1"),
    ("::1", "::1"),
    ("2001:db8::1", "2001:db8::1"),
    ("10.1.2.3", "10.1.2.3"),
    ("::ffff:not-an-address", "::ffff:not-an-address"),
    ("testclient", "testclient"),
])
def test_unmapped(given: str, expected: str) -> None:
    assert unmapped(given) == expected


def test_a_proxy_on_ipv4_through_the_dual_stack_socket_is_trusted_by_its_ipv4_network(database_url: str) -> None:
    # A proxy at 10.1.2.3 reaches the dual-stack socket as ::ffff:10.1.2.3, which FORWARDED_ALLOW_IPS' 10.0.0.0/8
    # does not contain: without unmapping, its X-Forwarded-For would be ignored and every client would share the
    # proxy's rate limit.
    settings = Settings(database_url=database_url, mode="mock", rate_limit_writes="1/minute")
    with TestClient(create_app(settings), client=("::ffff:10.1.2.3", 50000)) as client:
        for address in ("203.0.113.7", "203.0.113.8"):
            response = client.post("/api/todos", json={"title": address}, headers={"X-Forwarded-For": address})
            assert response.status_code == 201, response.text
        assert client.post("/api/todos", json={"title": "again"}, headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 429
