"""Legacy password hashes on their way in, and what a ``users`` record keeps of them.

Nothing written holds a fast hash of a password. A legacy SHA-256 digest goes in wrapped in PBKDF2
(``sixfb.hashers``), as the user's password and, the same value, as the record's note of which
legacy hash it came from (a later run compares against it to notice a password changed in the old
system). The record's checksum over the legacy rows, which contain the digest, is keyed with
``SECRET_KEY``. Migrations ``sixfb.0005`` and ``0006`` bring earlier imports to the same state.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils.crypto import salted_hmac

from legacy.parsers import checksum
from sixfb.hashers import LegacySHA256PBKDF2PasswordHasher, legacy_sha256_hasher

# The note for a legacy hash nobody can log in with (a placeholder, empty, truncated): what it was
# is of no use, and a truncated digest is still a digest.
UNUSABLE = "unusable"
# Migration sixfb.0006 uses the same. It names the module's old home; changing it would make every
# stored users checksum look changed (and re-import those rows).
CHECKSUM_KEY_SALT = "sixfb.legacy.users.checksum"

LegacyHash = tuple[str, str] | None  # parsers.legacy_password: ("sha256", hex), ("bcrypt", hash) or None


def row_checksums(rows: list[dict[str, object]]) -> tuple[str, set[str]]:
    """A person's legacy rows as a record checksum, keyed so that it reveals nothing of the digest
    inside them; and every checksum that counts as the same (made with SECRET_KEY_FALLBACKS too)."""
    plain = checksum({"rows": rows})
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    keyed = [salted_hmac(CHECKSUM_KEY_SALT, plain, secret=key, algorithm="sha256").hexdigest() for key in keys]
    return keyed[0], set(keyed)


class Passwords:
    """Encoding and comparing legacy hashes. A dry run skips the slow part (PBKDF2, about half a
    second a password): it is rolled back, and wrapping a well-formed digest cannot fail."""

    def __init__(self, *, dry_run: bool) -> None:
        self.dry_run = dry_run

    def encode(self, legacy: LegacyHash) -> str:
        """The user's password for this legacy hash."""
        if legacy is None:
            return make_password(None)
        kind, text = legacy
        if kind == "bcrypt":
            return f"bcrypt${text}"
        if self.dry_run:
            return make_password(None)
        return legacy_sha256_hasher().encode_digest(text)

    @staticmethod
    def note(legacy: LegacyHash, encoded: str, source_hash: object) -> object:
        """What the record keeps of the legacy hash: the wrapped digest (``encoded``), a bcrypt hash as
        it was (already slow), ``UNUSABLE``, or None when the row had none."""
        if source_hash is None:
            return None
        if legacy is None:
            return UNUSABLE
        kind, text = legacy
        return encoded if kind == "sha256" else text

    def same(self, note: object, legacy: LegacyHash, source_hash: object) -> bool:
        """Whether an earlier run's note stands for this legacy hash (PBKDF2 again for a digest)."""
        if source_hash is None:
            return note is None
        if legacy is None:
            return note == UNUSABLE
        kind, text = legacy
        if kind == "bcrypt":
            return isinstance(note, str) and note.strip() == text
        if self.dry_run or note == text:  # the digest itself: a note from before migration sixfb.0005
            return True
        prefix = LegacySHA256PBKDF2PasswordHasher.algorithm + "$"
        return isinstance(note, str) and note.startswith(prefix) and legacy_sha256_hasher().verify_digest(text, note)
