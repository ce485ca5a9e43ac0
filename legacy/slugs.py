"""Unique slugs for many new rows at once (the shops an import batch creates)."""

from __future__ import annotations

from collections import Counter

from django.db import models
from django.db.models import Q

from sixfb.lib.slugs import slug_base


def unique_slugs(
    model: type[models.Model], texts: list[str], *, fallback: str, max_length: int, field: str = "slug"
) -> list[str]:
    """``sixfb.lib.slugs.unique_slug`` for many texts at once (distinct from each other too), in a query
    or two."""
    bases = [slug_base(text, fallback=fallback, max_length=max_length) for text in texts]
    manager = model._default_manager
    taken = set(manager.filter(**{f"{field}__in": set(bases)}).values_list(field, flat=True))
    # Only bases already used (or repeated here) need their "-2", "-3"… variants looked up.
    crowded = sorted({b for b in bases if b in taken} | {b for b, n in Counter(bases).items() if n > 1})
    for start in range(0, len(crowded), 100):
        prefixes = Q()
        for base in crowded[start : start + 100]:
            prefixes |= Q(**{f"{field}__startswith": f"{base}-"})
        taken.update(manager.filter(prefixes).values_list(field, flat=True))
    slugs: list[str] = []
    next_n: dict[str, int] = {}
    for base in bases:
        slug = base
        while slug in taken:
            next_n[base] = n = next_n.get(base, 1) + 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs.append(slug)
    return slugs
