"""The Site row names the product and its public host (SITE_URL), not Django's "example.com".

Account emails take both from settings at send time (sixfb.adapters.public_site); this keeps the row,
which the admin and any other reader of ``django.contrib.sites`` see, telling the same story."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    # Settings are read here, when the migration runs, never at import.
    domain = urlsplit(settings.SITE_URL).netloc
    apps.get_model("sites", "Site").objects.update_or_create(
        id=settings.SITE_ID, defaults={"name": settings.SITE_NAME, "domain": domain}
    )


def backwards(apps, schema_editor):
    apps.get_model("sites", "Site").objects.filter(id=settings.SITE_ID).update(
        name="example.com", domain="example.com"
    )


class Migration(migrations.Migration):
    dependencies = [("sixfb", "0011_new_dashboard_note"), ("sites", "0002_alter_domain_unique")]

    operations = [migrations.RunPython(forwards, backwards)]
