"""What every service shares: text normalisation, field errors, and locking a row in scope."""

from __future__ import annotations

import unicodedata

from django.db import models

from registry.access import ensure_commune_access
from registry.exceptions import NotFound, ValidationFailed
from registry.models import User


def nfc(value: str | None) -> str | None:
    # Stored and indexed in composed form so that text round-trips and searches match.
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


def invalid(field: str, message, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [message]})


def locked(model: type[models.Model], pk: int, actor: User):
    """Lock one row the actor may touch; 404 when missing or outside the actor's communes."""
    try:
        obj = model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise NotFound() from None
    ensure_commune_access(actor, obj.commune_id)
    return obj
