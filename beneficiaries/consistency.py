"""Consistency checks for benefit fraud and registry errors ("rà soát trục lợi chính sách").

Each check is a small function that takes a `Scope` (the persons, cases and households an actor
may see, or those of one commune) and yields findings::

    {"kind": "deceased_with_open_case", "detail": "<Vietnamese sentence>",
     "person_ids": [..], "case_ids": [..]}

`detail` names records by id, social-security code, household code and commune code only —
never a name, a national ID number, a date of birth or a date of death — because the report is
read by approvers and auditors who may not hold `view_sensitive`.

Plugging in a check (payments will add ``shared_payment_account``)::

    # payments/consistency.py
    from beneficiaries.consistency import FindingKind, Scope, finding, register_check

    @register_check(FindingKind.SHARED_PAYMENT_ACCOUNT)
    def shared_payment_account(scope: Scope):
        ...  # one set-based query over the accounts of scope.cases; yield finding(...)

and import that module once from ``PaymentsConfig.ready()``. The kind must already be one of
`FindingKind` (the names are the API contract of api.md), and each kind has exactly one check.
`CHECKS` keeps registration order, which is also the order of the report.

Scoping rule shared by every check: a finding belongs to a scope when one of its persons lives
in a scoped commune or one of its cases is paid by a scoped commune. The finding then lists
*all* the persons and open cases involved, including those of another commune — a person with
open cases in communes A and B, or registered twice in A and B, is a finding for both communes,
and each side needs the other's ids to resolve it. Ids and codes reveal no personal data, and
opening a record of another commune still answers 404.

Every check is set-based (aggregations and subqueries); the number of queries never depends on
the number of rows. See each check's docstring and `consistency_report_build` for the counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from django.core.exceptions import ImproperlyConfigured
from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.models import (
    OPEN_CASE_STATUSES,
    Case,
    CaseStatus,
    Classification,
    Household,
    Person,
    PovertyAssessment,
    Programme,
    VitalStatus,
)
from registry import crypto
from registry.access import ensure_commune_access, user_commune_codes
from registry.exceptions import Forbidden, NotFound
from registry.models import Commune

PERMISSION = "beneficiaries.view_consistency_report"


class FindingKind:
    """The finding kinds of the API contract (api.md, "Consistency"); labels for people."""

    DECEASED_WITH_OPEN_CASE = "deceased_with_open_case"
    OPEN_CASES_IN_TWO_COMMUNES = "open_cases_in_two_communes"
    SHARED_PAYMENT_ACCOUNT = "shared_payment_account"
    MERITORIOUS_HOUSEHOLD_POOR = "meritorious_household_poor"
    POSSIBLE_DUPLICATE = "possible_duplicate"

    labels = {
        DECEASED_WITH_OPEN_CASE: gettext_lazy("Người đã mất còn hồ sơ đang mở"),
        OPEN_CASES_IN_TWO_COMMUNES: gettext_lazy("Một người có hồ sơ đang mở ở hai xã"),
        SHARED_PAYMENT_ACCOUNT: gettext_lazy(
            "Một tài khoản nhận tiền cho nhiều người không liên quan"
        ),
        MERITORIOUS_HOUSEHOLD_POOR: gettext_lazy("Hộ gia đình người có công là hộ nghèo"),
        POSSIBLE_DUPLICATE: gettext_lazy("Có thể trùng người"),
    }
    values = tuple(labels)


class Finding(TypedDict):
    kind: str
    detail: str
    person_ids: list[int]
    case_ids: list[int]


@dataclass(frozen=True)
class Scope:
    """What a check may report on: querysets already narrowed to the actor's communes (or one)."""

    persons: QuerySet[Person]
    cases: QuerySet[Case]
    households: QuerySet[Household]

    def touching_persons(self) -> QuerySet[Person]:
        """Persons living in the scope or having a case paid by it (a lazy subquery)."""
        return Person.objects.filter(
            Q(pk__in=self.persons.values("pk")) | Q(pk__in=self.cases.values("person_id"))
        )


Check = Callable[[Scope], Iterable[Finding]]
CHECKS: list[tuple[str, Check]] = []


def register_check(kind: str) -> Callable[[Check], Check]:
    """Add a check to `CHECKS` under one of the contract's kinds; each kind has one check."""
    if kind not in FindingKind.values:
        raise ImproperlyConfigured(f"unknown consistency finding kind {kind!r}")

    def decorator(check: Check) -> Check:
        if any(registered == kind for registered, _check in CHECKS):
            raise ImproperlyConfigured(f"a consistency check for {kind!r} is already registered")
        CHECKS.append((kind, check))
        return check

    return decorator


def registered_kinds() -> list[str]:
    return [kind for kind, _check in CHECKS]


def finding(
    kind: str, detail: str, *, person_ids: Iterable[int], case_ids: Iterable[int]
) -> Finding:
    return {
        "kind": kind,
        "detail": detail,
        "person_ids": sorted(set(person_ids)),
        "case_ids": sorted(set(case_ids)),
    }


def _open_cases() -> QuerySet[Case]:
    return Case.objects.filter(status__in=OPEN_CASE_STATUSES)


def _codes(values: Iterable[str]) -> str:
    return ", ".join(sorted(set(values)))


# --- The checks -------------------------------------------------------------------------------


@register_check(FindingKind.DECEASED_WITH_OPEN_CASE)
def deceased_with_open_case(scope: Scope) -> Iterator[Finding]:
    """A person recorded as deceased who still has a draft, submitted, approved or suspended case.

    Death stops every open case from the month after the month of death (Decree 20/2021 Art. 9;
    Decree 131/2021 for meritorious persons), so any open case left is an error or an overpayment.
    One query.
    """
    rows = (
        _open_cases()
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


@register_check(FindingKind.OPEN_CASES_IN_TWO_COMMUNES)
def open_cases_in_two_communes(scope: Scope) -> Iterator[Finding]:
    """One person with open cases paid by two or more different communes.

    A move closes the case at the old commune before the new one pays (domain.md §3, "Moving"):
    two paying communes at once means overlapping entitlements. One query: the persons are
    chosen by a GROUP BY … HAVING COUNT(DISTINCT commune) > 1 subquery.
    """
    persons_in_several_communes = (
        _open_cases()
        .filter(person__in=scope.touching_persons())
        .values("person_id")
        .annotate(communes=Count("commune_id", distinct=True))
        .filter(communes__gt=1)
        .values("person_id")
    )
    rows = (
        _open_cases()
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
                "communes": _codes(communes),
                "cases": ", ".join(
                    _("hồ sơ số %(case_id)s tại xã %(commune)s")
                    % {"case_id": case_id, "commune": commune}
                    for case_id, commune in cases
                ),
            },
            person_ids=[person_id],
            case_ids=[case_id for case_id, _commune in cases],
        )


@register_check(FindingKind.MERITORIOUS_HOUSEHOLD_POOR)
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
        _open_cases()
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


@register_check(FindingKind.POSSIBLE_DUPLICATE)
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
    open_cases: dict[int, list[int]] = defaultdict(list)
    for person_id, case_id in (
        _open_cases().filter(person_id__in=person_ids).order_by("id").values_list("person_id", "id")
    ):
        open_cases[person_id].append(case_id)
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
        case_ids = [case_id for pk in key for case_id in open_cases.get(pk, [])]
        detail = sentences[frozenset(bases[key])] % {
            "count": len(key),
            "ss_codes": _codes(ss_codes[key]),
        }
        if case_ids:
            detail += " " + _("Hồ sơ đang mở: %(cases)s.") % {
                "cases": ", ".join(str(case_id) for case_id in sorted(case_ids))
            }
        yield finding(FindingKind.POSSIBLE_DUPLICATE, detail, person_ids=key, case_ids=case_ids)


# --- Running the checks -----------------------------------------------------------------------


def consistency_scope(*, actor, commune_code: str | None = None) -> Scope:
    """The actor's communes (every commune for auditors), or one commune they may see (else 404).

    Queries: two to read whether the actor sees every commune and which communes are theirs (none
    for a superuser), plus one to check that a requested commune exists.
    """
    if commune_code is not None:
        ensure_commune_access(actor, commune_code)
        if not Commune.objects.filter(code=commune_code).exists():
            raise NotFound()
        return Scope(
            persons=Person.objects.filter(commune_id=commune_code),
            cases=Case.objects.filter(commune_id=commune_code),
            households=Household.objects.filter(commune_id=commune_code),
        )
    codes = user_commune_codes(actor)  # None: every commune (auditors)
    persons, cases, households = Person.objects.all(), Case.objects.all(), Household.objects.all()
    if codes is not None:
        persons = persons.filter(commune_id__in=codes)
        cases = cases.filter(commune_id__in=codes)
        households = households.filter(commune_id__in=codes)
    return Scope(persons=persons, cases=cases, households=households)


def checks_run(scope: Scope) -> list[Finding]:
    """Every registered check, in registration order.

    Queries with the four checks of this module: 1 + 1 + 1 + 3 = 6 (5 when there is no
    duplicate), whatever the number of persons, cases or findings.
    """
    findings: list[Finding] = []
    for _kind, check in CHECKS:
        findings.extend(check(scope))
    return findings


class ConsistencyReport(TypedDict):
    generated_at: datetime
    commune: str | None
    counts: dict[str, int]
    findings: list[Finding]


def consistency_report_build(*, actor, commune_code: str | None = None) -> ConsistencyReport:
    """The report for approvers and auditors: findings plus a count per registered kind.

    `counts` lists every registered kind (zero included), so a kind absent from it was not
    checked, as opposed to checked and clean. Queries: the permission (two, cached on the user),
    `consistency_scope`, then `checks_run`.
    """
    if not actor.has_perm(PERMISSION):
        raise Forbidden()
    scope = consistency_scope(actor=actor, commune_code=commune_code)
    findings = checks_run(scope)
    counts = dict.fromkeys(registered_kinds(), 0)
    for item in findings:
        counts[item["kind"]] += 1
    return {
        "generated_at": timezone.now(),
        "commune": commune_code,
        "counts": counts,
        "findings": findings,
    }
