"""Payment accounts: find a person (the registry's own search), see and set where they are paid.

The account number is shown in full only to holders of `payments.view_account_number` (payment
officers), and each such page view is an audit event through the service the API uses; every
other reader sees it masked."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from beneficiaries import selectors as registry_selectors
from payments import selectors, services
from payments.banks import bank_by_bin
from payments.models import PaymentAccount
from registry.exceptions import NotFound
from registry.masking import mask_account_number
from web.forms_payments import PaymentAccountForm
from web.views.common import role_view, run
from web.views.dashboard import search_page

VIEW = "payments.view_paymentaccount"
CHANGE = "payments.change_paymentaccount"
UNMASK = "payments.view_account_number"


# The search block (web/_search_block.html) as the accounts page shows it.
SEARCH = {
    "search_url": reverse_lazy("web:payments-accounts"),
    "search_id": "account-search",
    "search_row": "web/payments/_account_search_row.html",
    "search_last_column": _lazy("Tài khoản nhận chi trả"),
}


@role_view(VIEW)
def account_search(request):
    return search_page(request, page="web/payments/accounts.html", block=SEARCH)


def _account_or_none(user, person_id: int) -> PaymentAccount | None:
    try:
        return selectors.payment_account_get(user=user, person_id=person_id)
    except NotFound:
        return None


def _initial(account: PaymentAccount | None) -> dict:
    if account is None:
        return {"channel": "bank"}
    return {
        "channel": account.channel,
        "bank_bin": account.bank_bin,
        "account_number": account.account_number or "",
        "account_name": account.account_name or "",
        "holder_note": account.holder_note or "",
    }


@role_view(VIEW)
def account_detail(request, pk: int):
    person = registry_selectors.person_get(user=request.user, person_id=pk)
    can_change = request.user.has_perm(CHANGE)
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    account = _account_or_none(request.user, person.pk)
    form = None
    if can_change:
        form = PaymentAccountForm(request.POST or None, initial=_initial(account))
        if request.method == "POST" and form.is_valid():
            saved = run(
                form,
                lambda: services.payment_account_set(
                    actor=request.user, person_id=person.pk, **form.cleaned_data
                ),
            )
            if saved:
                messages.success(request, _("Đã lưu tài khoản nhận chi trả."))
                return redirect("web:payments-account", pk=person.pk)
    unmask = account is not None and bool(account.account_number) and request.user.has_perm(UNMASK)
    if unmask:
        services.payment_account_unmasked_read(
            actor=request.user, account=account, path=request.path
        )
    number = None
    if account is not None:
        number = account.account_number if unmask else mask_account_number(account.account_number)
    context = {
        "person": person,
        "account": account,
        "provider": bank_by_bin(account.bank_bin) if account else None,
        "number": number,
        "unmasked": unmask,
        "form": form,
    }
    return render(request, "web/payments/account.html", context)
