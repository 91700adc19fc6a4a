"""The signed token: standard COSE_Sign1/CWT any COSE library reads, tamper-evident to the last
character, carrying nothing personal beyond the social-security code."""

from __future__ import annotations

import base64
import zlib
from datetime import UTC, datetime

import cbor2
import cwt
import pytest

from certificates import signing, tokens
from certificates.tokens import TokenInvalid

SIGNER = signing.signer_from_seed(signing.generate_seed())
OTHER = signing.signer_from_seed(signing.generate_seed())
KEYS = {SIGNER.kid: signing.verification_key(SIGNER.jwk)}

CLAIMS = tokens.CertificateClaims(
    issuer="registry.example.org",
    kind="beneficiary_status",
    number="12/GXN-UBND",
    commune_code="18859",
    subject_ss_code="44000000012345",
    issued_at=datetime(2026, 12, 1, 3, 0, tzinfo=UTC),
    expires_at=datetime(2027, 3, 1, 17, 0, tzinfo=UTC),
    status_index=1234,
    status_uri="https://registry.example.org/api/v1/verify/status-list/",
)


def test_round_trip():
    token = tokens.certificate_token(CLAIMS, SIGNER)
    kid, claims = tokens.certificate_token_read(token, KEYS)
    assert kid == SIGNER.kid
    assert claims == CLAIMS


def test_token_is_a_standard_cwt_with_the_key_id_in_the_protected_header():
    token = tokens.certificate_token(CLAIMS, SIGNER)
    padded = token + "=" * (-len(token) % 4)
    message = zlib.decompress(base64.urlsafe_b64decode(padded))
    tag = cbor2.loads(message)
    assert tag.tag == 18  # COSE_Sign1
    protected = cbor2.loads(tag.value[0])
    assert protected == {1: -8, 4: SIGNER.kid.encode()}  # alg EdDSA, kid
    assert tag.value[1] == {}  # nothing unprotected
    # A generic CWT library verifies it with the published JWK alone.
    public = cwt.COSEKey.from_jwk(SIGNER.jwk)
    claims = cwt.decode(message, public)
    assert claims[2] == "44000000012345" and claims[-65538] == "12/GXN-UBND"


def test_the_token_carries_only_the_listed_claims():
    token = tokens.certificate_token(CLAIMS, SIGNER)
    padded = token + "=" * (-len(token) % 4)
    payload = cbor2.loads(cbor2.loads(zlib.decompress(base64.urlsafe_b64decode(padded))).value[2])
    assert set(payload) == {1, 2, 4, 6, 65535, -65537, -65538, -65539}
    assert payload[65535] == {"status_list": {"idx": 1234, "uri": CLAIMS.status_uri}}
    text_values = [v for v in payload.values() if isinstance(v, str)]
    assert text_values == [
        "registry.example.org",
        "44000000012345",
        "beneficiary_status",
        "12/GXN-UBND",
        "18859",
    ]


def test_every_single_changed_character_makes_the_token_invalid():
    token = tokens.certificate_token(CLAIMS, SIGNER)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for position in range(len(token)):
        replacement = alphabet[(alphabet.index(token[position]) + 1) % len(alphabet)]
        tampered = token[:position] + replacement + token[position + 1 :]
        with pytest.raises(TokenInvalid):
            tokens.certificate_token_read(tampered, KEYS)


@pytest.mark.parametrize(
    "token, reason",
    [
        ("", "bad_length"),
        ("a" * 5000, "bad_length"),
        ("abc def", "bad_alphabet"),
        ("abc=", "bad_alphabet"),
        ("eJw", "bad_compression"),
    ],
)
def test_malformed_tokens_are_invalid_not_errors(token, reason):
    with pytest.raises(TokenInvalid) as caught:
        tokens.certificate_token_read(token, KEYS)
    assert caught.value.reason == reason


def test_a_token_signed_by_an_unpublished_key_is_invalid():
    forged = tokens.certificate_token(CLAIMS, OTHER)
    with pytest.raises(TokenInvalid) as caught:
        tokens.certificate_token_read(forged, KEYS)
    assert caught.value.reason == "unknown_key"


def test_a_forged_signature_under_a_published_key_id_is_invalid():
    # Signed by another key but claiming our key id in its protected header.
    payload = cbor2.dumps(tokens.claims_map(CLAIMS))
    impostor = signing.Signer(kid=SIGNER.kid, public_key=OTHER.public_key, cose_key=OTHER.cose_key)
    message = cwt.COSE.new(alg_auto_inclusion=False, kid_auto_inclusion=False).encode_and_sign(
        payload, impostor.cose_key, protected={1: -8, 4: SIGNER.kid.encode()}, unprotected={}
    )
    with pytest.raises(TokenInvalid) as caught:
        tokens.certificate_token_read(tokens.token_encode(message), KEYS)
    assert caught.value.reason == "bad_signature"


def test_a_compression_bomb_is_refused():
    bomb = base64.urlsafe_b64encode(zlib.compress(b"\0" * 1_000_000, 9)).rstrip(b"=").decode()
    assert len(bomb) <= tokens.MAX_TOKEN_CHARS
    with pytest.raises(TokenInvalid) as caught:
        tokens.token_decode(bomb)
    assert caught.value.reason == "bad_compression"


def test_kid_is_derived_from_the_public_key():
    assert SIGNER.kid == signing.key_id(SIGNER.public_key)
    assert len(SIGNER.kid) == 11
    assert SIGNER.kid != OTHER.kid
