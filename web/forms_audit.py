"""Forms of the auditors' pages: shapes and labels; the selectors and services check the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.models import CertificateKind
from registry.audit import AuditAction
from web.forms import DateInput

# Above this many communes (an auditor sees the whole country) a commune is typed as its code:
# a list of thousands of options helps nobody and weighs down every page.
COMMUNE_LIST_LIMIT = 60


def commune_field(communes, *, blank: str | None) -> forms.Field:
    """A list of the user's communes, or a box for a commune code when they are too many."""
    communes = list(communes[: COMMUNE_LIST_LIMIT + 1])
    if len(communes) > COMMUNE_LIST_LIMIT:
        return forms.RegexField(
            regex=r"^\d{5}$",
            label=_("Mã xã (5 chữ số)"),
            required=blank is None,
            error_messages={"invalid": _("Mã xã gồm 5 chữ số.")},
            widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 5}),
            help_text=_("Bỏ trống: mọi xã.") if blank is not None else "",
        )
    choices = [(c.code, f"{c.name} ({c.code})") for c in communes]
    choices = [("", blank)] + choices if blank is not None else choices
    return forms.ChoiceField(label=_("Xã"), choices=choices, required=blank is None)


class AuditFilterForm(forms.Form):
    """The audit trail's filters, read from the query string (GET: the page can be bookmarked)."""

    actor = forms.CharField(
        label=_("Người thực hiện (tên đăng nhập)"), max_length=150, required=False
    )
    action = forms.ChoiceField(label=_("Thao tác"), required=False)
    commune = forms.CharField(required=False)  # replaced by commune_field()
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=DateInput())

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        actions = sorted(AuditAction.choices, key=lambda choice: str(choice[1]))
        self.fields["action"].choices = [("", _("Mọi thao tác"))] + actions
        self.fields["commune"] = commune_field(communes, blank=_("Mọi xã"))

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        return data

    def selector_filters(self) -> dict:
        """The names `registry.audit_selectors.audit_events_list` takes."""
        data = self.cleaned_data
        filters = {"actor": data.get("actor", "").strip(), "action": data.get("action"),
                   "commune": data.get("commune")}  # fmt: skip
        if data.get("date_from"):
            filters["from"] = data["date_from"].isoformat()
        if data.get("date_to"):
            filters["to"] = data["date_to"].isoformat()
        return {key: value for key, value in filters.items() if value}


class CertificateFilterForm(forms.Form):
    STATUSES = [
        ("", _("Mọi trạng thái")),
        ("current", _("Còn hiệu lực")),
        ("revoked", _("Đã thu hồi")),
        ("expired", _("Hết hạn")),
    ]

    commune = forms.CharField(required=False)  # replaced by commune_field()
    status = forms.ChoiceField(label=_("Trạng thái"), choices=STATUSES, required=False)
    kind = forms.ChoiceField(
        label=_("Loại giấy"),
        choices=[("", _("Mọi loại"))] + list(CertificateKind.choices),
        required=False,
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"] = commune_field(communes, blank=_("Mọi xã"))


class IssueForm(forms.Form):
    signatory_name = forms.CharField(
        label=_("Người ký (họ và tên)"), max_length=120, required=False
    )
    signatory_title = forms.CharField(
        label=_("Chức vụ người ký"),
        max_length=60,
        required=False,
        help_text=_("Ví dụ: Chủ tịch, Phó Chủ tịch. Có thể bỏ trống."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do thu hồi"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class BatchPrintForm(forms.Form):
    commune = forms.CharField()  # replaced by commune_field()
    kind = forms.ChoiceField(
        label=_("Loại giấy"),
        choices=[("", _("Mọi loại"))] + list(CertificateKind.choices),
        required=False,
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"] = commune_field(communes, blank=None)


class ConsistencyForm(forms.Form):
    commune = forms.CharField(required=False)  # replaced by commune_field()

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"] = commune_field(communes, blank=_("Mọi xã của tôi"))
