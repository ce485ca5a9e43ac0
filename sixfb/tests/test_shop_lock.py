"""``Shop.objects.lock``: the one way to serialise writes that check a shop-wide limit."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from sixfb.models import Shop
from tests.base import make_owner

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def lock_from_another_connection(shop_id: int) -> str:
    """Try to take the row from another thread (another connection) without waiting."""
    outcome: list[str] = []

    def attempt() -> None:
        try:
            with transaction.atomic():
                list(Shop.objects.select_for_update(nowait=True).filter(pk=shop_id))
            outcome.append("free")
        except DatabaseError:
            outcome.append("held")
        finally:
            connection.close()

    worker = threading.Thread(target=attempt)
    worker.start()
    worker.join(10)
    return outcome[0]


@pytest.mark.skipif(not connection.features.has_select_for_update, reason="SQLite has no row locks")
def test_the_shop_row_is_held_until_the_transaction_ends():
    _owner, shop = make_owner()
    _owner, other = make_owner(shop_name="Rival Fades")
    with transaction.atomic():
        Shop.objects.lock(shop.pk)
        assert lock_from_another_connection(shop.pk) == "held"
        assert lock_from_another_connection(other.pk) == "free"  # one shop's lock never blocks another
    assert lock_from_another_connection(shop.pk) == "free"


def test_locking_a_shop_that_does_not_exist_is_harmless():
    with transaction.atomic():
        Shop.objects.lock(0)
