"""Turning a notification into the words each channel sends, from ``templates/notifications/<kind>/``.

Two template engines of our own (text without autoescaping, HTML with it) whose missing variables
raise :class:`MissingVariable` instead of rendering as blanks: a customer never gets "Hi , your
appointment at  is confirmed". A ``{% if %}`` may still test a variable that is absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError

TEMPLATE_DIR = "notifications"


class RenderError(Exception):
    """A kind's template cannot be rendered: missing, malformed, or missing a variable. A bug, never
    retried: the delivery fails and the error is logged."""


class MissingVariable(RenderError):
    """A template used a variable its context does not have."""


class _Strict(str):
    """``string_if_invalid`` that raises: Django formats it with the variable's name (``'%s' in``)."""

    def __contains__(self, item: object) -> bool:
        return item == "%s"

    def __mod__(self, name: object) -> str:
        raise MissingVariable(f"Template variable {name!r} is missing.")


@cache
def _engine(*, html: bool) -> Engine:
    dirs = [str(d) for d in settings.TEMPLATES[0]["DIRS"]]  # type: ignore[attr-defined]
    return Engine(
        dirs=dirs,
        autoescape=html,
        string_if_invalid=_Strict("strict"),
        libraries={"humanize": "django.contrib.humanize.templatetags.humanize"},
    )


def template_exists(kind: str, part: str) -> bool:
    try:
        _engine(html=part.endswith(".html")).get_template(f"{TEMPLATE_DIR}/{kind}/{part}")
    except TemplateDoesNotExist:
        return False
    return True


def render_part(kind: str, part: str, context: dict[str, Any]) -> str:
    """One part (``subject.txt``, ``body.html``…) of a kind, rendered strictly."""
    try:
        template = _engine(html=part.endswith(".html")).get_template(f"{TEMPLATE_DIR}/{kind}/{part}")
    except (TemplateDoesNotExist, TemplateSyntaxError) as exc:
        raise RenderError(f"{TEMPLATE_DIR}/{kind}/{part}: {type(exc).__name__}: {exc}") from exc
    text = template.render(Context(context, autoescape=part.endswith(".html")))
    return text.strip() if part in {"subject.txt", "title.txt", "sms.txt"} else text


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


def render_email(kind: str, context: dict[str, Any]) -> Email:
    subject = " ".join(render_part(kind, "subject.txt", context).split())  # one line, always
    return Email(
        subject=subject, text=render_part(kind, "body.txt", context), html=render_part(kind, "body.html", context)
    )


def render_sms(kind: str, context: dict[str, Any]) -> str:
    return " ".join(render_part(kind, "sms.txt", context).split())


def render_title(kind: str, context: dict[str, Any]) -> str:
    return " ".join(render_part(kind, "title.txt", context).split())
