"""Every read of households, persons and cases, narrowed to the user's communes first."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from beneficiaries.filters import CaseFilter, HouseholdFilter, PersonFilter
from beneficiaries.identifiers import validate_ss_code
from beneficiaries.models import Case, Household, Person, PovertyAssessment
from beneficiaries.search import PersonSearchResult
from registry.access import ensure_commune_access, scope_to_user
from registry.exceptions import NotFound, ValidationFailed
from registry.fields import blind_index_search
from registry.models import User


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
    user: User,
    national_id: str | None = None,
    name: str | None = None,
    phone: str | None = None,
    commune: str | None = None,
) -> PersonSearchResult:
    """Search by personal data through the blind indexes; every criterion given must match.
    Never scans or decrypts a whole table; decrypts whole persons only for the rows shown
    (`beneficiaries.search`)."""
    if not any([national_id, name, phone]):
        raise ValidationFailed(
            _("Cần ít nhất một tiêu chí: số định danh, họ tên hoặc số điện thoại."),
            code="search_criteria_required",
        )
    queryset = scope_to_user(Person.objects.all(), user)
    if commune:
        ensure_commune_access(user, commune)
        queryset = queryset.filter(commune_id=commune)
    wanted = {"national_id": national_id, "full_name": name, "phone": phone}
    return PersonSearchResult(queryset, **{key: value for key, value in wanted.items() if value})


def persons_with_national_id(national_id: str, *, exclude_pk: int | None = None) -> list[Person]:
    """Everyone registered with this personal ID number, in any commune (duplicate check)."""
    queryset = Person.objects.all() if exclude_pk is None else Person.objects.exclude(pk=exclude_pk)
    return blind_index_search(queryset, national_id=national_id)


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
