"""No double booking, enforced by PostgreSQL: two live (pending or confirmed) appointments of one
barber never share a minute of blocked time. An exclusion constraint over barber (equality, through
btree_gist) and the range [start, blocked_until) (overlap).

SQLite has no exclusion constraints; there the booking transaction's own check is the rule, safe
because SQLite runs one write transaction at a time (bookings/services/appointments.py). The
constraint lives only in the database, not in the model's Meta, so Django never tries to build or
validate it on SQLite.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_appointment ADD CONSTRAINT appointment_no_overlap
    EXCLUDE USING gist (barber_id WITH =, tstzrange(start, blocked_until, '[)') WITH &&)
    WHERE (status IN ('pending', 'confirmed'));
"""
DROP = "ALTER TABLE bookings_appointment DROP CONSTRAINT IF EXISTS appointment_no_overlap;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
