"""From the registry's rows to the plain documents the renderers draw (decrypting what is printed).

The only module of this app that reads households, persons and cases field by field, and the
only place that asks `beneficiaries.entitlements` for an amount.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch

from beneficiaries import entitlements
from beneficiaries.models import Case, Classification, Person, PovertyStandard, VitalStatus
from certificates import labels
from certificates.documents import (
    BeneficiaryStatusCertificate,
    HouseholdMember,
    HouseholdPovertyCertificate,
    Issuer,
)
from certificates.models import Certificate, CertificateKind
from registry.masking import mask_national_id
from registry.models import Commune


def monthly_amount(case: Case, month: date, rates: entitlements.RateBook | None = None) -> Decimal:
    """What the case pays for `month`: the one call into the entitlement rules. A batch passes
    one `RateBook` for all its pages (the rate tables are two queries; its memo keeps each
    distinct amount computed once)."""
    if rates is None:
        return entitlements.case_monthly_amount(case, month)
    return entitlements.case_month(
        entitlements.row_of(case), entitlements.month_start(month), rates
    ).amount


def verify_url(token: str) -> str:
    return f"{settings.REGISTRY_PUBLIC_BASE_URL.rstrip('/')}/verify/{token}"


def place_name(commune: Commune) -> str:
    """ "Phường Đồng Thuận" → "Đồng Thuận": Decree 30/2020 writes the place without its type."""
    prefix = (commune.division_type or "").strip()
    name = commune.name.strip()
    if prefix and name.casefold().startswith(prefix.casefold() + " "):
        return name[len(prefix) + 1 :]
    return name


def province_label(commune: Commune) -> str:
    name = commune.province.name
    return name if name.casefold().startswith("thành phố") else f"tỉnh {name}"


def residence(commune: Commune, *parts: str | None) -> str:
    seen, out = set(), []
    for part in [*parts, commune.name, province_label(commune)]:
        part = (part or "").strip()
        if part and part.casefold() not in seen:
            seen.add(part.casefold())
            out.append(part)
    return ", ".join(out)


def issuer_for(certificate: Certificate) -> Issuer:
    commune = certificate.commune
    return Issuer(
        committee="Ủy ban nhân dân",
        unit=commune.name,
        place=place_name(commune),
        province=commune.province.name,
        signatory_title=certificate.signatory_title or "Chủ tịch",
        signatory_name=certificate.signatory_name,
    )


def _legal_basis(assessment, area: str, cache: dict | None = None) -> tuple[str, ...]:
    key = (assessment.year, area)
    if cache is not None and key in cache:
        return cache[key]
    standard = (
        PovertyStandard.objects.filter(
            area=area, valid_from__year__lte=assessment.year, valid_to__year__gte=assessment.year
        )
        .order_by("-valid_from")
        .first()
    )
    lines = []
    if standard and standard.legal_basis:
        lines.append(f"Căn cứ {standard.legal_basis} của Chính phủ quy định chuẩn nghèo đa chiều;")
    lines.append(labels.POVERTY_REVIEW_BASIS)
    lines.append(f"Căn cứ kết quả rà soát hộ nghèo, hộ cận nghèo năm {assessment.year},")
    if cache is not None:
        cache[key] = tuple(lines)
    return tuple(lines)


def _members(household) -> tuple[HouseholdMember, ...]:
    living = [m for m in household.members.all() if m.vital_status != VitalStatus.DECEASED]
    living.sort(key=lambda m: (m.pk != household.head_id, m.date_of_birth, m.pk))
    return tuple(
        HouseholdMember(
            full_name=m.full_name or "",
            relation=labels.RELATIONS.get(m.relation_to_head, m.relation_to_head),
            birth_year=m.date_of_birth.year,
            female=m.sex == "female",
        )
        for m in living
    )


def household_document(
    certificate: Certificate, *, cache: dict | None = None
) -> HouseholdPovertyCertificate:
    household = certificate.household
    assessment = certificate.poverty_assessment
    head = next((m for m in household.members.all() if m.pk == household.head_id), None)
    return HouseholdPovertyCertificate(
        issuer=issuer_for(certificate),
        number=certificate.number,
        issued_on=certificate.issued_on,
        valid_until=certificate.valid_until,
        year=assessment.year,
        near_poor=assessment.classification == Classification.NEAR_POOR,
        household_code=household.code,
        head_name=(head.full_name if head else "") or "",
        head_ethnicity=(head.ethnicity if head else "") or "",
        # Printed in full, as on the official form: see docs/certificates.md, "Personal data".
        head_national_id=(head.national_id if head else "") or "",
        residence=residence(
            certificate.commune,
            (head.street_address if head else None) or household.address,
            household.village,
        ),
        members=_members(household),
        legal_basis=_legal_basis(assessment, household.area, cache),
        verify_url=verify_url(certificate.token),
    )


def beneficiary_document(
    certificate: Certificate, *, cache: dict | None = None
) -> BeneficiaryStatusCertificate:
    case = certificate.case
    person = case.person
    decision = ""
    if case.decision_number:
        decision = f"Quyết định số {case.decision_number}"
        if case.decision_date:
            decision += f" ngày {case.decision_date:%d/%m/%Y}"
    return BeneficiaryStatusCertificate(
        issuer=issuer_for(certificate),
        number=certificate.number,
        issued_on=certificate.issued_on,
        valid_until=certificate.valid_until,
        full_name=person.full_name or "",
        date_of_birth=person.date_of_birth,
        ss_code=person.ss_code,
        national_id=mask_national_id(person.national_id) or "",
        residence=residence(certificate.commune, person.street_address, person.household.village),
        programme=labels.PROGRAMMES.get(case.programme, case.programme),
        category=labels.category_label(case.category),
        monthly_amount=monthly_amount(
            case, certificate.issued_on.replace(day=1), _rates(cache) if cache is not None else None
        ),
        since_month=case.start_month,
        decision=decision,
        legal_basis=(labels.PROGRAMME_BASIS.get(case.programme, ""),),
        verify_url=verify_url(certificate.token),
    )


def _rates(cache: dict) -> entitlements.RateBook:
    if "rates" not in cache:
        cache["rates"] = entitlements.RateBook.load()
    return cache["rates"]


def with_subjects(queryset):
    """Everything `documents()` reads, in a fixed number of queries however many certificates."""
    return queryset.select_related(
        "commune__province",
        "household",
        "poverty_assessment",
        "case__person__household",
        "case__commune__province",
    ).prefetch_related(
        Prefetch("household__members", queryset=Person.objects.order_by("id")),
        "case__suspensions",
    )


def document(certificate: Certificate, *, cache: dict | None = None):
    if certificate.kind == CertificateKind.HOUSEHOLD_POVERTY:
        return household_document(certificate, cache=cache)
    return beneficiary_document(certificate, cache=cache)


def documents(certificates: Iterable[Certificate]) -> Iterator:
    # Legal data loaded once per print, not once per page: the legal basis per (review year,
    # area), the rate tables.
    cache: dict = {}
    for certificate in certificates:
        yield document(certificate, cache=cache)
