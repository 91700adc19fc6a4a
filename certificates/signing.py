"""The certificate signing key (Ed25519): loaded like the encryption keys, published as a JWK.

Production reads the private key from REGISTRY_CERTIFICATE_SIGNING_KEY and refuses to start
without it; development generates one into var/ on first use. Only the public half is stored (in
`SigningKey`, so that it stays published after a rotation for as long as what it signed is
valid). Nothing else in the code touches private key material.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cwt import COSEKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

SEED_BYTES = 32
ALGORITHM = "EdDSA"  # COSE alg -8
KID_BYTES = 8


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(public_key: bytes) -> str:
    """The first 8 bytes of the key's RFC 7638 JWK thumbprint, base64url (11 characters).

    Derived from the key itself, so a key id can never name the wrong key, and short enough
    for a QR code.
    """
    canonical = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": b64url(public_key)}, separators=(",", ":")
    )
    return b64url(hashlib.sha256(canonical.encode("ascii")).digest()[:KID_BYTES])


def public_jwk(public_key: bytes, kid: str | None = None) -> dict:
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "alg": ALGORITHM,
        "use": "sig",
        "kid": kid or key_id(public_key),
        "x": b64url(public_key),
    }


def verification_key(jwk: dict) -> COSEKey:
    """A COSE verification key from a published JWK (only the standard members are read)."""
    wanted = {name: jwk[name] for name in ("kty", "crv", "x", "kid") if name in jwk}
    if wanted.get("kty") != "OKP" or wanted.get("crv") != "Ed25519":
        raise ValueError("only Ed25519 keys are published")
    return COSEKey.from_jwk({**wanted, "alg": ALGORITHM})


@dataclass(frozen=True)
class Signer:
    kid: str
    public_key: bytes
    cose_key: COSEKey

    @property
    def jwk(self) -> dict:
        return public_jwk(self.public_key, self.kid)


def generate_seed() -> str:
    """A new private key for REGISTRY_CERTIFICATE_SIGNING_KEY: 32 random bytes, base64."""
    return base64.b64encode(os.urandom(SEED_BYTES)).decode("ascii")


def signer_from_seed(text: str) -> Signer:
    try:
        seed = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured("REGISTRY_CERTIFICATE_SIGNING_KEY is not valid base64") from exc
    if len(seed) != SEED_BYTES:
        raise ImproperlyConfigured(
            f"REGISTRY_CERTIFICATE_SIGNING_KEY must be {SEED_BYTES} bytes, got {len(seed)}"
        )
    private = Ed25519PrivateKey.from_private_bytes(seed)
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    kid = key_id(public)
    cose_key = COSEKey.from_jwk({**public_jwk(public, kid), "d": b64url(seed), "key_ops": ["sign"]})
    return Signer(kid=kid, public_key=public, cose_key=cose_key)


def _development_key_file() -> str:
    path = settings.REGISTRY_CERTIFICATE_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first
        else:
            with os.fdopen(fd, "w") as handle:
                json.dump({"signing_key": generate_seed()}, handle)
    return json.loads(path.read_text())["signing_key"]


def write_development_key(seed: str) -> None:
    """Replace the development key (rotation); the old public key stays in the database."""
    path = settings.REGISTRY_CERTIFICATE_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"signing_key": seed}, handle)
    os.replace(temporary, path)
    reset()


def uses_environment_key() -> bool:
    return bool(settings.REGISTRY_CERTIFICATE_SIGNING_KEY)


@lru_cache(maxsize=1)
def signing_key() -> Signer:
    """The key that signs new certificates and status lists."""
    text = settings.REGISTRY_CERTIFICATE_SIGNING_KEY
    if not text:
        if settings.REGISTRY_REQUIRE_KEYS_FROM_ENV:
            raise ImproperlyConfigured(
                "REGISTRY_CERTIFICATE_SIGNING_KEY must be set in production "
                "(python manage.py rotate_signing_key --print-new makes one)."
            )
        text = _development_key_file()
    return signer_from_seed(text)


def reset() -> None:
    signing_key.cache_clear()


@receiver(setting_changed)
def _reset_on_settings_change(*, setting: str, **kwargs) -> None:
    if setting.startswith("REGISTRY_CERTIFICATE"):
        reset()
