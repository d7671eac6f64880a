"""A model server that accepts connections and never answers: the worst slow dependency, for tests and the bench."""

import socket
import threading


class HangingModelServer:
    """Listens on 127.0.0.1 and accepts every connection, then never sends a byte back (the kernel keeps the request)."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
        self._listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/v1"
        self.accepted = 0
        self._connections: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="hanging-model-server", daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            self._connections.append(connection)

    def __enter__(self) -> "HangingModelServer":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()
        for connection in self._connections:
            connection.close()
