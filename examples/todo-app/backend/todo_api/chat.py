"""Answers for POST /api/chat: canned with MODE=mock, an OpenAI-compatible model server with MODE=real."""

import asyncio
import logging
from typing import Optional

import httpx

from .config import Mode, Settings

log = logging.getLogger("todo_api.chat")


class ModelServerError(Exception):
    """The model server could not be reached or gave no usable answer (502)."""


class ModelServerTimeout(ModelServerError):
    """The model server did not answer within MODEL_TIMEOUT_SECONDS (504)."""


class ModelServerBusy(Exception):
    """MODEL_MAX_CONCURRENCY chats are already waiting on the model server (503)."""


def mock_reply(message: str, open_todos: int) -> str:
    """A canned answer that depends only on the message and the data, so tests and demos are repeatable."""
    words = message.lower()
    if any(greeting in words for greeting in ("hello", "hi ", "hey")) or words.strip() in ("hi", "hey"):
        return "Hello! I am the todo assistant in mock mode: ask me what is left to do."
    if any(word in words for word in ("todo", "task", "left", "list")):
        noun = "todo" if open_todos == 1 else "todos"
        return f"You have {open_todos} open {noun}."
    return "I am running in mock mode (MODE=mock), so I answer with canned replies. Ask me about your todos."


class ChatClient:
    """Talks to `{MODEL_SERVER_URL}/chat/completions` asynchronously, at most MODEL_MAX_CONCURRENCY calls at once.

    A waiting chat holds no worker thread and no database connection: a slow model server slows the chat, and
    nothing else.
    """

    def __init__(self, settings: Settings, transport: Optional[httpx.AsyncBaseTransport] = None):
        self.settings = settings
        headers = {}
        if settings.openai_api_key is not None:
            headers["Authorization"] = f"Bearer {settings.openai_api_key.get_secret_value()}"
        limit = settings.model_max_concurrency
        self._slots = asyncio.Semaphore(limit)
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.model_timeout_seconds, connect=settings.model_connect_timeout_seconds),
            limits=httpx.Limits(max_connections=limit, max_keepalive_connections=limit),
            headers=headers,
            transport=transport,
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def reply(self, message: str, open_todos: int) -> str:
        if self.settings.mode is Mode.MOCK:
            return mock_reply(message, open_todos)
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout=self.settings.model_queue_seconds)
        except TimeoutError:
            raise ModelServerBusy() from None
        try:
            async with asyncio.timeout(self.settings.model_timeout_seconds):
                return await self._ask_model(message, open_todos)
        except TimeoutError:
            log.warning("model server timed out after %s s", self.settings.model_timeout_seconds)
            raise ModelServerTimeout(f"the model server did not answer within {self.settings.model_timeout_seconds:g} s") from None
        finally:
            self._slots.release()

    async def _ask_model(self, message: str, open_todos: int) -> str:
        url = f"{(self.settings.model_server_url or '').rstrip('/')}/chat/completions"
        body = {
            "model": self.settings.model_name,
            "messages": [
                {"role": "system", "content": f"You help the user with their todo list. They have {open_todos} open todos."},
                {"role": "user", "content": message},
            ],
        }
        try:
            response = await self._client.post(url, json=body)
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
        except httpx.ConnectTimeout as error:
            log.warning("model server unreachable: %s", type(error).__name__, extra={"url": url})
            raise ModelServerError("the model server could not be reached (ConnectTimeout)") from error
        except httpx.TimeoutException:
            raise TimeoutError() from None
        except httpx.HTTPStatusError as error:
            log.warning("model server answered %s", error.response.status_code, extra={"url": url})
            raise ModelServerError(f"the model server answered HTTP {error.response.status_code}") from error
        except httpx.HTTPError as error:
            log.warning("model server unreachable: %s", type(error).__name__, extra={"url": url})
            raise ModelServerError(f"the model server could not be reached ({type(error).__name__})") from error
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise ModelServerError("the model server's answer has no choices[0].message.content") from error
        if not isinstance(content, str):
            raise ModelServerError("the model server's answer has no text content")
        return content
