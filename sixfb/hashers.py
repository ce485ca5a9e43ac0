"""Password hashers for users imported from the legacy system (``import_legacy_sqlite``).

The legacy back end stored ``sha256(password + "6fb-salt")`` as 64 hex characters. The importer keeps
those as ``legacy_sha256$$<hex>``; this hasher verifies them, and because it is not the first entry
in ``PASSWORD_HASHERS`` Django re-hashes the password with the default hasher on the first successful
login. Legacy bcrypt hashes are stored as ``bcrypt$<hash>`` and verified by Django's own
``BCryptPasswordHasher``.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_noop as _

LEGACY_SUFFIX = "6fb-salt"


def legacy_sha256_hex(password: str) -> str:
    return hashlib.sha256((password + LEGACY_SUFFIX).encode()).hexdigest()


class LegacySHA256PasswordHasher(BasePasswordHasher):
    """Verifies the old system's unsalted SHA-256 digests; never used to hash new passwords."""

    algorithm = "legacy_sha256"

    def salt(self) -> str:
        return ""

    def encode(self, password: str, salt: str) -> str:
        return f"{self.algorithm}${salt}${legacy_sha256_hex(password)}"

    def decode(self, encoded: str) -> dict[str, str]:
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        digest = self.decode(encoded)["hash"]
        return constant_time_compare(legacy_sha256_hex(password), digest)

    def safe_summary(self, encoded: str) -> dict[str, str]:
        decoded = self.decode(encoded)
        return {_("algorithm"): decoded["algorithm"], _("hash"): mask_hash(decoded["hash"])}

    def must_update(self, encoded: str) -> bool:
        return True

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass
