"""Masking of identifiers for display: enough to recognise, not enough to reuse."""

from __future__ import annotations


def mask_national_id(value: str | None) -> str | None:
    """ "045123456789" → "045*******89"."""
    if not value:
        return value
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def mask_phone(value: str | None) -> str | None:
    """ "0912345678" → "091*****78"."""
    return mask_national_id(value)


def mask_account_number(value: str | None) -> str | None:
    """ "0123456789" → "******6789"."""
    if not value:
        return value
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]
