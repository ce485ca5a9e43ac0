"""new_dashboard is decided by insights (the view behind /dashboard/), not sixfb.views.dashboard: say
so in its note, unless an admin has rewritten the note since."""

from django.db import migrations

OLD = (
    "The owner's new dashboard (insights) for 20% of shops, by a stable hash of the shop; "
    "others keep today's. Used in sixfb.views.dashboard. Owner: product (insights)."
)
NEW = (
    "The owner's new dashboard (insights) for 20% of shops, by a stable hash of the shop; "
    "others keep today's. Used in insights.views.owner (/dashboard/, /insights/ and its exports). "
    "Owner: product (insights)."
)


def forwards(apps, schema_editor):
    apps.get_model("sixfb", "Flag").objects.filter(name="new_dashboard", note=OLD).update(note=NEW)


def backwards(apps, schema_editor):
    apps.get_model("sixfb", "Flag").objects.filter(name="new_dashboard", note=NEW).update(note=OLD)


class Migration(migrations.Migration):
    dependencies = [("sixfb", "0010_create_flags_and_switches")]

    operations = [migrations.RunPython(forwards, backwards)]
