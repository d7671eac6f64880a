"""Per-client rate limits on writes and chat, the client address behind proxies, and READ_ONLY."""

import pytest
from fastapi.testclient import TestClient

from todo_api.app import create_app
from todo_api.config import Rate, Settings
from todo_api.limits import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_token_bucket_allows_the_burst_then_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Rate(3, 60), clock=clock)
    assert [limiter.acquire("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.acquire("a") == pytest.approx(20.0)   # one token every 20 s
    assert limiter.acquire("b") == 0                     # another client has its own bucket
    clock.now += 20
    assert limiter.acquire("a") == 0
    assert limiter.acquire("a") > 0


def test_the_limiter_forgets_the_least_recently_seen_clients() -> None:
    limiter = RateLimiter(Rate(1, 60), max_clients=2, clock=FakeClock())
    limiter.acquire("a")
    limiter.acquire("b")
    limiter.acquire("c")  # "a" is forgotten: memory stays bounded whatever the number of addresses
    assert limiter.acquire("a") == 0
    assert limiter.acquire("c") > 0


@pytest.mark.parametrize("text, count, seconds", [("120/minute", 120, 60), ("5/second", 5, 1), (" 2/HOUR ", 2, 3600)])
def test_rates_parse(text: str, count: int, seconds: int) -> None:
    rate = Rate.parse(text)
    assert rate is not None and (rate.count, rate.period_seconds) == (count, seconds)


def test_rates_refuse_what_they_do_not_understand() -> None:
    assert Rate.parse("off") is None
    for bad in ("0/minute", "10 per minute", "10/day", ""):
        with pytest.raises(ValueError, match="<count>/minute"):
            Rate.parse(bad)
    with pytest.raises(ValueError, match="RATE_LIMIT_CHAT|rate_limit_chat"):
        Settings(rate_limit_chat="lots")


def limited_client(database_url: str, **extra) -> TestClient:
    # Trust the test client's proxy headers, as the app trusts the cluster's ingress proxies.
    return TestClient(create_app(Settings(database_url=database_url, forwarded_allow_ips="*", **extra)))


def test_writes_are_limited_per_client_with_429_and_retry_after(database_url: str) -> None:
    with limited_client(database_url, rate_limit_writes="3/minute") as client:
        alice = {"X-Forwarded-For": "203.0.113.1"}
        todo = client.post("/api/todos", json={"title": "one"}, headers=alice).json()
        assert client.patch(f"/api/todos/{todo['id']}", json={"done": True}, headers=alice).status_code == 200
        assert client.delete(f"/api/todos/{todo['id']}", headers=alice).status_code == 204
        refused = client.post("/api/todos", json={"title": "four"}, headers=alice)
        assert (refused.status_code, refused.json()) == (429, {"detail": "too many requests from this address; try again shortly"})
        assert refused.headers["retry-after"] == "20"
        # Reads are not limited, and another client has its own allowance.
        assert client.get("/api/todos", headers=alice).status_code == 200
        assert client.post("/api/todos", json={"title": "bob's"}, headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 201


def test_chat_has_its_own_lower_limit(database_url: str) -> None:
    with limited_client(database_url, rate_limit_chat="2/minute") as client:
        ask = lambda: client.post("/api/chat", json={"message": "hi"}, headers={"X-Forwarded-For": "198.51.100.7"}).status_code  # noqa: E731
        assert [ask(), ask(), ask()] == [200, 200, 429]
        assert client.post("/api/todos", json={"title": "writes are counted apart"}, headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 201


def test_rate_limits_can_be_turned_off(database_url: str) -> None:
    with limited_client(database_url, rate_limit_writes="off") as client:
        assert {client.post("/api/todos", json={"title": f"t{n}"}).status_code for n in range(200)} == {201}


def test_the_default_limits(database_url: str) -> None:
    settings = Settings(database_url=database_url)
    assert (settings.write_rate.count, settings.write_rate.period_seconds) == (120, 60)
    assert (settings.chat_rate.count, settings.chat_rate.period_seconds) == (10, 60)


def test_a_client_cannot_escape_the_limit_by_inventing_forwarded_addresses(database_url: str) -> None:
    """Only a trusted proxy's X-Forwarded-For counts; each proxy appends the address it saw, so the rightmost
    untrusted address is the client, whatever it wrote itself."""
    settings = Settings(database_url=database_url, rate_limit_writes="2/minute")  # trusts private addresses only
    with TestClient(create_app(settings), client=("10.0.0.5", 40000)) as via_proxy:
        statuses = [via_proxy.post("/api/todos", json={"title": f"t{n}"},
                                   headers={"X-Forwarded-For": f"192.0.2.{n}, 203.0.113.9"}).status_code for n in range(3)]
    assert statuses == [201, 201, 429]
    with TestClient(create_app(settings), client=("203.0.113.50", 40000)) as direct:
        # Not from a trusted proxy: the header is ignored and the peer address is the client.
        statuses = [direct.post("/api/todos", json={"title": f"t{n}"}, headers={"X-Forwarded-For": f"192.0.2.{n}"}).status_code
                    for n in range(3)]
    assert statuses == [201, 201, 429]


class TestReadOnly:
    """READ_ONLY=true: what production runs until authentication is in front of the API."""

    @pytest.fixture
    def client(self, database_url: str):
        with TestClient(create_app(Settings(database_url=database_url, read_only=True))) as client:
            yield client

    def test_every_write_and_chat_is_403(self, client: TestClient) -> None:
        expected = (403, {"detail": "this deployment is read-only: it has no sign-in in front of its API (READ_ONLY=true), so it takes no changes"})
        for method, path, body in [("POST", "/api/todos", {"title": "x"}), ("PATCH", "/api/todos/1", {"done": True}),
                                   ("DELETE", "/api/todos/1", None), ("POST", "/api/chat", {"message": "hi"})]:
            response = client.request(method, path, json=body)
            assert (response.status_code, response.json()) == expected, (method, path)

    def test_reads_and_probes_work(self, client: TestClient) -> None:
        assert client.get("/api/todos").json()["total"] == 0
        assert client.get("/ready").status_code == 200
        assert client.get("/health").status_code == 200
