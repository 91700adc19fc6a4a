"""Writes to persons: registration, updates, death and moves."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries import builders, entitlements, selectors
from beneficiaries.identifiers import ss_codes_issue
from beneficiaries.models import (
    OPEN_CASE_STATUSES,
    Case,
    Household,
    Person,
    Relation,
    VitalStatus,
)
from beneficiaries.services.cases import cases_close_open
from beneficiaries.services.common import invalid, locked
from registry.audit import AuditAction, audit_record
from registry.counters import Counter
from registry.exceptions import Conflict, InvalidTransition
from registry.fields import blind_index_field
from registry.models import User


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


def _refuse_death_by_update(values: dict) -> None:
    if values.get("vital_status") == VitalStatus.DECEASED:
        raise invalid(
            "vital_status",
            _("Ghi nhận người mất bằng thao tác riêng (death)."),
            "use_death_action",
        )


def _refuse_duplicate_national_id(national_id: str | None, *, exclude_pk: int | None) -> None:
    """Under the number's bucket lock, so a concurrent registration of it waits and then fails."""
    if not national_id:
        return
    national_id_buckets_lock([national_id])
    if selectors.persons_with_national_id(national_id, exclude_pk=exclude_pk):
        message = _("Số định danh cá nhân này đã được đăng ký cho người khác.")
        raise Conflict(message, code="duplicate_national_id", fields={"national_id": [message]})


def person_register(*, actor: User, household_id: int, **values) -> Person:
    values = builders.person_clean({"vital_status": VitalStatus.ALIVE, **values})
    _refuse_death_by_update(values)
    builders.raise_first(builders.person_problems(values, today=timezone.localdate()))
    with transaction.atomic(durable=True):
        household = locked(Household, household_id, actor)
        _refuse_duplicate_national_id(values.get("national_id"), exclude_pk=None)
        if values["relation_to_head"] == Relation.HEAD and household.head_id is not None:
            raise Conflict(
                _("Hộ này đã có chủ hộ."),
                code="household_has_head",
                fields={"relation_to_head": [_("Hộ này đã có chủ hộ.")]},
            )
        person = builders.person_build(
            ss_code=ss_codes_issue(household.commune.province_id)[0],
            household=household,
            values=values,
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
            data={"household_id": household.pk},
        )
    return person


def person_update(*, actor: User, person_id: int, changes: dict) -> Person:
    changes = builders.person_clean(changes)
    _refuse_death_by_update(changes)
    with transaction.atomic(durable=True):
        person = locked(Person, person_id, actor)
        if person.vital_status == VitalStatus.DECEASED and "vital_status" in changes:
            raise InvalidTransition(_("Người này đã được ghi nhận là đã mất."))
        changed = [key for key, value in changes.items() if getattr(person, key) != value]
        for key in changed:
            setattr(person, key, changes[key])
        # The whole record is checked again: a new birth year must still agree with the number.
        values = {key: getattr(person, key) for key in builders.PERSON_FIELDS}
        builders.raise_first(builders.person_problems(values, today=timezone.localdate()))
        if "national_id" in changed:
            _refuse_duplicate_national_id(person.national_id, exclude_pk=person.pk)
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
            next_month = entitlements.add_months(this_month, 1)
            for old in open_cases:
                # The terms in force when the new place starts paying, adjustments included.
                terms = entitlements.case_terms_in(old, next_month)
                new = Case.objects.create(
                    person=person,
                    commune_id=target.commune_id,
                    programme=old.programme,
                    category=terms.category,
                    other_categories=list(terms.other_categories),
                    meritorious_grade=terms.meritorious_grade,
                    poor_household=old.poor_household,
                    children_count=terms.children_count,
                    disability_level=terms.disability_level,
                    decided_amount=terms.decided_amount,
                    requested_start_month=next_month,
                    transferred_from=old,
                    created_by=actor,
                )
                reopened.append(new.pk)
                audit_record(
                    actor=actor, action=AuditAction.CASE_CREATED, obj=new, data={"moved_from_case_id": old.pk},
                )  # fmt: skip
        audit_record(
            actor=actor,
            action=AuditAction.PERSON_MOVED,
            obj=person,
            data={
                "from_household_id": old_household.pk,
                "to_household_id": target.pk,
                "from_commune": old_commune,
                "new_case_ids": reopened,
            },
        )
    return person
