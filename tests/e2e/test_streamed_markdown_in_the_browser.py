"""The chat page's live markdown renderer (static/js/chat-markdown.js) in Chromium: hostile answers
make only the tags it means to write (links with an http(s) address and no other attribute than
rel), and absurd nesting renders instead of throwing."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

RENDERER = Path(__file__).resolve().parents[2] / "static" / "js" / "chat-markdown.js"
ALLOWED_TAGS = {"P", "A", "STRONG", "EM", "CODE", "PRE", "UL", "OL", "LI", "BLOCKQUOTE", "BR", "HR",
                "H1", "H2", "H3", "H4", "H5", "H6", "TABLE", "THEAD", "TBODY", "TR", "TH", "TD"}  # fmt: skip

HOSTILE = [
    "[t](https://a<https://b/autofocus/onfocus=location=name//>)",
    '[x](https://a.com/"onmouseover="alert(1))',
    '[**a**](https://a.com/**b**_c_) <https://b.com/?q="x">',
    "<img src=x onerror=alert(1)> <script>alert(1)</script>",
    "[click](javascript:alert(1)) <javascript:alert(1)>",
    "`<b>` **<i>bold</i>** _x_<https://c.com/_y_>",
    "| a | b |\n|---|---|\n| <svg onload=alert(1)> | [l](https://d.com/\"'>) |",
]

# Every element the renderer made, with its attributes, from a detached container.
INSPECT = """(text) => {
  const box = document.createElement('div');
  box.innerHTML = window.chatMarkdown(text);
  return [...box.querySelectorAll('*')].map(el => ({
    tag: el.tagName, attrs: [...el.attributes].map(a => [a.name, a.value]),
  }));
}"""


@pytest.fixture
def renderer(page):
    page.goto("about:blank")
    page.add_script_tag(path=str(RENDERER))
    return page


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_answer_makes_only_safe_tags(renderer, text):
    for element in renderer.evaluate(INSPECT, text):
        assert element["tag"] in ALLOWED_TAGS, (text, element)
        names = [name for name, _ in element["attrs"]]
        if element["tag"] == "A":
            assert sorted(names) == ["href", "rel"], (text, element)
            href = dict(element["attrs"])["href"]
            assert href.startswith(("https://", "http://")), (text, element)
        else:
            assert names == [], (text, element)


def test_links_and_emphasis_still_render(renderer):
    elements = renderer.evaluate(INSPECT, "See [**the plan**](https://example.com/a?b=1&c=2) and <https://x.org/>")
    links = [dict(e["attrs"])["href"] for e in elements if e["tag"] == "A"]
    assert links == ["https://example.com/a?b=1&c=2", "https://x.org/"]
    assert "STRONG" in [e["tag"] for e in elements]


@pytest.mark.parametrize("text", [">" * 20000 + " deep", "- " * 5000 + "deep", "> - " * 3000 + "deep"])
def test_absurd_nesting_renders_instead_of_throwing(renderer, text):
    html = renderer.evaluate("(text) => window.chatMarkdown(text)", text)
    assert "deep" in html
