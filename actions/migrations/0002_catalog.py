"""The catalog: which of the platform agents may call which tool. A shop's custom agents start with
none (an operator adds them in the admin). Rows may name a tool before it exists: the catalog skips
names no tool is registered under (actions.catalog)."""

from django.db import migrations

READS_FOR_BOOKINGS = ["availability", "appointments", "customer_lookup", "services_and_prices", "shop_notes"]
CATALOG = {
    "booking_manager": [
        *READS_FOR_BOOKINGS,
        "appointment_book",
        "appointment_move",
        "appointment_cancel",
        "customer_note",
    ],
    "marketing_expert": [
        "customer_segment",
        "customer_lookup",
        "services_and_prices",
        "shop_notes",
        "shop_metrics",
        "campaign_draft",
    ],
    "financial_advisor": ["shop_metrics", "services_and_prices", "shop_notes", "service_price_set"],
    "customer_intelligence": [
        "customer_segment",
        "customer_lookup",
        "appointments",
        "shop_metrics",
        "shop_notes",
        "customer_note",
    ],
    "business_coach": ["shop_metrics", "services_and_prices", "shop_notes", "appointments"],
    "content_generator": ["services_and_prices", "shop_notes"],
}


def seed(apps, schema_editor):
    Agent = apps.get_model("agents", "Agent")
    AgentTool = apps.get_model("actions", "AgentTool")
    for agent in Agent.objects.filter(shop__isnull=True, slug__in=list(CATALOG)):
        for tool in CATALOG[agent.slug]:
            AgentTool.objects.get_or_create(agent=agent, tool=tool, defaults={"enabled": True})


def unseed(apps, schema_editor):
    AgentTool = apps.get_model("actions", "AgentTool")
    for slug, tools in CATALOG.items():
        AgentTool.objects.filter(agent__slug=slug, agent__shop__isnull=True, tool__in=tools).delete()


class Migration(migrations.Migration):
    dependencies = [("actions", "0001_tools_and_proposals"), ("agents", "0002_seed_roster")]
    operations = [migrations.RunPython(seed, unseed)]
