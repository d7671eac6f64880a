"""`python -m todo_api.migrate`: create the schema and exit; the command of a migrations init container."""

import logging
import sys

from .config import Settings
from .db import check_connection, create_db_engine, create_schema
from .logs import configure_logging


def main() -> int:
    settings = Settings()
    configure_logging(settings.log_level, settings.log_dir)
    log = logging.getLogger("todo_api.migrate")
    engine = create_db_engine(settings.database_url)
    try:
        check_connection(engine)
        create_schema(engine)
    except Exception as error:  # any failure must fail the init container with a readable line
        log.error("schema creation failed: %s: %s", type(error).__name__, error)
        return 1
    finally:
        engine.dispose()
    log.info("schema is up to date", extra={"database": engine.url.get_backend_name()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
