"""Settings for the test suite: the development settings with a fast password hasher, and jobs
run at once in the process that starts them (tests of the worker start real db_worker processes
on the development settings).

Hashing a password the production way (PBKDF2, a million rounds) costs about half a second;
the suite creates hundreds of users. Nothing else differs from development.
"""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The public verification endpoints are throttled per client address, and every test client is
# 127.0.0.1: tests that check throttling lower it themselves (certificates/apis/verify.py).
REGISTRY_VERIFY_THROTTLE = "100000/min"

# audit: lock-out and the second factor are off for the suite (tests of their own turn them on);
# hundreds of tests log in, some with wrong passwords on purpose.
AXES_ENABLED = False
REGISTRY_OTP_REQUIRED_ROLES: list[str] = []
