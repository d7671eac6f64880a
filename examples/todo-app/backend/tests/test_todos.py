import threading

from fastapi.testclient import TestClient

from todo_api.app import create_app
from todo_api.config import Settings


def test_starts_empty_and_creates_a_todo(client: TestClient) -> None:
    assert client.get("/api/todos").json()["items"] == []
    created = client.post("/api/todos", json={"title": "  buy milk  "})
    assert created.status_code == 201
    body = created.json()
    assert body == {"id": body["id"], "title": "buy milk", "done": False}
    assert client.get("/api/todos").json()["items"] == [body]
    assert client.get(f"/api/todos/{body['id']}").json() == body


def test_lists_in_creation_order(client: TestClient) -> None:
    titles = ["one", "two", "three"]
    for title in titles:
        client.post("/api/todos", json={"title": title})
    assert [todo["title"] for todo in client.get("/api/todos").json()["items"]] == titles


def test_updates_done_and_title(client: TestClient) -> None:
    todo = client.post("/api/todos", json={"title": "write tests"}).json()
    done = client.patch(f"/api/todos/{todo['id']}", json={"done": True})
    assert done.status_code == 200
    assert done.json() == {"id": todo["id"], "title": "write tests", "done": True}
    renamed = client.patch(f"/api/todos/{todo['id']}", json={"title": "write more tests"}).json()
    assert renamed == {"id": todo["id"], "title": "write more tests", "done": True}
    assert client.get("/api/todos").json()["items"] == [renamed]


def test_deletes(client: TestClient) -> None:
    keep = client.post("/api/todos", json={"title": "keep"}).json()
    drop = client.post("/api/todos", json={"title": "drop"}).json()
    response = client.delete(f"/api/todos/{drop['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert client.get("/api/todos").json()["items"] == [keep]
    assert client.delete(f"/api/todos/{drop['id']}").status_code == 404


def test_unknown_ids_are_404(client: TestClient) -> None:
    assert client.get("/api/todos/999").status_code == 404
    assert client.patch("/api/todos/999", json={"done": True}).status_code == 404
    assert client.get("/api/todos/999").json() == {"detail": "todo 999 not found"}


def test_rejects_invalid_titles(client: TestClient) -> None:
    for body in ({}, {"title": ""}, {"title": "   "}, {"title": "x" * 201}, {"title": 5}):
        assert client.post("/api/todos", json=body).status_code == 422, body
    todo = client.post("/api/todos", json={"title": "ok"}).json()
    assert client.patch(f"/api/todos/{todo['id']}", json={"title": " "}).status_code == 422
    assert client.get("/api/todos").json()["items"] == [todo]


def test_data_survives_a_restart(settings: Settings) -> None:
    with TestClient(create_app(settings)) as first:
        first.post("/api/todos", json={"title": "persist me"})
    with TestClient(create_app(settings)) as second:
        assert [todo["title"] for todo in second.get("/api/todos").json()["items"]] == ["persist me"]


def test_concurrent_updates_all_succeed(client: TestClient) -> None:
    """Each update reads, then writes, while others do the same (on SQLite, in turns: WriteTurn)."""
    todos = [client.post("/api/todos", json={"title": f"t{n}"}).json() for n in range(8)]
    statuses: list[int] = []

    def toggle(todo: dict) -> None:
        for done in (True, False, True):
            statuses.append(client.patch(f"/api/todos/{todo['id']}", json={"done": done}).status_code)

    threads = [threading.Thread(target=toggle, args=(todo,)) for todo in todos * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * len(threads) * 3
    assert all(todo["done"] for todo in client.get("/api/todos").json()["items"])
