"""``LegacyRecord``, moved here from ``sixfb`` (``sixfb.0007`` drops it from that app's state).

State only: the table ``sixfb_legacyrecord`` was made by ``sixfb.0003``/``0004`` and keeps its name,
columns, indexes, constraints and rows; a fresh database gets it the same way. The model's content
type is renamed to this app, so its permissions and admin log entries follow it."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def rename_content_type(apps, schema_editor, *, to, source):
    """Rename the ``legacyrecord`` content type from app ``source`` to app ``to``, unless ``to`` has one
    already (``migrate`` recreates it after going back)."""
    types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=to, model="legacyrecord").exists():
        types.filter(app_label=source, model="legacyrecord").update(app_label=to)


def content_type_to_legacy(apps, schema_editor):
    rename_content_type(apps, schema_editor, to="legacy", source="sixfb")


def content_type_to_sixfb(apps, schema_editor):
    rename_content_type(apps, schema_editor, to="sixfb", source="legacy")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("sixfb", "0007_move_legacy_record_to_legacy_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LegacyRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("source_table", models.CharField(max_length=64)),
                        ("source_id", models.CharField(max_length=64)),
                        (
                            "target_type",
                            models.CharField(blank=True, help_text="app_label.model of what it became.", max_length=64),
                        ),
                        ("target_id", models.CharField(blank=True, max_length=64)),
                        ("archived", models.BooleanField(default=False)),
                        (
                            "payload",
                            models.JSONField(blank=True, help_text="The legacy row as it was (archived rows).", null=True),
                        ),
                        (
                            "normalized",
                            models.JSONField(
                                blank=True,
                                help_text="Clean values of the row's timestamp (ISO-8601 UTC) and money (decimal "
                                "string, cents) columns; unreadable ones are None and listed in _unreadable.",
                                null=True,
                            ),
                        ),
                        ("checksum", models.CharField(max_length=64)),
                        ("imported_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "shop",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="sixfb.shop",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "sixfb_legacyrecord",
                        "ordering": ["source_table", "source_id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("source_table", "source_id"), name="legacy_record_unique_source"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_legacy, content_type_to_sixfb),
    ]
