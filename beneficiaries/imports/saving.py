"""Saving a checked file: households and persons in bulk, with their history entries."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from beneficiaries import builders
from beneficiaries.identifiers import household_codes_issue, ss_codes_issue
from beneficiaries.imports.checks import NewHousehold, Plan, chunks, in_chunk_size
from beneficiaries.imports.inserting import bulk_insert
from beneficiaries.imports.rows import PersonRow
from beneficiaries.models import Household, Person, Relation
from registry.audit import AuditAction, audit_record, audit_record_many
from registry.models import Commune, User


@dataclass(frozen=True)
class ImportResult:
    created: int
    households_created: int
    dry_run: bool


def _person(row: PersonRow, *, ss_code: str, household: Household) -> Person:
    values = {
        "national_id": row.national_id or None,
        "full_name": row.full_name,
        "sex": row.sex,
        "date_of_birth": row.date_of_birth,
        "ethnicity": row.ethnicity or None,
        "relation_to_head": row.relation,
        "phone": row.phone or None,
    }
    return builders.person_build(ss_code=ss_code, household=household, values=values)


def save(plan: Plan, *, actor: User) -> ImportResult:
    new_groups = list(plan.new_households.values())
    groups_by_commune: dict[str, list[NewHousehold]] = defaultdict(list)
    for group in new_groups:
        groups_by_commune[group.commune_code].append(group)
    household_of: dict[int, Household] = {}
    households: list[Household] = []
    for commune_code, groups in sorted(groups_by_commune.items()):
        codes = household_codes_issue(commune_code, len(groups))
        for group, code in zip(groups, codes, strict=True):
            household = builders.household_build(
                code=code,
                commune_code=commune_code,
                values={
                    "village": group.village,
                    "address": group.address or None,
                    "area": group.area,
                },
            )
            households.append(household)
            household_of[id(group)] = household
    bulk_insert(Household, households, key="code")

    members: list[tuple[PersonRow, Household]] = []
    for group in new_groups:
        members.extend((row, household_of[id(group)]) for row in group.rows)
    for code, rows in plan.existing_members.items():
        members.extend((row, plan.existing_households[code]) for row in rows)
    members.sort(key=lambda pair: pair[0].number)

    communes = {household.commune_id for _row, household in members}
    province_of = dict(Commune.objects.filter(code__in=communes).values_list("code", "province_id"))
    by_province: dict[str, list[tuple[PersonRow, Household]]] = defaultdict(list)
    for row, household in members:
        by_province[province_of[household.commune_id]].append((row, household))
    persons: list[Person] = []
    for province_code, pairs in sorted(by_province.items()):
        ss_codes = ss_codes_issue(province_code, len(pairs))
        persons.extend(
            _person(row, ss_code=ss_code, household=household)
            for (row, household), ss_code in zip(pairs, ss_codes, strict=True)
        )
    bulk_insert(Person, persons, key="ss_code")

    # One set-based UPDATE per chunk rather than a CASE per household (bulk_update).
    headed = sorted({p.household_id for p in persons if p.relation_to_head == Relation.HEAD})
    head_of = Person.objects.filter(
        household=OuterRef("pk"), relation_to_head=Relation.HEAD
    ).values("pk")[:1]
    for chunk in chunks(headed, in_chunk_size()):
        Household.objects.filter(pk__in=chunk).update(head=Subquery(head_of))

    result = ImportResult(created=len(persons), households_created=len(households), dry_run=False)
    import_id = str(uuid.uuid4())
    # Each household and person gets its own history entry, as if registered one by one.
    audit_record_many(
        actor=actor,
        action=AuditAction.HOUSEHOLD_REGISTERED,
        objects=households,
        data={"import_id": import_id},
    )
    audit_record_many(
        actor=actor,
        action=AuditAction.PERSON_REGISTERED,
        objects=persons,
        data={"import_id": import_id},
    )
    audit_record(
        actor=actor,
        action=AuditAction.PERSONS_IMPORTED,
        object_type="import",
        object_id=import_id,
        commune_code=next(iter(communes)) if len(communes) == 1 else "",
        data={
            "created": result.created,
            "households_created": result.households_created,
            "communes": sorted(communes),
        },
    )
    return result
