#!/usr/bin/env bash
# Phone-sized screenshots of the pages an owner lives in, for docs/screenshots/: the demo shop on
# the production settings (bench/demo_server.sh), photographed by Playwright in Debian's Chromium.
#
#   bash bin/screenshots.sh             # needs PostgreSQL, Redis, /usr/bin/chromium, make install-dev
#
# Uses database sixfb_screenshots and Redis db 8.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8132}
OUT=var/screenshots
mkdir -p "$OUT" docs/screenshots
DEMO_DB=sixfb_screenshots DEMO_REDIS_DB=8
# shellcheck source=bench/demo_server.sh
source bench/demo_server.sh
.venv/bin/python bin/screenshots.py "http://127.0.0.1:$PORT" "$SESSION" "$CONVERSATION" docs/screenshots
