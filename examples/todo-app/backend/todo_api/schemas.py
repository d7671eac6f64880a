"""Request and response bodies. Every string is checked so that SQLite and PostgreSQL store it alike, or both refuse it."""

import unicodedata
from typing import Annotated, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .db import TITLE_MAX_LENGTH

CHAT_MESSAGE_MAX_LENGTH = 4000
PAGE_MAX = 200
PAGE_DEFAULT = 50

# Line breaks and tabs belong in a chat message; no other control character belongs in any text.
_MESSAGE_CONTROLS = {"\n", "\r", "\t"}


def storable_text(value: str, allowed_controls: frozenset[str] = frozenset()) -> str:
    # A lone UTF-16 surrogate ("\ud800" in JSON) is not Unicode text: neither database can store it as UTF-8.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (it contains a lone UTF-16 surrogate)") from None
    # NUL ends a string in PostgreSQL (SQLite keeps it): refused on both so they agree.
    if any(unicodedata.category(char) == "Cc" and char not in allowed_controls for char in value):
        raise ValueError("must not contain control characters such as NUL")
    return value


def _title(value: str) -> str:
    value = storable_text(value).strip()
    if not value:
        raise ValueError("must not be blank")
    return value


def _message(value: str) -> str:
    value = storable_text(value, frozenset(_MESSAGE_CONTROLS))
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Title = Annotated[str, Field(min_length=1, max_length=TITLE_MAX_LENGTH), AfterValidator(_title)]
Message = Annotated[str, Field(min_length=1, max_length=CHAT_MESSAGE_MAX_LENGTH), AfterValidator(_message)]


class TodoCreate(BaseModel):
    title: Title


class TodoUpdate(BaseModel):
    title: Optional[Title] = None
    done: Optional[bool] = None


class TodoOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    done: bool


class TodoPage(BaseModel):
    """One page of todos, oldest first, and how many there are in all."""

    items: list[TodoOut]
    total: int
    limit: int
    offset: int


class ChatRequest(BaseModel):
    message: Message


class ChatResponse(BaseModel):
    reply: str
    mode: str


class Error(BaseModel):
    """Every error response: a message, or for 422 the list of problems (without the rejected input)."""

    detail: str | list[dict]
