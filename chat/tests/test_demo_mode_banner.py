"""In demo mode staff are told how to connect a model (a banner, and the admin index); owners are not."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chat.tests.support import make_setup
from sixfb.models import User
from tests.base import make_user

pytestmark = pytest.mark.django_db

SET_UP = "OPENAI_API_KEY"


def staff_client(*, superuser: bool = False) -> Client:
    user = make_user(is_staff=True, is_superuser=superuser)
    client = Client()
    client.force_login(user)
    return client


def test_staff_see_the_demo_banner_on_the_dashboard_and_chat_pages(demo_mode):
    setup = make_setup()
    User.objects.filter(pk=setup.user.pk).update(is_staff=True)
    conversation_url = reverse("chat_conversation", kwargs={"conversation_uuid": setup.conversation.uuid})
    for url in ("/dashboard/", "/chat/", conversation_url):
        page = setup.client.get(url).content.decode()
        assert 'id="demo-banner"' in page and SET_UP in page, url


def test_owners_never_see_how_to_connect_a_model(demo_mode):
    setup = make_setup()
    conversation_url = reverse("chat_conversation", kwargs={"conversation_uuid": setup.conversation.uuid})
    for url in ("/dashboard/", "/chat/", conversation_url, "/agents/"):
        page = setup.client.get(url).content.decode()
        assert 'id="demo-banner"' not in page and SET_UP not in page, url


def test_the_banner_goes_once_a_model_is_configured(demo_mode, settings):
    setup = make_setup()
    User.objects.filter(pk=setup.user.pk).update(is_staff=True)
    assert 'id="demo-banner"' in setup.client.get("/chat/").content.decode()
    settings.OPENAI_API_KEY = "sk-test-fake-key-0000"
    assert 'id="demo-banner"' not in setup.client.get("/chat/").content.decode()


def test_the_admin_index_says_so_in_demo_mode(demo_mode, settings):
    client = staff_client(superuser=True)
    assert 'id="demo-mode-hint"' in client.get(reverse("admin:index")).content.decode()
    settings.OPENAI_API_KEY = "sk-test-fake-key-0000"
    assert 'id="demo-mode-hint"' not in client.get(reverse("admin:index")).content.decode()
