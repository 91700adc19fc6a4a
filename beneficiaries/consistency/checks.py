"""The registry's own consistency checks; each takes a `Scope` and yields findings.

Which checks run, and in which order, is the list REGISTRY_CONSISTENCY_CHECKS in the settings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from beneficiaries.consistency.findings import (
    Finding,
    FindingKind,
    Scope,
    codes_text,
    finding,
    open_cases,
)
from beneficiaries.models import (
    CaseStatus,
    Classification,
    Person,
    PovertyAssessment,
    Programme,
    VitalStatus,
)
from registry import crypto


def deceased_with_open_case(scope: Scope) -> Iterator[Finding]:
    """A person recorded as deceased who still has a draft, submitted, approved or suspended case.

    Death stops every open case from the month after the month of death (Decree 20/2021 Art. 9;
    Decree 131/2021 for meritorious persons), so any open case left is an error or an overpayment.
    One query.
    """
    rows = (
        open_cases()
        .filter(person__vital_status=VitalStatus.DECEASED)
        .filter(person__in=scope.touching_persons())
        .order_by("person_id", "id")
        .values_list("person_id", "person__ss_code", "id", "status")
    )
    by_person: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
    for person_id, ss_code, case_id, status in rows:
        by_person[(person_id, ss_code)].append((case_id, status))
    for (person_id, ss_code), cases in by_person.items():
        yield finding(
            FindingKind.DECEASED_WITH_OPEN_CASE,
            _(
                "Người có mã an sinh xã hội %(ss_code)s đã được ghi nhận là đã mất nhưng còn "
                "%(count)d hồ sơ chưa chấm dứt: %(cases)s."
            )
            % {
                "ss_code": ss_code,
                "count": len(cases),
                "cases": ", ".join(
                    _("số %(case_id)s (%(status)s)")
                    % {"case_id": case_id, "status": str(CaseStatus(status).label).lower()}
                    for case_id, status in cases
                ),
            },
            person_ids=[person_id],
            case_ids=[case_id for case_id, _status in cases],
        )


def open_cases_in_two_communes(scope: Scope) -> Iterator[Finding]:
    """One person with open cases paid by two or more different communes.

    A move closes the case at the old commune before the new one pays (domain.md §3, "Moving"):
    two paying communes at once means overlapping entitlements. One query: the persons are
    chosen by a GROUP BY … HAVING COUNT(DISTINCT commune) > 1 subquery.
    """
    persons_in_several_communes = (
        open_cases()
        .filter(person__in=scope.touching_persons())
        .values("person_id")
        .annotate(communes=Count("commune_id", distinct=True))
        .filter(communes__gt=1)
        .values("person_id")
    )
    rows = (
        open_cases()
        .filter(person_id__in=persons_in_several_communes)
        .order_by("person_id", "id")
        .values_list("person_id", "person__ss_code", "id", "commune_id")
    )
    by_person: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
    for person_id, ss_code, case_id, commune_code in rows:
        by_person[(person_id, ss_code)].append((case_id, commune_code))
    for (person_id, ss_code), cases in by_person.items():
        communes = {commune_code for _case_id, commune_code in cases}
        yield finding(
            FindingKind.OPEN_CASES_IN_TWO_COMMUNES,
            _(
                "Người có mã an sinh xã hội %(ss_code)s có hồ sơ đang mở tại %(count)d xã khác "
                "nhau (mã xã %(communes)s): %(cases)s."
            )
            % {
                "ss_code": ss_code,
                "count": len(communes),
                "communes": codes_text(communes),
                "cases": ", ".join(
                    _("hồ sơ số %(case_id)s tại xã %(commune)s")
                    % {"case_id": case_id, "commune": commune}
                    for case_id, commune in cases
                ),
            },
            person_ids=[person_id],
            case_ids=[case_id for case_id, _commune in cases],
        )


def meritorious_household_poor(scope: Scope) -> Iterator[Finding]:
    """A person with an open meritorious case whose household's latest assessment is "poor".

    Resolution 42-NQ/TW sets the target that no household of a person with meritorious services
    is poor; each one found is a household to support, not necessarily an error. "Latest" is the
    assessment of the most recent review year. One query (the latest classification and year are
    correlated subqueries on the (household, year) unique index).
    """
    latest = PovertyAssessment.objects.filter(
        household_id=OuterRef("person__household_id")
    ).order_by("-year")
    rows = (
        open_cases()
        .filter(programme=Programme.MERITORIOUS)
        .filter(person__in=scope.touching_persons())
        .annotate(
            latest_classification=Subquery(latest.values("classification")[:1]),
            latest_year=Subquery(latest.values("year")[:1]),
        )
        .filter(latest_classification=Classification.POOR)
        .order_by("person_id", "id")
        .values_list(
            "person_id",
            "person__ss_code",
            "person__household__code",
            "latest_year",
            "id",
            "category",
        )
    )
    by_person: dict[tuple[int, str, str, int], list[tuple[int, str]]] = defaultdict(list)
    for person_id, ss_code, household_code, year, case_id, category in rows:
        by_person[(person_id, ss_code, household_code, year)].append((case_id, category))
    for (person_id, ss_code, household_code, year), cases in by_person.items():
        yield finding(
            FindingKind.MERITORIOUS_HOUSEHOLD_POOR,
            _(
                "Người có mã an sinh xã hội %(ss_code)s đang hưởng ưu đãi người có công (%(cases)s) "
                "nhưng hộ %(household)s được xác định là hộ nghèo trong kỳ rà soát "
                "năm %(year)d."
            )
            % {
                "ss_code": ss_code,
                "cases": "; ".join(
                    _("hồ sơ số %(case_id)s, diện %(category)s")
                    % {"case_id": case_id, "category": category}
                    for case_id, category in cases
                ),
                "household": household_code,
                "year": year,
            },
            person_ids=[person_id],
            case_ids=[case_id for case_id, _category in cases],
        )


def _duplicate_groups(
    scope: Scope, *, index_field: str, group_fields: tuple[str, ...], plain_field: str, normalise
) -> list[list[dict]]:
    """Groups of ≥ 2 persons sharing a blind index (and `group_fields`), confirmed by decryption.

    One query. The GROUP BY … HAVING runs in SQL as a subquery; the blind indexes are truncated
    on purpose (docs/encryption.md), so a bucket can hold different values: the members' values
    are decrypted here and compared after normalisation, and a group is kept only when at least
    two members share the normalised value and one of them is in the scope.
    """
    touching = scope.touching_persons()
    duplicated_keys = (
        Person.objects.filter(**{f"{index_field}__isnull": False})
        .filter(**{f"{index_field}__in": touching.values(index_field)})
        .values(index_field, *group_fields)
        .annotate(
            members=Count("pk"),
            members_in_scope=Count("pk", filter=Q(pk__in=touching.values("pk"))),
        )
        .filter(members__gt=1, members_in_scope__gt=0)
        .values(index_field)
    )
    members = (
        Person.objects.filter(**{f"{index_field}__in": duplicated_keys})
        .annotate(
            in_scope=ExpressionWrapper(Q(pk__in=touching.values("pk")), output_field=BooleanField())
        )
        .order_by("pk")
        .values("pk", "ss_code", index_field, plain_field, "in_scope", *group_fields)
    )
    buckets: dict[tuple, list[dict]] = defaultdict(list)
    for member in members:
        plain = member[plain_field]
        normalised = normalise(plain) if plain else ""
        if not normalised:
            continue
        key = (member[index_field], *(member[f] for f in group_fields), normalised)
        buckets[key].append(member)
    return [
        group
        for group in buckets.values()
        if len(group) > 1 and any(member["in_scope"] for member in group)
    ]


def possible_duplicate(scope: Scope) -> Iterator[Finding]:
    """Two or more persons with the same normalised full name and date of birth, or the same
    personal identification number.

    Names are compared after `crypto.normalise_text` (case, accents, "đ" and spacing ignored),
    national ID numbers after `crypto.normalise_digits`. A set of persons matched both ways is one
    finding. Three queries: one per basis (`_duplicate_groups`) and one for the open cases of
    every person found (skipped when none is found).
    """
    by_name = _duplicate_groups(
        scope,
        index_field="full_name_index",
        group_fields=("date_of_birth",),
        plain_field="full_name",
        normalise=crypto.normalise_text,
    )
    by_national_id = _duplicate_groups(
        scope,
        index_field="national_id_index",
        group_fields=(),
        plain_field="national_id",
        normalise=crypto.normalise_digits,
    )
    # One finding per set of persons, whichever bases matched it.
    bases: dict[tuple[int, ...], set[str]] = defaultdict(set)
    ss_codes: dict[tuple[int, ...], set[str]] = defaultdict(set)
    for basis, groups in (("name", by_name), ("national_id", by_national_id)):
        for group in groups:
            key = tuple(sorted(member["pk"] for member in group))
            bases[key].add(basis)
            ss_codes[key].update(member["ss_code"] for member in group)
    if not bases:
        return
    person_ids = {pk for key in bases for pk in key}
    cases_of: dict[int, list[int]] = defaultdict(list)
    for person_id, case_id in (
        open_cases().filter(person_id__in=person_ids).order_by("id").values_list("person_id", "id")
    ):
        cases_of[person_id].append(case_id)
    sentences = {
        frozenset({"name"}): _(
            "%(count)d người có cùng họ tên (sau chuẩn hoá) và ngày sinh: mã an sinh xã hội "
            "%(ss_codes)s."
        ),
        frozenset({"national_id"}): _(
            "%(count)d người có cùng số định danh cá nhân: mã an sinh xã hội %(ss_codes)s."
        ),
        frozenset({"name", "national_id"}): _(
            "%(count)d người có cùng số định danh cá nhân, họ tên (sau chuẩn hoá) và ngày sinh: "
            "mã an sinh xã hội %(ss_codes)s."
        ),
    }
    for key in sorted(bases):
        case_ids = [case_id for pk in key for case_id in cases_of.get(pk, [])]
        detail = sentences[frozenset(bases[key])] % {
            "count": len(key),
            "ss_codes": codes_text(ss_codes[key]),
        }
        if case_ids:
            detail += " " + _("Hồ sơ đang mở: %(cases)s.") % {
                "cases": ", ".join(str(case_id) for case_id in sorted(case_ids))
            }
        yield finding(FindingKind.POSSIBLE_DUPLICATE, detail, person_ids=key, case_ids=case_ids)
