from django.db import migrations

PLANS = [
    {
        "slug": "free",
        "name": "Free",
        "tagline": "Try one agent on your own shop's questions.",
        "price_cents": 0,
        "max_agents": 1,
        "monthly_chats": 100,
        "support": "Community support",
        "features": ["1 agent", "100 chats a month", "Community support"],
        "stripe_lookup_key": "",
        "sort_order": 0,
    },
    {
        "slug": "starter",
        "name": "Starter",
        "tagline": "A small team for a busy shop.",
        "price_cents": 4500,
        "max_agents": 5,
        "monthly_chats": 1000,
        "support": "Email support",
        "features": ["5 agents", "1,000 chats a month", "Email support"],
        "stripe_lookup_key": "sixfb_starter_monthly",
        "sort_order": 1,
    },
    {
        "slug": "professional",
        "name": "Professional",
        "tagline": "Every specialist, plus agents of your own.",
        "price_cents": 9900,
        "max_agents": None,
        "monthly_chats": 10000,
        "custom_agents": True,
        "support": "Priority support",
        "features": ["Unlimited agents", "Custom agents", "10,000 chats a month", "Priority support"],
        "stripe_lookup_key": "sixfb_professional_monthly",
        "sort_order": 2,
    },
    {
        "slug": "enterprise",
        "name": "Enterprise",
        "tagline": "Multi-location groups with their own terms.",
        "price_cents": None,
        "max_agents": None,
        "monthly_chats": None,
        "custom_agents": True,
        "support": "SLA and a dedicated contact",
        "features": ["Custom agent and chat limits", "Custom agents", "SLA", "Dedicated support"],
        "stripe_lookup_key": "",
        "limits_set_per_shop": True,
        "sort_order": 3,
    },
]


def seed(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for plan in PLANS:
        slug = plan["slug"]
        Plan.objects.update_or_create(slug=slug, defaults={k: v for k, v in plan.items() if k != "slug"})


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_plans")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
