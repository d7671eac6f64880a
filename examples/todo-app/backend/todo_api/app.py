"""The FastAPI application: probes, todo CRUD under /api, chat, metrics and offline API docs."""

import logging
from contextlib import asynccontextmanager
from typing import Annotated, AsyncIterator, Iterator, Optional

import httpx
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from prometheus_fastapi_instrumentator import Instrumentator
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from . import __version__
from .chat import ChatClient, ModelServerBusy, ModelServerError, ModelServerTimeout
from .config import Rate, Settings
from .db import ID_MAX, FileIdentity, Todo, WriteTurn, create_db_engine, create_schema, sqlite_path
from .errors import install_error_handlers
from .limits import BodySizeLimit, RateLimiter, retry_after
from .listening import UnmapIPv4Clients
from .readiness import NotReady, Readiness, describe
from .schemas import PAGE_DEFAULT, PAGE_MAX, ChatRequest, ChatResponse, Error, TodoCreate, TodoOut, TodoPage, TodoUpdate

log = logging.getLogger("todo_api")

# A write that cannot start by then is answered 503: the database is held by something else (the log says what).
# Beyond what queueing at 64 concurrent writes takes on a busy machine, below ingress-nginx's 60 s proxy timeout.
WRITE_QUEUE_SECONDS = 30

TodoId = Annotated[int, Path(ge=1, le=ID_MAX, description="A todo's id (1 to 2^31-1)")]

ERRORS = {
    status.HTTP_403_FORBIDDEN: {"model": Error, "description": "the deployment is read-only (READ_ONLY=true)"},
    status.HTTP_413_CONTENT_TOO_LARGE: {"model": Error, "description": "the body is larger than MAX_BODY_BYTES"},
    status.HTTP_422_UNPROCESSABLE_CONTENT: {"model": Error, "description": "the input is invalid; the rejected value is not repeated"},
    status.HTTP_429_TOO_MANY_REQUESTS: {"model": Error, "description": "this client's rate limit is used up; see Retry-After"},
    status.HTTP_503_SERVICE_UNAVAILABLE: {"model": Error, "description": "the database is unavailable"},
}


def create_app(settings: Optional[Settings] = None, chat_transport: Optional[httpx.AsyncBaseTransport] = None) -> FastAPI:
    """Builds the app; `python -m todo_api` serves it. Tests pass settings and a transport for the model server."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        engine = create_db_engine(settings.database_url)
        schema_ready = False
        try:
            create_schema(engine)
            schema_ready = True
        except SQLAlchemyError as error:
            # Start anyway: /ready reports the database until it is reachable, and creates the schema then.
            log.error("database not reachable at start: %s", describe(error))
        app.state.engine = engine
        app.state.write_turn = WriteTurn.for_engine(engine)
        app.state.identity = FileIdentity(sqlite_path(engine))
        app.state.sessions = sessionmaker(engine, expire_on_commit=False)
        app.state.readiness = Readiness(settings.database_url, app.state.identity, settings.ready_timeout_seconds,
                                        schema_ready, reset_connections=engine.dispose)
        app.state.chat = ChatClient(settings, transport=chat_transport)
        log.info("started", extra={"mode": settings.mode.value, "database": engine.url.get_backend_name(), "version": __version__,
                                   "read_only": settings.read_only})
        yield
        log.info("shutting down")
        await app.state.chat.close()
        app.state.readiness.close()
        engine.dispose()

    app = FastAPIOffline(
        title="Todo API",
        version=__version__,
        description="The reference backend of docs/container-contract.md. It has no user accounts: put authentication "
                    "in front of it (docs/container-contract.md, \"Authentication\") or run it with READ_ONLY=true.",
        lifespan=lifespan,
        redoc_url=None,
        # Under /docs, so the /docs route of the Ingress also carries the Swagger UI assets.
        static_url="/docs/static",
    )
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    Instrumentator(excluded_handlers=["/metrics"]).instrument(app).expose(app, include_in_schema=False)
    # The client address for rate limits and access logs: X-Forwarded-For, as far as it was written by a trusted proxy.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    # Outermost: on the dual-stack socket an IPv4 client is ::ffff:a.b.c.d, which FORWARDED_ALLOW_IPS' IPv4 networks miss.
    app.add_middleware(UnmapIPv4Clients)

    write_limiter = _limiter(settings.write_rate)
    chat_limiter = _limiter(settings.chat_rate)

    def guard(limiter: Optional[RateLimiter]):
        async def check(request: Request) -> None:
            if settings.read_only:
                raise HTTPException(status.HTTP_403_FORBIDDEN, "this deployment is read-only: it has no sign-in in front of its API "
                                    "(READ_ONLY=true), so it takes no changes")
            if limiter is None:
                return
            wait = limiter.acquire(request.client.host if request.client else "unknown")
            if wait > 0:
                raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many requests from this address; try again shortly",
                                    headers={"Retry-After": retry_after(wait)})
        return Depends(check)

    may_write = guard(write_limiter)
    may_chat = guard(chat_limiter)

    def session(request: Request) -> Iterator[Session]:
        request.app.state.identity.check()
        with request.app.state.sessions() as db:
            yield db

    async def write_turn(request: Request) -> AsyncIterator[None]:
        """With SQLite, one writing request at a time (WriteTurn); waiting holds no worker thread."""
        async with request.app.state.write_turn.take(WRITE_QUEUE_SECONDS):
            yield

    writes = [may_write, Depends(write_turn)]

    def get_todo(todo_id: int, db: Session) -> Todo:
        todo = db.get(Todo, todo_id)
        if todo is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"todo {todo_id} not found")
        return todo

    @app.get("/health", tags=["probes"])
    async def health() -> dict[str, str]:
        """Liveness: the event loop answers. Touches neither the database nor a worker thread, so neither a database
        outage nor a slow dependency restarts pods."""
        return {"status": "ok"}

    @app.get("/ready", tags=["probes"], responses={503: {"description": "the database cannot take a write (the log says why)"}})
    async def ready(request: Request) -> JSONResponse:
        """Readiness: the database commits a write (and the schema exists), on a connection and thread of its own."""
        try:
            await request.app.state.readiness.check()
        except NotReady as error:
            return JSONResponse({"status": "not ready", "database": error.kind}, status_code=503)
        return JSONResponse({"status": "ready", "database": "ok"})

    @app.get("/api/todos", response_model=TodoPage, tags=["todos"], responses=ERRORS)
    def list_todos(
        db: Annotated[Session, Depends(session)],
        limit: Annotated[int, Query(ge=1, le=PAGE_MAX, description="Todos per page")] = PAGE_DEFAULT,
        offset: Annotated[int, Query(ge=0, le=ID_MAX, description="Todos to skip, oldest first")] = 0,
    ) -> TodoPage:
        total = db.scalar(select(func.count()).select_from(Todo)) or 0
        items = db.scalars(select(Todo).order_by(Todo.id).limit(limit).offset(offset))
        return TodoPage(items=[TodoOut.model_validate(todo) for todo in items], total=total, limit=limit, offset=offset)

    @app.post("/api/todos", response_model=TodoOut, status_code=status.HTTP_201_CREATED, tags=["todos"], dependencies=writes,
              responses=ERRORS)
    def create_todo(body: TodoCreate, db: Annotated[Session, Depends(session)]) -> Todo:
        todo = Todo(title=body.title, done=False)
        db.add(todo)
        db.commit()
        log.info("todo created", extra={"todo_id": todo.id})
        return todo

    @app.get("/api/todos/{todo_id}", response_model=TodoOut, tags=["todos"], responses=ERRORS)
    def read_todo(todo_id: TodoId, db: Annotated[Session, Depends(session)]) -> Todo:
        return get_todo(todo_id, db)

    @app.patch("/api/todos/{todo_id}", response_model=TodoOut, tags=["todos"], dependencies=writes, responses=ERRORS)
    def update_todo(todo_id: TodoId, body: TodoUpdate, db: Annotated[Session, Depends(session)]) -> Todo:
        todo = get_todo(todo_id, db)
        if body.title is not None:
            todo.title = body.title
        if body.done is not None:
            todo.done = body.done
        db.commit()
        return todo

    @app.delete("/api/todos/{todo_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["todos"], dependencies=writes,
                responses=ERRORS)
    def delete_todo(todo_id: TodoId, db: Annotated[Session, Depends(session)]) -> Response:
        db.delete(get_todo(todo_id, db))
        db.commit()
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    def count_open_todos(request: Request) -> int:
        request.app.state.identity.check()
        with request.app.state.sessions() as db:
            return db.scalar(select(func.count()).select_from(Todo).where(Todo.done.is_(False))) or 0

    @app.post("/api/chat", response_model=ChatResponse, tags=["chat"], dependencies=[may_chat], responses={
        **ERRORS,
        502: {"model": Error, "description": "the model server failed"},
        503: {"model": Error, "description": "the database is unavailable, or MODEL_MAX_CONCURRENCY chats are waiting"},
        504: {"model": Error, "description": "the model server did not answer within MODEL_TIMEOUT_SECONDS"},
    })
    async def chat(body: ChatRequest, request: Request) -> ChatResponse:
        # The database connection is back in the pool before the model is asked, however long that takes.
        open_todos = await run_in_threadpool(count_open_todos, request)
        try:
            reply = await request.app.state.chat.reply(body.message, open_todos)
        except ModelServerBusy:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the assistant is busy; try again shortly",
                                headers={"Retry-After": "5"}) from None
        except ModelServerTimeout as error:
            raise HTTPException(status.HTTP_504_GATEWAY_TIMEOUT, str(error)) from error
        except ModelServerError as error:
            raise HTTPException(status.HTTP_502_BAD_GATEWAY, str(error)) from error
        return ChatResponse(reply=reply, mode=settings.mode.value)

    return app


def _limiter(rate: Optional[Rate]) -> Optional[RateLimiter]:
    return RateLimiter(rate) if rate else None
