"""Every write of the payments app; callers use `from payments import services`."""

from payments.services.accounts import (
    account_name_from,
    payment_account_set,
    payment_account_unmasked_read,
)
from payments.services.batches import (
    ensure_four_eyes,
    payment_batch_approve,
    payment_batch_cancel,
    payment_batch_export,
    payment_batch_export_digest_record,
    payment_batch_generate,
    payment_batch_regenerate,
)
from payments.services.reconciliation import payment_batch_reconcile
from payments.services.recoveries import payment_recovery_settle

__all__ = [
    "account_name_from",
    "ensure_four_eyes",
    "payment_account_set",
    "payment_account_unmasked_read",
    "payment_batch_approve",
    "payment_batch_cancel",
    "payment_batch_export",
    "payment_batch_export_digest_record",
    "payment_batch_generate",
    "payment_batch_regenerate",
    "payment_batch_reconcile",
    "payment_recovery_settle",
]
