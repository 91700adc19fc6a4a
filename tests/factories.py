"""Test data builders (factory_boy). Personal values are generated, never committed.

- `UserFactory(role="approver", communes=["18859"])` — a staff user in a role's group.
- `HouseholdFactory(commune_id="18859")`, `PersonFactory(household=..., sex="female", ...)` —
  rows written straight through the models (bypassing services), for tests of other layers; a
  person gets a personal ID number that agrees with their sex and birth year.
- `CaseFactory(person=...)` is a draft; `CaseFactory(approved=True, start_month=...)` an approved
  case with a decision.

`make_user`, `make_household` and `make_person` are the short spellings older tests use.
"""

from __future__ import annotations

from datetime import date

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from beneficiaries.identifiers import household_codes_issue, ss_codes_issue
from beneficiaries.models import Case, CaseStatus, Household, Person, Programme
from registry.models import User
from registry.roles import sync_roles

TEST_PASSWORD = "Mk-test-2026!"
DEFAULT_COMMUNE = "18859"
# Personal ID numbers carry the pre-2025 province of birth registration: 045 is Quảng Trị.
BIRTH_PLACE = "045"


def national_id_for(sex: str, date_of_birth: date, serial: int) -> str:
    """A personal ID number that agrees with sex and birth year (domain.md §1)."""
    century_digit = (date_of_birth.year // 100 - 19) * 2 + (1 if sex == "female" else 0)
    return f"{BIRTH_PLACE}{century_digit}{date_of_birth.year % 100:02d}{serial % 1_000_000:06d}"


class UserFactory(DjangoModelFactory):
    """A staff user; `role` names a group (registry.roles), `communes` the assigned codes."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")

    @classmethod
    def _create(cls, model_class, *args, role=None, communes=(), password=TEST_PASSWORD, **kwargs):
        user = model_class.objects.create_user(*args, password=password, **kwargs)
        if role:
            sync_roles()
            user.groups.add(Group.objects.get(name=role))
        user.communes.set(communes)
        return user


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    commune_id = DEFAULT_COMMUNE
    code = factory.LazyAttribute(lambda o: household_codes_issue(o.commune_id)[0])
    village = "Thôn Đông"
    address = "Thôn 1"
    area = "rural"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    commune_id = factory.SelfAttribute("household.commune_id")
    ss_code = factory.LazyAttribute(lambda o: ss_codes_issue(o.household.commune.province_id)[0])
    full_name = "Nguyễn Văn Hùng"
    sex = "male"
    date_of_birth = date(1960, 5, 17)
    national_id = None
    relation_to_head = "head"


class CaseFactory(DjangoModelFactory):
    """A draft case; `approved=True` gives it a decision (start month defaults to the decision's)."""

    class Meta:
        model = Case

    class Params:
        approved = factory.Trait(
            status=CaseStatus.APPROVED,
            decision_number="01/QĐ-UBND",
            decision_date=date(2025, 1, 10),
            start_month=date(2025, 1, 1),
        )

    person = factory.SubFactory(PersonFactory)
    commune_id = factory.SelfAttribute("person.commune_id")
    programme = Programme.SOCIAL_ASSISTANCE
    category = "5.5c"
    status = CaseStatus.DRAFT


def make_user(username: str, role: str | None, communes: list[str] = (), **extra) -> User:
    return UserFactory(username=username, role=role, communes=list(communes), **extra)


def make_household(
    commune_code: str = DEFAULT_COMMUNE, *, area: str = "rural", address: str = "Thôn 1"
) -> Household:
    return HouseholdFactory(commune_id=commune_code, area=area, address=address)


def make_person(
    household: Household | None = None,
    *,
    full_name: str = "Nguyễn Văn Hùng",
    sex: str = "male",
    date_of_birth: date | None = None,
    national_id: str | None = None,
    relation_to_head: str = "head",
    **extra,
) -> Person:
    """A person saved straight to the database (bypassing services) for tests of other layers."""
    return PersonFactory(
        household=household or HouseholdFactory(),
        full_name=full_name,
        sex=sex,
        date_of_birth=date_of_birth or date(1960, 5, 17),
        national_id=national_id,
        relation_to_head=relation_to_head,
        **extra,
    )
