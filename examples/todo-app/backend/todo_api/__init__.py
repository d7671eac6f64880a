"""A small todo service that meets docs/container-contract.md: FastAPI, SQLite or PostgreSQL, JSON logs, metrics."""

__version__ = "0.1.0"
