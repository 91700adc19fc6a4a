"""What every service shares: text normalisation, field errors, and locking a row in scope."""

from __future__ import annotations

import unicodedata
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.access import ensure_commune_access
from registry.exceptions import Forbidden, NotFound, ValidationFailed
from registry.models import User


def nfc(value: str | None) -> str | None:
    # Stored and indexed in composed form so that text round-trips and searches match.
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


def invalid(field: str, message, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [message]})


# Primary keys are 64-bit integers; a longer number from a URL is simply not found.
MAX_PK = 2**63 - 1


def locked(model: type[models.Model], pk: int | str, actor: User, *, permission: str = ""):
    """Lock one row the actor may touch; 404 when missing or outside the actor's communes.

    This is where a write checks the actor's communes (once per request): views pass the id
    from the URL straight through. `permission`, for a write whose role is not checked by the
    endpoint (a sub-resource read by more roles than may write it), is checked after the row is
    found, so another commune's row is 404 for everyone, as for any read.
    """
    try:
        pk = int(pk)
        if not 0 < pk <= MAX_PK:
            raise ValueError
        obj = model.objects.select_for_update().get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    ensure_commune_access(actor, obj.commune_id)
    if permission and not actor.has_perm(permission):
        raise Forbidden()
    return obj


def reason_required(reason: str | None) -> str:
    """A decision's or a proposal's reason: required, stored in composed form."""
    reason = nfc(reason or "")
    if not reason:
        raise invalid("reason", _("Cần nêu lý do."), "required")
    return reason


def decision_checked(decision_number: str | None, decision_date: date) -> str:
    """A decision's number (required) and date (not in the future); the cleaned number."""
    decision_number = (decision_number or "").strip()
    if not decision_number:
        raise invalid("decision_number", _("Cần số quyết định."), "required")
    if decision_date > timezone.localdate():
        raise invalid("decision_date", _("Ngày quyết định không được ở tương lai."))
    return decision_number
