"""The status list (IETF Token Status List, CWT form) and the offline check built on it."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta

import cbor2
import pytest

from certificates import signing, status_list, tokens, verification
from certificates.verification import StatusListUnusable

SIGNER = signing.signer_from_seed(signing.generate_seed())
JWKS = {"keys": [SIGNER.jwk]}
URI = "https://registry.example.org/api/v1/verify/status-list/"
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def claims(index: int, **changes) -> tokens.CertificateClaims:
    values = {
        "issuer": "registry.example.org",
        "kind": "household_poverty",
        "number": "01/GCN-HN.HCN",
        "commune_code": "18859",
        "subject_ss_code": "44000000012345",
        "issued_at": NOW - timedelta(days=1),
        "expires_at": NOW + timedelta(days=30),
        "status_index": index,
        "status_uri": URI,
    }
    values.update(changes)
    return tokens.CertificateClaims(**values)


def listing(size: int, revoked, *, signer=SIGNER, uri=URI, issued_at=NOW) -> bytes:
    return status_list.status_list_token(
        signer=signer,
        uri=uri,
        size=size,
        revoked=revoked,
        issued_at=issued_at,
        valid_for=timedelta(hours=48),
        ttl=timedelta(hours=6),
    )


def test_bit_order_is_the_drafts_least_significant_bit_first():
    # idx 0 → bit 0 of byte 0; idx 9 → bit 1 of byte 1; idx 15 → bit 7 of byte 1.
    assert status_list.status_bytes(16, [0, 9, 15]) == bytes([0b0000_0001, 0b1000_0010])


def test_the_list_is_a_signed_dated_cwt_with_typ_and_compressed_bits():
    message = listing(20, [3, 17])
    tag = cbor2.loads(message)
    protected = cbor2.loads(tag.value[0])
    assert protected[16] == "application/statuslist+cwt"
    assert protected[4] == SIGNER.kid.encode()
    payload = cbor2.loads(tag.value[2])
    assert payload[2] == URI
    assert payload[6] == int(NOW.timestamp())
    assert payload[4] == int((NOW + timedelta(hours=48)).timestamp())
    assert payload[65534] == 6 * 3600
    assert payload[65533]["bits"] == 1
    assert zlib.decompress(payload[65533]["lst"]) == status_list.status_bytes(20, [3, 17])

    read = status_list.status_list_read(message, verification.keys_from_jwks(JWKS))
    assert [read.status(i) for i in (2, 3, 17, 18)] == [0, 1, 1, 0]
    assert read.issued_at == NOW and read.kid == SIGNER.kid


def test_offline_valid_revoked_and_expired():
    keys_list = listing(8, [5])
    valid = tokens.certificate_token(claims(4), SIGNER)
    revoked = tokens.certificate_token(claims(5), SIGNER)
    expired = tokens.certificate_token(claims(6, expires_at=NOW - timedelta(seconds=1)), SIGNER)
    check = verification.verify_offline
    assert check(valid, jwks=JWKS, status_list=keys_list, now=NOW).status == "valid"
    assert check(revoked, jwks=JWKS, status_list=keys_list, now=NOW).status == "revoked"
    assert check(expired, jwks=JWKS, status_list=keys_list, now=NOW).status == "expired"
    result = check(revoked, jwks=JWKS, status_list=None, now=NOW)
    # Without a list the revocation is unknown, and the result says so.
    assert result.status == "valid" and not result.revocation_checked


def test_offline_reports_the_age_of_the_list_it_used():
    older = NOW - timedelta(hours=5)
    result = verification.verify_offline(
        tokens.certificate_token(claims(1, issued_at=older - timedelta(days=1)), SIGNER),
        jwks=JWKS,
        status_list=listing(8, [], issued_at=older),
        now=NOW,
    )
    assert result.revocation_checked
    assert NOW - result.status_list_issued_at == timedelta(hours=5)
    assert result.status_list_expires_at == older + timedelta(hours=48)


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda: listing(16, [], uri="https://elsewhere.example/status"), "another_status_list"),
        # Index 12 lies beyond a list of 8: issued after the list was made.
        (lambda: listing(8, []), "status_list_older_than_certificate"),
        (
            lambda: listing(16, [], signer=signing.signer_from_seed(signing.generate_seed())),
            "unknown_key",
        ),
        (lambda: tokens.sign({1: "x"}, SIGNER), "wrong_type"),
    ],
    ids=["other_list", "older_than_certificate", "unknown_signer", "not_a_status_list"],
)
def test_an_unusable_status_list_is_refused_not_ignored(make, reason):
    token = tokens.certificate_token(claims(12), SIGNER)
    with pytest.raises(StatusListUnusable) as caught:
        verification.verify_offline(token, jwks=JWKS, status_list=make(), now=NOW)
    assert caught.value.reason == reason


def test_a_token_from_the_future_is_invalid():
    token = tokens.certificate_token(claims(1, issued_at=NOW + timedelta(hours=1)), SIGNER)
    result = verification.verify_offline(token, jwks=JWKS, status_list=None, now=NOW)
    assert result.status == "invalid" and result.reason == "issued_in_future"


def test_unusable_keys_in_a_jwks_are_skipped():
    jwks = {"keys": [{"kty": "RSA", "kid": "x", "n": "AQAB"}, {"kid": "y"}, SIGNER.jwk]}
    assert list(verification.keys_from_jwks(jwks)) == [SIGNER.kid]
    assert verification.keys_from_jwks({"keys": "nope"}) == {}
