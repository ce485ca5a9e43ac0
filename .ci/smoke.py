"""Smoke checks against a running server: health, pages, login, and the live websocket."""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import re
import sys
import urllib.parse
import urllib.request

import websockets

DEMO_EMAIL, DEMO_PASSWORD = "demo@6fb.local", "demo-barber-2026"


def main(base: str) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    with opener.open(f"{base}/healthz", timeout=10) as response:
        health = json.load(response)
    assert health["status"] == "ok", health
    print("healthz:", health)

    with opener.open(f"{base}/", timeout=10) as response:
        assert response.status == 200 and b"6FB Agents" in response.read()
    print("landing: 200")

    with opener.open(f"{base}/accounts/login/", timeout=10) as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": DEMO_EMAIL, "password": DEMO_PASSWORD})
    request = urllib.request.Request(f"{base}/accounts/login/", data=form.encode(), headers={"Referer": base})
    with opener.open(request, timeout=10) as response:
        assert response.url.endswith("/dashboard/"), response.url
        assert b"Demo Cuts Barbershop" in response.read()
    print("login as the demo owner: dashboard shown")

    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    asyncio.run(check_websocket(base, cookies))


async def check_websocket(base: str, cookies: str) -> None:
    url = base.replace("http://", "ws://") + "/ws/live/"
    try:
        async with websockets.connect(url, origin=base):
            raise AssertionError("an anonymous websocket was accepted")
    except websockets.InvalidStatus as refused:
        assert refused.response.status_code == 403
    print("anonymous websocket: refused")

    async with websockets.connect(url, origin=base, additional_headers={"Cookie": cookies}) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 5)) == {"type": "pong"}
        await socket.send("{broken")
        assert json.loads(await asyncio.wait_for(socket.recv(), 5))["type"] == "error"
        try:  # over the server's message limit (settings.WEBSOCKET_MAX_MESSAGE_BYTES)
            await socket.send(json.dumps({"type": "ping", "padding": "x" * 1_000_000}))
            await asyncio.wait_for(socket.recv(), 5)
            raise AssertionError("a 1 MB message was accepted")
        except websockets.ConnectionClosed:
            pass  # runserver is daphne: it drops the connection without a close frame
    print("signed-in websocket: ping/pong, error frame, 1 MB message refused")


if __name__ == "__main__":
    main(sys.argv[1])
