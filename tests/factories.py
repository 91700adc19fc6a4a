"""Test data builders. Personal values are generated, never committed."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from registry.roles import sync_roles


def make_user(username: str, role: str | None, communes: list[str] = (), **extra):
    sync_roles()
    user = get_user_model().objects.create_user(username=username, password="Mk-test-2026!", **extra)
    if role:
        user.groups.add(Group.objects.get(name=role))
    user.communes.set(communes)
    return user
