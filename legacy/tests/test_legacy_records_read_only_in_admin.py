"""The admin lists legacy records under this app, read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from legacy.models import LegacyRecord
from sixfb.models import User

pytestmark = pytest.mark.django_db


def test_staff_see_legacy_records_and_cannot_add_change_or_delete_them(client):
    record = LegacyRecord.objects.create(source_table="payments", source_id="p1", checksum="c" * 64, archived=True)
    client.force_login(User.objects.create_superuser(email="ops@example.com", password="x-long-password-1"))

    change_url = reverse("admin:legacy_legacyrecord_change", args=[record.pk])
    listing = client.get(reverse("admin:legacy_legacyrecord_changelist"))
    assert listing.status_code == 200 and change_url in listing.text

    assert client.get(reverse("admin:legacy_legacyrecord_add")).status_code == 403
    detail = client.get(change_url)
    assert detail.status_code == 200 and "Save" not in detail.text
    deleting = client.post(reverse("admin:legacy_legacyrecord_delete", args=[record.pk]), {"post": "yes"})
    assert deleting.status_code == 403
    assert LegacyRecord.objects.filter(pk=record.pk).exists()
