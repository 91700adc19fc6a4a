"""Erasure by anonymisation (Law 91/2025 on personal data protection, the right to erasure).

The person's row, cases and every payment record stay, so that counts and totals stay whole;
what identifies the individual is replaced: the encrypted personal fields are emptied (the name
becomes a placeholder), the blind indexes are cleared, the date of birth keeps its year only.
Apps above beneficiaries erase their own data about the person through the hooks listed in
``REGISTRY_PERSON_ERASURE_HOOKS`` (payments deletes the payment account and blanks the account
snapshot of its lines); beneficiaries never imports them.

Beyond the person's row (auditgaps): the social-security code is retired and replaced by a
random tombstone (`ss_code_tombstone`; docs/security.md says why), the free-text reasons written
on the person's cases, suspensions, adjustments and one-offs are emptied (they may name the
person), and so is the household's address when nobody else (not erased) lives there.

Refused while the person has an open case: an open case still needs who the person is.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.identifiers import ss_code_check_digits
from beneficiaries.models import (
    OPEN_CASE_STATUSES,
    Case,
    CaseAdjustment,
    CaseSuspension,
    Household,
    OneOffEntitlement,
    Person,
)
from beneficiaries.services.common import locked, reason_required
from registry.audit import AuditAction, audit_record
from registry.exceptions import Conflict
from registry.fields import blind_index_fields
from registry.listed import listed_functions
from registry.models import User

ERASE_PERMISSION = "beneficiaries.erase_person"
# The name left in place of an erased person's (not personal data; the same for everyone).
ERASED_NAME = "[đã ẩn danh]"
# The encrypted personal fields of a person emptied by an erasure.
ERASED_FIELDS = (
    "national_id",
    "phone",
    "street_address",
    "ethnicity",
    "hiv_status",
    "custody_status",
)
# Which apps may list an erasure hook: (kind, "dotted.path") in the settings.
ERASURE_HOOK_KINDS = ("payments",)


def erasure_hooks() -> list[tuple[str, Callable]]:
    """REGISTRY_PERSON_ERASURE_HOOKS as (kind, function(person) → erased field names)."""
    return listed_functions("REGISTRY_PERSON_ERASURE_HOOKS", kinds=ERASURE_HOOK_KINDS)


# Tombstone codes carry province "00", which no province has: never equal to an issued code.
TOMBSTONE_PROVINCE = "00"


def ss_code_tombstone() -> str:
    """A random code in the place of a retired one: the right length and check digits (lists and
    exports that check codes still accept it), derived from nothing, issued to nobody."""
    while True:
        body = TOMBSTONE_PROVINCE + f"{secrets.randbelow(10**10):010d}"
        code = body + ss_code_check_digits(body)
        if not Person.objects.filter(ss_code=code).exists():
            return code


def _erase_free_text(person: Person) -> list[str]:
    """Empty the reasons written on the person's cases and decisions; the names of what was."""
    cases = Case.objects.filter(person=person)
    one_offs = OneOffEntitlement.objects.filter(
        models.Q(deceased=person) | models.Q(payee_person=person)
    )
    erased = []
    for name, queryset, field in (
        ("case.status_reason", cases, "status_reason"),
        ("casesuspension.reason", CaseSuspension.objects.filter(case__in=cases), "reason"),
        ("caseadjustment.reason", CaseAdjustment.objects.filter(case__in=cases), "reason"),
        ("oneoffentitlement.status_reason", one_offs, "status_reason"),
    ):
        if queryset.filter(**{f"{field}__isnull": False}).update(**{field: None}):
            erased.append(name)
    return erased


def _erase_household_address(person: Person) -> list[str]:
    """The household's address and village, when the person was its only member not erased."""
    others = Person.objects.filter(household_id=person.household_id, erased_at__isnull=True)
    if others.exclude(pk=person.pk).exists():
        return []
    Household.objects.filter(pk=person.household_id).update(address=None, village="")
    return ["household.address", "household.village"]


def person_is_erased(person: Person) -> bool:
    return person.erased_at is not None


def person_erase(*, actor: User, person_id: int | str, reason: str | None) -> Person:
    """Anonymise a person; audited as PERSON_ERASED with the erased field names only."""
    reason = reason_required(reason)
    with transaction.atomic(durable=True):
        person = locked(Person, person_id, actor, permission=ERASE_PERMISSION)
        if person.erased_at is not None:
            raise Conflict(_("Dữ liệu cá nhân của người này đã được xoá."), code="already_erased")
        if Case.objects.filter(person=person, status__in=OPEN_CASE_STATUSES).exists():
            raise Conflict(
                _(
                    "Người này còn hồ sơ đang mở (nháp, đã trình, đang hưởng hoặc tạm dừng): "
                    "dừng hưởng hoặc từ chối hồ sơ trước khi xoá dữ liệu cá nhân."
                ),
                code="open_case",
            )
        erased = ["full_name", *ERASED_FIELDS, "date_of_birth", "ss_code"]
        person.ss_code = ss_code_tombstone()
        person.full_name = ERASED_NAME
        for name in ERASED_FIELDS:
            setattr(person, name, None)
        person.date_of_birth = date(person.date_of_birth.year, 1, 1)
        person.erased_at = timezone.now()
        person.erasure_reason = reason
        person.save(update_fields=[*erased, "erased_at", "erasure_reason"])
        indexes = [field.attname for field in blind_index_fields(Person)]
        # The placeholder name's index would be the same for everyone: none at all is clearer.
        Person.objects.filter(pk=person.pk).update(**dict.fromkeys(indexes, None))
        payee_names = OneOffEntitlement.objects.filter(payee_person=person).update(payee_name=None)
        if payee_names:
            erased.append("oneoffentitlement.payee_name")
        erased.extend(_erase_free_text(person))
        erased.extend(_erase_household_address(person))
        for kind, hook in erasure_hooks():
            erased.extend(f"{kind}.{name}" for name in hook(person))
        audit_record(
            actor=actor,
            action=AuditAction.PERSON_ERASED,
            obj=person,
            data={"fields": erased, "cleared_indexes": indexes},
        )
    person.refresh_from_db()
    return person
