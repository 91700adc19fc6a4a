"""Payments' part of a person's erasure (listed in REGISTRY_PERSON_ERASURE_HOOKS).

The payment account is deleted; every payment line stays (its amount, period, status and case
keep the batch totals whole) with its account snapshot blanked, so that no line leads back to
the individual's bank or wallet account. Runs inside the erasure's transaction.
"""

from __future__ import annotations

from beneficiaries.models import Person
from payments.models import PaymentAccount, PaymentLine


def person_erase_payment_data(person: Person) -> list[str]:
    """Erase what payments holds about the person; the names of the erased fields."""
    erased: list[str] = []
    accounts = PaymentAccount.objects.select_for_update().filter(person=person)
    if list(accounts.values_list("pk", flat=True)):
        accounts.delete()
        erased.append("paymentaccount")
    lines = PaymentLine.objects.filter(person=person)
    if lines.update(account_number=None, account_name=None, bank_bin=""):
        erased.extend(["paymentline.account_number", "paymentline.account_name",
                       "paymentline.bank_bin"])  # fmt: skip
    return erased
