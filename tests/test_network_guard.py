"""The suite cannot reach the network: only loopback connections are allowed."""

from __future__ import annotations

import socket
import threading

import pytest

from tests.network_guard import NetworkBlocked


@pytest.mark.parametrize("address", [("203.0.113.10", 443), ("2001:db8::1", 443)])
def test_a_connection_to_a_public_address_is_blocked(address):
    with pytest.raises(NetworkBlocked):
        socket.create_connection(address, timeout=0.5)


def test_a_name_lookup_of_a_public_host_is_blocked():
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("api.openai.com", 443)


def test_loopback_connections_still_work():
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(server.accept()[0]))
    thread.start()
    with socket.create_connection(("localhost", port), timeout=2):
        thread.join(timeout=2)
    assert accepted
    accepted[0].close()
    server.close()
