"""Chat on a phone (a 390 by 844 Chromium): the composer is never under the tab bar or the keyboard, a
conversation opens at its newest message and follows the answer only while the reader is at the
bottom, the chats-left counter is the server's, markdown is formatted while it streams, the
suggestions go after the first message, and the header and hint fit a phone."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password

from agents.models import Agent
from agents.services import shop_agent_enable
from chat.models import Message
from chat.selectors import chat_usage_for_shop
from chat.services import conversation_rename, conversation_start
from tests.base import PASSWORD, make_owner
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]

# An answer in markdown, long enough to run past the bottom of the screen while it streams.
ANSWER = ["Here", " is", " **the", " plan**", ":\n\n"] + [f"- step {n} with `code` and *care*\n" for n in range(60)]

# Where a tap at the element's centre lands, and whether the element is wholly on screen.
HIT_TEST = """(selector) => {
  const el = document.querySelector(selector);
  const box = el.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {onScreen: box.top >= 0 && box.bottom <= window.innerHeight && box.left >= 0 && box.right <= window.innerWidth,
          tappable: hit === el || el.contains(hit)};
}"""
AT_BOTTOM = (
    "(() => { const s = document.getElementById('chat-scroll');"
    " return s.scrollHeight - s.scrollTop - s.clientHeight < 4; })()"
)
FITS_VIEWPORT = "Math.round(document.body.getBoundingClientRect().bottom) <= window.innerHeight"
STREAMED_TEXT = "document.querySelector('.bubble.assistant.streaming .bubble-body')?.textContent.length || 0"


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll ``expression`` with page.evaluate (wait_for_function needs eval, which our CSP forbids)."""
    for _ in range(int(timeout * 10)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


def owner_with_coach():
    owner, shop = make_owner(email="owner@freshcuts.com")
    owner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    owner.save(update_fields=["password"])
    shop_agent_enable(shop=shop, agent=Agent.objects.get(slug="business_coach"))
    return owner, shop


def long_conversation(owner, shop, turns: int = 25):
    conversation = conversation_start(user=owner, shop=shop, agent_slug="business_coach")
    for n in range(turns):
        Message.objects.create(conversation=conversation, shop=shop, role="user", content=f"Question {n}?")
        Message.objects.create(conversation=conversation, shop=shop, role="assistant", content=f"Answer **{n}**.")
    return conversation


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", "owner@freshcuts.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/dashboard/")


def open_conversation(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#chat-composer[data-connected=true]")  # its socket is open


def assert_tappable(page, selector: str) -> None:
    where = page.evaluate(HIT_TEST, selector)
    assert where == {"onScreen": True, "tappable": True}, (selector, where)


def chats_left_shown(page) -> int:
    return int(page.inner_text("#chats-left").replace(",", ""))


def test_the_composer_stays_tappable_above_the_tab_bar_and_the_keyboard(page):
    owner, shop = owner_with_coach()
    conversation = long_conversation(owner, shop)
    fake = FakeOpenAI().start()
    fake.script(Reply(tokens=[f" word{n}" for n in range(80)], gap=0.1))
    env = {"OPENAI_API_KEY": "sk-e2e-fake-key-0000", "OPENAI_BASE_URL": fake.base_url}
    try:
        with running_servers(1, env=env) as (port,):
            base = f"http://127.0.0.1:{port}"
            sign_in(page, base)
            open_conversation(page, f"{base}/chat/{conversation.uuid}/")
            page.wait_for_selector(".bubble.assistant .copy")

            # It opens at the newest message, the first ones being far above.
            assert page.evaluate(AT_BOTTOM)
            assert page.evaluate("document.querySelector('.bubble').getBoundingClientRect().bottom < 0")
            assert page.locator(".bubble.assistant").last.is_visible()
            assert_tappable(page, "#chat-input")
            assert_tappable(page, "#chat-send")

            page.fill("#chat-input", "How do I grow my shop?")
            page.click("#chat-send")
            page.wait_for_selector("#chat-stop:visible")
            assert_tappable(page, "#chat-stop")

            page.set_viewport_size({"width": 390, "height": 500})  # the keyboard is open
            # The column follows visualViewport's resize event, which comes a frame after the resize.
            wait_until(page, FITS_VIEWPORT)
            wait_until(page, AT_BOTTOM)
            assert_tappable(page, "#chat-stop")
            assert_tappable(page, "#chat-input")
            page.click("#chat-stop")  # a real tap: Playwright refuses if something else would get it
            page.wait_for_selector(".bubble.assistant.stopped", timeout=5000)
            assert_tappable(page, "#chat-regenerate")
            assert_tappable(page, "#chat-send")
    finally:
        fake.stop()
    assert Message.objects.filter(conversation=conversation, status=Message.Status.STOPPED).count() == 1


def test_the_answer_is_followed_formatted_and_counted_as_the_server_counts_it(page):
    owner, shop = owner_with_coach()
    conversation = long_conversation(owner, shop, turns=10)
    fake = FakeOpenAI().start()
    fake.script(Reply(tokens=ANSWER, gap=0.12), Reply(tokens=ANSWER, gap=0.12))
    env = {"OPENAI_API_KEY": "sk-e2e-fake-key-0000", "OPENAI_BASE_URL": fake.base_url}
    try:
        with running_servers(1, env=env) as (port,):
            base = f"http://127.0.0.1:{port}"
            sign_in(page, base)
            open_conversation(page, f"{base}/chat/{conversation.uuid}/")
            page.fill("#chat-input", "What is the plan?")
            page.click("#chat-send")

            # Markdown is formatted while it streams: bold is <strong>, never asterisks.
            wait_until(page, "!!document.querySelector('.bubble.assistant.streaming .bubble-body strong')")
            body = page.locator(".bubble.assistant.streaming .bubble-body")
            assert body.locator("strong").first.inner_text() == "the plan"
            assert "**" not in body.inner_text()
            wait_until(page, "!!document.querySelector('.bubble.assistant.streaming .bubble-body li code')")

            # At the bottom, the growing answer is followed.
            wait_until(page, f"{STREAMED_TEXT} > 400")
            assert page.evaluate(AT_BOTTOM)
            assert page.locator("#chat-jump").is_hidden()

            # Scrolled up, it is not: the reader stays where they are and is offered the way back.
            page.mouse.move(195, 300)
            page.mouse.wheel(0, -600)
            wait_until(page, "!document.getElementById('chat-jump').hidden")
            top = page.evaluate("document.getElementById('chat-scroll').scrollTop")
            grown = page.evaluate(STREAMED_TEXT) + 150
            wait_until(page, f"{STREAMED_TEXT} > {grown}")
            assert page.evaluate("document.getElementById('chat-scroll').scrollTop") == top
            assert not page.evaluate(AT_BOTTOM)

            page.click("#chat-jump")
            assert page.evaluate(AT_BOTTOM)
            grown = page.evaluate(STREAMED_TEXT) + 150
            wait_until(page, f"{STREAMED_TEXT} > {grown}")
            assert page.evaluate(AT_BOTTOM)  # following again
            wait_until(page, "!document.querySelector('.bubble.assistant.streaming')", 20)
            assert chats_left_shown(page) == chat_usage_for_shop(shop=shop).chats_remaining

            # Reloaded mid-answer: it resumes at the bottom, and the count after it is the server's.
            page.fill("#chat-input", "And again?")
            page.click("#chat-send")
            wait_until(page, f"{STREAMED_TEXT} > 100")
            page.reload()
            page.wait_for_selector("#chat-composer[data-connected=true]")
            page.wait_for_selector(".bubble.assistant.streaming")
            wait_until(page, f"{STREAMED_TEXT} > 600")
            assert page.evaluate(AT_BOTTOM)
            wait_until(page, "!document.querySelector('.bubble.assistant.streaming')", 20)
            final = page.locator(".bubble.assistant .bubble-body").last
            assert final.locator("strong").first.inner_text() == "the plan"
            assert chats_left_shown(page) == chat_usage_for_shop(shop=shop).chats_remaining
    finally:
        fake.stop()
    assert chat_usage_for_shop(shop=shop).chats_used == 10 + 2


def test_a_new_conversation_fits_a_phone_and_its_suggestions_go_after_the_first_message(page, chromium):
    owner, shop = owner_with_coach()
    conversation = conversation_start(user=owner, shop=shop, agent_slug="business_coach")
    long_title = conversation_start(user=owner, shop=shop, agent_slug="business_coach")
    conversation_rename(conversation=long_title, title="Pricing, staffing and marketing " * 4)
    fake = FakeOpenAI().start()
    env = {"OPENAI_API_KEY": "sk-e2e-fake-key-0000", "OPENAI_BASE_URL": fake.base_url}
    try:
        with running_servers(1, env=env) as (port,):
            base = f"http://127.0.0.1:{port}"
            sign_in(page, base)
            open_conversation(page, f"{base}/chat/{conversation.uuid}/")
            heading = page.locator("#chat-heading")
            assert heading.inner_text() == "New conversation"
            assert page.evaluate(
                "(h => h.scrollHeight <= h.clientHeight && h.scrollWidth <= h.clientWidth)"
                "(document.getElementById('chat-heading'))"
            )  # shown whole, not "New …"
            assert page.locator("#chat-meter").is_visible()
            # The Enter hint is for keyboards; on a phone Enter is a new line.
            assert page.locator("#chat-hint").is_hidden()
            assert "Enter" not in (page.get_attribute("#chat-input", "placeholder") or "")

            starters = page.locator("#chat-starters")
            assert starters.is_visible()
            page.locator(".starter").first.click()
            page.wait_for_selector(".bubble.assistant:not(.streaming)")
            assert starters.is_hidden()
            page.reload()
            assert page.locator("#chat-starters").count() == 0

            # A long title takes at most two lines, ending in an ellipsis.
            open_conversation(page, f"{base}/chat/{long_title.uuid}/")
            lines = page.evaluate(
                "(h => Math.round(h.clientHeight / parseFloat(getComputedStyle(h).lineHeight)))"
                "(document.getElementById('chat-heading'))"
            )
            assert lines == 2

            # A touch phone: Enter starts a new line, and Send sends.
            context = chromium.new_context(
                viewport={"width": 390, "height": 844},
                is_mobile=True,
                has_touch=True,
                storage_state=page.context.storage_state(),
            )
            phone = context.new_page()
            open_conversation(phone, f"{base}/chat/{long_title.uuid}/")
            phone.tap("#chat-input")
            phone.keyboard.type("Two")
            phone.keyboard.press("Enter")
            phone.keyboard.type("lines")
            assert phone.input_value("#chat-input") == "Two\nlines"
            assert phone.locator(".bubble.user").count() == 0
            phone.tap("#chat-send")
            phone.wait_for_selector(".bubble.user")
            assert phone.inner_text(".bubble.user .bubble-body") == "Two\nlines"
            context.close()
    finally:
        fake.stop()
