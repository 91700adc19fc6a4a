"""Writes to persons: registration, updates, death and moves."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries import entitlements
from beneficiaries.identifiers import ss_codes_issue, validate_national_id
from beneficiaries.models import (
    OPEN_CASE_STATUSES,
    Case,
    Household,
    Person,
    Programme,
    Relation,
    VitalStatus,
)
from beneficiaries.services.cases import cases_close_open
from beneficiaries.services.common import invalid, locked, nfc
from registry.audit import AuditAction, audit_record
from registry.counters import Counter
from registry.exceptions import Conflict, InvalidTransition
from registry.fields import blind_index_field
from registry.models import User

PERSON_FIELDS = (
    "national_id", "full_name", "sex", "date_of_birth", "ethnicity", "relation_to_head",
    "phone", "street_address", "hiv_status", "custody_status", "vital_status",
)  # fmt: skip


def national_id_buckets_lock(national_ids: list[str]) -> None:
    """Row-lock one counter per blind-index bucket of these numbers.

    Serialises registrations (one by one or imported) of numbers sharing a bucket, so two clerks
    cannot register the same person at the same moment: the index is truncated, so it cannot be
    a unique constraint.
    """
    index = blind_index_field(Person, "national_id")
    scopes = sorted({f"nid:{index.compute(national_id)}" for national_id in national_ids})
    Counter.objects.bulk_create(
        [Counter(scope=scope) for scope in scopes], ignore_conflicts=True, batch_size=300
    )
    for start in range(0, len(scopes), 500):
        chunk = scopes[start : start + 500]
        list(
            Counter.objects.select_for_update()
            .filter(scope__in=chunk)
            .order_by("scope")
            .values_list("scope", flat=True)
        )


def persons_with_national_id(national_id: str, *, exclude_pk: int | None = None) -> list[Person]:
    """Exact matches by national ID: blind-index candidates, then decrypted comparison."""
    candidates = blind_index_field(Person, "national_id").candidates(national_id)
    if not candidates:
        return []
    matches = Person.objects.filter(national_id_index__in=candidates)
    if exclude_pk is not None:
        matches = matches.exclude(pk=exclude_pk)
    return [p for p in matches if p.national_id == national_id]


def _check_person_facts(values: dict, *, exclude_pk: int | None = None) -> None:
    if values.get("national_id"):
        validate_national_id(
            values["national_id"], sex=values["sex"], date_of_birth=values["date_of_birth"]
        )
        national_id_buckets_lock([values["national_id"]])
        if persons_with_national_id(values["national_id"], exclude_pk=exclude_pk):
            message = _("Số định danh cá nhân này đã được đăng ký cho người khác.")
            raise Conflict(message, code="duplicate_national_id", fields={"national_id": [message]})
    if values["date_of_birth"] > timezone.localdate():
        raise invalid("date_of_birth", _("Ngày sinh không được ở tương lai."))
    if not (values.get("full_name") or "").strip():
        raise invalid("full_name", _("Họ và tên không được để trống."), "required")


def person_register(*, actor: User, household_id: int, **values) -> Person:
    values = {key: nfc(value) for key, value in values.items()}
    values.setdefault("vital_status", VitalStatus.ALIVE)
    if values["vital_status"] == VitalStatus.DECEASED:
        raise invalid(
            "vital_status",
            _("Ghi nhận người mất bằng thao tác riêng (death)."),
            "use_death_action",
        )
    with transaction.atomic(durable=True):
        household = locked(Household, household_id, actor)
        _check_person_facts(values)
        if values["relation_to_head"] == Relation.HEAD and household.head_id is not None:
            raise Conflict(
                _("Hộ này đã có chủ hộ."),
                code="household_has_head",
                fields={"relation_to_head": [_("Hộ này đã có chủ hộ.")]},
            )
        person = Person(
            ss_code=ss_codes_issue(household.commune.province_id)[0],
            household=household,
            commune_id=household.commune_id,
            **{key: values.get(key) for key in PERSON_FIELDS},
        )
        person.full_clean(exclude=["national_id_index", "full_name_index", "phone_index"])
        person.save()
        if person.relation_to_head == Relation.HEAD:
            household.head = person
            household.save(update_fields=["head", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.PERSON_REGISTERED,
            obj=person,
            commune_code=person.commune_id,
            data={"household_id": household.pk},
        )
    return person


def person_update(*, actor: User, person_id: int, changes: dict) -> Person:
    changes = {key: nfc(value) for key, value in changes.items() if key in PERSON_FIELDS}
    with transaction.atomic(durable=True):
        person = locked(Person, person_id, actor)
        if changes.get("vital_status") == VitalStatus.DECEASED:
            raise invalid(
                "vital_status",
                _("Ghi nhận người mất bằng thao tác riêng (death)."),
                "use_death_action",
            )
        if person.vital_status == VitalStatus.DECEASED and "vital_status" in changes:
            raise InvalidTransition(_("Người này đã được ghi nhận là đã mất."))
        changed = [key for key, value in changes.items() if getattr(person, key) != value]
        for key in changed:
            setattr(person, key, changes[key])
        if {"national_id", "sex", "date_of_birth", "full_name"} & set(changed):
            facts = {key: getattr(person, key) for key in PERSON_FIELDS}
            if "national_id" not in changed:
                facts["national_id"] = None  # unchanged number: only re-check agreement below
            _check_person_facts(facts, exclude_pk=person.pk)
            if person.national_id and "national_id" not in changed:
                validate_national_id(
                    person.national_id, sex=person.sex, date_of_birth=person.date_of_birth
                )
        if changes.get("relation_to_head") == Relation.HEAD and "relation_to_head" in changed:
            head_id = person.household.head_id
            if head_id not in (None, person.pk):
                raise Conflict(_("Hộ này đã có chủ hộ."), code="household_has_head")
            Household.objects.filter(pk=person.household_id).update(head=person)
        person.full_clean(exclude=["national_id_index", "full_name_index", "phone_index"])
        person.save()
        audit_record(
            actor=actor,
            action=AuditAction.PERSON_UPDATED,
            obj=person,
            commune_code=person.commune_id,
            data={"fields": changed},
        )
    return person


def person_record_death(*, actor: User, person_id: int, date_of_death: date) -> Person:
    """Record a death; every open case stops from the month after the month of death."""
    with transaction.atomic(durable=True):
        person = locked(Person, person_id, actor)
        if person.vital_status == VitalStatus.DECEASED:
            raise InvalidTransition(
                _("Người này đã được ghi nhận là đã mất."), code="already_deceased"
            )
        if date_of_death > timezone.localdate() or date_of_death < person.date_of_birth:
            raise invalid("date_of_death", _("Ngày mất phải sau ngày sinh và không ở tương lai."))
        person.vital_status = VitalStatus.DECEASED
        person.date_of_death = date_of_death
        person.save(update_fields=["vital_status", "date_of_death", "updated_at"])
        last_month = entitlements.stop_month_after_death(date_of_death)
        stopped = cases_close_open(
            person, last_month=last_month, reason=str(_("Đối tượng đã mất.")), actor=actor
        )
        audit_record(
            actor=actor,
            action=AuditAction.PERSON_DEATH_RECORDED,
            obj=person,
            commune_code=person.commune_id,
            data={"stopped_case_ids": stopped, "last_paid_month": last_month.isoformat()},
        )
    return person


def person_move(
    *, actor: User, person_id: int, household_id: int, relation_to_head: str = Relation.OTHER
) -> Person:
    """Move a person to another household.

    Within the commune only the household changes. To another commune the open cases stop at
    the old place at the end of this month and start again as drafts at the new place from the
    next month, so two entitlements are never active at once (Decree 20/2021 Art. 10).
    """
    with transaction.atomic(durable=True):
        person = locked(Person, person_id, actor)
        target = locked(Household, household_id, actor)
        if target.pk == person.household_id:
            raise invalid("household_id", _("Người này đã ở trong hộ này."), "same_household")
        if person.vital_status == VitalStatus.DECEASED:
            raise InvalidTransition(_("Không thể chuyển người đã mất."), code="person_deceased")
        if relation_to_head == Relation.HEAD and target.head_id is not None:
            raise Conflict(_("Hộ này đã có chủ hộ."), code="household_has_head")
        old_household = person.household
        old_commune = person.commune_id
        if old_household.head_id == person.pk:
            old_household.head = None
            old_household.save(update_fields=["head", "updated_at"])
        person.household = target
        person.relation_to_head = relation_to_head
        person.commune_id = target.commune_id
        person.save(update_fields=["household", "relation_to_head", "commune", "updated_at"])
        if relation_to_head == Relation.HEAD:
            target.head = person
            target.save(update_fields=["head", "updated_at"])
        reopened = []
        if target.commune_id != old_commune:
            this_month = entitlements.month_start(timezone.localdate())
            open_cases = list(
                Case.objects.filter(person=person, status__in=OPEN_CASE_STATUSES).order_by("pk")
            )
            cases_close_open(
                person,
                last_month=this_month,
                reason=str(_("Chuyển đến xã khác.")),
                actor=actor,
            )
            for old in open_cases:
                new = Case.objects.create(
                    person=person,
                    commune_id=target.commune_id,
                    programme=old.programme,
                    category=old.category,
                    additional_category=old.additional_category,
                    children_count=old.children_count,
                    disability_level=old.disability_level,
                    monthly_amount=old.monthly_amount
                    if old.programme == Programme.MERITORIOUS
                    else None,
                    requested_start_month=entitlements.add_months(this_month, 1),
                    transferred_from=old,
                    created_by=actor,
                )
                reopened.append(new.pk)
                audit_record(
                    actor=actor, action=AuditAction.CASE_CREATED, obj=new, commune_code=new.commune_id,
                    data={"moved_from_case_id": old.pk},
                )  # fmt: skip
        audit_record(
            actor=actor,
            action=AuditAction.PERSON_MOVED,
            obj=person,
            commune_code=person.commune_id,
            data={
                "from_household_id": old_household.pk,
                "to_household_id": target.pk,
                "from_commune": old_commune,
                "new_case_ids": reopened,
            },
        )
    return person
