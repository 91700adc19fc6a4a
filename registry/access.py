"""Commune scoping in one place: every selector narrows its queryset through here.

What a request's user may do and where (their permissions, whether they see every commune, their
communes) is read once per request, in one query (`access_load`), and kept on the user object the
request authenticated: the permission check, the selectors and the services then ask no more.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Concat

from registry.exceptions import NotFound
from registry.roles import ALL_COMMUNE_ROLES

_PERMISSION, _ALL_COMMUNES, _COMMUNE = "p", "a", "c"


def access_load(user) -> None:
    """Read the user's permissions, all-commune role and communes in one query, and cache them
    on `user` for this request (ModelBackend's own `_perm_cache` for the permissions, so
    `has_perm` answers exactly as after its own two queries)."""
    if not user or not user.is_authenticated or hasattr(user, "_registry_commune_codes"):
        return
    sql, params = _access_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk if p == _ANY_USER else p for p in params])
        rows = cursor.fetchall()
    found: dict[str, set[str]] = {_PERMISSION: set(), _ALL_COMMUNES: set(), _COMMUNE: set()}
    for tag, value in rows:
        found[tag].add(value)
    if user.is_active and not hasattr(user, "_perm_cache"):
        user._perm_cache = found[_PERMISSION]
    user._registry_sees_all = bool(found[_ALL_COMMUNES])
    user._registry_commune_codes = found[_COMMUNE]


# The query is the same for every user but its id; building it through the ORM costs more CPU
# than running it, so it is compiled once per process (for the database in use) with a
# placeholder id, replaced at each call.
_ANY_USER = -424_242_424


@cache
def _access_sql(vendor: str) -> tuple[str, tuple]:
    user_model = get_user_model()
    text = CharField()

    def tagged(queryset, tag: str, value):
        return queryset.order_by().values_list(Value(tag, output_field=text), value)

    name = Concat("content_type__app_label", Value("."), "codename", output_field=text)
    rows = tagged(Permission.objects.filter(user=_ANY_USER), _PERMISSION, name).union(
        tagged(Permission.objects.filter(group__user=_ANY_USER), _PERMISSION, name),
        tagged(
            Group.objects.filter(user=_ANY_USER, name__in=sorted(ALL_COMMUNE_ROLES)),
            _ALL_COMMUNES,
            "name",
        ),
        tagged(user_model.communes.through.objects.filter(user=_ANY_USER), _COMMUNE, "commune_id"),
    )
    sql, params = rows.query.sql_with_params()
    return sql, tuple(params)


def sees_all_communes(user) -> bool:
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    access_load(user)
    return user._registry_sees_all


def user_commune_codes(user) -> set[str] | None:
    """The commune codes a user works on, or None when they see every commune."""
    if sees_all_communes(user):
        return None
    if not user or not user.is_authenticated:
        return set()
    return user._registry_commune_codes


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
