"""`python -m todo_api`: serve on HOST:PORT with JSON logs; SIGTERM drains in-flight requests and runs the shutdown hooks."""

import uvicorn

from .config import Settings
from .logs import configure_logging


def main() -> None:
    settings = Settings()
    log_config = configure_logging(settings.log_level, settings.log_dir)
    uvicorn.run(
        "todo_api.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_config=log_config,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=settings.shutdown_timeout_seconds,
        timeout_keep_alive=settings.keep_alive_seconds,
        # The app reads X-Forwarded-For itself, from FORWARDED_ALLOW_IPS only (rate limits key on the client address).
        proxy_headers=False,
        server_header=False,
    )


if __name__ == "__main__":
    main()
