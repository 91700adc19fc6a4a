"""The signed token printed in a certificate's QR code: a CWT (RFC 8392) in a COSE_Sign1 (RFC 9052),
signed with Ed25519, zlib-compressed and base64url-encoded without padding.

Pure functions, no database: the online check, the offline command and the tests share them.
The claims are listed in docs/certificates.md; nothing personal beyond the social-security code.
"""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

import cbor2
from cwt import COSE, COSEKey, CWTError

from certificates.signing import Signer

# Registered CWT claims (RFC 8392 §3.1), the Token Status List claim (IETF draft
# "Token Status List", §6.3: CWT claim 65535) and three private claims (below -65536).
ISS, SUB, EXP, IAT = 1, 2, 4, 6
STATUS = 65535
KIND, NUMBER, COMMUNE = -65537, -65538, -65539
# COSE header parameters (RFC 9052 §3.1).
ALG, KID, TYP = 1, 4, 16
EDDSA = -8

MAX_TOKEN_CHARS = 2048
MAX_CWT_BYTES = 8192
_TOKEN_ALPHABET = re.compile(r"^[A-Za-z0-9_-]+$")


class TokenInvalid(Exception):
    """Not a token this registry signed: malformed, tampered, or signed by an unknown key.

    `reason` is a short stable code for logs and the offline command; never shown as proof of
    anything to the person being checked.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CertificateClaims:
    issuer: str
    kind: str
    number: str
    commune_code: str
    subject_ss_code: str
    issued_at: datetime
    expires_at: datetime
    status_index: int
    status_uri: str


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _moment(value) -> datetime:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TokenInvalid("bad_time_claim")
    return datetime.fromtimestamp(value, tz=UTC)


def claims_map(claims: CertificateClaims) -> dict:
    return {
        ISS: claims.issuer,
        SUB: claims.subject_ss_code,
        EXP: _epoch(claims.expires_at),
        IAT: _epoch(claims.issued_at),
        STATUS: {"status_list": {"idx": claims.status_index, "uri": claims.status_uri}},
        KIND: claims.kind,
        NUMBER: claims.number,
        COMMUNE: claims.commune_code,
    }


def claims_from_map(payload) -> CertificateClaims:
    if not isinstance(payload, dict):
        raise TokenInvalid("payload_not_a_map")
    texts = {}
    for key in (ISS, SUB, KIND, NUMBER, COMMUNE):
        value = payload.get(key)
        if not isinstance(value, str) or not value or len(value) > 200:
            raise TokenInvalid("missing_claim")
        texts[key] = value
    status = payload.get(STATUS)
    reference = status.get("status_list") if isinstance(status, dict) else None
    if not isinstance(reference, dict):
        raise TokenInvalid("missing_status_claim")
    index, uri = reference.get("idx"), reference.get("uri")
    if (
        not isinstance(index, int)
        or isinstance(index, bool)
        or index < 0
        or not isinstance(uri, str)
    ):
        raise TokenInvalid("bad_status_claim")
    return CertificateClaims(
        issuer=texts[ISS],
        kind=texts[KIND],
        number=texts[NUMBER],
        commune_code=texts[COMMUNE],
        subject_ss_code=texts[SUB],
        issued_at=_moment(payload.get(IAT)),
        expires_at=_moment(payload.get(EXP)),
        status_index=index,
        status_uri=uri,
    )


# --- COSE_Sign1 -----------------------------------------------------------------------------

_SIGNING = COSE.new(alg_auto_inclusion=False, kid_auto_inclusion=False)
_VERIFYING = COSE.new(verify_kid=True)


def sign(payload: dict, signer: Signer, *, typ: str | None = None) -> bytes:
    """A COSE_Sign1 over the CBOR payload; alg and kid (and typ) in the protected header."""
    protected = {ALG: EDDSA, KID: signer.kid.encode("ascii")}
    if typ:
        protected[TYP] = typ
    return _SIGNING.encode_and_sign(
        cbor2.dumps(payload), signer.cose_key, protected=protected, unprotected={}
    )


def verify(message: bytes, keys: dict[str, COSEKey], *, typ: str | None = None) -> tuple[str, dict]:
    """Check the signature with the key the protected header names; (kid, payload map)."""
    try:
        tag = cbor2.loads(message)
        protected = cbor2.loads(tag.value[0]) if tag.value[0] else {}
    except Exception:  # cbor2 raises many types on garbage; all mean the same here
        raise TokenInvalid("not_cose") from None
    if getattr(tag, "tag", None) != 18 or not isinstance(protected, dict):
        raise TokenInvalid("not_cose_sign1")
    if protected.get(ALG) != EDDSA:
        raise TokenInvalid("wrong_algorithm")
    if typ is not None and protected.get(TYP) != typ:
        raise TokenInvalid("wrong_type")
    raw_kid = protected.get(KID)
    kid = raw_kid.decode("ascii", "replace") if isinstance(raw_kid, bytes) else None
    if kid not in keys:
        raise TokenInvalid("unknown_key")
    try:
        payload = _VERIFYING.decode(message, keys[kid])
        return kid, cbor2.loads(payload)
    except (CWTError, ValueError, cbor2.CBORError):
        raise TokenInvalid("bad_signature") from None


# --- the URL-safe text form -----------------------------------------------------------------


def token_encode(message: bytes) -> str:
    compressed = zlib.compress(message, 9)
    return base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def token_decode(token: str) -> bytes:
    """The COSE message inside a token; only the one canonical spelling of it is accepted."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_CHARS:
        raise TokenInvalid("bad_length")
    if not _TOKEN_ALPHABET.match(token):
        raise TokenInvalid("bad_alphabet")
    try:
        compressed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        raise TokenInvalid("bad_base64") from None
    # The last character may carry unused bits: a token differing only there must not pass.
    if base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii") != token:
        raise TokenInvalid("bad_base64")
    message = _inflate(compressed)
    if message is None:
        raise TokenInvalid("bad_compression")
    # The bits after deflate's last code, before the checksum, are ignored by zlib but every
    # encoder writes them as zeros: a token with any of them set is not one we issued, even
    # though it would decode to the same signed message.
    last = len(compressed) - 5
    for bit in range(8):
        if compressed[last] >> bit & 1:
            flipped = bytearray(compressed)
            flipped[last] ^= 1 << bit
            if _inflate(bytes(flipped)) == message:
                raise TokenInvalid("bad_compression")
    return message


def _inflate(compressed: bytes) -> bytes | None:
    inflater = zlib.decompressobj()
    try:
        message = inflater.decompress(compressed, MAX_CWT_BYTES)
    except zlib.error:
        return None
    if inflater.unconsumed_tail or not inflater.eof or inflater.unused_data:
        return None
    return message


def certificate_token(claims: CertificateClaims, signer: Signer) -> str:
    return token_encode(sign(claims_map(claims), signer))


def certificate_token_read(token: str, keys: dict[str, COSEKey]) -> tuple[str, CertificateClaims]:
    """(kid, claims) of a token whose signature checks out; TokenInvalid otherwise."""
    kid, payload = verify(token_decode(token), keys)
    return kid, claims_from_map(payload)
