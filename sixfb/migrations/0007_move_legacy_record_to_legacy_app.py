"""``LegacyRecord`` moves to the ``legacy`` app (``legacy.0001`` takes it up). Only the migration state
changes: the table ``sixfb_legacyrecord`` and its rows stay where they are, and the model keeps
that table name (``Meta.db_table``) in its new app. Migrations 0003-0006 still see the model here,
as it was when they ran."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sixfb", "0006_key_legacy_user_checksums"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="LegacyRecord")],
            database_operations=[],
        ),
    ]
