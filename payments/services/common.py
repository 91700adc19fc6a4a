"""What the payment services share: periods, locking a batch in the actor's scope, transitions."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from beneficiaries.entitlements import month_start
from beneficiaries.services.common import MAX_PK, invalid
from payments.models import PaymentBatch
from registry.access import user_commune_codes
from registry.exceptions import InvalidTransition, NotFound
from registry.models import User


def period_of(value: date | str) -> date:
    """A period as the first day of its month, from a date or "YYYY-MM"."""
    if isinstance(value, date):
        return month_start(value)
    try:
        year, month = str(value).split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise invalid("period", _("Kỳ chi trả có dạng YYYY-MM."), "invalid_period") from None


def batch_visible_to(user: User, batch: PaymentBatch) -> bool:
    codes = user_commune_codes(user)
    if codes is None:
        return True
    return set(batch.communes.values_list("code", flat=True)) <= codes


def locked_batch(actor: User, batch_id: int | str) -> PaymentBatch:
    """Lock one batch the actor may touch: every one of its communes must be the actor's (else
    404, as for anything outside one's communes)."""
    try:
        pk = int(batch_id)
        if not 0 < pk <= MAX_PK:
            raise ValueError
        batch = PaymentBatch.objects.select_for_update().get(pk=pk)
    except (PaymentBatch.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not batch_visible_to(actor, batch):
        raise NotFound()
    return batch


def require_status(batch: PaymentBatch, allowed: tuple[str, ...]) -> None:
    if batch.status not in allowed:
        raise InvalidTransition(
            _("Đợt chi trả đang ở trạng thái “%(status)s”, không thực hiện được thao tác này.")
            % {"status": batch.get_status_display()},
            code="invalid_batch_status",
        )
