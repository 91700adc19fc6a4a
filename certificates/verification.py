"""Checking a certificate token with published material only: the keys (JWKS) and a status list.

No database: `verify_certificate` (offline) calls it with files, the online check with the same
keys and its own revocation records. Outcomes, in order of precedence: invalid (not signed by a
published key, or malformed), revoked, expired, valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cwt import COSEKey

from certificates.signing import verification_key
from certificates.status_list import REVOKED, StatusList, status_list_read
from certificates.tokens import CertificateClaims, TokenInvalid, certificate_token_read

VALID, REVOKED_STATUS, EXPIRED, INVALID = "valid", "revoked", "expired", "invalid"
STATUSES = (VALID, REVOKED_STATUS, EXPIRED, INVALID)
# A token stamped as issued later than this is refused: the signer's clock is never that wrong.
CLOCK_SKEW = timedelta(minutes=5)


class StatusListUnusable(Exception):
    """The status list offered cannot be used: bad signature, another list, index outside it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Verification:
    status: str
    claims: CertificateClaims | None = None
    kid: str = ""
    reason: str = ""
    # None: revocation was not checked (no status list given to an offline check).
    revocation_checked: bool = False
    status_list_issued_at: datetime | None = None
    status_list_expires_at: datetime | None = None

    @property
    def valid(self) -> bool:
        return self.status == VALID


def keys_from_jwks(jwks: dict) -> dict[str, COSEKey]:
    """kid → verification key for every usable Ed25519 key of a JWKS document."""
    keys = {}
    for jwk in jwks.get("keys", []) if isinstance(jwks, dict) else []:
        try:
            keys[jwk["kid"]] = verification_key(jwk)
        except (KeyError, TypeError, ValueError):
            continue  # a key we cannot use verifies nothing; the others still do
    return keys


def outcome(claims: CertificateClaims, *, revoked: bool | None, now: datetime) -> str:
    if revoked:
        return REVOKED_STATUS
    if now >= claims.expires_at:
        return EXPIRED
    return VALID


def token_check(token: str, keys: dict[str, COSEKey], *, now: datetime):
    """(kid, claims) or a Verification saying why the token is invalid."""
    try:
        kid, claims = certificate_token_read(token, keys)
    except TokenInvalid as exc:
        return Verification(INVALID, reason=exc.reason)
    if claims.issued_at > now + CLOCK_SKEW:
        return Verification(INVALID, reason="issued_in_future")
    return kid, claims


def verify_offline(
    token: str, *, jwks: dict, status_list: bytes | None, now: datetime
) -> Verification:
    """Verify `token` with the published keys and, when given, a downloaded status list."""
    keys = keys_from_jwks(jwks)
    checked = token_check(token, keys, now=now)
    if isinstance(checked, Verification):
        return checked
    kid, claims = checked
    if status_list is None:
        return Verification(outcome(claims, revoked=None, now=now), claims, kid)
    listing = _usable_list(status_list, keys, claims)
    revoked = listing.status(claims.status_index) == REVOKED
    return Verification(
        outcome(claims, revoked=revoked, now=now),
        claims,
        kid,
        revocation_checked=True,
        status_list_issued_at=listing.issued_at,
        status_list_expires_at=listing.expires_at,
    )


def _usable_list(message: bytes, keys, claims: CertificateClaims) -> StatusList:
    try:
        listing = status_list_read(message, keys)
    except TokenInvalid as exc:
        raise StatusListUnusable(exc.reason) from None
    if listing.uri != claims.status_uri:
        raise StatusListUnusable("another_status_list")
    if claims.status_index >= listing.size:
        # Issued after this list was made: only a newer list can say anything about it.
        raise StatusListUnusable("status_list_older_than_certificate")
    return listing
