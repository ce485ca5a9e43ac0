"""Take the phone-sized screenshots in docs/screenshots/ (run through bin/screenshots.sh)."""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import ViewportSize, sync_playwright

PHONE: ViewportSize = {"width": 390, "height": 844}
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def main(base: str, session: str, conversation: str, out: Path) -> None:
    pages = {
        "dashboard": "/dashboard/",
        "agents": "/agents/",
        "chat": f"/chat/{conversation}/",
        "chat-list": "/chat/",
        "calendar": "/bookings/",
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        context.add_cookies(
            [
                {"name": "sessionid", "value": session, "url": base},
                {"name": "analytics_consent", "value": "declined", "url": base},
            ]
        )
        page = context.new_page()
        for name, path in pages.items():
            page.goto(base + path, wait_until="networkidle")
            target = out / f"{name}-390.png"
            page.screenshot(path=str(target))
            print(f"{target}  ({page.title()})")
        browser.close()


if __name__ == "__main__":
    base_url, session_id, conversation_id, folder = sys.argv[1:5]
    main(base_url, session_id, conversation_id, Path(folder))
