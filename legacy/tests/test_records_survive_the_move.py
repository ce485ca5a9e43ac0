"""Moving ``LegacyRecord`` from ``sixfb`` to this app (``sixfb.0007``, ``legacy.0001``) changes only
the migration state: a database migrated before the move keeps its records, read afterwards through
``legacy.models.LegacyRecord``, and the model's permissions follow it to the new app."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from legacy.models import LegacyRecord
from sixfb.models import Shop

# Migrating runs outside a test transaction (SQLite's schema editor refuses to run inside one).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LAST_BEFORE_THE_MOVE = ("sixfb", "0006_key_legacy_user_checksums")


def migrate(targets: list[tuple[str, str | None]]) -> None:
    MigrationExecutor(connection).migrate(targets)


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def app_label_of(permission: Permission) -> str:
    return ContentType.objects.filter(pk=permission.content_type_id).values_list("app_label", flat=True).get()


def test_records_made_before_the_move_are_read_through_the_legacy_app_after_it():
    shop = Shop.objects.create(name="Fade Bros", slug="fade-bros")
    view = Permission.objects.get(codename="view_legacyrecord")
    assert app_label_of(view) == "legacy"
    try:
        migrate([LAST_BEFORE_THE_MOVE, ("legacy", None)])
        old = MigrationExecutor(connection).loader.project_state(LAST_BEFORE_THE_MOVE).apps
        assert app_label_of(view) == "sixfb"
        OldRecord = old.get_model("sixfb", "LegacyRecord")
        OldRecord.objects.create(
            source_table="payments",
            source_id="p1",
            shop_id=shop.pk,
            archived=True,
            payload={"id": "p1", "amount": 12.345},
            normalized={"amount": "12.35"},
            checksum="c" * 64,
        )
    finally:
        migrate(latest())

    record = LegacyRecord.objects.get(source_table="payments", source_id="p1")
    assert (record.shop, record.archived, record.checksum) == (shop, True, "c" * 64)
    assert (record.payload, record.normalized) == ({"id": "p1", "amount": 12.345}, {"amount": "12.35"})
    assert app_label_of(view) == "legacy"
    assert not ContentType.objects.filter(app_label="sixfb", model="legacyrecord").exists()
