"""Builders for the payment tests: beneficiaries with approved cases, accounts, batches."""

from __future__ import annotations

from datetime import date

from beneficiaries.models import Case
from payments import services
from payments.models import PaymentAccount
from tests.beneficiaries.factories import make_case
from tests.factories import DEFAULT_COMMUNE, HouseholdFactory, PersonFactory

ELDER_BORN = date(1940, 3, 1)  # 5.5c: over 80, coefficient 1.0 (Decree 20/2021 Art. 6)


def elder_case(
    commune: str = DEFAULT_COMMUNE, *, start: date = date(2026, 5, 1), name: str = "Lê Văn Tám"
) -> Case:
    """An approved social-pension-age assistance case (5.5c) paying from `start`."""
    household = HouseholdFactory(commune_id=commune)
    person = PersonFactory(household=household, full_name=name, date_of_birth=ELDER_BORN)
    return make_case(person, category="5.5c", start=start)


def bank_account(person, *, number: str = "0123456789", bank_bin: str = "970436") -> PaymentAccount:
    return PaymentAccount.objects.create(
        person=person,
        channel="bank",
        bank_bin=bank_bin,
        account_number=number,
        account_name=services.account_name_from(person.full_name),
    )
