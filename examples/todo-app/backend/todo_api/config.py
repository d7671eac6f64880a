"""Settings read from the environment (the ConfigMap and the Secret of FastApiBackend)."""

from enum import Enum
from typing import Optional

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Mode(str, Enum):
    """How POST /api/chat answers."""

    MOCK = "mock"
    REAL = "real"


class Settings(BaseSettings):
    """Every variable the backend reads; names are the upper-case field names."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    # SqlitePersistence sets this to its volume; an external database comes from the Secret.
    database_url: str = "sqlite:////data/db.sqlite3"
    mode: Mode = Mode.MOCK
    model_server_url: Optional[str] = None
    model_name: str = "gpt-4o-mini"
    model_timeout_seconds: float = Field(default=30.0, gt=0)
    openai_api_key: Optional[SecretStr] = None
    log_level: str = "info"
    # Also write JSON log lines to LOG_DIR/backend.log (e.g. /logs from SqlitePersistence); stdout always.
    log_dir: Optional[str] = None
    host: str = "0.0.0.0"
    port: int = Field(default=8000, ge=1, le=65535)
    # Seconds uvicorn waits for in-flight requests after SIGTERM; below Kubernetes' 30 s grace period.
    shutdown_timeout_seconds: int = Field(default=20, ge=0)

    @model_validator(mode="after")
    def _real_mode_needs_a_server(self) -> "Settings":
        if self.mode is Mode.REAL and not self.model_server_url:
            raise ValueError("MODE=real needs MODEL_SERVER_URL (an OpenAI-compatible base URL such as https://api.openai.com/v1)")
        return self
