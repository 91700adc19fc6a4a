"""A third party verifies with a generic COSE library and the two downloads only: the code of
docs/certificates.md, "How a third party verifies", with nothing imported from the registry."""

from __future__ import annotations

import base64
import json
import zlib

import cbor2
import cwt
import pytest
from rest_framework.test import APIClient

from certificates import services
from tests.certificates.factories import issue_household_certificate, poor_household

pytestmark = pytest.mark.django_db


def cose_key(jwks, message):
    """The published key named by the message's protected header."""
    kid = cbor2.loads(cbor2.loads(message).value[0])[4].decode()
    jwk = next(k for k in jwks["keys"] if k["kid"] == kid)
    return cwt.COSEKey.from_jwk({n: jwk[n] for n in ("kty", "crv", "x", "kid")} | {"alg": "EdDSA"})


def third_party_check(url: str, keys_json: bytes, listing: bytes) -> int:
    jwks = json.loads(keys_json)
    token = url.rsplit("/verify/", 1)[1]
    message = zlib.decompress(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    claims = cwt.decode(message, cose_key(jwks, message))
    reference = claims[65535]["status_list"]
    status = cbor2.loads(cwt.COSE.new().decode(listing, cose_key(jwks, listing)))
    assert status[2] == reference["uri"]
    bits = zlib.decompress(status[65533]["lst"])
    return bits[reference["idx"] // 8] >> (reference["idx"] % 8) & 1


def test_the_documented_code_reads_valid_then_revoked(issuer, today):
    certificate = issue_household_certificate(issuer, poor_household())
    url = f"https://registry.example.org/verify/{certificate.token}"
    client = APIClient()

    def downloads():
        return (
            client.get("/api/v1/verify/keys/").content,
            client.get("/api/v1/verify/status-list/").content,
        )

    assert third_party_check(url, *downloads()) == 0
    services.certificate_revoke(actor=issuer, certificate_id=certificate.pk, reason="Sai")
    assert third_party_check(url, *downloads()) == 1
