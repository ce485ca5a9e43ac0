"""Unique slugs for models that derive theirs from a name."""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify


def slug_base(text: str, *, fallback: str, max_length: int) -> str:
    """``slugify(text)``, cut to leave room for a ``-<n>`` suffix within ``max_length``."""
    return (slugify(text) or fallback)[: max_length - 6].strip("-") or fallback


def unique_slug(model: type[models.Model], text: str, *, fallback: str, max_length: int, field: str = "slug") -> str:
    """``slugify(text)``, suffixed ``-2``, ``-3``… until no ``model`` row uses it."""
    base = slug_base(text, fallback=fallback, max_length=max_length)
    slug, n = base, 2
    while model._default_manager.filter(**{field: slug}).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug
