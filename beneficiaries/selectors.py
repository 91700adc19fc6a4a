"""Every read of households, persons and cases, narrowed to the user's communes first."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from beneficiaries.filters import CaseFilter, HouseholdFilter, PersonFilter
from beneficiaries.identifiers import validate_ss_code
from beneficiaries.models import Case, Household, Person, PovertyAssessment
from registry import crypto
from registry.access import ensure_commune_access, scope_to_user
from registry.exceptions import NotFound, ValidationFailed
from registry.fields import blind_index_field


def _apply(filterset_class, data, queryset: QuerySet) -> QuerySet:
    filterset = filterset_class(data=data, queryset=queryset)
    if not filterset.is_valid():
        fields = {name: [str(e) for e in errors] for name, errors in filterset.errors.items()}
        raise ValidationFailed(_("Tham số lọc không hợp lệ."), code="invalid_filter", fields=fields)
    return filterset.qs


def _get(queryset: QuerySet, pk) -> object:
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def households_list(*, user, filters: dict | None = None) -> QuerySet[Household]:
    queryset = scope_to_user(Household.objects.all(), user)
    queryset = queryset.select_related("head").prefetch_related("members")
    return _apply(HouseholdFilter, filters or {}, queryset).order_by("id")


def household_get(*, user, household_id) -> Household:
    return _get(households_list(user=user), household_id)


def poverty_assessments_list(*, user, household_id) -> QuerySet[PovertyAssessment]:
    household = household_get(user=user, household_id=household_id)
    return household.poverty_assessments.order_by("-year")


def persons_list(*, user, filters: dict | None = None) -> QuerySet[Person]:
    filters = filters or {}
    if filters.get("ss_code"):
        validate_ss_code(filters["ss_code"])  # a mistyped code is an error, not "not found"
    queryset = scope_to_user(Person.objects.all(), user)
    return _apply(PersonFilter, filters, queryset).order_by("id")


def person_get(*, user, person_id) -> Person:
    return _get(scope_to_user(Person.objects.all(), user), person_id)


def persons_search(
    *,
    user,
    national_id: str | None = None,
    name: str | None = None,
    phone: str | None = None,
    commune: str | None = None,
) -> list[Person]:
    """Search by personal data through blind indexes; truncation false positives are removed
    after decryption. Never scans or decrypts a whole table."""
    if not any([national_id, name, phone]):
        raise ValidationFailed(
            _("Cần ít nhất một tiêu chí: số định danh, họ tên hoặc số điện thoại."),
            code="search_criteria_required",
        )
    queryset = scope_to_user(Person.objects.all(), user)
    if commune:
        ensure_commune_access(user, commune)
        queryset = queryset.filter(commune_id=commune)
    checks = []
    if national_id:
        wanted = crypto.normalise_digits(national_id)
        field = blind_index_field(Person, "national_id")
        queryset = queryset.filter(national_id_index__in=field.candidates(wanted))
        checks.append(lambda p: crypto.normalise_digits(p.national_id or "") == wanted)
    if name:
        wanted_name = crypto.normalise_text(name)
        field = blind_index_field(Person, "full_name")
        queryset = queryset.filter(full_name_index__in=field.candidates(wanted_name))
        checks.append(lambda p: crypto.normalise_text(p.full_name or "") == wanted_name)
    if phone:
        wanted_phone = crypto.normalise_phone(phone)
        field = blind_index_field(Person, "phone")
        queryset = queryset.filter(phone_index__in=field.candidates(wanted_phone))
        checks.append(lambda p: crypto.normalise_phone(p.phone or "") == wanted_phone)
    return [p for p in queryset.order_by("id") if all(check(p) for check in checks)]


def cases_list(*, user, filters: dict | None = None) -> QuerySet[Case]:
    queryset = scope_to_user(Case.objects.all(), user).select_related(
        "person", "submitted_by", "approved_by"
    )
    return _apply(CaseFilter, filters or {}, queryset).order_by("id")


def case_get(*, user, case_id) -> Case:
    return _get(cases_list(user=user), case_id)


def object_history(*, obj) -> QuerySet:
    """Who changed what and when for one household, person or case (field names, never values).

    The caller has already fetched `obj` through a scoped selector, so access is checked.
    """
    from registry.models import AuditEvent

    return (
        AuditEvent.objects.filter(object_type=obj._meta.model_name, object_id=str(obj.pk))
        .exclude(action__endswith="unmasked_read")
        .select_related("actor")
        .order_by("id")
    )
