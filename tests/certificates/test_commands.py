"""`verify_certificate` offline with downloaded files only, and `rotate_signing_key`."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from certificates import services
from certificates.models import SigningKey
from tests.certificates.factories import issue_household_certificate, poor_household

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_certificate", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def published(tmp_path):
    """Download the keys and the status list, as a verifier does before going offline."""

    def download() -> tuple[str, str]:
        client = APIClient()
        keys = tmp_path / "keys.json"
        keys.write_bytes(client.get("/api/v1/verify/keys/").content)
        listing = tmp_path / "status-list.cwt"
        listing.write_bytes(client.get("/api/v1/verify/status-list/").content)
        return str(keys), str(listing)

    return download


def test_valid_then_revoked_offline_with_a_fresh_list(issuer, today, published, settings):
    certificate = issue_household_certificate(issuer, poor_household())
    keys, listing = published()
    url = f"https://registry.example.org/verify/{certificate.token}"

    code, out, _ = run(url, "--keys", keys, "--status-list", listing)
    assert code == 0, out
    assert (
        "CÒN HIỆU LỰC" in out and certificate.number in out and certificate.subject_ss_code in out
    )
    assert "cách đây 0 phút" in out

    services.certificate_revoke(actor=issuer, certificate_id=certificate.pk, reason="Sai")
    today.shift(timedelta(hours=2, minutes=5))
    code, out, _ = run(certificate.token, "--keys", keys, "--status-list", listing)
    assert code == 0 and "cách đây 2 giờ 5 phút" in out  # the old list cannot know

    keys, listing = published()
    code, out, _ = run(certificate.token, "--keys", keys, "--status-list", listing)
    assert code == 1 and "ĐÃ BỊ THU HỒI" in out


def test_needs_no_database_with_downloaded_files(
    issuer, today, published, django_assert_num_queries
):
    certificate = issue_household_certificate(issuer, poor_household())
    keys, listing = published()
    with django_assert_num_queries(0):
        code, out, _ = run(certificate.token, "--keys", keys, "--status-list", listing)
    assert code == 0


def test_without_a_status_list_it_says_revocation_was_not_checked(issuer, today, published):
    certificate = issue_household_certificate(issuer, poor_household())
    keys, _ = published()
    code, out, _ = run(certificate.token, "--keys", keys)
    assert code == 0 and "CHƯA kiểm tra thu hồi" in out


def test_a_changed_character_is_invalid(issuer, today, published):
    certificate = issue_household_certificate(issuer, poor_household())
    keys, listing = published()
    token = certificate.token
    tampered = token[:20] + ("b" if token[20] != "b" else "c") + token[21:]
    code, out, _ = run(tampered, "--keys", keys, "--status-list", listing)
    assert code == 1 and "KHÔNG HỢP LỆ" in out


def test_an_outdated_list_is_flagged(issuer, today, published):
    certificate = issue_household_certificate(issuer, poor_household())
    keys, listing = published()
    today.shift(timedelta(days=3))
    code, out, _ = run(certificate.token, "--keys", keys, "--status-list", listing)
    assert "CẢNH BÁO" in out and "3 ngày" in out


def test_a_list_that_does_not_cover_the_certificate_is_refused(issuer, today, published):
    issue_household_certificate(issuer, poor_household())
    keys, listing = published()
    later = [issue_household_certificate(issuer, poor_household()) for _ in range(8)][-1]
    code, _, err = run(later.token, "--keys", keys, "--status-list", listing)
    assert code == 2 and "status_list_older_than_certificate" in err


def test_rotate_signing_key_in_development(issuer, today):
    old = issue_household_certificate(issuer, poor_household())
    out = io.StringIO()
    call_command("rotate_signing_key", stdout=out)
    assert old.signing_key_id in out.getvalue()
    assert (
        SigningKey.objects.filter(retired_at__isnull=True).exclude(kid=old.signing_key_id).count()
        == 1
    )
    status = io.StringIO()
    call_command("rotate_signing_key", "--status", stdout=status)
    assert f"{old.signing_key_id}: ngừng ký" in status.getvalue()
    new = io.StringIO()
    call_command("rotate_signing_key", "--print-new", stdout=new)
    assert len(new.getvalue().strip().splitlines()[-1]) == 44  # 32 bytes, base64
