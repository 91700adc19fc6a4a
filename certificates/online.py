"""The public side: the live status list, and checking a token against the registry's records."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from certificates import keys
from certificates.models import Certificate
from certificates.services import certificates_lapsed_revoke, status_list_url
from certificates.status_list import status_list_token
from certificates.verification import INVALID, Verification, outcome, token_check


def status_list_build(now: datetime | None = None) -> bytes:
    """The signed status list as of now, after revoking what has lapsed."""
    certificates_lapsed_revoke()
    now = (now or timezone.now()).replace(microsecond=0)
    signer = keys.signer_registered()
    highest = Certificate.objects.aggregate(highest=Max("status_index"))["highest"]
    revoked = Certificate.objects.filter(revoked_at__isnull=False).values_list(
        "status_index", flat=True
    )
    return status_list_token(
        signer=signer,
        uri=status_list_url(),
        size=0 if highest is None else highest + 1,
        revoked=revoked.iterator(chunk_size=10_000),
        issued_at=now,
        valid_for=keys.status_list_validity(),
        ttl=timedelta(hours=settings.REGISTRY_STATUS_LIST_TTL_HOURS),
    )


def certificate_verify(token: str, now: datetime | None = None) -> Verification:
    """Signature, then the registry's own record: revoked (now, or because it lapsed), expired."""
    now = now or timezone.now()
    checked = token_check(token, keys.verification_keys(), now=now)
    if isinstance(checked, Verification):
        return checked
    kid, claims = checked
    certificate = Certificate.objects.filter(status_index=claims.status_index).first()
    if certificate is None or certificate.token != token:
        # Signed with our key yet not what we issued at that index: never trust it.
        return Verification(INVALID, reason="unknown_certificate")
    if certificate.revoked_at is None and now < claims.expires_at:
        if certificates_lapsed_revoke(certificate_ids=[certificate.pk]):
            certificate.refresh_from_db(fields=["revoked_at"])
    revoked = certificate.revoked_at is not None and certificate.revoked_at <= now
    return Verification(
        outcome(claims, revoked=revoked, now=now), claims, kid, revocation_checked=True
    )
