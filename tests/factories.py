"""Test data builders. Personal values are generated, never committed."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from registry.roles import sync_roles


def make_user(username: str, role: str | None, communes: list[str] = (), **extra):
    sync_roles()
    user = get_user_model().objects.create_user(
        username=username, password="Mk-test-2026!", **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    user.communes.set(communes)
    return user


def make_household(commune_code: str = "18859", *, area: str = "rural", address: str = "Thôn 1"):
    from beneficiaries.identifiers import household_codes_issue
    from beneficiaries.models import Household

    return Household.objects.create(
        code=household_codes_issue(commune_code)[0],
        commune_id=commune_code,
        village="Thôn Đông",
        address=address,
        area=area,
    )


def make_person(
    household=None,
    *,
    full_name: str = "Nguyễn Văn Hùng",
    sex: str = "male",
    date_of_birth=None,
    national_id: str | None = None,
    relation_to_head: str = "head",
    **extra,
):
    """A person saved straight to the database (bypassing services) for tests of other layers."""
    from datetime import date

    from beneficiaries.identifiers import ss_codes_issue
    from beneficiaries.models import Person

    household = household or make_household()
    return Person.objects.create(
        ss_code=ss_codes_issue(household.commune.province_id)[0],
        household=household,
        commune_id=household.commune_id,
        full_name=full_name,
        sex=sex,
        date_of_birth=date_of_birth or date(1960, 5, 17),
        national_id=national_id,
        relation_to_head=relation_to_head,
        **extra,
    )
