"""Load test of the real server on loopback: writes at several concurrencies while chats hang on a model server.

    cd examples/todo-app/backend && .venv/bin/python -m bench.load [--database-url URL] [--strict]

For each concurrency (1, 16, 64), 2,000 POST /api/todos from that many clients at once; all the while, 50 chats
wait on a model server that never answers (each one that ends is replaced) and a separate process probes
/health every 20 ms and /ready every 500 ms, each on a new connection like the kubelet. Then every acknowledged
write is read back, and again after the server is killed with SIGKILL and started anew.

Prints throughput, p50/p99 latency, 5xx, unanswered and lost writes per concurrency, and /health and /ready
latency. Exits 1 when a write was lost, answered 5xx or not at all, or a probe failed; with --strict also when
/health p99 is 100 ms or more (a timing goal: not asserted by default, as the machine may be shared). Rate limits are off in the server under
test (one client address sends everything); every wait is bounded.
"""

import argparse
import asyncio
import http.client
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import httpx

from .standins import HangingModelServer

BACKEND_DIR = Path(__file__).resolve().parents[1]
HEALTH_P99_GOAL_MS = 100.0
REQUEST_TIMEOUT_SECONDS = 60.0
BENCH_DEADLINE_SECONDS = 900


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------------------------------------------
# The server under test
# ---------------------------------------------------------------------------------------------------------------
class Server:
    def __init__(self, workdir: Path, database_url: str, model_url: str, hanging_chats: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "server.log"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(workdir), "TMPDIR": str(workdir),
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": database_url, "HOST": "127.0.0.1", "PORT": str(self.port), "LOG_LEVEL": "info",
            "MODE": "real", "MODEL_SERVER_URL": model_url,
            # Every chat waits on the model (none is turned away as busy): the hardest case for the rest of the app.
            "MODEL_MAX_CONCURRENCY": str(hanging_chats + 14),
            "RATE_LIMIT_WRITES": "off", "RATE_LIMIT_CHAT": "off",
        }
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "todo_api"], cwd=BACKEND_DIR, env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: the server exited with {self.process.returncode}; see {self.log}")
            if probe(self.base, "/ready")[1] == 200:
                return
            time.sleep(0.2)
        raise SystemExit(f"bench: the server was not ready within 60 s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, as when a node dies."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def probe(base: str, path: str, timeout: float = 5.0) -> tuple[float, int]:
    """One GET on a new connection, as the kubelet probes: (milliseconds, status; 0 when it failed)."""
    host, port = base.removeprefix("http://").split(":")
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        connection.close()
    return (time.perf_counter() - started) * 1000, status


# ---------------------------------------------------------------------------------------------------------------
# Background load in processes of their own, so the writers' event loop does not delay their measurements
# ---------------------------------------------------------------------------------------------------------------
def run_probes(base: str, stop, results) -> None:
    """/health every 20 ms and /ready every 500 ms until `stop` is set; sends (time, path, ms, status) tuples."""
    samples = []
    next_ready = 0.0
    while not stop.is_set():
        now = time.monotonic()
        samples.append((now, "/health", *probe(base, "/health")))
        if now >= next_ready:
            samples.append((now, "/ready", *probe(base, "/ready")))
            next_ready = now + 0.5
        time.sleep(0.02)
    results.put(samples)


def run_hanging_chats(base: str, count: int, stop, results) -> None:
    """Keeps `count` chats in flight; each one that ends (504 after the model timeout, 503 when busy) is replaced."""
    asyncio.run(_hanging_chats(base, count, stop, results))


async def _hanging_chats(base: str, count: int, stop, results) -> None:
    statuses: dict[int, int] = {}
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_SECONDS, limits=limits) as client:
        async def one_chat_after_another() -> None:
            while not stop.is_set():
                try:
                    status = (await client.post("/api/chat", json={"message": "what is left?"})).status_code
                except httpx.HTTPError:
                    status = 0
                statuses[status] = statuses.get(status, 0) + 1

        async def watch_stop() -> None:
            while not stop.is_set():
                await asyncio.sleep(0.1)

        chats = [asyncio.create_task(one_chat_after_another()) for _ in range(count)]
        await watch_stop()
        for chat in chats:
            chat.cancel()
        await asyncio.gather(*chats, return_exceptions=True)
    results.put(statuses)


# ---------------------------------------------------------------------------------------------------------------
# The writes
# ---------------------------------------------------------------------------------------------------------------
@dataclass
class Level:
    concurrency: int
    writes: int
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    acknowledged: dict[int, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lost: int = 0
    started: float = 0.0
    ended: float = 0.0

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    @property
    def unanswered(self) -> int:
        return self.statuses.get(0, 0)


async def write_level(base: str, level: Level) -> None:
    limits = httpx.Limits(max_connections=level.concurrency, max_keepalive_connections=level.concurrency)
    numbers = iter(range(level.writes))
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_SECONDS, limits=limits) as client:
        async def writer() -> None:
            for n in numbers:
                title = f"bench c{level.concurrency} #{n}"
                started = time.perf_counter()
                try:
                    response = await client.post("/api/todos", json={"title": title})
                    status = response.status_code
                except httpx.HTTPError as error:
                    status = 0
                    level.errors.append(f"{type(error).__name__}: {error}")
                level.latencies_ms.append((time.perf_counter() - started) * 1000)
                level.statuses[status] = level.statuses.get(status, 0) + 1
                if status == 201:
                    level.acknowledged[response.json()["id"]] = title

        level.started = time.monotonic()
        await asyncio.gather(*(writer() for _ in range(level.concurrency)))
        level.ended = time.monotonic()
    level.seconds = level.ended - level.started


async def stored_todos(base: str) -> dict[int, str]:
    """Every todo the API lists, page by page."""
    stored: dict[int, str] = {}
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_SECONDS) as client:
        offset = 0
        while True:
            page = (await client.get("/api/todos", params={"limit": 200, "offset": offset})).raise_for_status().json()
            stored.update({todo["id"]: todo["title"] for todo in page["items"]})
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                return stored


def count_lost(levels: list[Level], stored: dict[int, str]) -> int:
    return sum(1 for level in levels for todo_id, title in level.acknowledged.items() if stored.get(todo_id) != title)


# ---------------------------------------------------------------------------------------------------------------
def reset_database(database_url: str) -> None:
    sys.path.insert(0, str(BACKEND_DIR))
    from todo_api.db import Base, create_db_engine

    engine = create_db_engine(database_url)
    try:
        Base.metadata.drop_all(engine)
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL URL (its todo tables are dropped first); default: SQLite in a temporary directory")
    parser.add_argument("--writes", type=int, default=2000, help="writes per concurrency (default 2000)")
    parser.add_argument("--concurrency", default="1,16,64", help="comma-separated (default 1,16,64)")
    parser.add_argument("--hanging-chats", type=int, default=50, help="chats kept waiting on the model (default 50)")
    parser.add_argument("--strict", action="store_true", help=f"also fail when /health p99 >= {HEALTH_P99_GOAL_MS:g} ms")
    parser.add_argument("--keep", action="store_true", help="keep the working directory (server log, SQLite file)")
    args = parser.parse_args()
    signal.alarm(BENCH_DEADLINE_SECONDS)  # bounded, whatever happens

    workdir = Path(tempfile.mkdtemp(prefix="todo-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir}/data/db.sqlite3"
    database = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    if args.database_url:
        reset_database(database_url)
    levels = [Level(int(c), args.writes) for c in args.concurrency.split(",")]
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    probe_results, chat_results = context.Queue(), context.Queue()
    print(f"bench: {database}, {args.writes} writes at concurrency {args.concurrency}, {args.hanging_chats} chats hanging "
          f"on a model server that never answers; load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs", flush=True)
    with HangingModelServer() as model:
        server = Server(workdir, database_url, model.url, args.hanging_chats)
        try:
            server.start()
            prober = context.Process(target=run_probes, args=(server.base, stop, probe_results), daemon=True)
            chatter = context.Process(target=run_hanging_chats, args=(server.base, args.hanging_chats, stop, chat_results), daemon=True)
            prober.start()
            chatter.start()
            # Every chat waits on the model before the first write (bounded: a busy machine starts processes slowly).
            deadline = time.monotonic() + 60
            while model.accepted < args.hanging_chats and time.monotonic() < deadline:
                time.sleep(0.1)
            hanging_at_start = model.accepted
            for level in levels:
                asyncio.run(write_level(server.base, level))
                level.lost = count_lost([level], asyncio.run(stored_todos(server.base)))
                print(f"bench: concurrency {level.concurrency} done in {level.seconds:.1f} s", flush=True)
            stop.set()
            samples = probe_results.get(timeout=60)
            chat_statuses = chat_results.get(timeout=120)
            prober.join(timeout=10)
            chatter.join(timeout=10)
            server.kill()
            server.start()
            lost_after_kill = count_lost(levels, asyncio.run(stored_todos(server.base)))
        finally:
            stop.set()
            server.stop()
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"bench: kept {workdir}")
    return report(levels, samples, chat_statuses, hanging_at_start, args.hanging_chats, lost_after_kill, args.strict)


def report(levels: list[Level], samples: list[tuple], chat_statuses: dict[int, int], hanging_at_start: int, expected_hanging: int,
           lost_after_kill: int, strict: bool) -> int:
    print()
    print(f"{'concurrency':>11} {'writes':>6} {'writes/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'5xx':>4} {'none':>4} {'lost':>4}"
          f" | {'/health p50':>11} {'p99':>6} {'max':>6} {'fail':>4} | {'/ready p99':>10} {'fail':>4}")
    failures = []
    all_health: list[float] = []
    for level in levels:
        window = [s for s in samples if level.started <= s[0] <= level.ended]
        health = [ms for _, path, ms, status in window if path == "/health"]
        ready = [ms for _, path, ms, status in window if path == "/ready"]
        health_fail = sum(1 for _, path, _, status in window if path == "/health" and status != 200)
        ready_fail = sum(1 for _, path, _, status in window if path == "/ready" and status != 200)
        all_health += health
        print(f"{level.concurrency:>11} {level.writes:>6} {level.writes / level.seconds:>8.0f} {percentile(level.latencies_ms, .5):>7.1f}"
              f" {percentile(level.latencies_ms, .99):>7.1f} {max(level.latencies_ms):>7.1f} {level.server_errors:>4} {level.unanswered:>4} {level.lost:>4}"
              f" | {percentile(health, .5):>11.1f} {percentile(health, .99):>6.1f} {max(health, default=float('nan')):>6.1f} {health_fail:>4}"
              f" | {percentile(ready, .99):>10.1f} {ready_fail:>4}")
        if level.server_errors:
            failures.append(f"concurrency {level.concurrency}: {level.server_errors} writes answered 5xx ({level.statuses})")
        if level.unanswered:
            failures.append(f"concurrency {level.concurrency}: {level.unanswered} writes got no answer ({sorted(set(level.errors))[:5]})")
        if set(level.statuses) - {201}:
            failures.append(f"concurrency {level.concurrency}: not every write was 201 ({level.statuses})")
        if level.lost:
            failures.append(f"concurrency {level.concurrency}: {level.lost} acknowledged writes are missing")
        if health_fail or ready_fail:
            failures.append(f"concurrency {level.concurrency}: {health_fail} /health and {ready_fail} /ready probes failed")
    health_p99 = percentile(all_health, .99)
    print(f"\nchats: {hanging_at_start} hanging on the model before the first write; outcomes {dict(sorted(chat_statuses.items()))}"
          " (504: the model did not answer within MODEL_TIMEOUT_SECONDS)")
    print(f"lost after SIGKILL and restart: {lost_after_kill} of {sum(len(level.acknowledged) for level in levels)} acknowledged writes")
    verdict = "met" if health_p99 < HEALTH_P99_GOAL_MS else "NOT met"
    print(f"/health p99 over the whole run: {health_p99:.1f} ms (goal < {HEALTH_P99_GOAL_MS:g} ms: {verdict}); load average {os.getloadavg()[0]:.1f}")
    if hanging_at_start < expected_hanging:
        failures.append(f"only {hanging_at_start} of {expected_hanging} chats reached the model server")
    if set(chat_statuses) - {504}:
        failures.append(f"chats ended otherwise than with 504: {chat_statuses}")
    if lost_after_kill:
        failures.append(f"{lost_after_kill} acknowledged writes missing after SIGKILL and restart")
    if strict and health_p99 >= HEALTH_P99_GOAL_MS:
        failures.append(f"/health p99 {health_p99:.1f} ms >= {HEALTH_P99_GOAL_MS:g} ms")
    for failure in failures:
        print(f"FAIL: {failure}")
    print("bench: " + ("FAILED" if failures else "passed: 0 lost writes, 0 5xx, every probe answered"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
