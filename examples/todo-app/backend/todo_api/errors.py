"""Every error is JSON `{"detail": ...}`; nothing echoes the input, and a 500 says no more than that."""

import logging

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from .db import DatabaseBusy, DatabaseFileGone
from .readiness import describe

log = logging.getLogger("todo_api")

DATABASE_UNAVAILABLE = {"detail": "database unavailable"}


def validation_problems(error: RequestValidationError) -> list[dict]:
    """Where and what, without the rejected value: a 50 MB title is not sent back, nor logged."""
    return [{"type": item["type"], "loc": list(item["loc"]), "msg": item["msg"]} for item in error.errors()]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_problems(error)}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(OperationalError)
    async def database_unavailable(_request: Request, error: OperationalError) -> JSONResponse:
        log.error("database unavailable: %s", describe(error))
        return JSONResponse(DATABASE_UNAVAILABLE, status_code=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})

    @app.exception_handler(DatabaseBusy)
    async def database_busy(_request: Request, error: DatabaseBusy) -> JSONResponse:
        log.error("database unavailable: %s", error)
        return JSONResponse(DATABASE_UNAVAILABLE, status_code=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})

    @app.exception_handler(DatabaseFileGone)
    async def database_file_gone(_request: Request, error: DatabaseFileGone) -> JSONResponse:
        log.error("database unavailable: %s", error)
        return JSONResponse(DATABASE_UNAVAILABLE, status_code=status.HTTP_503_SERVICE_UNAVAILABLE)

    # Starlette's last resort answers "Internal Server Error" in plain text; this one answers JSON. Starlette
    # raises the exception again afterwards, so uvicorn logs the traceback (as a JSON line).
    @app.exception_handler(Exception)
    async def internal_error(_request: Request, _error: Exception) -> JSONResponse:
        return JSONResponse({"detail": "internal server error"}, status_code=status.HTTP_500_INTERNAL_SERVER_ERROR)
