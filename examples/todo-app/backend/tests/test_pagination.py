"""GET /api/todos answers one bounded page and the total, whatever the table holds."""

from fastapi.testclient import TestClient
from sqlalchemy import insert

from todo_api.app import create_app
from todo_api.config import Settings
from todo_api.db import Todo, create_db_engine, create_schema


def fill(url: str, count: int) -> None:
    engine = create_db_engine(url)
    try:
        create_schema(engine)
        with engine.begin() as connection:
            connection.execute(insert(Todo), [{"title": f"todo {n}", "done": n % 2 == 0} for n in range(1, count + 1)])
    finally:
        engine.dispose()


def test_a_large_table_is_served_a_page_at_a_time(settings: Settings) -> None:
    fill(settings.database_url, 10_000)
    with TestClient(create_app(settings)) as client:
        first = client.get("/api/todos")
        assert first.status_code == 200
        page = first.json()
        assert (page["total"], page["limit"], page["offset"]) == (10_000, 50, 0)
        assert [todo["title"] for todo in page["items"]] == [f"todo {n}" for n in range(1, 51)]
        # The page is small whatever the table holds (the unpaginated list was 18 MB for 100k rows).
        assert len(first.content) < 5_000

        largest = client.get("/api/todos?limit=200&offset=9900").json()
        assert [todo["title"] for todo in largest["items"]] == [f"todo {n}" for n in range(9901, 10_001)]
        assert largest["total"] == 10_000

        past_the_end = client.get("/api/todos?offset=10000").json()
        assert past_the_end == {"items": [], "total": 10_000, "limit": 50, "offset": 10_000}


def test_pages_follow_creation_order_without_gaps(client: TestClient) -> None:
    created = [client.post("/api/todos", json={"title": f"t{n}"}).json()["id"] for n in range(7)]
    seen = []
    offset = 0
    while True:
        page = client.get(f"/api/todos?limit=3&offset={offset}").json()
        if not page["items"]:
            break
        seen += [todo["id"] for todo in page["items"]]
        offset += page["limit"]
    assert seen == created


def test_page_bounds_are_documented_in_the_schema(client: TestClient) -> None:
    parameters = {p["name"]: p["schema"] for p in client.get("/openapi.json").json()["paths"]["/api/todos"]["get"]["parameters"]}
    assert parameters["limit"]["maximum"] == 200 and parameters["limit"]["default"] == 50
    assert parameters["offset"]["minimum"] == 0
