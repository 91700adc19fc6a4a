"""The certificate endpoints of docs/api.md, and the public verification endpoints."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from certificates import online
from registry.models import AuditEvent
from tests.certificates.factories import (
    HEAD_NAME,
    approved_case,
    issue_case_certificate,
    issue_household_certificate,
    poor_household,
)
from tests.certificates.pdf import pdf_text, qr_codes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


@pytest.fixture
def client(issuer):
    client = APIClient()
    client.force_authenticate(issuer)
    return client


def test_issue_then_download_the_pdf_whose_qr_verifies(client, today):
    household = poor_household()
    response = client.post(
        f"{V1}/certificates/",
        {
            "kind": "household_poverty",
            "household_id": household.pk,
            "signatory_name": "Lê Văn Thành",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {"id", "number", "kind", "issued_on", "verify_url", "pdf_url"} <= set(body)
    assert body["number"] == "01/GCN-HN.HCN" and body["kind"] == "household_poverty"
    assert body["issued_on"] == "2026-03-05" and body["status"] == "current"
    assert body["verify_url"].startswith("https://registry.example.org/verify/")
    assert body["pdf_url"] == f"http://testserver{V1}/certificates/{body['id']}/pdf/"

    pdf = client.get(body["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="01-GCN-HN.HCN.pdf"'
    text = pdf_text(pdf.content)
    assert HEAD_NAME in text and "Quảng Trị" in text
    assert qr_codes(pdf.content) == [body["verify_url"]]
    token = body["verify_url"].rsplit("/", 1)[1]
    verified = APIClient().get(f"{V1}/verify/", {"token": token}).json()
    assert verified == {
        "valid": True,
        "status": "valid",
        "kind": "household_poverty",
        "number": "01/GCN-HN.HCN",
        "issued_on": "2026-03-05",
        "valid_until": "2026-12-31",
        "commune_code": "18859",
        "subject_ss_code": household.head.ss_code,
    }
    printed = AuditEvent.objects.get(action="certificate.printed")
    assert printed.object_id == str(body["id"])


def test_issue_a_beneficiary_status_certificate(client, today):
    case = approved_case()
    response = client.post(
        f"{V1}/certificates/", {"kind": "beneficiary_status", "case_id": case.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    pdf = client.get(response.json()["pdf_url"]).content
    text = pdf_text(pdf)
    # 5.5c: coefficient 1.0 × the 500,000 base level (Decree 76/2024) from 1/7/2024.
    assert "500.000 đồng/tháng" in text and "Năm trăm nghìn đồng" in text
    assert "01/2025" in text


def test_errors_use_the_envelope(client, today):
    household = poor_household(classification="not_poor")
    response = client.post(
        f"{V1}/certificates/",
        {"kind": "household_poverty", "household_id": household.pk},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "household_not_poor"
    response = client.post(f"{V1}/certificates/", {"kind": "household_poverty"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "subject_mismatch"


def test_revoke_then_verify_and_print(client, issuer, today):
    certificate = issue_household_certificate(issuer, poor_household())
    response = client.post(
        f"{V1}/certificates/{certificate.pk}/revoke/", {"reason": "Cấp nhầm"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert response.json()["revocation_code"] == "manual"
    again = client.post(
        f"{V1}/certificates/{certificate.pk}/revoke/", {"reason": "x"}, format="json"
    )
    assert again.status_code == 409
    verified = APIClient().get(f"{V1}/verify/", {"token": certificate.token}).json()
    assert verified["status"] == "revoked" and verified["valid"] is False
    printed = client.get(f"{V1}/certificates/{certificate.pk}/pdf/")
    assert printed.status_code == 409
    assert printed.json()["error"]["code"] == "certificate_revoked"


def test_list_is_scoped_and_filtered(client, issuer, today):
    mine = issue_household_certificate(issuer, poor_household())
    auditor = UserFactory(role="auditor")
    theirs = issue_household_certificate(auditor, poor_household("18871"))
    ids = [item["id"] for item in client.get(f"{V1}/certificates/").json()["results"]]
    assert ids == [mine.pk]
    auditor_client = APIClient()
    auditor_client.force_authenticate(auditor)
    listed = auditor_client.get(f"{V1}/certificates/", {"commune": "18871"}).json()["results"]
    assert [item["id"] for item in listed] == [theirs.pk]
    revoked = auditor_client.get(f"{V1}/certificates/", {"status": "revoked"}).json()
    assert revoked["count"] == 0
    bad = auditor_client.get(f"{V1}/certificates/", {"status": "nope"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_filter"
    assert client.get(f"{V1}/certificates/{theirs.pk}/").status_code == 404


def test_verify_answers_invalid_for_a_tampered_or_garbage_token(today, issuer):
    certificate = issue_household_certificate(issuer, poor_household())
    token = certificate.token
    tampered = token[:50] + ("A" if token[50] != "A" else "B") + token[51:]
    for candidate in (tampered, "garbage", "x" * 3000):
        body = APIClient().get(f"{V1}/verify/", {"token": candidate}).json()
        assert body["status"] == "invalid" and body["valid"] is False
        assert body["number"] is None and body["subject_ss_code"] is None
    missing = APIClient().get(f"{V1}/verify/")
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "invalid"


def test_keys_and_status_list_are_public(today, issuer):
    certificate = issue_household_certificate(issuer, poor_household())
    keys = APIClient().get(f"{V1}/verify/keys/").json()["keys"]
    assert [key["kid"] for key in keys] == [certificate.signing_key_id]
    assert keys[0]["kty"] == "OKP" and keys[0]["crv"] == "Ed25519" and "d" not in keys[0]
    listing = APIClient().get(f"{V1}/verify/status-list/")
    assert listing.status_code == 200
    assert listing["Content-Type"] == "application/statuslist+cwt"
    assert listing.content[:1] == b"\xd2"  # CBOR tag 18: COSE_Sign1


def test_public_endpoints_are_rate_limited(today, settings):
    settings.REGISTRY_VERIFY_THROTTLE = "3/min"
    client = APIClient()
    statuses = [client.get(f"{V1}/verify/", {"token": "abc"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = client.get(f"{V1}/verify/keys/")
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert throttled.json()["error"]["code"] == "throttled"


def test_status_list_endpoint_sweeps_lapsed_certificates(today, issuer):
    case = approved_case()
    certificate = issue_case_certificate(issuer, case)
    case.status = "terminated"
    case.save(update_fields=["status"])
    APIClient().get(f"{V1}/verify/status-list/")
    certificate.refresh_from_db()
    assert certificate.revocation_code == "case_ended"
    assert online.certificate_verify(certificate.token).status == "revoked"
