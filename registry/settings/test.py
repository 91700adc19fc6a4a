"""Settings for the test suite: the development settings with a fast password hasher.

Hashing a password the production way (PBKDF2, a million rounds) costs about half a second;
the suite creates hundreds of users. Nothing else differs from development.
"""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
