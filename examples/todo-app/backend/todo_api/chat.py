"""Answers for POST /api/chat: canned with MODE=mock, an OpenAI-compatible model server with MODE=real."""

import logging
from typing import Optional

import httpx

from .config import Mode, Settings

log = logging.getLogger("todo_api.chat")


class ModelServerError(Exception):
    """The model server could not be reached or gave no usable answer."""


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
    """Talks to `{MODEL_SERVER_URL}/chat/completions` with one shared HTTP connection pool."""

    def __init__(self, settings: Settings, transport: Optional[httpx.BaseTransport] = None):
        self.settings = settings
        headers = {}
        if settings.openai_api_key is not None:
            headers["Authorization"] = f"Bearer {settings.openai_api_key.get_secret_value()}"
        self._client = httpx.Client(timeout=settings.model_timeout_seconds, headers=headers, transport=transport)

    def close(self) -> None:
        self._client.close()

    def reply(self, message: str, open_todos: int) -> str:
        if self.settings.mode is Mode.MOCK:
            return mock_reply(message, open_todos)
        return self._ask_model(message, open_todos)

    def _ask_model(self, message: str, open_todos: int) -> str:
        url = f"{(self.settings.model_server_url or '').rstrip('/')}/chat/completions"
        body = {
            "model": self.settings.model_name,
            "messages": [
                {"role": "system", "content": f"You help the user with their todo list. They have {open_todos} open todos."},
                {"role": "user", "content": message},
            ],
        }
        try:
            response = self._client.post(url, json=body)
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
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
