"""POST /api/chat: canned answers in mock mode; in real mode a real HTTP model server on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from bench.standins import HangingModelServer
from todo_api.app import create_app
from todo_api.chat import ChatClient
from todo_api.config import Settings


def test_mock_mode_answers_from_the_data(client: TestClient) -> None:
    client.post("/api/todos", json={"title": "a"})
    done = client.post("/api/todos", json={"title": "b"}).json()
    client.patch(f"/api/todos/{done['id']}", json={"done": True})
    response = client.post("/api/chat", json={"message": "What is left on my todo list?"})
    assert response.status_code == 200
    assert response.json() == {"reply": "You have 1 open todo.", "mode": "mock"}


def test_mock_mode_greets_and_has_a_default(client: TestClient) -> None:
    assert "mock mode" in client.post("/api/chat", json={"message": "hello"}).json()["reply"]
    assert "MODE=mock" in client.post("/api/chat", json={"message": "why is the sky blue"}).json()["reply"]


def test_chat_validates_the_message(client: TestClient) -> None:
    assert client.post("/api/chat", json={}).status_code == 422
    assert client.post("/api/chat", json={"message": ""}).status_code == 422


class ModelServer:
    """An OpenAI-compatible /chat/completions endpoint that records requests and answers as told."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        self.answer: object = {"choices": [{"message": {"role": "assistant", "content": "Do the dishes first."}}]}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers["Content-Length"])
                server.requests.append({
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "body": json.loads(self.rfile.read(length)),
                })
                payload = json.dumps(server.answer).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "ModelServer":
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def model_server() -> Iterator[ModelServer]:
    with ModelServer() as server:
        yield server


@pytest.fixture
def real_client(database_url: str, model_server: ModelServer) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, mode="real", model_server_url=model_server.url + "/",
                        model_name="test-model", openai_api_key="sk-test", model_timeout_seconds=5)
    with TestClient(create_app(settings)) as client:
        yield client


def test_real_mode_calls_the_model_server(real_client: TestClient, model_server: ModelServer) -> None:
    real_client.post("/api/todos", json={"title": "dishes"})
    response = real_client.post("/api/chat", json={"message": "What first?"})
    assert response.status_code == 200
    assert response.json() == {"reply": "Do the dishes first.", "mode": "real"}
    [request] = model_server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["authorization"] == "Bearer sk-test"
    assert request["body"]["model"] == "test-model"
    assert request["body"]["messages"][-1] == {"role": "user", "content": "What first?"}
    assert "1 open todos" in request["body"]["messages"][0]["content"]


def test_real_mode_model_server_error_is_502(real_client: TestClient, model_server: ModelServer) -> None:
    model_server.status = 500
    model_server.answer = {"error": "boom"}
    response = real_client.post("/api/chat", json={"message": "hi"})
    assert response.status_code == 502
    assert response.json() == {"detail": "the model server answered HTTP 500"}


def test_real_mode_malformed_answer_is_502(real_client: TestClient, model_server: ModelServer) -> None:
    model_server.answer = {"choices": []}
    response = real_client.post("/api/chat", json={"message": "hi"})
    assert response.status_code == 502
    assert "choices[0]" in response.json()["detail"]


def test_real_mode_unreachable_server_is_502(database_url: str) -> None:
    settings = Settings(database_url=database_url, mode="real", model_server_url="http://127.0.0.1:1/v1", model_timeout_seconds=2)
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/chat", json={"message": "hi"})
    assert response.status_code == 502
    assert response.json()["detail"].startswith("the model server could not be reached")


def test_real_mode_without_a_url_is_a_configuration_error() -> None:
    with pytest.raises(ValidationError, match="MODE=real needs MODEL_SERVER_URL"):
        Settings(mode="real")


def hanging_settings(database_url: str, model_url: str, **extra) -> Settings:
    return Settings(database_url=database_url, mode="real", model_server_url=model_url, **extra)


def test_a_model_that_never_answers_is_a_504_after_the_timeout(database_url: str) -> None:
    with HangingModelServer() as model, TestClient(create_app(hanging_settings(database_url, model.url, model_timeout_seconds=1))) as client:
        response = client.post("/api/chat", json={"message": "hi"})
    assert (response.status_code, response.json()) == (504, {"detail": "the model server did not answer within 1 s"})


def test_chats_beyond_the_concurrency_limit_are_503_with_retry_after(database_url: str) -> None:
    with HangingModelServer() as model:
        settings = hanging_settings(database_url, model.url, model_timeout_seconds=3, model_max_concurrency=2, model_queue_seconds=0.2)
        with TestClient(create_app(settings)) as client:
            results: list = []
            chats = [threading.Thread(target=lambda: results.append(client.post("/api/chat", json={"message": "hi"}))) for _ in range(5)]
            for thread in chats:
                thread.start()
            for thread in chats:
                thread.join(timeout=30)
            assert model.accepted == 2, "more model calls at once than MODEL_MAX_CONCURRENCY"
    assert sorted(r.status_code for r in results) == [503, 503, 503, 504, 504]
    busy = next(r for r in results if r.status_code == 503)
    assert busy.json() == {"detail": "the assistant is busy; try again shortly"}
    assert busy.headers["retry-after"] == "5"


def test_a_model_server_that_refuses_connections_fails_fast_with_502(database_url: str) -> None:
    # Nothing listens on port 1: the connection is refused and the chat does not wait for MODEL_TIMEOUT_SECONDS.
    settings = hanging_settings(database_url, "http://127.0.0.1:1/v1", model_timeout_seconds=60, model_connect_timeout_seconds=1)
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/chat", json={"message": "hi"})
    assert response.status_code == 502
    assert response.json()["detail"].startswith("the model server could not be reached")


def test_the_model_client_has_a_short_connect_timeout() -> None:
    settings = Settings(mode="real", model_server_url="http://model/v1", model_timeout_seconds=30)
    client = ChatClient(settings)
    timeout = client._client.timeout
    assert (timeout.connect, timeout.read) == (3.0, 30.0)
