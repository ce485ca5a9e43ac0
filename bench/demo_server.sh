# Sourced by bench/lighthouse.sh and bin/screenshots.sh: a fresh PostgreSQL database with the demo
# shop, hashed and compressed static files, and uvicorn on the production settings, stopped on exit.
# Needs DEMO_DB, DEMO_REDIS_DB, PORT and OUT set; sets SESSION (the demo owner's session cookie)
# and CONVERSATION (one of their conversations).
PY=.venv/bin/python
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DEMO_DB REDIS_URL=redis://127.0.0.1:6379/$DEMO_REDIS_DB
export DJANGO_DEBUG=false DJANGO_SECRET_KEY=bench-only-secret-key-not-for-production-0123456789abcdef
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=false DJANGO_LOG_LEVEL=WARNING
unset OPENAI_API_KEY STRIPE_SECRET_KEY POSTHOG_API_KEY SENTRY_DSN

dropdb -h 127.0.0.1 -U postgres --if-exists "$DEMO_DB"
createdb -h 127.0.0.1 -U postgres "$DEMO_DB"
redis-cli -n "$DEMO_REDIS_DB" flushdb >/dev/null
$PY manage.py migrate -v0
DJANGO_DEBUG=true $PY manage.py seed_demo >/dev/null  # refused without debug on purpose: a known password
$PY manage.py collectstatic --noinput -v0
# A signed-in session for the demo owner, and their most recent conversation (one is started if none).
read -r _ SESSION CONVERSATION < <($PY manage.py shell -v 0 -c "
from django.test import Client
from agents.models import Agent
from agents.services import shop_agent_enable
from chat.models import Conversation
from chat.services import conversation_start
from sixfb.models import User
from sixfb.selectors import shop_primary_for_user
user = User.objects.get(email='demo@6fb.local')
client = Client()
client.force_login(user)
conversation = Conversation.objects.filter(user=user).order_by('-updated_at').first()
if conversation is None:
    shop = shop_primary_for_user(user=user)
    shop_agent_enable(shop=shop, agent=Agent.objects.get(slug='business_coach'))
    conversation = conversation_start(user=user, shop=shop, agent_slug='business_coach')
print('SIGNED-IN', client.cookies['sessionid'].value, conversation.uuid)
" | grep '^SIGNED-IN ')
export SESSION CONVERSATION

.venv/bin/uvicorn sixfb.asgi:application --host 127.0.0.1 --port "$PORT" --ws websockets --no-access-log \
    >"$OUT/server.log" 2>&1 &
DEMO_SERVER=$!
trap 'kill $DEMO_SERVER 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
