"""`python -m todo_api`: serve on HOST:PORT with JSON logs; SIGTERM drains in-flight requests and runs the shutdown hooks."""

import sys

import uvicorn

from .config import Settings
from .listening import listening_socket
from .logs import configure_logging

# uvicorn.run's exit status when the server could not start.
STARTUP_FAILURE = 3


def main() -> None:
    settings = Settings()
    log_config = configure_logging(settings.log_level, settings.log_dir)
    config = uvicorn.Config(
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
    server = uvicorn.Server(config)
    # HOST "::" (the image's): one socket for IPv4 and IPv6, which uvicorn's own binding of "::" is not.
    sock = listening_socket(settings.host, settings.port)
    server.run(sockets=None if sock is None else [sock])
    if not server.started:
        sys.exit(STARTUP_FAILURE)


if __name__ == "__main__":
    main()
