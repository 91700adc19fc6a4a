"""The auditors' pages: read-only browsing, certificates (issue, print, batch print, revoke),
the audit trail with its filters and the chain check, the consistency report."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from certificates.models import Certificate
from jobs.models import Job
from registry.models import AuditEvent
from tests.certificates.factories import (
    approved_case,
    issue_case_certificate,
    issue_household_certificate,
    poor_household,
)
from tests.certificates.pdf import pdf_text
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 3, 5, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def certificate_setup(settings, tmp_path):
    settings.REGISTRY_CERTIFICATE_KEY_FILE = tmp_path / "certificate_signing_key.json"
    settings.REGISTRY_CERTIFICATE_SIGNING_KEY = ""
    settings.REGISTRY_PUBLIC_BASE_URL = "https://registry.example.org"
    settings.REGISTRY_PRINTS_DIR = tmp_path / "prints"
    cache.clear()
    with time_machine.travel(TODAY, tick=False):
        yield
    cache.clear()


@pytest.fixture
def auditor_user():
    return make_user("kiemtoan", "auditor", [])


@pytest.fixture
def auditor_client(auditor_user, web_client):
    return web_client(auditor_user)


@pytest.fixture
def approver_client(approver, web_client):
    return web_client(approver)


# --- read-only browsing ---------------------------------------------------------------------


def test_auditor_browses_masked_without_write_buttons_and_unmasking_is_audited(auditor_client):
    case = approved_case(national_id="045140012345", phone="0912345678")
    person = case.person
    html = auditor_client.get(reverse("web:person", args=[person.pk])).content.decode()
    assert "045140012345" not in html and "0912345678" not in html
    assert "Lập hồ sơ hưởng" not in html and "Ghi nhận người mất" not in html
    assert "Chuyển hộ" not in html
    assert reverse("web:audit-person-certificates", args=[person.pk]) in html
    household = auditor_client.get(reverse("web:household", args=[person.household_id]))
    assert "Thêm thành viên" not in household.content.decode()
    case_html = auditor_client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert "Đề xuất điều chỉnh" not in case_html and "Trình hồ sơ" not in case_html
    unmasked = auditor_client.get(reverse("web:person", args=[person.pk]) + "?unmask=1")
    assert "045140012345" in unmasked.content.decode()
    assert AuditEvent.objects.filter(action__endswith="unmasked_read", object_id=str(person.pk))


def test_nav_shows_the_auditors_entries_by_permission(auditor_client, sw_client):
    html = auditor_client.get(reverse("web:households")).content.decode()
    for url in ("web:audit-certificates", "web:audit-trail", "web:audit-consistency"):
        assert reverse(url) in html
    worker = sw_client.get(reverse("web:households")).content.decode()
    assert reverse("web:audit-trail") not in worker
    assert reverse("web:audit-certificates") not in worker


# --- role gating ----------------------------------------------------------------------------


def test_social_worker_is_refused_the_audit_pages(sw_client):
    for name in ("web:audit-trail", "web:audit-certificates", "web:audit-consistency"):
        assert sw_client.get(reverse(name)).status_code == 403, name
    assert sw_client.post(reverse("web:audit-chain-verify")).status_code == 403


def test_approver_sees_certificates_of_own_commune_only(approver, approver_client, auditor_user):
    own = issue_case_certificate(approver, approved_case(OWN_COMMUNE))
    other_case = approved_case(OTHER_COMMUNE)
    other = issue_case_certificate(auditor_user, other_case)
    listing = approver_client.get(reverse("web:audit-certificates")).content.decode()
    assert (
        own.number in listing and reverse("web:audit-certificate", args=[other.pk]) not in listing
    )
    assert approver_client.get(reverse("web:audit-certificate", args=[other.pk])).status_code == 404
    assert (
        approver_client.get(reverse("web:audit-certificate-pdf", args=[other.pk])).status_code
        == 404
    )
    revoke = reverse("web:audit-certificate-revoke", args=[other.pk])
    assert approver_client.post(revoke, {"reason": "Sai"}).status_code == 404
    person_page = reverse("web:audit-person-certificates", args=[other_case.person_id])
    assert approver_client.get(person_page).status_code == 404
    # The approver holds no audit-trail permission.
    assert approver_client.get(reverse("web:audit-trail")).status_code == 403


# --- certificates ---------------------------------------------------------------------------


def test_auditor_issues_downloads_and_revokes_a_case_certificate(auditor_client):
    case = approved_case()
    page = reverse("web:audit-person-certificates", args=[case.person_id])
    assert "Cấp giấy xác nhận đang hưởng" in auditor_client.get(page).content.decode()
    response = auditor_client.post(page, {"case": case.pk, "signatory_name": "Trần Văn Nam"})
    certificate = Certificate.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:audit-certificate", args=[certificate.pk])
    detail = auditor_client.get(response["Location"]).content.decode()
    assert "Còn hiệu lực" in detail and certificate.subject_ss_code in detail
    assert f"/verify/{certificate.token}" in detail

    pdf = auditor_client.get(reverse("web:audit-certificate-pdf", args=[certificate.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert case.person.ss_code in pdf_text(pdf.content)
    assert AuditEvent.objects.filter(action="certificate.printed").count() == 1

    revoke = reverse("web:audit-certificate-revoke", args=[certificate.pk])
    refused = auditor_client.post(revoke, {"reason": "  "})
    assert refused.status_code == 400
    assert "Trường này là bắt buộc." in refused.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None

    done = auditor_client.post(revoke, {"reason": "Cấp nhầm người"}, follow=True)
    html = done.content.decode()
    assert "Đã thu hồi giấy số" in html and "Cấp nhầm người" in html and "Đã thu hồi" in html
    assert "Thu hồi giấy</button>" not in html
    verify = auditor_client.get(f"/verify/{certificate.token}").content.decode()
    assert "ĐÃ BỊ THU HỒI" in verify
    # A revoked certificate is not printed any more: the page says why.
    again = auditor_client.get(
        reverse("web:audit-certificate-pdf", args=[certificate.pk]), follow=True
    )
    assert "Giấy chứng nhận đã bị thu hồi." in again.content.decode()


def test_issue_refused_shows_the_services_reason(auditor_client):
    household = poor_household(year=2025)  # last year's review: no certificate this year
    page = reverse("web:audit-household-certificates", args=[household.pk])
    response = auditor_client.post(page, {})
    assert response.status_code == 400
    assert "cần rà soát năm nay" in response.content.decode()
    assert not Certificate.objects.exists()


def test_household_certificate_issued_from_its_page(auditor_client):
    household = poor_household()
    page = reverse("web:audit-household-certificates", args=[household.pk])
    response = auditor_client.post(page, {"signatory_title": "Chủ tịch"}, follow=True)
    assert "Đã cấp giấy số 01/GCN-HN.HCN." in response.content.decode()
    listing = auditor_client.get(page).content.decode()
    assert "01/GCN-HN.HCN" in listing and "Còn hiệu lực" in listing


def test_batch_print_runs_as_a_job_then_downloads(auditor_user, auditor_client, settings):
    first = issue_household_certificate(auditor_user, poor_household())
    second = issue_case_certificate(auditor_user, approved_case())
    response = auditor_client.post(reverse("web:audit-print"), {"print-commune": OWN_COMMUNE})
    job = Job.objects.get(kind="certificates_batch_print")
    assert response["Location"] == reverse("web:audit-print-job", args=[job.pk])
    # The tests run jobs at once: the page shows the download and stops polling.
    html = auditor_client.get(response["Location"]).content.decode()
    assert "Tải tệp PDF để in" in html and "hx-trigger" not in html
    pdf = auditor_client.get(reverse("web:audit-print-pdf", args=[job.pk]))
    text = pdf_text(pdf.content)
    assert first.number in text and second.subject_ss_code in text
    assert job.result == {"commune_code": OWN_COMMUNE, "bytes": len(pdf.content)}
    stored = list(settings.REGISTRY_PRINTS_DIR.iterdir())  # kept encrypted
    assert len(stored) == 1 and second.subject_ss_code.encode() not in stored[0].read_bytes()


def test_batch_print_job_polls_while_running_and_others_cannot_download(
    auditor_user, auditor_client, approver, approver_client
):
    issue_household_certificate(auditor_user, poor_household())
    auditor_client.post(reverse("web:audit-print"), {"print-commune": OWN_COMMUNE})
    job = Job.objects.get(kind="certificates_batch_print")
    Job.objects.filter(pk=job.pk).update(
        status="running", finished_at=None, result=None, progress_done=1, progress_total=3
    )
    fragment = auditor_client.get(
        reverse("web:audit-print-job", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "1/3" in fragment and "<html" not in fragment
    # The job is the auditor's: an approver (who may print) does not see it.
    assert approver_client.get(reverse("web:audit-print-pdf", args=[job.pk])).status_code == 404
    # An approver may not print another commune.
    refused = approver_client.post(reverse("web:audit-print"), {"print-commune": OTHER_COMMUNE})
    assert refused.status_code == 302 and not Job.objects.filter(started_by=approver).exists()


def test_certificate_list_filters_by_status(auditor_user, auditor_client):
    kept = issue_household_certificate(auditor_user, poor_household())
    gone = issue_case_certificate(auditor_user, approved_case())
    from certificates import services

    services.certificate_revoke(actor=auditor_user, certificate_id=gone.pk, reason="Sai")
    url = reverse("web:audit-certificates")
    revoked = auditor_client.get(url, {"status": "revoked"}).content.decode()
    assert gone.number in revoked and kept.number not in revoked
    current = auditor_client.get(url, {"status": "current"}).content.decode()
    assert kept.number in current and gone.number not in current


# --- audit trail ----------------------------------------------------------------------------


def test_trail_filters_by_who_what_when_and_commune(auditor_user, auditor_client, approver):
    issue_case_certificate(approver, approved_case(OWN_COMMUNE))
    issue_case_certificate(auditor_user, approved_case(OTHER_COMMUNE))
    url = reverse("web:audit-trail")

    def sequences(**params) -> set[int]:
        response = auditor_client.get(url, params)
        assert response.status_code == 200
        return set(response.context["page"].object_list.values_list("sequence", flat=True))

    issued = AuditEvent.objects.filter(action="certificate.issued")
    by_approver = sequences(actor=approver.username)
    assert by_approver == set(
        AuditEvent.objects.filter(actor=approver).values_list("sequence", flat=True)
    )
    assert sequences(action="certificate.issued") == set(issued.values_list("sequence", flat=True))
    assert sequences(action="certificate.issued", commune=OTHER_COMMUNE) == set(
        issued.filter(commune_code=OTHER_COMMUNE).values_list("sequence", flat=True)
    )
    assert (
        len(sequences(date_from="2026-03-05", date_to="2026-03-05")) == AuditEvent.objects.count()
    )
    assert sequences(date_from="2026-03-06") == set()
    # Newest first.
    page = auditor_client.get(url).context["page"].object_list
    assert [e.sequence for e in page] == sorted((e.sequence for e in page), reverse=True)
    wrong = auditor_client.get(url, {"date_from": "2026-03-06", "date_to": "2026-03-01"})
    assert wrong.status_code == 400
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi." in wrong.content.decode()


def test_chain_check_says_intact_with_count_and_head(auditor_client, auditor_user):
    issue_case_certificate(auditor_user, approved_case())
    response = auditor_client.post(reverse("web:audit-chain-verify"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    job = Job.objects.get(kind="audit_chain_verify")
    assert "Chuỗi nhật ký nguyên vẹn" in html
    assert f"{job.result['events']} sự kiện" in html and job.result["head_hash"] in html
    assert "<html" not in html  # the fragment htmx swaps in


def test_chain_check_while_one_runs_follows_the_running_one(auditor_client, auditor_user):
    auditor_client.post(reverse("web:audit-chain-verify"))
    job = Job.objects.get(kind="audit_chain_verify")
    Job.objects.filter(pk=job.pk).update(
        status="running", finished_at=None, result=None, progress_done=5000, progress_total=9000
    )
    again = auditor_client.post(reverse("web:audit-chain-verify"), HTTP_HX_REQUEST="true")
    html = again.content.decode()
    assert Job.objects.filter(kind="audit_chain_verify").count() == 1
    assert 'hx-trigger="every 1s"' in html and "5000/9000" in html
    assert reverse("web:audit-chain-job", args=[job.pk]) in html


@pytest.mark.audit_chain_tampered
def test_tampered_chain_names_the_broken_event(auditor_client, auditor_user):
    issue_case_certificate(auditor_user, approved_case())
    event = AuditEvent.objects.filter(action="certificate.issued").get()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET object_id = %s WHERE id = %s",
            ["999999", event.pk],
        )
    response = auditor_client.post(reverse("web:audit-chain-verify"), follow=True)
    html = response.content.decode()
    assert "Chuỗi nhật ký bị phá vỡ" in html
    assert f"số {event.sequence} (id={event.pk})" in html
    assert "nội dung không còn khớp với mã băm của nó" in html


# --- consistency report ---------------------------------------------------------------------


def died(person) -> None:
    """Recorded straight in the table (as a faulty import would), leaving the case open."""
    person.vital_status = "deceased"
    person.date_of_death = TODAY.date()
    person.save(update_fields=["vital_status", "date_of_death"])


def test_consistency_report_links_each_finding_to_its_records(auditor_client):
    case = approved_case()
    person = case.person
    died(person)
    response = auditor_client.get(reverse("web:audit-consistency"))
    html = response.content.decode()
    assert "Người đã mất còn hồ sơ đang mở" in html
    assert reverse("web:person", args=[person.pk]) in html
    assert reverse("web:household", args=[person.household_id]) in html
    assert reverse("web:case", args=[case.pk]) in html
    assert person.full_name not in html


def test_consistency_report_for_an_approver_is_scoped_to_their_communes(approver_client):
    mine, other = approved_case(OWN_COMMUNE), approved_case(OTHER_COMMUNE)
    for case in (mine, other):
        died(case.person)
    own = approver_client.get(reverse("web:audit-consistency")).content.decode()
    assert "Người đã mất còn hồ sơ đang mở" in own
    assert reverse("web:case", args=[mine.pk]) in own
    assert reverse("web:case", args=[other.pk]) not in own
    refused = approver_client.get(reverse("web:audit-consistency"), {"commune": OTHER_COMMUNE})
    assert refused.status_code == 400 and "Phát hiện" not in refused.content.decode()


# --- the public verification page -----------------------------------------------------------


def test_verify_page_states(auditor_user, client):
    certificate = issue_household_certificate(auditor_user, poor_household())
    assert "CÒN HIỆU LỰC" in client.get(f"/verify/{certificate.token}").content.decode()
    assert "KHÔNG HỢP LỆ" in client.get("/verify/abc").content.decode()
    with time_machine.travel("2027-01-02T08:00:00+07:00", tick=False):
        assert "ĐÃ HẾT HẠN" in client.get(f"/verify/{certificate.token}").content.decode()


def test_audit_pages_in_english(auditor_user):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(auditor_user)
    client.post("/i18n/setlang/", {"language": "en"})
    trail = client.get(reverse("web:audit-trail")).content.decode()
    assert "Audit trail" in trail and "Verify the chain" in trail
    certificates = client.get(reverse("web:audit-certificates")).content.decode()
    assert "Print a commune" in certificates and "Print all" in certificates
