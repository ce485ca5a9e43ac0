"""Drop waffle's own flag tables: we use ``sixfb.Flag`` (WAFFLE_FLAG_MODEL).

waffle's 0001 migration creates ``waffle_flag`` and its many-to-many tables even when the
flag model is swapped (django-waffle issue #317). Nothing reads them, but their foreign keys
to ``auth_group`` and the user table make PostgreSQL refuse ``TRUNCATE`` (``manage.py flush``
and transactional tests). Runs after waffle's last migration so those migrations still apply.
"""

from django.db import migrations

UNUSED_TABLES = ["waffle_flag_users", "waffle_flag_groups", "waffle_flag"]


def drop_tables(apps, schema_editor):
    existing = set(schema_editor.connection.introspection.table_names())
    for table in UNUSED_TABLES:
        if table in existing:
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [
        ("sixfb", "0001_initial"),
        ("waffle", "0004_update_everyone_nullbooleanfield"),
    ]

    operations = [migrations.RunPython(drop_tables, migrations.RunPython.noop, elidable=False)]
