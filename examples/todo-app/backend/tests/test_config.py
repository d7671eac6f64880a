import pytest

from todo_api.config import Mode, Settings
from todo_api.db import create_db_engine, normalize_url


def test_reads_the_contract_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://todo:pw@db:5432/todo")
    monkeypatch.setenv("MODE", "real")
    monkeypatch.setenv("MODEL_SERVER_URL", "http://model:8080/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-1")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("PORT", "9000")
    settings = Settings()
    assert settings.database_url == "postgresql://todo:pw@db:5432/todo"
    assert settings.mode is Mode.REAL
    assert settings.model_server_url == "http://model:8080/v1"
    assert settings.openai_api_key is not None and settings.openai_api_key.get_secret_value() == "sk-1"
    assert "sk-1" not in repr(settings)
    assert settings.log_level == "debug"
    assert settings.port == 9000


def test_defaults_match_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "MODE", "PORT", "LOG_LEVEL", "MODEL_SERVER_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite:////data/db.sqlite3"
    assert settings.mode is Mode.MOCK
    assert settings.port == 8000
    # Every IPv4 and IPv6 address (listening.py): IPv6-only and dual-stack clusters route to the pod's IPv6 address.
    assert settings.host == "::"


@pytest.mark.parametrize("given, expected", [
    ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
    ("postgresql://u:p@h:5432/db?sslmode=require", "postgresql+psycopg://u:p@h:5432/db?sslmode=require"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:////data/db.sqlite3", "sqlite:////data/db.sqlite3"),
])
def test_database_url_forms(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


@pytest.mark.parametrize("url, message", [
    ("sqlite:///relative.db", "absolute SQLite file path"),
    ("sqlite://", "absolute SQLite file path"),
    ("mysql://u@h/db", "scheme 'mysql'"),
])
def test_rejects_unusable_database_urls(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        create_db_engine(url)


def test_idle_connections_outlive_the_proxies_in_front(monkeypatch: pytest.MonkeyPatch) -> None:
    # ingress-nginx keeps upstream connections 60 s, as most cloud load balancers do: closing ours sooner lets a
    # proxy send a request on a connection the app is closing, and that request fails (a 502, or no answer).
    monkeypatch.delenv("KEEP_ALIVE_SECONDS", raising=False)
    assert Settings().keep_alive_seconds > 60
    monkeypatch.setenv("HOST", "127.0.0.1")
    captured: dict = {}

    def run(server, sockets=None) -> None:
        captured.update(config=server.config, sockets=sockets)
        server.started = True

    monkeypatch.setattr("uvicorn.Server.run", run)
    monkeypatch.setattr("todo_api.__main__.configure_logging", lambda *args: None)
    from todo_api.__main__ import main

    main()
    assert captured["config"].timeout_keep_alive == 75
    assert captured["config"].proxy_headers is False  # the app reads X-Forwarded-For itself, from trusted proxies only
    assert captured["sockets"] is None  # an address other than "::" is uvicorn's to bind
