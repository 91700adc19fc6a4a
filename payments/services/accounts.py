"""Writes to payment accounts: one per person, validated as the provider requires, audited."""

from __future__ import annotations

import unicodedata

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Person
from beneficiaries.services.common import invalid, locked, nfc
from payments.banks import Bank, bank_by_bin, normalize_account_number, validate_account_number
from payments.exports.text import fold
from payments.models import Channel, PaymentAccount
from registry.audit import AuditAction, audit_record
from registry.models import User

ACCOUNT_NAME_MAX = 70


def account_name_from(full_name: str) -> str:
    """ "Nguyễn Thị Ánh" → "NGUYEN THI ANH": upper case without diacritics, as banks require."""
    return fold(unicodedata.normalize("NFC", full_name or ""))[:ACCOUNT_NAME_MAX]


def _provider_checked(channel: str, bank_bin: str) -> Bank:
    bank_bin = (bank_bin or "").strip()
    if not (bank_bin.isdigit() and len(bank_bin) == 6):
        raise invalid("bank_bin", _("Mã BIN gồm 6 chữ số."), "invalid_bank_bin")
    provider = bank_by_bin(bank_bin)
    if provider is None:
        raise invalid(
            "bank_bin", _("Không có ngân hàng/ví điện tử với mã BIN này."), "unknown_bank"
        )
    if provider.channel != channel:
        raise invalid(
            "bank_bin",
            _("Mã BIN này không phải của một %(channel)s.") % {"channel": Channel(channel).label},
            "channel_mismatch",
        )
    return provider


def _account_number_checked(account_number: str, provider: Bank) -> str:
    number = normalize_account_number(account_number)
    try:
        validate_account_number(provider, number)
    except ValueError as exc:
        raise invalid("account_number", str(exc), "invalid_account_number") from exc
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
            provider = _provider_checked(channel, bank_bin)
            account.bank_bin = provider.bin
            account.account_number = _account_number_checked(account_number, provider)
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
