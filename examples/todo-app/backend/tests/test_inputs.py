"""Hostile and edge inputs: each is a 4xx JSON error, the same on SQLite and PostgreSQL, and none is repeated back."""

import json

import pytest
from fastapi.testclient import TestClient

from todo_api.app import create_app
from todo_api.config import Settings

ID_TOO_LARGE = {"detail": [{"type": "less_than_equal", "loc": ["path", "todo_id"], "msg": "Input should be less than or equal to 2147483647"}]}
ID_TOO_SMALL = {"detail": [{"type": "greater_than_equal", "loc": ["path", "todo_id"], "msg": "Input should be greater than or equal to 1"}]}


@pytest.mark.parametrize("todo_id, expected", [
    ("2147483648", ID_TOO_LARGE),            # PostgreSQL integer + 1: was a 500 on PostgreSQL
    ("9223372036854775808", ID_TOO_LARGE),   # SQLite's INTEGER + 1: was a 500 on both
    ("0", ID_TOO_SMALL),
    ("-1", ID_TOO_SMALL),
])
@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_ids_outside_the_column_are_422_on_every_database(client: TestClient, todo_id: str, expected: dict, method: str) -> None:
    response = client.request(method, f"/api/todos/{todo_id}", json={"done": True} if method == "PATCH" else None)
    assert (response.status_code, response.json()) == (422, expected)


def test_the_largest_id_is_a_plain_404(client: TestClient) -> None:
    response = client.get("/api/todos/2147483647")
    assert (response.status_code, response.json()) == (404, {"detail": "todo 2147483647 not found"})


def test_non_numeric_ids_are_422(client: TestClient) -> None:
    response = client.get("/api/todos/1e3")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "todo_id"]


def post_raw(client: TestClient, path: str, body: str | bytes) -> tuple[int, dict]:
    response = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.headers["content-type"] == "application/json"
    return response.status_code, response.json()


@pytest.mark.parametrize("raw_title", [
    r'"\ud800"',           # a lone high surrogate: was a 500 on both databases
    r'"a\udfffb"',         # a lone low surrogate
    r'"a\u0000b"',         # NUL: was a 500 on PostgreSQL and stored on SQLite
    r'"tab\there"',        # other control characters do not belong in a one-line title either
    r'"\u001b[31mred"',
])
def test_titles_that_a_database_cannot_store_alike_are_422(client: TestClient, raw_title: str) -> None:
    status, body = post_raw(client, "/api/todos", '{"title": %s}' % raw_title)
    assert status == 422
    [problem] = body["detail"]
    assert problem["loc"] == ["body", "title"]
    assert set(problem) == {"type", "loc", "msg"}
    assert client.get("/api/todos").json()["total"] == 0


def test_a_lone_surrogate_in_a_rename_is_422_and_changes_nothing(client: TestClient) -> None:
    todo = client.post("/api/todos", json={"title": "keep me"}).json()
    response = client.patch(f"/api/todos/{todo['id']}", content=r'{"title": "\ud83d"}', headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert client.get(f"/api/todos/{todo['id']}").json() == todo


@pytest.mark.parametrize("raw_message", [r'"\ud800"', r'"hi\u0000"'])
def test_chat_messages_that_cannot_be_stored_or_sent_are_422(client: TestClient, raw_message: str) -> None:
    status, body = post_raw(client, "/api/chat", '{"message": %s}' % raw_message)
    assert status == 422
    assert body["detail"][0]["loc"] == ["body", "message"]


def test_chat_messages_keep_their_line_breaks(client: TestClient) -> None:
    response = client.post("/api/chat", json={"message": "hello\nwhat is\tleft?"})
    assert response.status_code == 200


def test_unicode_titles_round_trip_alike(client: TestClient) -> None:
    title = "Grüße, 日本, emoji \U0001F600, combining e\u0301"
    created = client.post("/api/todos", json={"title": title}).json()
    assert client.get(f"/api/todos/{created['id']}").json()["title"] == title


def test_title_length_counts_characters_on_both_databases(client: TestClient) -> None:
    # 200 characters of 4 bytes each: PostgreSQL's varchar(200) counts characters, as the validation does.
    assert client.post("/api/todos", json={"title": "\U0001F600" * 200}).status_code == 201
    assert client.post("/api/todos", json={"title": "\U0001F600" * 201}).status_code == 422


def test_validation_errors_do_not_repeat_the_input(client: TestClient) -> None:
    secret_looking = "x" * 5000
    response = client.post("/api/todos", json={"title": secret_looking})
    assert response.status_code == 422
    assert "xxxxxxxx" not in response.text
    assert len(response.content) < 300
    assert response.json() == {"detail": [{"type": "string_too_long", "loc": ["body", "title"],
                                           "msg": "String should have at most 200 characters"}]}


@pytest.mark.parametrize("body, status", [
    ("not json", 422),
    ("[" * 20_000, 400),   # nesting deeper than the parser's recursion limit: a 4xx, not a 500
    (b'{"title": "\xff"}', 400),
    ('{"title": "x"', 422),
])
def test_malformed_bodies_are_json_4xx(client: TestClient, body: str | bytes, status: int) -> None:
    got, answer = post_raw(client, "/api/todos", body)
    assert got == status
    assert "detail" in answer


def test_query_parameters_are_bounded(client: TestClient) -> None:
    for query in ("limit=0", "limit=201", "offset=-1", "offset=9223372036854775808", "limit=abc"):
        response = client.get(f"/api/todos?{query}")
        assert response.status_code == 422, query
        assert response.json()["detail"][0]["loc"][0] == "query"


class TestBodySize:
    """MAX_BODY_BYTES (64 KiB): bigger bodies are refused before they are read into memory."""

    def test_a_declared_large_body_is_413_json(self, client: TestClient) -> None:
        response = client.post("/api/todos", content=json.dumps({"title": "x" * 70_000}), headers={"Content-Type": "application/json"})
        assert response.status_code == 413
        assert response.json() == {"detail": "the request body is larger than 65536 bytes"}

    def test_a_streamed_large_body_is_413_json(self, client: TestClient) -> None:
        def chunks():
            yield b'{"title": "'
            for _ in range(100):
                yield b"x" * 1024
            yield b'"}'

        response = client.post("/api/todos", content=chunks(), headers={"Content-Type": "application/json"})
        assert response.status_code == 413
        assert response.json()["detail"].startswith("the request body is larger than")

    def test_the_limit_is_a_setting(self, database_url: str) -> None:
        with TestClient(create_app(Settings(database_url=database_url, max_body_bytes=2048))) as small:
            assert small.post("/api/chat", json={"message": "x" * 3000}).status_code == 413
            assert small.post("/api/chat", json={"message": "hello"}).status_code == 200

    def test_a_body_under_the_limit_passes(self, client: TestClient) -> None:
        assert client.post("/api/chat", json={"message": "x" * 4000}).status_code == 200


def test_an_unexpected_error_is_a_json_500_without_details(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("internal detail that must not leak")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": "internal server error"}


def test_unknown_paths_and_methods_are_json(client: TestClient) -> None:
    assert client.get("/api/nothing").json() == {"detail": "Not Found"}
    assert client.put("/api/todos").json() == {"detail": "Method Not Allowed"}
