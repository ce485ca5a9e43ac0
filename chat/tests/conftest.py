from __future__ import annotations

import pytest

import chat.toolbox
from chat.tests.toolbox_fake import FakeToolbox
from tests.fakes.openai_server import FakeOpenAI


@pytest.fixture
def fake_openai(settings):
    """The real SDK, pointed at the loopback fake; short timeouts and no retry back-off surprises."""
    server = FakeOpenAI().start()
    settings.OPENAI_API_KEY = "sk-test-fake-key-0000"
    settings.OPENAI_BASE_URL = server.base_url
    settings.OPENAI_MODEL = "gpt-4o-mini"
    settings.OPENAI_READ_TIMEOUT_SECONDS = 2
    settings.OPENAI_CONNECT_TIMEOUT_SECONDS = 2
    settings.OPENAI_MAX_RETRIES = 1
    yield server
    server.stop()


@pytest.fixture
def demo_mode(settings):
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_BASE_URL = ""


@pytest.fixture
def toolbox(monkeypatch) -> FakeToolbox:
    """A test Toolbox registered through chat's seam; whatever was registered before comes back after."""
    fake = FakeToolbox()
    monkeypatch.setattr(chat.toolbox, "_toolbox", fake)
    return fake


@pytest.fixture
def no_toolbox(monkeypatch) -> None:
    monkeypatch.setattr(chat.toolbox, "_toolbox", None)
