"""Writes to households and their yearly poverty assessments."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from beneficiaries import builders, poverty
from beneficiaries.identifiers import household_codes_issue
from beneficiaries.models import Deprivation, Household, PovertyAssessment, Relation
from beneficiaries.services.common import invalid, locked
from registry.access import ensure_commune_access
from registry.audit import AuditAction, audit_record
from registry.exceptions import Conflict
from registry.models import Commune, User


def household_register(
    *, actor: User, commune_code: str, area: str, village: str = "", address: str | None = None
) -> Household:
    if not Commune.objects.filter(code=commune_code).exists():
        raise invalid("commune_code", _("Mã xã không tồn tại."), "invalid_commune")
    ensure_commune_access(actor, commune_code)
    values = builders.household_clean({"village": village, "address": address, "area": area})
    builders.raise_first(builders.household_problems(values))
    with transaction.atomic(durable=True):
        household = builders.household_build(
            code=household_codes_issue(commune_code)[0], commune_code=commune_code, values=values
        )
        household.full_clean()
        household.save()
        audit_record(
            actor=actor,
            action=AuditAction.HOUSEHOLD_REGISTERED,
            obj=household,
            commune_code=commune_code,
        )
    return household


def household_update(*, actor: User, household_id: int, changes: dict) -> Household:
    with transaction.atomic(durable=True):
        household = locked(Household, household_id, actor)
        values = builders.household_clean(changes)
        builders.raise_first(builders.household_problems(values))
        changed = [key for key, value in values.items() if getattr(household, key) != value]
        for key in changed:
            setattr(household, key, values[key])
        if "head_person_id" in changes:
            head_id = changes["head_person_id"]
            if head_id is not None and not household.members.filter(pk=head_id).exists():
                raise invalid(
                    "head_person_id",
                    _("Chủ hộ phải là thành viên của hộ."),
                    "head_not_member",
                )
            if household.head_id != head_id:
                household.head_id = head_id
                changed.append("head")
                if head_id is not None:
                    household.members.filter(pk=head_id).update(relation_to_head=Relation.HEAD)
        household.full_clean()
        household.save()
        audit_record(
            actor=actor,
            action=AuditAction.HOUSEHOLD_UPDATED,
            obj=household,
            data={"fields": changed},
        )
    return household


def poverty_assessment_record(
    *,
    actor: User,
    household_id: int,
    year: int,
    income_per_capita: Decimal,
    deprivations: list[str],
) -> PovertyAssessment:
    with transaction.atomic(durable=True):
        household = locked(
            Household, household_id, actor, permission="beneficiaries.add_povertyassessment"
        )
        classification, threshold = poverty.assess(
            year=year,
            area=household.area,
            income_per_capita=income_per_capita,
            deprivations=deprivations,
        )
        if PovertyAssessment.objects.filter(household=household, year=year).exists():
            raise Conflict(
                _("Hộ này đã có kết quả rà soát cho năm này."),
                code="assessment_exists",
                fields={"year": [_("Hộ này đã có kết quả rà soát cho năm này.")]},
            )
        assessment = PovertyAssessment(
            household=household,
            year=year,
            income_per_capita=income_per_capita,
            classification=classification,
            threshold=threshold,
            created_by=actor,
            **{f"lacks_{code}": code in deprivations for code in Deprivation.values},
        )
        assessment.save()
        audit_record(
            actor=actor,
            action=AuditAction.POVERTY_ASSESSMENT_RECORDED,
            obj=assessment,
            commune_code=household.commune_id,
            data={"household_id": household.pk, "year": year},
        )
    return assessment
