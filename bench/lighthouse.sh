#!/usr/bin/env bash
# Lighthouse (mobile) scores for the pages an owner sees first, against the production settings:
# DJANGO_DEBUG=false, hashed and compressed static files, gzip, uvicorn, PostgreSQL and Redis.
#
#   bash bench/lighthouse.sh            # landing, pricing, dashboard, agents, a conversation
#   RUNS=1 bash bench/lighthouse.sh     # one run a page instead of the median of 5
#
# Installs Lighthouse 12.2.3 (the newest that runs on Node 20) into bench/.lighthouse on first use
# and runs it on Debian's Chromium (/usr/bin/chromium). Uses database sixfb_lighthouse and Redis
# db 7. Prints one line per page: performance, accessibility, best practices (0-100) of the median
# run, and every run's performance score; the median run's JSON report stays in var/lighthouse/.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8131}
LH_DIR=bench/.lighthouse
OUT=var/lighthouse
mkdir -p "$OUT"

if [ ! -x "$LH_DIR/node_modules/.bin/lighthouse" ]; then
    npm install --prefix "$LH_DIR" --no-audit --no-fund --silent -E lighthouse@12.2.3 >/dev/null
fi

DEMO_DB=sixfb_lighthouse DEMO_REDIS_DB=7
# shellcheck source=bench/demo_server.sh
source bench/demo_server.sh

PAGES="landing:/ pricing:/pricing/ dashboard:/dashboard/ agents:/agents/ conversation:/chat/$CONVERSATION/"
# shellcheck disable=SC2086
node bench/lighthouse.mjs "http://127.0.0.1:$PORT" "$SESSION" "$OUT" $PAGES
printf '%-14s %12s %14s %15s   %s\n' page performance accessibility best-practices 'performance, each run'
for page in $PAGES; do
    name=${page%%:*}
    $PY - "$OUT/$name.json" "$name" "$(cat "$OUT/$name.runs")" <<'PYEOF'
import json, sys
report = json.load(open(sys.argv[1]))
scores = {key: round((cat["score"] or 0) * 100) for key, cat in report["categories"].items()}
print(f"{sys.argv[2]:<14} {scores['performance']:>12} {scores['accessibility']:>14} {scores['best-practices']:>15}   {sys.argv[3]}")
for key, cat in report["categories"].items():
    for ref in cat["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            print(f"    {key}: {ref['id']} ({audit['score']}) {audit.get('displayValue', '')}")
PYEOF
done
