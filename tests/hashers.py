"""Fast stand-ins for the suite's password hashers (as Django's MD5 stands in for PBKDF2)."""

from __future__ import annotations

from sixfb.hashers import LegacySHA256PBKDF2PasswordHasher


class FastLegacySHA256PBKDF2PasswordHasher(LegacySHA256PBKDF2PasswordHasher):
    """The real legacy wrapper, every line of it, with few PBKDF2 iterations (the default costs
    about half a second a password, and the legacy tests import dozens)."""

    iterations = 1000
