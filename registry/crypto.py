"""Field encryption (AES-256-GCM with key ids) and blind indexes (HMAC-SHA256 with HKDF sub-keys).

The only module that touches key material or ciphertext. See docs/encryption.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import unicodedata
from binascii import b2a_base64
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

NONCE_BYTES = 12
PAD_BYTES = 16
KEY_BYTES = 32
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong key, unknown key id, or tampered bytes.

    The message names the column and key id only, never the value or the ciphertext.
    """


@dataclass(frozen=True)
class KeyRing:
    """Encryption keys by id (the first one encrypts) and blind-index root keys (the first one indexes)."""

    encryption_keys: tuple[tuple[str, bytes], ...]
    blind_index_keys: tuple[bytes, ...]

    @property
    def current_key_id(self) -> str:
        return self.encryption_keys[0][0]

    @property
    def blind_index_key_ids(self) -> tuple[str, ...]:
        return tuple(blind_index_key_id(key) for key in self.blind_index_keys)


def generate_key_entry(key_id: str | None = None) -> str:
    """A new `keyid:base64key` entry for REGISTRY_ENCRYPTION_KEYS."""
    key_id = key_id or "k" + secrets.token_hex(3)
    if not KEY_ID_PATTERN.match(key_id):
        raise ValueError("key id must be 1–16 letters, digits, '_' or '-'")
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


@lru_cache(maxsize=16)
def blind_index_key_id(key: bytes) -> str:
    # A short public fingerprint stored with each index value, so a rebuild can resume.
    return hashlib.sha256(b"registry-blind-index-key-id" + key).hexdigest()[:4]


def _decode_key(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{what}: key is not valid base64") from exc
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{what}: key must be {KEY_BYTES} bytes, got {len(key)}")
    return key


def parse_encryption_keys(text: str) -> tuple[tuple[str, bytes], ...]:
    entries = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep or not KEY_ID_PATTERN.match(key_id):
            raise ImproperlyConfigured(
                "REGISTRY_ENCRYPTION_KEYS entries must look like keyid:base64key"
            )
        entries.append((key_id, _decode_key(encoded, f"REGISTRY_ENCRYPTION_KEYS[{key_id}]")))
    if len({key_id for key_id, _ in entries}) != len(entries):
        raise ImproperlyConfigured("REGISTRY_ENCRYPTION_KEYS has the same key id twice")
    return tuple(entries)


def parse_blind_index_keys(text: str) -> tuple[bytes, ...]:
    return tuple(
        _decode_key(part, "REGISTRY_BLIND_INDEX_KEY") for part in text.split(",") if part.strip()
    )


def _development_key_file() -> dict:
    path = settings.REGISTRY_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        content = {
            "encryption_keys": generate_key_entry("dev1"),
            "blind_index_key": base64.b64encode(os.urandom(KEY_BYTES)).decode(),
        }
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first
        else:
            with os.fdopen(fd, "w") as handle:
                json.dump(content, handle)
    return json.loads(path.read_text())


def load_keyring() -> KeyRing:
    enc_text = settings.REGISTRY_ENCRYPTION_KEYS
    bidx_text = settings.REGISTRY_BLIND_INDEX_KEY
    if not (enc_text and bidx_text):
        if settings.REGISTRY_REQUIRE_KEYS_FROM_ENV:
            raise ImproperlyConfigured(
                "REGISTRY_ENCRYPTION_KEYS and REGISTRY_BLIND_INDEX_KEY must be set in production "
                "(python manage.py generate_key makes one)."
            )
        stored = _development_key_file()
        enc_text = enc_text or stored["encryption_keys"]
        bidx_text = bidx_text or stored["blind_index_key"]
    encryption_keys = parse_encryption_keys(enc_text)
    blind_index_keys = parse_blind_index_keys(bidx_text)
    if not encryption_keys or not blind_index_keys:
        raise ImproperlyConfigured("no encryption or blind-index key configured")
    return KeyRing(encryption_keys, blind_index_keys)


@lru_cache(maxsize=1)
def keyring() -> KeyRing:
    return load_keyring()


@lru_cache(maxsize=64)
def _cipher(key_id: str) -> AESGCM:
    for candidate_id, key in keyring().encryption_keys:
        if candidate_id == key_id:
            return AESGCM(key)
    raise DecryptionError(f"unknown encryption key id {key_id!r}")


@receiver(setting_changed)
def _reset_on_settings_change(*, setting: str, **kwargs) -> None:
    if setting.startswith("REGISTRY_"):
        reset_keyring()


def reset_keyring() -> None:
    keyring.cache_clear()
    _cipher.cache_clear()
    _blind_index_subkey.cache_clear()
    _blind_index_state.cache_clear()


def _pad(data: bytes) -> bytes:
    # GCM keeps the plaintext length, so "âm tính" and "dương tính" would be told apart by the
    # length of their ciphertexts alone. NUL padding to a multiple of PAD_BYTES hides short
    # values' lengths; plaintext never contains NUL (refused below), so stripping is exact, and
    # values written before padding existed decrypt unchanged.
    blocks = max(1, -(-len(data) // PAD_BYTES))
    return data.ljust(blocks * PAD_BYTES, b"\0")


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt under the current key; `context` (model.field) is bound as associated data."""
    return encrypt_many([plaintext], context=context)[0]


def encrypt_many(plaintexts: Sequence[str | None], *, context: str) -> list[str | None]:
    """`encrypt` of each value (None stays None), for bulk writes: the key, cipher and associated
    data are looked up once and the nonces drawn in one read; each value still gets its own
    random 96-bit nonce, and the stored form is exactly `encrypt`'s."""
    key_id = keyring().current_key_id
    cipher = _cipher(key_id)
    aad = context.encode()
    prefix = f"{key_id}:"
    nonces = os.urandom(NONCE_BYTES * len(plaintexts))
    out: list[str | None] = []
    append = out.append
    for offset, plaintext in enumerate(plaintexts):
        if plaintext is None:
            append(None)
            continue
        if "\0" in plaintext:
            raise ValueError(f"{context}: text containing NUL characters cannot be stored")
        data = _pad(plaintext.encode("utf-8"))
        nonce = nonces[offset * NONCE_BYTES : (offset + 1) * NONCE_BYTES]
        append(
            prefix + b2a_base64(nonce + cipher.encrypt(nonce, data, aad), newline=False).decode()
        )
    return out


def ciphertext_key_id(token: str) -> str:
    return token.partition(":")[0]


def decrypt(token: str, *, context: str) -> str:
    key_id, sep, encoded = token.partition(":")
    if not sep:
        raise DecryptionError(f"{context}: stored value is not a registry ciphertext")
    try:
        raw = base64.b64decode(encoded, validate=True)
        plain = _cipher(key_id).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except DecryptionError:
        raise DecryptionError(f"{context}: unknown encryption key id {key_id!r}") from None
    except (InvalidTag, ValueError):
        raise DecryptionError(
            f"{context}: value under key {key_id!r} failed authentication (tampered or moved)"
        ) from None
    return plain.rstrip(b"\0").decode("utf-8")


# --- Blind indexes --------------------------------------------------------------------------

_ASCII_FOLD = str.maketrans({"đ": "d", "Đ": "d"})


def normalise_text(value: str) -> str:
    """Case-, accent- and space-insensitive form of a name: "Nguyễn  Văn Hùng" → "nguyen van hung"."""
    decomposed = unicodedata.normalize(
        "NFD", unicodedata.normalize("NFC", value).translate(_ASCII_FOLD)
    )
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def normalise_digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def normalise_phone(value: str) -> str:
    digits = normalise_digits(value)
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


@lru_cache(maxsize=64)
def _blind_index_subkey(root: bytes, field: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"blind-index:{field}".encode()
    ).derive(root)


@lru_cache(maxsize=64)
def _blind_index_state(root: bytes, field: str) -> tuple[hmac.HMAC, str]:
    """The field's HMAC-SHA256 keyed once: each value then costs a `copy()` of it (the inner and
    outer pads already hashed) rather than a new HMAC; and the tag prefix."""
    return hmac.new(_blind_index_subkey(root, field), digestmod=hashlib.sha256), (
        f"{blind_index_key_id(root)}:"
    )


def blind_index(normalised: str, *, field: str, bits: int, root: bytes | None = None) -> str:
    """Truncated keyed HMAC of an already-normalised value, tagged with the root key's id."""
    root = root if root is not None else keyring().blind_index_keys[0]
    keyed, prefix = _blind_index_state(root, field)
    mac = keyed.copy()
    mac.update(normalised.encode("utf-8"))
    truncated = int.from_bytes(mac.digest(), "big") >> (256 - bits)
    return f"{prefix}{truncated:0{(bits + 3) // 4}x}"


def blind_index_candidates(normalised: str, *, field: str, bits: int) -> list[str]:
    """Index values to search for: one per configured root key, so search works mid-rebuild."""
    return [
        blind_index(normalised, field=field, bits=bits, root=root)
        for root in keyring().blind_index_keys
    ]


# --- auditgaps: keyed pseudonyms (lock-out records keep no plaintext username or address) -----


def pseudonym(value: str, *, purpose: str, root: bytes | None = None) -> bytes:
    """A full-length keyed HMAC-SHA256 of `value` under a sub-key for `purpose`.

    Unlike a blind index it is not truncated: it must tell two values apart (one lock-out per
    username, per address), and it names nothing stored encrypted, so it cannot link people.
    """
    root = root if root is not None else keyring().blind_index_keys[0]
    subkey = _blind_index_subkey(root, f"pseudonym:{purpose}")
    return hmac.new(subkey, value.encode("utf-8"), hashlib.sha256).digest()
