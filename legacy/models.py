"""``LegacyRecord``: each legacy row the import read, and where it went."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.utils import timezone

from sixfb.models import Shop


class LegacyRecord(models.Model):
    """One row of the legacy SQLite database, and where it went (``import_legacy_sqlite``).

    ``(source_table, source_id)`` is the row's identity, so a second import finds what it made before;
    ``checksum`` tells whether the row changed since. Rows the product has no home for yet keep their
    full contents in ``payload`` (``archived``) so nothing is lost, and clean values of their timestamp
    and money columns in ``normalized`` (None for records written before that existed).
    """

    source_table = models.CharField(max_length=64)
    source_id = models.CharField(max_length=64)
    shop = models.ForeignKey(Shop, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_type = models.CharField(max_length=64, blank=True, help_text="app_label.model of what it became.")
    target_id = models.CharField(max_length=64, blank=True)
    archived = models.BooleanField(default=False)
    payload = models.JSONField(null=True, blank=True, help_text="The legacy row as it was (archived rows).")
    normalized = models.JSONField(
        null=True,
        blank=True,
        help_text="Clean values of the row's timestamp (ISO-8601 UTC) and money (decimal string, cents) columns; "
        "unreadable ones are None and listed in _unreadable.",
    )
    checksum = models.CharField(max_length=64)
    imported_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table it had as sixfb.LegacyRecord, kept so the move between apps moved no rows.
        db_table = "sixfb_legacyrecord"
        ordering = ["source_table", "source_id"]
        constraints = [
            models.UniqueConstraint(fields=["source_table", "source_id"], name="legacy_record_unique_source")
        ]

    def __str__(self) -> str:
        return f"{self.source_table}#{self.source_id}"


def record_pk(record: Mapping[str, object]) -> int:
    """The primary key of a ``LegacyRecord`` read as a dict (``Importer.records``)."""
    pk = record["pk"]
    assert isinstance(pk, int)
    return pk
