"""A model server that never answers slows the chat, and nothing else: probes, reads and writes go on as before.

The real server process (as test_server.py runs it) with 50 chats hanging on the model at once. Before, the chats
held worker threads and pooled connections, and everything else queued behind them until the model timed out.
Here every other request must answer within half the model timeout: far from "waited for the model", with room for
a busy test machine. How fast it answers (/health p99 < 100 ms) is the bench's to measure (bench/load.py).
"""

import threading
import time

import httpx
import pytest

from bench.standins import HangingModelServer

from .server_process import Sandbox, free_port, stop, wait_until_ready

MODEL_TIMEOUT_SECONDS = 12
ANSWER_WITHIN_SECONDS = MODEL_TIMEOUT_SECONDS / 2
HANGING_CHATS = 50


def test_fifty_hanging_chats_leave_probes_reads_and_writes_alone(sandbox: Sandbox, database_url: str) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with HangingModelServer() as model:
        # SQLite in the sandbox's data directory, which the app user can write.
        database = {"DATABASE_URL": database_url} if database_url.startswith("postgres") else {}
        env = sandbox.env(port, **database, MODE="real", MODEL_SERVER_URL=model.url, MODEL_TIMEOUT_SECONDS=str(MODEL_TIMEOUT_SECONDS),
                          MODEL_MAX_CONCURRENCY=str(HANGING_CHATS), RATE_LIMIT_CHAT="off", RATE_LIMIT_WRITES="off")
        process = sandbox.run(["-m", "todo_api"], env)
        chat_results: list[httpx.Response | Exception] = []
        try:
            wait_until_ready(base, process)

            def chat() -> None:
                try:
                    chat_results.append(httpx.post(f"{base}/api/chat", json={"message": "what is left?"}, timeout=30))
                except httpx.HTTPError as error:
                    chat_results.append(error)

            chats = [threading.Thread(target=chat) for _ in range(HANGING_CHATS)]
            for thread in chats:
                thread.start()
            deadline = time.monotonic() + 15
            while model.accepted < HANGING_CHATS and time.monotonic() < deadline:
                time.sleep(0.05)
            assert model.accepted == HANGING_CHATS, "the chats did not all reach the model server"

            with httpx.Client(base_url=base, timeout=ANSWER_WITHIN_SECONDS) as client:
                for _ in range(3):  # three in a row fail a liveness probe
                    assert client.get("/health").status_code == 200
                    assert client.get("/ready").status_code == 200
                created = client.post("/api/todos", json={"title": "while the model hangs"})
                assert created.status_code == 201
                assert client.get("/api/todos").json()["total"] >= 1
            for thread in chats:
                thread.join(timeout=30)
        finally:
            stop(process)
    # The chats end on the model timeout, each with a JSON 504 (not a pool timeout's 500).
    assert [getattr(r, "status_code", r) for r in chat_results] == [504] * HANGING_CHATS
    assert chat_results[0].json() == {"detail": f"the model server did not answer within {MODEL_TIMEOUT_SECONDS} s"}
