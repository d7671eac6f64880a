"""Settings read from the environment (the ConfigMap and the Secret of FastApiBackend)."""

import re
from enum import Enum
from typing import Optional

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The private and loopback ranges a cluster's proxies (ingress controller, Gateway, sidecar) connect from.
PRIVATE_NETWORKS = "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7"

_RATE = re.compile(r"^(?P<count>[1-9][0-9]*)/(?P<unit>second|minute|hour)$")
_SECONDS = {"second": 1, "minute": 60, "hour": 3600}


class Mode(str, Enum):
    """How POST /api/chat answers."""

    MOCK = "mock"
    REAL = "real"


class Rate:
    """A request rate such as `60/minute`; `off` is no limit."""

    def __init__(self, count: int, period_seconds: int) -> None:
        self.count = count
        self.period_seconds = period_seconds

    @classmethod
    def parse(cls, text: str) -> Optional["Rate"]:
        text = text.strip().lower()
        if text == "off":
            return None
        match = _RATE.match(text)
        if not match:
            raise ValueError(f'must be "<count>/second", "<count>/minute", "<count>/hour" or "off"; got {text!r}')
        return cls(int(match["count"]), _SECONDS[match["unit"]])

    def __repr__(self) -> str:
        return f"Rate({self.count}/{self.period_seconds}s)"


class Settings(BaseSettings):
    """Every variable the backend reads; names are the upper-case field names."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    # SqlitePersistence sets this to its volume; an external database comes from the Secret.
    database_url: str = "sqlite:////data/db.sqlite3"
    mode: Mode = Mode.MOCK
    model_server_url: Optional[str] = None
    model_name: str = "gpt-4o-mini"
    # The whole model call, connection included; the answer is 504 after it.
    model_timeout_seconds: float = Field(default=30.0, gt=0)
    # A model server that does not accept the connection by then is down: 502 at once, not after the whole timeout.
    model_connect_timeout_seconds: float = Field(default=3.0, gt=0)
    # Chats waiting on the model at once, per process; more get 503 with Retry-After after model_queue_seconds.
    model_max_concurrency: int = Field(default=16, ge=1)
    model_queue_seconds: float = Field(default=2.0, ge=0)
    openai_api_key: Optional[SecretStr] = None
    log_level: str = "info"
    # Also write JSON log lines to LOG_DIR/backend.log (e.g. /logs from SqlitePersistence); stdout always.
    log_dir: Optional[str] = None
    # "::": every IPv4 and IPv6 address, on one socket (listening.py); "0.0.0.0" is IPv4 only.
    host: str = "::"
    port: int = Field(default=8000, ge=1, le=65535)
    # Seconds uvicorn waits for in-flight requests after SIGTERM; below Kubernetes' 30 s grace period.
    shutdown_timeout_seconds: int = Field(default=20, ge=0)
    # An idle connection stays open this long: longer than the proxies in front keep theirs (ingress-nginx and
    # most cloud load balancers: 60 s), or one reuses a connection the app is closing and the request fails.
    keep_alive_seconds: int = Field(default=75, ge=1)
    # Request bodies above this many bytes get 413 before they are read into memory (a todo is a few hundred bytes).
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # Per client address and process: POST/PATCH/DELETE under /api/todos, and POST /api/chat ("off": no limit).
    rate_limit_writes: str = "120/minute"
    rate_limit_chat: str = "10/minute"
    # Proxies whose X-Forwarded-For names the client (comma-separated addresses or networks, "*" for any).
    forwarded_allow_ips: str = PRIVATE_NETWORKS
    # Refuse every write (403): for a deployment with no authentication in front of the API.
    read_only: bool = False
    # /ready answers 503 when the database has not confirmed a write within this many seconds.
    ready_timeout_seconds: float = Field(default=2.0, gt=0)

    @model_validator(mode="after")
    def _real_mode_needs_a_server(self) -> "Settings":
        if self.mode is Mode.REAL and not self.model_server_url:
            raise ValueError("MODE=real needs MODEL_SERVER_URL (an OpenAI-compatible base URL such as https://api.openai.com/v1)")
        return self

    @field_validator("rate_limit_writes", "rate_limit_chat")
    @classmethod
    def _rate(cls, value: str) -> str:
        Rate.parse(value)
        return value

    @property
    def write_rate(self) -> Optional[Rate]:
        return Rate.parse(self.rate_limit_writes)

    @property
    def chat_rate(self) -> Optional[Rate]:
        return Rate.parse(self.rate_limit_chat)
