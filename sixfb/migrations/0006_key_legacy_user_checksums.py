"""Key the checksums of the users records with SECRET_KEY, as the importer now writes them
(``legacy.passwords.row_checksums``). A checksum is a SHA-256 of the person's legacy rows,
password digest included, so unkeyed it could be brute-forced much like the digest itself. The
importer now stores HMAC(SECRET_KEY, that same SHA-256), so each stored value is keyed in place and
the next run still finds unchanged rows unchanged. Atomic and a migration of its own, because keying
a value twice would break that. Not reversible.
"""

from django.db import migrations
from django.utils.crypto import salted_hmac

CHECKSUM_KEY_SALT = "sixfb.legacy.users.checksum"  # legacy.passwords.CHECKSUM_KEY_SALT (the old module path)


def key_checksums(apps, schema_editor):
    LegacyRecord = apps.get_model("sixfb", "LegacyRecord")
    keyed = [
        LegacyRecord(pk=pk, checksum=salted_hmac(CHECKSUM_KEY_SALT, value, algorithm="sha256").hexdigest())
        for pk, value in LegacyRecord.objects.filter(source_table="users").values_list("pk", "checksum").iterator()
    ]
    LegacyRecord.objects.bulk_update(keyed, ["checksum"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("sixfb", "0005_wrap_legacy_sha256_passwords"),
    ]

    operations = [
        migrations.RunPython(key_checksums, elidable=True),
    ]
