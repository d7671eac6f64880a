"""Where the server listens: HOST "::" is every IPv4 and IPv6 address on one socket, as Node.js and nginx's `[::]`.

uvicorn's own `--host ::` is IPv6 only (asyncio turns IPV6_V6ONLY on for every IPv6 socket it binds), and
`0.0.0.0` is IPv4 only, which an IPv6-only cluster, or a dual-stack one that routes to the pod's IPv6 address,
never reaches. So for "::" the socket is made here, with IPV6_V6ONLY off: IPv4 clients then arrive as IPv4-mapped
addresses (`::ffff:10.1.2.3`), which `UnmapIPv4Clients` turns back into `10.1.2.3` before anything reads them.
"""

import ipaddress
import logging
import socket
from typing import Optional

from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("todo_api")

EVERY_ADDRESS = "::"


def listening_socket(host: str, port: int) -> Optional[socket.socket]:
    """A bound socket for HOST "::" (both families; IPv4 only where the kernel has no IPv6), else None: uvicorn binds HOST."""
    if host != EVERY_ADDRESS:
        return None
    try:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    except OSError as error:
        # A kernel booted with ipv6.disable=1 has no IPv6 sockets at all (a sysctl that turns IPv6 off does not stop this).
        log.warning("no IPv6 sockets on this kernel (%s): listening on 0.0.0.0:%d, IPv4 only", error.strerror, port)
        return _bound(socket.socket(socket.AF_INET, socket.SOCK_STREAM), ("0.0.0.0", port))
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    bound = _bound(sock, (EVERY_ADDRESS, port))
    log.info("listening on [::]:%d, every IPv4 and IPv6 address", port)
    return bound


def _bound(sock: socket.socket, address: tuple[str, int]) -> socket.socket:
    try:
        # As asyncio does for the sockets it binds: a restarted server gets the port back at once.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def unmapped(host: str) -> str:
    """`::ffff:10.1.2.3` -> `10.1.2.3`; any other address or name as it is."""
    if not host.startswith("::ffff:"):
        return host
    try:
        mapped = ipaddress.IPv6Address(host).ipv4_mapped
    except ValueError:
        return host
    return str(mapped) if mapped else host


class UnmapIPv4Clients:
    """The client address as an IPv4 socket gives it: rate limits, FORWARDED_ALLOW_IPS and the access log see `10.1.2.3`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and client:
            # In place, as uvicorn's ProxyHeadersMiddleware does: uvicorn's access log reads this same scope.
            scope["client"] = (unmapped(client[0]), client[1])
        await self.app(scope, receive, send)
