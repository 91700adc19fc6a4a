"""Commune scoping in one place: every selector narrows its queryset through here."""

from __future__ import annotations

from django.db.models import QuerySet

from registry.exceptions import NotFound
from registry.roles import ALL_COMMUNE_ROLES


def sees_all_communes(user) -> bool:
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_registry_sees_all", None)
    if cached is None:
        cached = user.groups.filter(name__in=ALL_COMMUNE_ROLES).exists()
        user._registry_sees_all = cached  # one query per request, not per selector call
    return cached


def user_commune_codes(user) -> set[str] | None:
    """The commune codes a user works on, or None when they see every commune."""
    if sees_all_communes(user):
        return None
    if not user or not user.is_authenticated:
        return set()
    cached = getattr(user, "_registry_commune_codes", None)
    if cached is None:
        cached = set(user.communes.values_list("code", flat=True))
        user._registry_commune_codes = cached
    return cached


def scope_to_user(queryset: QuerySet, user, *, commune_field: str = "commune") -> QuerySet:
    codes = user_commune_codes(user)
    if codes is None:
        return queryset
    return queryset.filter(**{f"{commune_field}__in": codes})


def ensure_commune_access(user, commune_code: str) -> None:
    """Raise 404 (never 403: existence is not revealed) when the commune is not the user's."""
    codes = user_commune_codes(user)
    if codes is not None and commune_code not in codes:
        raise NotFound()
