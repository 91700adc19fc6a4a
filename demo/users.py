"""The demo user of each role and their passwords, generated once into var/."""

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group

from demo.plan import DEMO_COMMUNE_CODES
from registry.models import User
from registry.roles import APPROVER, AUDITOR, PAYMENT_OFFICER, SOCIAL_WORKER, sync_roles

# (username, role, assigned to the demo communes)
DEMO_USERS = (
    ("demo_social_worker", SOCIAL_WORKER, True),
    ("demo_approver", APPROVER, True),
    ("demo_payment_officer", PAYMENT_OFFICER, True),
    # a second officer approves the first one's batches (four eyes)
    ("demo_payment_officer_2", PAYMENT_OFFICER, True),
    ("demo_auditor", AUDITOR, False),  # auditors read every commune
)

# Faker's vi_VN person formats put the given name first and mix in courtesy titles, so a name is
# assembled here in Vietnamese order from Faker's family and given names and a sex-consistent


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    password: str
    communes: tuple[str, ...]


def demo_passwords(path: Path) -> tuple[dict[str, str], bool]:
    """Passwords generated once and kept in var/ (git-ignored, mode 0600); True when new."""
    if path.exists():
        stored = json.loads(path.read_text())
        if all(username in stored for username, _, _ in DEMO_USERS):
            return stored, False
    passwords = {username: secrets.token_urlsafe(9) for username, _, _ in DEMO_USERS}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(passwords, handle, indent=2)
    return passwords, True


def demo_users_ensure(passwords: dict[str, str], reset_passwords: bool) -> dict[str, User]:
    """The demo user of each role, by role; passwords are (re)set only when new."""
    sync_roles()
    users = {}
    for username, role, scoped in DEMO_USERS:
        communes = DEMO_COMMUNE_CODES if scoped else ()
        user, created = User.objects.get_or_create(username=username)
        if created or reset_passwords:
            user.set_password(passwords[username])
            user.save()
        user.groups.set([Group.objects.get(name=role)])
        user.communes.set(communes)
        users[role] = user
    return users


def users_by_name(usernames: list[str]) -> list[User]:
    return list(User.objects.filter(username__in=usernames))
