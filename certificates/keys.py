"""Which public keys are published, and rotation: a new key signs, old ones stay published.

A key is published while it is the active one, for one status-list lifetime after it was retired
(lists it signed may still be cached), and for as long as any certificate it signed is within
its validity. Verification online accepts every key the registry ever registered.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cwt import COSEKey
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from certificates import signing
from certificates.models import Certificate, SigningKey
from registry.audit import AuditAction, audit_record
from registry.exceptions import Conflict


def signer_registered() -> signing.Signer:
    """The active signer, its public key recorded (the first time it signs, older keys retire)."""
    signer = signing.signing_key()
    if SigningKey.objects.filter(kid=signer.kid).exists():
        return signer
    with transaction.atomic():
        key, created = SigningKey.objects.get_or_create(
            kid=signer.kid, defaults={"public_key": signing.b64url(signer.public_key)}
        )
        if created:
            retired = list(
                SigningKey.objects.exclude(kid=key.kid)
                .filter(retired_at__isnull=True)
                .values_list("kid", flat=True)
            )
            SigningKey.objects.filter(kid__in=retired).update(retired_at=timezone.now())
            audit_record(
                actor=None,
                action=AuditAction.CERTIFICATE_KEY_ACTIVATED,
                object_type="signingkey",
                object_id=key.kid,
                data={"retired": retired},
            )
    return signer


def status_list_validity() -> timedelta:
    return timedelta(hours=settings.REGISTRY_STATUS_LIST_VALIDITY_HOURS)


def published_keys(now: datetime | None = None) -> list[SigningKey]:
    now = now or timezone.now()
    signed_valid = Certificate.objects.filter(
        signing_key=OuterRef("pk"), valid_until__gte=timezone.localdate(now)
    )
    return list(
        SigningKey.objects.annotate(until=Max("certificates__valid_until"))
        .filter(
            Q(retired_at__isnull=True)
            | Q(retired_at__gte=now - status_list_validity())
            | Q(Exists(signed_valid))
        )
        .order_by("created_at", "kid")
    )


def jwks(now: datetime | None = None) -> dict:
    """The JWKS document of `GET /api/v1/verify/keys/` (RFC 7517 with two informative members)."""
    signer_registered()
    keys = []
    for key in published_keys(now):
        jwk = signing.public_jwk(signing.b64url_decode(key.public_key), key.kid)
        jwk["status"] = "retired" if key.retired_at else "active"
        jwk["valid_until"] = key.until.isoformat() if key.until else None
        keys.append(jwk)
    return {"keys": keys}


def verification_keys() -> dict[str, COSEKey]:
    """Every key the registry ever registered: an old certificate reads "expired", not "invalid"."""
    return {
        kid: signing.verification_key({"kty": "OKP", "crv": "Ed25519", "kid": kid, "x": public_key})
        for kid, public_key in SigningKey.objects.values_list("kid", "public_key")
    }


def signing_key_rotate(*, actor=None) -> tuple[str | None, str]:
    """Development: a new key replaces the one in var/ and is registered at once.

    In production the key comes from the environment: put a new one in
    REGISTRY_CERTIFICATE_SIGNING_KEY and restart; it registers itself when it first signs.
    """
    if signing.uses_environment_key() or settings.REGISTRY_REQUIRE_KEYS_FROM_ENV:
        raise Conflict(code="signing_key_from_environment")
    previous = SigningKey.objects.filter(retired_at__isnull=True).values_list("kid", flat=True)
    previous_kid = next(iter(previous), None)
    signing.write_development_key(signing.generate_seed())
    signer = signer_registered()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.CERTIFICATE_KEY_ROTATED,
            object_type="signingkey",
            object_id=signer.kid,
            data={"previous": previous_kid},
        )
    return previous_kid, signer.kid
