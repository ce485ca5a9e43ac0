#!/usr/bin/env bash
# One command for bench/chat_overhead.py: a fresh PostgreSQL database, the demo shop with room for
# the load, the OpenAI fake and a production-configured uvicorn, then the benchmark; stops them after.
#
#   bash bench/run_chat_overhead.sh                     # steady load at 1, 10 and 50 chats, 1 worker
#   WORKERS=2 bash bench/run_chat_overhead.sh --mode burst --concurrency 50
#   TOOLS=1 bash bench/run_chat_overhead.sh             # each answer takes one read-tool round (issue 18)
#   RUSH=50 bash bench/run_chat_overhead.sh --concurrency 1 10 50   # a rush: 50 shops asking at once (issue 19)
#   RUSH=50 ASGI=daphne bash bench/run_chat_overhead.sh ...         # the same against daphne, for reference
#
# Needs PostgreSQL (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379); uses database
# sixfb_chat_bench and Redis db 6. Extra arguments go to bench/chat_overhead.py.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
WORKERS=${WORKERS:-1}
SERVER_PORT=${SERVER_PORT:-8111}
FAKE_PORT=${FAKE_PORT:-9111}

export DATABASE_URL=postgres://postgres@127.0.0.1:5432/sixfb_chat_bench REDIS_URL=redis://127.0.0.1:6379/6
export DJANGO_DEBUG=false DJANGO_SECRET_KEY=bench-only-secret-key-not-for-production-0123456789abcdef
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=false DJANGO_LOG_LEVEL=WARNING
export OPENAI_API_KEY=sk-bench-fake OPENAI_BASE_URL=http://127.0.0.1:$FAKE_PORT/v1
# 50 chats in one shop: lift the per-shop cap and the per-person rate limit.
export CHAT_MAX_CONCURRENT_PER_SHOP=100 CHAT_RATE_LIMIT_PER_MINUTE=100000

dropdb -h 127.0.0.1 -U postgres --if-exists sixfb_chat_bench
createdb -h 127.0.0.1 -U postgres sixfb_chat_bench
redis-cli -n 6 flushdb >/dev/null
$PY manage.py migrate -v0
DJANGO_DEBUG=true $PY manage.py seed_demo --no-business >/dev/null  # the demo login only; refused without debug on purpose
$PY manage.py shell -c "
from agents.models import Agent
from agents.services import shop_agent_enable
from billing.models import Plan, ShopBilling
from sixfb.models import User
from sixfb.selectors import shop_primary_for_user
shop = shop_primary_for_user(user=User.objects.get(email='demo@6fb.local'))
ShopBilling.objects.update_or_create(
    shop=shop, defaults={'manual_plan': Plan.objects.get(slug='enterprise'), 'monthly_chats_override': 10**6}
)
shop_agent_enable(shop=shop, agent=Agent.objects.get(slug='business_coach'))
if '${TOOLS:-}':  # the business coach's catalog has services_and_prices; the flag lets it call tools
    from sixfb.flags import AI_AGENT_V2
    from sixfb.models import Flag
    Flag.objects.get(name=AI_AGENT_V2).shops.add(shop)" >/dev/null
if [ -n "${RUSH:-}" ]; then
    RUSH_SHOPS=$RUSH RUSH_FILE=/tmp/chat-bench-rush-shops.json $PY manage.py shell <bench/rush_setup.py
fi
$PY manage.py collectstatic --noinput -v0

TOOL_ARGS=()
BENCH_ARGS=()
if [ -n "${TOOLS:-}" ]; then TOOL_ARGS=(--tool-call services_and_prices); BENCH_ARGS=(--tools); fi
if [ -n "${RUSH:-}" ]; then BENCH_ARGS=(--mode rush --shops-file /tmp/chat-bench-rush-shops.json); fi
$PY -m tests.fakes.openai_server --port "$FAKE_PORT" --ttft-ms 200 --gap-ms 20 --tokens 40 "${TOOL_ARGS[@]}" \
    >/tmp/chat-bench-fake.log 2>&1 &
FAKE=$!
# bench/timed_asgi.py: the production application, with the relay timing the benchmark reads.
if [ "${ASGI:-uvicorn}" = daphne ]; then
    WORKERS=1
    PYTHONPATH=bench:. .venv/bin/daphne -b 127.0.0.1 -p "$SERVER_PORT" timed_asgi:application \
        >/tmp/chat-bench-server.log 2>&1 &
else
    .venv/bin/uvicorn --app-dir bench timed_asgi:application --host 127.0.0.1 --port "$SERVER_PORT" --ws websockets \
        --ws-max-size 131072 --no-access-log --workers "$WORKERS" >/tmp/chat-bench-server.log 2>&1 &
fi
SERVER=$!
trap 'kill $SERVER $FAKE 2>/dev/null || true' EXIT
for _ in $(seq 60); do
    curl -sf "http://127.0.0.1:$SERVER_PORT/healthz" -H 'X-Forwarded-Proto: https' >/dev/null && break
    sleep 0.5
done
sleep 1
if [ "$WORKERS" = 1 ]; then PIDS=$SERVER; else PIDS=$(pgrep -P "$SERVER" | tr '\n' ' '); fi
# shellcheck disable=SC2086
$PY bench/chat_overhead.py --server "http://127.0.0.1:$SERVER_PORT" --fake "http://127.0.0.1:$FAKE_PORT/v1" \
    --email demo@6fb.local --password demo-barber-2026 --server-pid $PIDS "${BENCH_ARGS[@]}" "$@"
