"""The revocation list in the IETF "Token Status List" format, as a signed CWT (pure functions).

One bit per issued certificate (bits = 1): bit `idx` is bit `idx % 8`, counted from the least
significant, of byte `idx // 8`; 1 means revoked. The byte array is zlib-compressed (`lst`) and
carried in claim 65533 of a CWT whose `sub` is the list's own URL, `iat` its time of issue,
`exp` when a verifier must fetch a newer one and `ttl` (65534) how often to refresh it; the
protected header says `typ: application/statuslist+cwt`.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cwt import COSEKey

from certificates.signing import Signer
from certificates.tokens import EXP, IAT, SUB, TokenInvalid, sign, verify

MEDIA_TYPE = "application/statuslist+cwt"
STATUS_LIST, TTL = 65533, 65534
VALID, REVOKED = 0, 1
MAX_LIST_BYTES = 16 * 1024 * 1024  # 134 million certificates


def status_bytes(size: int, revoked: Iterable[int]) -> bytes:
    data = bytearray((size + 7) // 8)
    for index in revoked:
        data[index // 8] |= 1 << (index % 8)
    return bytes(data)


def status_list_token(
    *,
    signer: Signer,
    uri: str,
    size: int,
    revoked: Iterable[int],
    issued_at: datetime,
    valid_for: timedelta,
    ttl: timedelta,
) -> bytes:
    """The signed status list (CWT bytes, served as application/statuslist+cwt)."""
    payload = {
        SUB: uri,
        IAT: int(issued_at.timestamp()),
        EXP: int((issued_at + valid_for).timestamp()),
        TTL: int(ttl.total_seconds()),
        STATUS_LIST: {"bits": 1, "lst": zlib.compress(status_bytes(size, revoked), 9)},
    }
    return sign(payload, signer, typ=MEDIA_TYPE)


@dataclass(frozen=True)
class StatusList:
    uri: str
    issued_at: datetime
    expires_at: datetime | None
    kid: str
    statuses: bytes

    @property
    def size(self) -> int:
        return len(self.statuses) * 8

    def status(self, index: int) -> int:
        if not 0 <= index < self.size:
            raise TokenInvalid("index_outside_status_list")
        return (self.statuses[index // 8] >> (index % 8)) & 1

    def age(self, now: datetime) -> timedelta:
        return now - self.issued_at


def status_list_read(message: bytes, keys: dict[str, COSEKey]) -> StatusList:
    """Verify a status list token with the published keys and unpack it; TokenInvalid if not."""
    kid, payload = verify(message, keys, typ=MEDIA_TYPE)
    if not isinstance(payload, dict):
        raise TokenInvalid("payload_not_a_map")
    body = payload.get(STATUS_LIST)
    uri, issued = payload.get(SUB), payload.get(IAT)
    if (
        not isinstance(body, dict)
        or body.get("bits") != 1
        or not isinstance(body.get("lst"), bytes)
    ):
        raise TokenInvalid("bad_status_list")
    if not isinstance(uri, str) or not isinstance(issued, int):
        raise TokenInvalid("bad_status_list")
    inflater = zlib.decompressobj()
    try:
        statuses = inflater.decompress(body["lst"], MAX_LIST_BYTES)
    except zlib.error:
        raise TokenInvalid("bad_status_list") from None
    if inflater.unconsumed_tail:
        raise TokenInvalid("status_list_too_large")
    expires = payload.get(EXP)
    return StatusList(
        uri=uri,
        issued_at=datetime.fromtimestamp(issued, tz=UTC),
        expires_at=datetime.fromtimestamp(expires, tz=UTC) if isinstance(expires, int) else None,
        kid=kid,
        statuses=statuses,
    )
