"""Writes to payment accounts: one per person, validated as the provider requires, audited."""

from __future__ import annotations

import unicodedata

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Person
from beneficiaries.services.common import invalid, locked, nfc
from payments.models import Channel, PaymentAccount
from registry.audit import AuditAction, audit_record
from registry.models import User

# Used when the provider list (payments/banks.py) does not say: NAPAS account numbers.
DEFAULT_DIGITS = (6, 19)
ACCOUNT_NAME_MAX = 70


def account_name_from(full_name: str) -> str:
    """ "Nguyễn Thị Ánh" → "NGUYEN THI ANH": upper case without diacritics, as banks require."""
    text = unicodedata.normalize("NFC", full_name or "").replace("đ", "d").replace("Đ", "D")
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)
    )
    return " ".join(stripped.upper().split())[:ACCOUNT_NAME_MAX]


def _provider(bank_bin: str):
    """The provider with this NAPAS BIN, or None; the bank list ships in payments/banks.py."""
    try:
        from payments.banks import bank_by_bin
    except ImportError:  # the list is not installed: only the BIN's shape is checked
        return None
    return bank_by_bin(bank_bin)


def _digits_allowed(provider) -> tuple[int, int]:
    digits = getattr(provider, "account_digits", None)
    if isinstance(digits, range):
        return digits.start, digits.stop - 1
    if isinstance(digits, (tuple, list)) and len(digits) == 2:
        return int(digits[0]), int(digits[1])
    return DEFAULT_DIGITS


def _bank_bin_checked(bank_bin: str) -> str:
    bank_bin = (bank_bin or "").strip()
    if not (bank_bin.isdigit() and len(bank_bin) == 6):
        raise invalid("bank_bin", _("Mã BIN gồm 6 chữ số."), "invalid_bank_bin")
    try:
        import payments.banks  # noqa: F401
    except ImportError:
        return bank_bin
    if _provider(bank_bin) is None:
        raise invalid(
            "bank_bin", _("Không có ngân hàng/ví điện tử với mã BIN này."), "unknown_bank"
        )
    return bank_bin


def _channel_matches(channel: str, bank_bin: str) -> None:
    provider_channel = getattr(_provider(bank_bin), "channel", None)
    if provider_channel and provider_channel != channel:
        raise invalid(
            "bank_bin",
            _("Mã BIN này không phải của một %(channel)s.") % {"channel": Channel(channel).label},
            "channel_mismatch",
        )


def _account_number_checked(account_number: str, bank_bin: str) -> str:
    number = "".join((account_number or "").split())
    low, high = _digits_allowed(_provider(bank_bin))
    if not number.isdigit() or not low <= len(number) <= high:
        raise invalid(
            "account_number",
            _("Số tài khoản phải gồm từ %(low)d đến %(high)d chữ số.") % {"low": low, "high": high},
            "invalid_account_number",
        )
    return number


def _account_name_checked(account_name: str | None, person: Person) -> str:
    name = nfc(account_name or "")
    if not name:
        return account_name_from(person.full_name)
    if name != account_name_from(name):
        raise invalid(
            "account_name",
            _("Tên chủ tài khoản viết hoa, không dấu (ví dụ NGUYEN VAN AN)."),
            "invalid_account_name",
        )
    return name


def payment_account_set(
    *,
    actor: User,
    person_id: int,
    channel: str,
    bank_bin: str = "",
    account_number: str = "",
    account_name: str | None = None,
    holder_note: str = "",
) -> PaymentAccount:
    """Create or replace a person's payment account. Cash needs no provider or number; bank and
    e-wallet accounts are checked against the provider's account-number length."""
    if channel not in Channel.values:
        raise invalid("channel", _("Hình thức nhận không hợp lệ."), "invalid_channel")
    with transaction.atomic(durable=True):
        person = locked(Person, person_id, actor)
        account = PaymentAccount.objects.select_for_update().filter(person=person).first()
        account = account or PaymentAccount(person=person)
        account.channel = channel
        if channel == Channel.CASH:
            account.bank_bin, account.account_number, account.account_name = "", None, None
        else:
            account.bank_bin = _bank_bin_checked(bank_bin)
            _channel_matches(channel, account.bank_bin)
            account.account_number = _account_number_checked(account_number, account.bank_bin)
            account.account_name = _account_name_checked(account_name, person)
        account.holder_note = nfc(holder_note or "") or None
        account.updated_by = actor
        account.full_clean(exclude=["person", "updated_by"])
        created = account.pk is None
        account.save()
        audit_record(
            actor=actor,
            action=AuditAction.PAYMENT_ACCOUNT_SET,
            obj=account,
            commune_code=person.commune_id,
            data={
                "person_id": person.pk,
                "channel": channel,
                "bank_bin": account.bank_bin,
                "created": created,
            },
        )
    return account


def payment_account_unmasked_read(*, actor: User, account: PaymentAccount, path: str) -> None:
    """Every unmasked read of an account number is an audit event (who, when, which account)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.PAYMENT_ACCOUNT_UNMASKED_READ,
            obj=account,
            commune_code=account.person.commune_id,
            data={"person_id": account.person_id, "path": path},
        )
