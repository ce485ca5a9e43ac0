"""The product's feature flags and kill switches, each with a note saying where it is used and who
owns it (docs/feature-flags.md). Existing rows are left as an admin set them."""

from django.db import migrations

FLAGS = {
    "new_dashboard": {
        "shop_percent": 20,
        "note": "The owner's new dashboard (insights) for 20% of shops, by a stable hash of the shop; "
        "others keep today's. Used in sixfb.views.dashboard. Owner: product (insights).",
    },
    "ai_agent_v2": {
        "note": "Beta: agents with tools (agent actions) and the improved prompt set, for the 'beta' group "
        "and the shops named here. Used in chat (prompts, tools). Owner: AI team.",
    },
}
SWITCHES = {
    "ai_chat_enabled": "Kill switch: off answers every chat with 'paused for maintenance'. Used in chat. Owner: on-call.",
    "signup_open": "Kill switch: off closes sign-up (existing accounts still sign in). Used in accounts. Owner: on-call.",
    "sms_enabled": "Kill switch: off skips every text (deliveries recorded as channel_off). Used in notifications. "
    "Owner: on-call.",
    "online_booking_enabled": "Kill switch: off closes every shop's public booking page. Used in bookings. "
    "Owner: on-call.",
}


def create(apps, schema_editor):
    Flag = apps.get_model("sixfb", "Flag")
    Switch = apps.get_model("waffle", "Switch")
    Group = apps.get_model("auth", "Group")
    for name, fields in FLAGS.items():
        Flag.objects.get_or_create(name=name, defaults=fields)
    beta, _ = Group.objects.get_or_create(name="beta")
    flag = Flag.objects.get(name="ai_agent_v2")
    # The historical Flag's many-to-many resolves to waffle's dropped table (both models are "Flag"),
    # so the link is written to ours directly.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sixfb_flag_groups WHERE flag_id = %s", [flag.pk])
        if cursor.fetchone()[0] == 0:
            cursor.execute("INSERT INTO sixfb_flag_groups (flag_id, group_id) VALUES (%s, %s)", [flag.pk, beta.pk])
    for name, note in SWITCHES.items():
        Switch.objects.get_or_create(name=name, defaults={"active": True, "note": note})


class Migration(migrations.Migration):
    dependencies = [
        ("sixfb", "0009_flag_shop_rollout"),
        ("waffle", "0004_update_everyone_nullbooleanfield"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
