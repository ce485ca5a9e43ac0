"""The enterprise contact form notifies the admins by mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_enterprise_contact_form_notifies_the_admins(client, settings, django_capture_on_commit_callbacks, db):
    settings.ADMINS = [("Ops", "ops@example.com")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("billing_enterprise"),
            {"name": "Dana", "email": "dana@chain.example", "locations": 12, "message": "We have 12 shops."},
        )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["ops@example.com"]
    assert "We have 12 shops." in message.body
