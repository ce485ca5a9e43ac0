"""Password hashers for users imported from the legacy system (``import_legacy_sqlite``).

The legacy back end stored ``sha256(password + "6fb-salt")`` as 64 hex characters: one fast,
unsalted hash. The importer stores that digest wrapped in PBKDF2 as
``legacy_sha256_pbkdf2$<iterations>$<salt>$<hash>`` (fewer iterations than the default, see the class),
and checking a password is padded to the default's cost, so it costs what it costs for any other
account (a failed login no longer tells an imported account by its speed) and the database holds
no fast hash. Because the hasher is not first in ``PASSWORD_HASHERS``, Django
re-hashes the password with the default hasher on the first successful login. Legacy bcrypt hashes
are stored as ``bcrypt$<hash>`` and verified by Django's own ``BCryptPasswordHasher``.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import BasePasswordHasher, PBKDF2PasswordHasher, get_hasher, mask_hash
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_noop as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LEGACY_SUFFIX = "6fb-salt"


def legacy_sha256_hex(password: str) -> str:
    return hashlib.sha256((password + LEGACY_SUFFIX).encode()).hexdigest()


class LegacySHA256PBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 over the legacy digest; never used to hash new passwords (it is not the default).

    Wrapping runs once per imported account, and at Django's default iterations (about half a second
    here) a 5,000-account import would take forty minutes: the importer wraps with
    ``import_iterations`` (salted and iterated, no longer a fast hash), and ``verify`` pads every
    check to the default's cost, so a login on an imported account, right or wrong, takes as long as
    on any other. The first successful login re-hashes the password with the default hasher.
    """

    algorithm = "legacy_sha256_pbkdf2"
    import_iterations = 4_000  # bench/legacy_import.py: 5,000 accounts within the 60 s target

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        return self.encode_digest(legacy_sha256_hex(password), salt, iterations)

    def encode_digest(self, digest: str, salt: str | None = None, iterations: int | None = None) -> str:
        """The stored form of a legacy digest (64 hex characters), as the importer writes it."""
        return super().encode(digest, salt or self.salt(), iterations or min(self.import_iterations, self.iterations))

    def verify(self, password: str, encoded: str) -> bool:
        # Django pads a failed check only when the stored hasher is the preferred one; this one never
        # is, so pad here, right or wrong, up to the default's iterations.
        correct = super().verify(password, encoded)
        self.harden_runtime(password, encoded)
        return correct

    def verify_digest(self, digest: str, encoded: str) -> bool:
        """Whether ``encoded`` wraps this legacy digest (a re-import: did the legacy password change?)."""
        decoded = self.decode(encoded)
        salt, iterations = decoded["salt"], decoded["iterations"]
        assert isinstance(salt, str) and isinstance(iterations, int)  # PBKDF2's decode: one dict, mixed values
        return constant_time_compare(encoded, self.encode_digest(digest, salt, iterations))

    def must_update(self, encoded: str) -> bool:
        return True


def legacy_sha256_hasher() -> LegacySHA256PBKDF2PasswordHasher:
    """The configured wrapping hasher (``PASSWORD_HASHERS`` may list a subclass, e.g. in tests)."""
    hasher = get_hasher(LegacySHA256PBKDF2PasswordHasher.algorithm)
    assert isinstance(hasher, LegacySHA256PBKDF2PasswordHasher)
    return hasher


class LegacySHA256PasswordHasher(BasePasswordHasher):
    """Verifies ``legacy_sha256$$<hex>``, the raw digests earlier imports stored, only until migration
    ``sixfb.0005`` has wrapped them all (logins keep working whether the code or the migration goes
    first). Nothing stores this form any more; remove it once every deployment has migrated."""

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

    def safe_summary(self, encoded: str) -> dict[StrOrPromise, str]:
        decoded = self.decode(encoded)
        return {_("algorithm"): decoded["algorithm"], _("hash"): mask_hash(decoded["hash"])}

    def must_update(self, encoded: str) -> bool:
        return True

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass
