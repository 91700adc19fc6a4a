"""The payment officer's forms: shapes and labels only; the payment services check every rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from payments.banks import BANKS
from payments.models import Channel
from web.forms import MonthField


def provider_choices() -> list[tuple[str, list[tuple[str, str]]] | tuple[str, str]]:
    """The bank list as grouped options: banks, then e-wallets, each "short name — full name"."""
    banks = [(b.bin, f"{b.short_name} — {b.name}") for b in BANKS if b.channel == Channel.BANK]
    wallets = [(b.bin, f"{b.short_name} — {b.name}") for b in BANKS if b.channel == Channel.EWALLET]
    return [
        ("", _("— Chọn (không cần khi nhận tiền mặt) —")),
        (_("Ngân hàng"), banks),
        (_("Ví điện tử"), wallets),
    ]


class PaymentAccountForm(forms.Form):
    channel = forms.ChoiceField(label=_("Hình thức nhận"), choices=Channel.choices)
    bank_bin = forms.ChoiceField(
        label=_("Ngân hàng hoặc ví điện tử"), choices=provider_choices, required=False
    )
    account_number = forms.CharField(
        label=_("Số tài khoản (ví điện tử: số điện thoại)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    account_name = forms.CharField(
        label=_("Tên chủ tài khoản"),
        max_length=70,
        required=False,
        help_text=_("Viết hoa, không dấu; bỏ trống để lấy từ họ tên người hưởng."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    holder_note = forms.CharField(
        label=_("Ghi chú chủ tài khoản"),
        max_length=100,
        required=False,
        help_text=_("Khi chủ tài khoản không phải người hưởng (ví dụ: mẹ, người giám hộ)."),
    )


class BatchGenerateForm(forms.Form):
    period = MonthField(label=_("Kỳ chi trả (tháng)"))
    commune_codes = forms.MultipleChoiceField(
        label=_("Các xã"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune_codes"].choices = [(c.code, f"{c.code} — {c.name}") for c in communes]


class BankAnswerForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp trả lời của ngân hàng (CSV hoặc pain.002 .xml)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xml,text/csv,application/xml"}),
    )
