"""Every write to households, persons, poverty assessments and cases.

Each public function is one durable transaction that locks what it changes, checks the current
state, changes it and writes the audit event: all or nothing. Audit data holds ids and field
names, never personal values.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries import entitlements, poverty
from beneficiaries.identifiers import (
    household_codes_issue,
    ss_codes_issue,
    validate_national_id,
)
from beneficiaries.models import (
    CATEGORIES_BY_PROGRAMME,
    OPEN_CASE_STATUSES,
    Case,
    CaseStatus,
    CaseSuspension,
    Deprivation,
    DisabilityLevel,
    Household,
    Person,
    PovertyAssessment,
    Programme,
    Relation,
    VitalStatus,
)
from registry.access import ensure_commune_access
from registry.audit import AuditAction, audit_record
from registry.counters import Counter
from registry.exceptions import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from registry.fields import blind_index_field
from registry.models import Commune

HOUSEHOLD_FIELDS = ("village", "address", "area")
PERSON_FIELDS = (
    "national_id", "full_name", "sex", "date_of_birth", "ethnicity", "relation_to_head",
    "phone", "street_address", "hiv_status", "custody_status", "vital_status",
)  # fmt: skip


def _nfc(value: str | None) -> str | None:
    # Stored and indexed in composed form so that text round-trips and searches match.
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


def _invalid(field: str, message, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [message]})


# --- Households -------------------------------------------------------------------------------


def household_register(
    *, actor, commune_code: str, area: str, village: str = "", address: str | None = None
) -> Household:
    if not Commune.objects.filter(code=commune_code).exists():
        raise _invalid("commune_code", _("Mã xã không tồn tại."), "invalid_commune")
    ensure_commune_access(actor, commune_code)
    with transaction.atomic(durable=True):
        household = Household(
            code=household_codes_issue(commune_code)[0],
            commune_id=commune_code,
            village=_nfc(village) or "",
            address=_nfc(address),
            area=area,
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


def household_update(*, actor, household_id: int, changes: dict) -> Household:
    with transaction.atomic(durable=True):
        household = _locked(Household, household_id, actor)
        changed = []
        for field in HOUSEHOLD_FIELDS:
            if field in changes and getattr(household, field) != _nfc(changes[field]):
                setattr(household, field, _nfc(changes[field]))
                changed.append(field)
        if "head_person_id" in changes:
            head_id = changes["head_person_id"]
            if head_id is not None and not household.members.filter(pk=head_id).exists():
                raise _invalid(
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
            commune_code=household.commune_id,
            data={"fields": changed},
        )
    return household


def _locked(model, pk: int, actor):
    """Lock one row the actor may touch; 404 when missing or outside the actor's communes."""
    try:
        obj = model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise NotFound() from None
    ensure_commune_access(actor, obj.commune_id)
    return obj


# --- Persons ----------------------------------------------------------------------------------


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
        raise _invalid("date_of_birth", _("Ngày sinh không được ở tương lai."))
    if not (values.get("full_name") or "").strip():
        raise _invalid("full_name", _("Họ và tên không được để trống."), "required")


def person_register(*, actor, household_id: int, **values) -> Person:
    values = {key: _nfc(value) for key, value in values.items()}
    values.setdefault("vital_status", VitalStatus.ALIVE)
    if values["vital_status"] == VitalStatus.DECEASED:
        raise _invalid(
            "vital_status",
            _("Ghi nhận người mất bằng thao tác riêng (death)."),
            "use_death_action",
        )
    with transaction.atomic(durable=True):
        household = _locked(Household, household_id, actor)
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


def person_update(*, actor, person_id: int, changes: dict) -> Person:
    changes = {key: _nfc(value) for key, value in changes.items() if key in PERSON_FIELDS}
    with transaction.atomic(durable=True):
        person = _locked(Person, person_id, actor)
        if changes.get("vital_status") == VitalStatus.DECEASED:
            raise _invalid(
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


def person_record_death(*, actor, person_id: int, date_of_death: date) -> Person:
    """Record a death; every open case stops from the month after the month of death."""
    with transaction.atomic(durable=True):
        person = _locked(Person, person_id, actor)
        if person.vital_status == VitalStatus.DECEASED:
            raise InvalidTransition(
                _("Người này đã được ghi nhận là đã mất."), code="already_deceased"
            )
        if date_of_death > timezone.localdate() or date_of_death < person.date_of_birth:
            raise _invalid("date_of_death", _("Ngày mất phải sau ngày sinh và không ở tương lai."))
        person.vital_status = VitalStatus.DECEASED
        person.date_of_death = date_of_death
        person.save(update_fields=["vital_status", "date_of_death", "updated_at"])
        last_month = entitlements.stop_month_after_death(date_of_death)
        stopped = _close_open_cases(
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


def _close_open_cases(person: Person, *, last_month: date, reason: str, actor) -> list[int]:
    """Terminate every open case of a person, paying through `last_month` at most."""
    closed = []
    for case in Case.objects.select_for_update().filter(
        person=person, status__in=OPEN_CASE_STATUSES
    ):
        was_paying = case.status in (CaseStatus.APPROVED, CaseStatus.SUSPENDED)
        case.status = CaseStatus.TERMINATED
        case.status_reason = reason
        if was_paying and case.start_month and case.start_month <= last_month:
            case.end_month = last_month
        else:
            case.end_month = None  # never paid: nothing to pay
        CaseSuspension.objects.filter(case=case, to_month__isnull=True).update(
            to_month=entitlements.add_months(last_month, 1)
        )
        case.save()
        closed.append(case.pk)
        audit_record(
            actor=actor, action=AuditAction.CASE_TERMINATED, obj=case, commune_code=case.commune_id,
            data={"end_month": case.end_month.isoformat() if case.end_month else None},
        )  # fmt: skip
    return closed


def person_move(
    *, actor, person_id: int, household_id: int, relation_to_head: str = Relation.OTHER
) -> Person:
    """Move a person to another household.

    Within the commune only the household changes. To another commune the open cases stop at
    the old place at the end of this month and start again as drafts at the new place from the
    next month, so two entitlements are never active at once (Decree 20/2021 Art. 10).
    """
    with transaction.atomic(durable=True):
        person = _locked(Person, person_id, actor)
        target = _locked(Household, household_id, actor)
        if target.pk == person.household_id:
            raise _invalid("household_id", _("Người này đã ở trong hộ này."), "same_household")
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
            _close_open_cases(
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


# --- Poverty assessments ------------------------------------------------------------------------


def poverty_assessment_record(
    *,
    actor,
    household_id: int,
    year: int,
    income_per_capita: Decimal,
    deprivations: list[str],
) -> PovertyAssessment:
    with transaction.atomic(durable=True):
        household = _locked(Household, household_id, actor)
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


# --- Cases ------------------------------------------------------------------------------------


def _validate_case_input(person: Person, values: dict) -> None:
    programme, category = values["programme"], values["category"]
    if category not in CATEGORIES_BY_PROGRAMME.get(programme, []):
        raise _invalid(
            "category", _("Diện đối tượng không thuộc chương trình này."), "invalid_category"
        )
    entitlements.validate_category_combination(
        programme, category, values.get("additional_category") or ""
    )
    if programme == Programme.MERITORIOUS:
        amount = values.get("monthly_amount")
        if amount is None or amount <= 0:
            raise _invalid(
                "monthly_amount",
                _("Trợ cấp người có công cần mức trợ cấp hằng tháng theo quyết định."),
                "required",
            )
    elif values.get("monthly_amount") is not None:
        raise _invalid(
            "monthly_amount",
            _("Mức trợ cấp được tính theo hệ số và mức chuẩn, không nhập tay."),
            "computed_amount",
        )
    cats = {category, values.get("additional_category") or ""}
    level = values.get("disability_level")
    if "5.6" in cats and level not in DisabilityLevel.values:
        raise _invalid(
            "disability_level",
            _("Diện 5.6 cần mức độ khuyết tật (nặng hoặc đặc biệt nặng)."),
            "disability_level_required",
        )
    if "5.4" in cats and (values.get("children_count") or 0) < 1:
        raise _invalid(
            "children_count", _("Diện 5.4 cần số con đang nuôi (ít nhất 1)."), "required"
        )
    if person.vital_status == VitalStatus.DECEASED:
        raise InvalidTransition(_("Người này đã mất."), code="person_deceased")


CASE_INPUT_FIELDS = (
    "programme", "category", "additional_category", "children_count", "monthly_amount",
    "disability_level", "requested_start_month",
)  # fmt: skip


def case_create(*, actor, person_id: int, **values) -> Case:
    values = {key: values.get(key) for key in CASE_INPUT_FIELDS}
    values["additional_category"] = values["additional_category"] or ""
    values["children_count"] = values["children_count"] or 0
    with transaction.atomic(durable=True):
        person = _locked(Person, person_id, actor)
        _validate_case_input(person, values)
        if Case.objects.filter(
            person=person, programme=values["programme"], status__in=OPEN_CASE_STATUSES
        ).exists():
            raise _open_case_exists()
        case = Case(person=person, commune_id=person.commune_id, created_by=actor, **values)
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            raise _open_case_exists() from None
        audit_record(
            actor=actor, action=AuditAction.CASE_CREATED, obj=case, commune_code=case.commune_id
        )
    return case


def _open_case_exists() -> Conflict:
    return Conflict(
        _("Người này đã có một hồ sơ đang mở trong chương trình này."), code="open_case_exists"
    )


def case_update(*, actor, case_id: int, changes: dict) -> Case:
    with transaction.atomic(durable=True):
        case = _locked(Case, case_id, actor)
        if case.status != CaseStatus.DRAFT:
            raise InvalidTransition(_("Chỉ sửa được hồ sơ ở trạng thái nháp."))
        values = {key: getattr(case, key) for key in CASE_INPUT_FIELDS}
        values.update({k: v for k, v in changes.items() if k in CASE_INPUT_FIELDS})
        values["additional_category"] = values["additional_category"] or ""
        values["children_count"] = values["children_count"] or 0
        _validate_case_input(case.person, values)
        changed = [key for key in CASE_INPUT_FIELDS if getattr(case, key) != values[key]]
        for key in changed:
            setattr(case, key, values[key])
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            raise _open_case_exists() from None
        audit_record(
            actor=actor, action=AuditAction.CASE_UPDATED, obj=case, commune_code=case.commune_id,
            data={"fields": changed},
        )  # fmt: skip
    return case


def _transition(case: Case, allowed_from: tuple[str, ...]) -> None:
    if case.status not in allowed_from:
        raise InvalidTransition(
            _("Không thể thực hiện thao tác này với hồ sơ ở trạng thái hiện tại."),
            fields={"status": [case.status]},
        )


def case_submit(*, actor, case_id: int) -> Case:
    with transaction.atomic(durable=True):
        case = _locked(Case, case_id, actor)
        _transition(case, (CaseStatus.DRAFT,))
        case.status = CaseStatus.SUBMITTED
        case.submitted_by = actor
        case.submitted_at = timezone.now()
        case.save()
        audit_record(
            actor=actor, action=AuditAction.CASE_SUBMITTED, obj=case, commune_code=case.commune_id
        )
    return case


def _ensure_four_eyes(case: Case, actor) -> None:
    if case.submitted_by_id is not None and case.submitted_by_id == actor.pk:
        raise Forbidden(
            _("Người trình hồ sơ không được tự phê duyệt hoặc từ chối hồ sơ đó."),
            code="four_eyes_required",
        )


def case_approve(*, actor, case_id: int, decision_number: str, decision_date: date) -> Case:
    decision_number = (decision_number or "").strip()
    if not decision_number:
        raise _invalid("decision_number", _("Cần số quyết định."), "required")
    if decision_date > timezone.localdate():
        raise _invalid("decision_date", _("Ngày quyết định không được ở tương lai."))
    with transaction.atomic(durable=True):
        case = _locked(Case, case_id, actor)
        _transition(case, (CaseStatus.SUBMITTED,))
        _ensure_four_eyes(case, actor)
        person = case.person
        if person.vital_status == VitalStatus.DECEASED:
            raise InvalidTransition(_("Người này đã mất."), code="person_deceased")
        case.start_month = entitlements.start_month_for(
            category=case.category,
            decision_date=decision_date,
            date_of_birth=person.date_of_birth,
            requested_start_month=case.requested_start_month,
            transfer=case.transferred_from_id is not None,
        )
        case.status = CaseStatus.APPROVED
        case.decision_number = decision_number
        case.decision_date = decision_date
        case.approved_by = actor
        case.approved_at = timezone.now()
        case.coefficient = entitlements.case_coefficient(case, case.start_month)
        if case.programme != Programme.MERITORIOUS:
            case.monthly_amount = entitlements.case_monthly_amount(case, case.start_month) or None
        case.save()
        audit_record(
            actor=actor, action=AuditAction.CASE_APPROVED, obj=case, commune_code=case.commune_id,
            data={"start_month": case.start_month.isoformat()},
        )  # fmt: skip
    return case


def case_reject(*, actor, case_id: int, reason: str) -> Case:
    reason = _nfc(reason or "")
    if not reason:
        raise _invalid("reason", _("Cần nêu lý do."), "required")
    with transaction.atomic(durable=True):
        case = _locked(Case, case_id, actor)
        _transition(case, (CaseStatus.SUBMITTED,))
        _ensure_four_eyes(case, actor)
        case.status = CaseStatus.REJECTED
        case.status_reason = reason
        case.save()
        audit_record(
            actor=actor, action=AuditAction.CASE_REJECTED, obj=case, commune_code=case.commune_id
        )
    return case


def case_suspend(*, actor, case_id: int, reason: str, from_month: date) -> Case:
    reason = _nfc(reason or "")
    if not reason:
        raise _invalid("reason", _("Cần nêu lý do."), "required")
    with transaction.atomic(durable=True):
        case = _locked(Case, case_id, actor)
        _transition(case, (CaseStatus.APPROVED,))
        if from_month < case.start_month:
            raise _invalid("from_month", _("Tháng tạm dừng phải từ tháng bắt đầu hưởng trở đi."))
        case.status = CaseStatus.SUSPENDED
        case.status_reason = reason
        case.save()
        CaseSuspension.objects.create(case=case, from_month=from_month, reason=reason)
        audit_record(
            actor=actor, action=AuditAction.CASE_SUSPENDED, obj=case, commune_code=case.commune_id,
            data={"from_month": from_month.isoformat()},
        )  # fmt: skip
    return case


def case_resume(*, actor, case_id: int, from_month: date | None = None) -> Case:
    with transaction.atomic(durable=True):
        case = _locked(Case, case_id, actor)
        _transition(case, (CaseStatus.SUSPENDED,))
        suspension = CaseSuspension.objects.select_for_update().get(
            case=case, to_month__isnull=True
        )
        resume_month = from_month or entitlements.month_start(timezone.localdate())
        if resume_month < suspension.from_month:
            raise _invalid("from_month", _("Tháng tiếp tục hưởng không được trước tháng tạm dừng."))
        if case.person.vital_status == VitalStatus.DECEASED:
            raise InvalidTransition(_("Người này đã mất."), code="person_deceased")
        suspension.to_month = resume_month
        suspension.save(update_fields=["to_month"])
        case.status = CaseStatus.APPROVED
        case.save()
        audit_record(
            actor=actor, action=AuditAction.CASE_RESUMED, obj=case, commune_code=case.commune_id,
            data={"from_month": resume_month.isoformat()},
        )  # fmt: skip
    return case


def case_terminate(*, actor, case_id: int, reason: str, from_month: date) -> Case:
    """Stop payment from `from_month` (the last month paid is the month before)."""
    reason = _nfc(reason or "")
    if not reason:
        raise _invalid("reason", _("Cần nêu lý do."), "required")
    with transaction.atomic(durable=True):
        case = _locked(Case, case_id, actor)
        _transition(case, (CaseStatus.APPROVED, CaseStatus.SUSPENDED))
        last_month = entitlements.add_months(from_month, -1)
        case.status = CaseStatus.TERMINATED
        case.status_reason = reason
        case.end_month = last_month if last_month >= case.start_month else None
        CaseSuspension.objects.filter(case=case, to_month__isnull=True).update(to_month=from_month)
        case.save()
        audit_record(
            actor=actor, action=AuditAction.CASE_TERMINATED, obj=case, commune_code=case.commune_id,
            data={"from_month": from_month.isoformat()},
        )  # fmt: skip
    return case
