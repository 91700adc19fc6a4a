"""Batch printing of a commune's certificates in force, and the payment list from plain rows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from beneficiaries.identifiers import ss_code_build
from beneficiaries.models import CaseStatus
from certificates import printing, services
from registry.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from registry.models import AuditEvent
from tests.certificates.factories import (
    HEAD_NAME,
    approved_case,
    issue_case_certificate,
    issue_household_certificate,
    poor_household,
)
from tests.certificates.pdf import page_count, pdf_text, qr_codes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_batch_prints_every_current_certificate_of_the_commune_with_progress(issuer, today):
    households = [issue_household_certificate(issuer, poor_household()) for _ in range(3)]
    statuses = [issue_case_certificate(issuer, approved_case()) for _ in range(2)]
    revoked = issue_household_certificate(issuer, poor_household())
    services.certificate_revoke(actor=issuer, certificate_id=revoked.pk, reason="Sai")
    lapsed_case = approved_case()
    lapsed = issue_case_certificate(issuer, lapsed_case)
    lapsed_case.status = CaseStatus.SUSPENDED
    lapsed_case.save(update_fields=["status"])
    auditor = UserFactory(role="auditor")
    issue_household_certificate(auditor, poor_household("18871"))  # another commune

    seen = []
    pdf = printing.certificates_batch_print(
        actor=issuer, commune_code="18859", progress=lambda *a: seen.append(a)
    )

    assert page_count(pdf) == 5
    assert seen[0][:2] == (0, 5) and seen[-1][:2] == (5, 5)
    assert all(isinstance(message, str) and message for _, _, message in seen)
    text = pdf_text(pdf)
    for certificate in households + statuses:
        assert f"Số: {certificate.number}" in text
    assert f"Số: {revoked.number}" not in text
    assert text.count(HEAD_NAME) >= 5
    # In number order, kind by kind: the two beneficiary-status certificates come first.
    assert qr_codes(pdf, page=0) == [f"https://registry.example.org/verify/{statuses[0].token}"]
    assert qr_codes(pdf, page=2) == [f"https://registry.example.org/verify/{households[0].token}"]
    lapsed.refresh_from_db()
    assert lapsed.revocation_code == "case_ended"  # swept before printing
    printed = AuditEvent.objects.filter(action="certificate.printed")
    assert {event.object_id for event in printed} == {str(c.pk) for c in households + statuses}
    batch = AuditEvent.objects.get(action="certificates.batch_printed")
    assert batch.data == {"count": 5, "kind": ""} and batch.actor == issuer


def test_batch_print_access_and_empty_commune(issuer, today):
    issue_household_certificate(issuer, poor_household())
    with pytest.raises(NotFound):
        printing.certificates_batch_print(actor=issuer, commune_code="18871")
    with pytest.raises(Forbidden):
        printing.certificates_batch_print(
            actor=UserFactory(role="social_worker", communes=["18859"]), commune_code="18859"
        )
    with pytest.raises(Conflict) as caught:
        printing.certificates_batch_print(actor=UserFactory(role="auditor"), commune_code="18871")
    assert caught.value.code == "nothing_to_print"


def test_batch_print_with_a_fixed_number_of_queries(issuer, today, django_assert_max_num_queries):
    for _ in range(3):
        issue_household_certificate(issuer, poor_household())
    with django_assert_max_num_queries(20) as few:
        printing.certificates_batch_print(actor=issuer, commune_code="18859")
    for _ in range(6):
        issue_household_certificate(issuer, poor_household())
    with django_assert_max_num_queries(len(few.captured_queries)):
        printing.certificates_batch_print(actor=issuer, commune_code="18859")


SS_CODE = ss_code_build("44", 12345)
MISTYPED = SS_CODE[:5] + str((int(SS_CODE[5]) + 1) % 10) + SS_CODE[6:]  # MOD 97-10 catches it
ROWS = [
    {"full_name": "Nguyễn Thị Hồng Nhung", "ss_code": SS_CODE, "amount": "500000"},
    {"full_name": "Trần Văn Dũng", "ss_code": SS_CODE, "amount": Decimal("1250000")},
]


def test_payment_list_from_plain_rows(today):
    officer = UserFactory(role="payment_officer", communes=["18859"])
    pdf = printing.payment_list_pdf(
        actor=officer,
        commune_code="18859",
        title="DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI THÁNG 03/2026",
        subtitle="Tiền mặt",
        rows=ROWS,
    )
    text = pdf_text(pdf)
    assert "Nguyễn Thị Hồng Nhung" in text and "Quảng Trị" not in text
    assert "2 người, 1.750.000 đồng" in text
    assert "Một triệu bảy trăm năm mươi nghìn đồng" in text
    assert "Đồng Thuận, ngày 05 tháng 3 năm 2026" in text
    event = AuditEvent.objects.get(action="payment_list.printed")
    assert event.data == {"rows": 2, "total": "1750000"} and event.commune_code == "18859"


@pytest.mark.parametrize(
    "row, field",
    [
        ({"full_name": "", "ss_code": SS_CODE, "amount": 1}, "rows.0.full_name"),
        ({"full_name": "A", "ss_code": MISTYPED, "amount": 1}, "rows.0.ss_code"),
        ({"full_name": "A", "ss_code": SS_CODE, "amount": "1.5"}, "rows.0.amount"),
        ({"full_name": "A", "ss_code": SS_CODE, "amount": -1}, "rows.0.amount"),
        ({"full_name": "A", "ss_code": SS_CODE, "amount": "x"}, "rows.0.amount"),
    ],
)
def test_payment_list_rows_are_checked(today, row, field):
    officer = UserFactory(role="payment_officer", communes=["18859"])
    with pytest.raises(ValidationFailed) as caught:
        printing.payment_list_pdf(actor=officer, commune_code="18859", title="T", rows=[row])
    assert field in caught.value.fields
    assert not AuditEvent.objects.filter(action="payment_list.printed").exists()


def test_payment_list_access(today):
    with pytest.raises(NotFound):
        printing.payment_list_pdf(
            actor=UserFactory(role="payment_officer", communes=["18871"]),
            commune_code="18859",
            title="T",
            rows=ROWS,
        )
    with pytest.raises(Forbidden):
        printing.payment_list_pdf(
            actor=UserFactory(role="social_worker", communes=["18859"]),
            commune_code="18859",
            title="T",
            rows=ROWS,
        )
