"""Running the configured checks over an actor's scope: the consistency report."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from django.utils import timezone

from beneficiaries.consistency.findings import Check, Finding, FindingKind, Scope
from beneficiaries.models import Case, Household, Person
from registry.access import ensure_commune_access, user_commune_codes
from registry.exceptions import NotFound
from registry.listed import listed_functions
from registry.models import Commune, User


def configured_checks() -> list[tuple[str, Check]]:
    """REGISTRY_CONSISTENCY_CHECKS as (kind, function), in report order.

    The list is explicit in the settings so that an app above `beneficiaries` (payments adds
    `shared_payment_account`) contributes a check without `beneficiaries` importing it. Each kind
    must be one of the contract's `FindingKind`s and appear once.
    """
    return listed_functions("REGISTRY_CONSISTENCY_CHECKS", kinds=FindingKind.values)


def consistency_scope(*, actor: User, commune_code: str | None = None) -> Scope:
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
    for _kind, check in configured_checks():
        findings.extend(check(scope))
    return findings


class ConsistencyReport(TypedDict):
    generated_at: datetime
    commune: str | None
    counts: dict[str, int]
    findings: list[Finding]


def consistency_report_build(*, actor: User, commune_code: str | None = None) -> ConsistencyReport:
    """The report for approvers and auditors: findings plus a count per registered kind.

    `counts` lists every registered kind (zero included), so a kind absent from it was not
    checked, as opposed to checked and clean. The caller has checked the actor's role. Queries:
    `consistency_scope`, then `checks_run`.
    """
    scope = consistency_scope(actor=actor, commune_code=commune_code)
    findings = checks_run(scope)
    counts = dict.fromkeys((kind for kind, _check in configured_checks()), 0)
    for item in findings:
        counts[item["kind"]] += 1
    return {
        "generated_at": timezone.now(),
        "commune": commune_code,
        "counts": counts,
        "findings": findings,
    }
