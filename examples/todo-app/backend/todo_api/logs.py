"""JSON log lines on stdout (and optionally in LOG_DIR), for the app and uvicorn alike."""

import logging.config
from typing import Any, Optional

from pythonjsonlogger.core import RESERVED_ATTRS

LOG_FORMAT = "%(levelname)s %(name)s %(message)s"


def logging_config(level: str, log_dir: Optional[str] = None) -> dict[str, Any]:
    handlers: dict[str, Any] = {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"},
    }
    if log_dir:
        handlers["file"] = {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": f"{log_dir.rstrip('/')}/backend.log",
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 3,
            "formatter": "json",
        }
    names = list(handlers)
    upper = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": LOG_FORMAT,
                "rename_fields": {"levelname": "level", "name": "logger"},
                # ISO 8601 in UTC, e.g. "2026-11-22T03:28:15.281000+00:00".
                "timestamp": "time",
                # uvicorn repeats each message with terminal colours in `color_message`.
                "reserved_attrs": [*RESERVED_ATTRS, "color_message"],
            },
        },
        "handlers": handlers,
        "root": {"level": upper, "handlers": names},
        "loggers": {
            # uvicorn's own handlers would print plain text: route everything through the root's JSON handlers.
            "uvicorn": {"level": upper, "handlers": [], "propagate": True},
            "uvicorn.error": {"level": upper, "handlers": [], "propagate": True},
            "uvicorn.access": {"level": upper, "handlers": [], "propagate": True},
        },
    }


def configure_logging(level: str, log_dir: Optional[str] = None) -> dict[str, Any]:
    config = logging_config(level, log_dir)
    logging.config.dictConfig(config)
    return config
