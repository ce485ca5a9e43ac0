"""Moving data from the legacy SQLite database in (``manage.py import_legacy_sqlite``)."""
