"""Prometheus metrics at /metrics and JSON log lines."""

import io
import json
import logging
import logging.config

from fastapi.testclient import TestClient

from todo_api.logs import logging_config


def test_metrics_count_requests_by_route(client: TestClient) -> None:
    client.post("/api/todos", json={"title": "count me"})
    client.get("/api/todos/1")
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    lines = metrics.text.splitlines()
    assert any(line.startswith("http_requests_total{") and 'handler="/api/todos"' in line and 'method="POST"' in line for line in lines)
    # Route templates, not raw paths: one series per route whatever the ids.
    assert any('handler="/api/todos/{todo_id}"' in line for line in lines)
    assert not any('handler="/metrics"' in line for line in lines)


def test_metrics_and_probes_are_not_in_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/metrics" not in paths
    assert {"/api/todos", "/api/todos/{todo_id}", "/api/chat", "/health", "/ready"} <= set(paths)


def test_docs_need_no_cdn(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn.jsdelivr.net" not in page.text and "googleapis" not in page.text
    assert '/docs/static/swagger-ui-bundle.js' in page.text
    assert client.get("/docs/static/swagger-ui-bundle.js").status_code == 200


def test_log_lines_are_json_with_level_and_logger() -> None:
    stream = io.StringIO()
    config = logging_config("info")
    config["handlers"]["stdout"]["stream"] = stream
    logging.config.dictConfig(config)
    try:
        logging.getLogger("todo_api").info("todo created", extra={"todo_id": 7})
        logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", "/api/todos", "1.1", 200)
        logging.getLogger("todo_api").debug("hidden at info")
    finally:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(r["level"], r["logger"]) for r in records] == [("INFO", "todo_api"), ("INFO", "uvicorn.access")]
    assert records[0]["message"] == "todo created" and records[0]["todo_id"] == 7
    assert "time" in records[0]
    assert records[1]["message"] == '127.0.0.1:5 - "GET /api/todos HTTP/1.1" 200'
