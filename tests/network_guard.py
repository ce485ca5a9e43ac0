"""Fail any connection that would leave this machine: tests talk to loopback fakes only."""

from __future__ import annotations

import ipaddress
import socket
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _socket import _Address  # typeshed's name for what connect() takes

    _AddrInfo = tuple[
        socket.AddressFamily,
        socket.SocketKind,
        int,
        str,
        tuple[str, int] | tuple[str, int, int, int] | tuple[int, bytes],
    ]

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


class NetworkBlocked(RuntimeError):
    """Raised instead of opening a connection to a non-loopback address."""


def _is_local(host: object) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host).strip("[]").lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(family: int, address: object) -> None:
    if family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if not _is_local(host):
        raise NetworkBlocked(f"Tests may not reach the network: blocked a connection to {address!r}.")


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self: socket.SocketType, address: _Address) -> None:
    _check(self.family, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.SocketType, address: _Address) -> int:
    _check(self.family, address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: bytes | str | None, *args: Any, **kwargs: Any) -> list[_AddrInfo]:
    if not _is_local(host):
        raise NetworkBlocked(f"Tests may not reach the network: blocked a name lookup of {host!r}.")
    return _real_getaddrinfo(host, *args, **kwargs)


def install() -> None:
    # Patching the class on purpose: every socket, whoever opens it, goes through the guard.
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo
