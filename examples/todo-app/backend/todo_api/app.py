"""The FastAPI application: probes, todo CRUD under /api, chat, metrics and offline API docs."""

import logging
from contextlib import asynccontextmanager
from typing import Iterator, Optional

import httpx
from fastapi import Depends, FastAPI, HTTPException, Request, Response, status
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from prometheus_fastapi_instrumentator import Instrumentator
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from . import __version__
from .chat import ChatClient, ModelServerError
from .config import Settings
from .db import TITLE_MAX_LENGTH, Todo, check_connection, create_db_engine, create_schema

log = logging.getLogger("todo_api")


class TodoCreate(BaseModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX_LENGTH)

    @field_validator("title")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("title must not be blank")
        return value


class TodoUpdate(BaseModel):
    title: Optional[str] = Field(default=None, min_length=1, max_length=TITLE_MAX_LENGTH)
    done: Optional[bool] = None

    @field_validator("title")
    @classmethod
    def _not_blank(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not value.strip():
            raise ValueError("title must not be blank")
        return value.strip() if value is not None else None


class TodoOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    done: bool


class ChatRequest(BaseModel):
    message: str = Field(min_length=1, max_length=4000)


class ChatResponse(BaseModel):
    reply: str
    mode: str


def create_app(settings: Optional[Settings] = None, chat_transport: Optional[httpx.BaseTransport] = None) -> FastAPI:
    """Builds the app; `python -m todo_api` serves it. Tests pass settings and a transport for the model server."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        engine = create_db_engine(settings.database_url)
        app.state.engine = engine
        app.state.schema_ready = False
        try:
            create_schema(engine)
            app.state.schema_ready = True
        except SQLAlchemyError as error:
            # Start anyway: /ready reports the database until it is reachable, and creates the schema then.
            log.error("database not reachable at start: %s", type(error).__name__)
        app.state.sessions = sessionmaker(engine, expire_on_commit=False)
        app.state.chat = ChatClient(settings, transport=chat_transport)
        log.info("started", extra={"mode": settings.mode.value, "database": engine.url.get_backend_name(), "version": __version__})
        yield
        log.info("shutting down")
        app.state.chat.close()
        engine.dispose()

    app = FastAPIOffline(
        title="Todo API",
        version=__version__,
        description="The reference backend of docs/container-contract.md.",
        lifespan=lifespan,
        redoc_url=None,
        # Under /docs, so the /docs route of the Ingress also carries the Swagger UI assets.
        static_url="/docs/static",
    )
    Instrumentator(excluded_handlers=["/metrics"]).instrument(app).expose(app, include_in_schema=False)

    @app.exception_handler(OperationalError)
    async def database_unavailable(_request: Request, error: OperationalError) -> JSONResponse:
        log.error("database unavailable: %s", type(error.orig).__name__ if error.orig else type(error).__name__)
        return JSONResponse({"detail": "database unavailable"}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE)

    def session(request: Request) -> Iterator[Session]:
        with request.app.state.sessions() as db:
            yield db

    def get_todo(todo_id: int, db: Session) -> Todo:
        todo = db.get(Todo, todo_id)
        if todo is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"todo {todo_id} not found")
        return todo

    @app.get("/health", tags=["probes"])
    def health() -> dict[str, str]:
        """Liveness: the process answers. Never touches the database, so a database outage does not restart pods."""
        return {"status": "ok"}

    @app.get("/ready", tags=["probes"], responses={503: {"description": "the database is not reachable"}})
    def ready(request: Request) -> JSONResponse:
        """Readiness: the database answers a query (and the schema exists)."""
        engine: Engine = request.app.state.engine
        try:
            check_connection(engine)
            if not request.app.state.schema_ready:
                create_schema(engine)
                request.app.state.schema_ready = True
        except SQLAlchemyError as error:
            log.warning("not ready: database error %s", type(error).__name__)
            return JSONResponse({"status": "not ready", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ready", "database": "ok"})

    @app.get("/api/todos", response_model=list[TodoOut], tags=["todos"])
    def list_todos(db: Session = Depends(session)) -> list[Todo]:
        return list(db.scalars(select(Todo).order_by(Todo.id)))

    @app.post("/api/todos", response_model=TodoOut, status_code=status.HTTP_201_CREATED, tags=["todos"])
    def create_todo(body: TodoCreate, db: Session = Depends(session)) -> Todo:
        todo = Todo(title=body.title, done=False)
        db.add(todo)
        db.commit()
        log.info("todo created", extra={"todo_id": todo.id})
        return todo

    @app.get("/api/todos/{todo_id}", response_model=TodoOut, tags=["todos"])
    def read_todo(todo_id: int, db: Session = Depends(session)) -> Todo:
        return get_todo(todo_id, db)

    @app.patch("/api/todos/{todo_id}", response_model=TodoOut, tags=["todos"])
    def update_todo(todo_id: int, body: TodoUpdate, db: Session = Depends(session)) -> Todo:
        todo = get_todo(todo_id, db)
        if body.title is not None:
            todo.title = body.title
        if body.done is not None:
            todo.done = body.done
        db.commit()
        return todo

    @app.delete("/api/todos/{todo_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["todos"])
    def delete_todo(todo_id: int, db: Session = Depends(session)) -> Response:
        db.delete(get_todo(todo_id, db))
        db.commit()
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @app.post("/api/chat", response_model=ChatResponse, tags=["chat"], responses={502: {"description": "the model server failed"}})
    def chat(body: ChatRequest, request: Request, db: Session = Depends(session)) -> ChatResponse:
        open_todos = db.scalar(select(func.count()).select_from(Todo).where(Todo.done.is_(False))) or 0
        try:
            reply = request.app.state.chat.reply(body.message, open_todos)
        except ModelServerError as error:
            raise HTTPException(status.HTTP_502_BAD_GATEWAY, str(error)) from error
        return ChatResponse(reply=reply, mode=settings.mode.value)

    return app
