"""Signing-key rotation: the new key signs, what the old key signed still verifies, and the old
public key stays published exactly as long as something it signed is valid."""

from __future__ import annotations

import base64
import io
import json
from datetime import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from certificates import keys, online, signing
from certificates.models import SigningKey
from certificates.verification import verify_offline
from tests.certificates.conftest import HCM
from tests.certificates.factories import (
    approved_case,
    issue_case_certificate,
    issue_household_certificate,
    poor_household,
)

pytestmark = pytest.mark.django_db


def offline(token: str, listing: bytes | None = None):
    return verify_offline(token, jwks=keys.jwks(), status_list=listing, now=timezone.now())


def test_a_certificate_signed_by_a_rotated_out_key_still_verifies(issuer, today, signing_key_file):
    old = issue_household_certificate(issuer, poor_household())
    old_kid = old.signing_key_id
    seed_before = signing_key_file.read_text()

    previous, current = keys.signing_key_rotate(actor=issuer)

    assert previous == old_kid and current != old_kid
    assert signing_key_file.read_text() != seed_before
    new = issue_household_certificate(issuer, poor_household())
    assert new.signing_key_id == current
    listing = online.status_list_build()
    for certificate in (old, new):
        assert online.certificate_verify(certificate.token).status == "valid"
        assert offline(certificate.token, listing).status == "valid"
    published = {key["kid"]: key for key in keys.jwks()["keys"]}
    assert published[old_kid]["status"] == "retired"
    assert published[old_kid]["valid_until"] == "2026-12-31"
    assert published[current]["status"] == "active"
    assert SigningKey.objects.get(kid=old_kid).retired_at is not None


def test_an_old_key_is_withdrawn_once_everything_it_signed_has_expired(issuer, today):
    household_certificate = issue_household_certificate(issuer, poor_household())
    case_certificate = issue_case_certificate(issuer, approved_case())  # valid 90 days
    old_kid = household_certificate.signing_key_id
    keys.signing_key_rotate()

    today.move_to(datetime(2026, 12, 31, 12, 0, tzinfo=HCM))
    assert old_kid in {k["kid"] for k in keys.jwks()["keys"]}  # the household one: to 31/12
    today.move_to(datetime(2027, 1, 2, 12, 0, tzinfo=HCM))
    assert old_kid not in {k["kid"] for k in keys.jwks()["keys"]}
    # Expired rather than invalid online, where every key ever registered is known.
    assert online.certificate_verify(household_certificate.token).status == "expired"
    assert online.certificate_verify(case_certificate.token).status == "expired"


def test_production_rotation_through_the_environment(issuer, today, settings):
    first, second = signing.generate_seed(), signing.generate_seed()
    settings.REGISTRY_CERTIFICATE_SIGNING_KEY = first
    old = issue_household_certificate(issuer, poor_household())
    settings.REGISTRY_CERTIFICATE_SIGNING_KEY = second  # the operator's new key, then a restart
    new = issue_household_certificate(issuer, poor_household())
    assert old.signing_key_id != new.signing_key_id
    assert SigningKey.objects.get(kid=old.signing_key_id).retired_at is not None
    assert {old.signing_key_id, new.signing_key_id} <= {k["kid"] for k in keys.jwks()["keys"]}
    assert offline(old.token).status == "valid" and offline(new.token).status == "valid"
    with pytest.raises(Exception, match="REGISTRY_CERTIFICATE_SIGNING_KEY"):
        call_command("rotate_signing_key")


def test_production_refuses_to_start_without_a_signing_key(settings):
    settings.REGISTRY_REQUIRE_KEYS_FROM_ENV = True
    settings.REGISTRY_CERTIFICATE_SIGNING_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="REGISTRY_CERTIFICATE_SIGNING_KEY"):
        signing.signing_key()
    settings.REGISTRY_CERTIFICATE_SIGNING_KEY = "not base64!"
    with pytest.raises(ImproperlyConfigured):
        signing.signing_key()


def test_the_private_key_never_reaches_the_database(issuer, today, signing_key_file):
    issue_household_certificate(issuer, poor_household())
    seed = json.loads(signing_key_file.read_text())["signing_key"]
    spellings = {seed, signing.b64url(base64.b64decode(seed)), base64.b64decode(seed).hex()}
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert dump.getvalue().count('"public_key"') == 1
    for spelling in spellings:
        assert spelling not in dump.getvalue()
