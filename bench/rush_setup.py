"""The shops of a chat rush (bench/chat_overhead.py --mode rush): N shops, one owner each, each on
the enterprise plan with the business coach enabled, one conversation and one personal API token.

Run inside the project (`manage.py shell < bench/rush_setup.py` reads RUSH_SHOPS and RUSH_FILE from
the environment); writes the list the benchmark reads: [{email, password, conversation, token}].
Bench data only: a known password, so bench/run_chat_overhead.sh runs it on its own database.
"""

import json
import os

from allauth.account.models import EmailAddress
from django.db import transaction

from agents.models import Agent
from agents.services import shop_agent_enable
from billing.models import Plan, ShopBilling
from chat.services import conversation_start
from sixfb.models import User
from sixfb.services import api_token_create, shop_create

PASSWORD = "rush-bench-2026"  # a throwaway bench database

coach = Agent.objects.get(slug="business_coach")
enterprise = Plan.objects.get(slug="enterprise")


@transaction.atomic
def rush_shop(i: int) -> dict[str, str]:
    email = f"rush-{i}@bench.local"
    user = User.objects.create_user(email=email, password=PASSWORD, full_name=f"Rush Owner {i}")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    shop = shop_create(owner=user, name=f"Rush Cuts {i}")
    ShopBilling.objects.update_or_create(
        shop=shop, defaults={"manual_plan": enterprise, "monthly_chats_override": 10**6}
    )
    shop_agent_enable(shop=shop, agent=coach)
    conversation = conversation_start(user=user, shop=shop, agent_slug=coach.slug)
    _token, key = api_token_create(user=user, name="rush bench")
    return {"email": email, "password": PASSWORD, "conversation": str(conversation.uuid), "token": key}


with open(os.environ["RUSH_FILE"], "w") as out:
    json.dump([rush_shop(i) for i in range(int(os.environ["RUSH_SHOPS"]))], out)
