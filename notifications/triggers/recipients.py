"""Who on a shop's staff hears of what."""

from __future__ import annotations

from sixfb.models import Membership, Shop, User

MANAGING = (Membership.Role.OWNER, Membership.Role.MANAGER)


def owners(shop: Shop) -> list[User]:
    return [m.user for m in shop.memberships.filter(role=Membership.Role.OWNER).select_related("user").order_by("pk")]


def managers_and(shop: Shop, *extra: User | None) -> list[User]:
    """The shop's owners and managers, plus ``extra`` people (a barber's own login), each once."""
    people = [m.user for m in shop.memberships.filter(role__in=MANAGING).select_related("user").order_by("pk")]
    seen = {person.pk for person in people}
    for person in extra:
        if person is not None and person.pk not in seen and shop.memberships.filter(user=person).exists():
            people.append(person)
            seen.add(person.pk)
    return people


def everyone(shop: Shop) -> list[User]:
    return [m.user for m in shop.memberships.select_related("user").order_by("pk")]
