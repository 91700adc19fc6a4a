"""The pages' forms: shapes and labels only; every rule is checked by the service they feed."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import (
    CATEGORIES_BY_PROGRAMME,
    SOCIAL_ASSISTANCE_CATEGORIES,
    Area,
    Deprivation,
    DisabilityLevel,
    Programme,
    Relation,
    Sex,
)
from registry.models import Commune


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MonthField(forms.CharField):
    """A month typed in an <input type="month"> (YYYY-MM), or MM/YYYY; the first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})
    default_error_messages = {"invalid": _("Nhập tháng dạng YYYY-MM (ví dụ 2026-01).")}

    def to_python(self, value) -> date | None:
        value = (super().to_python(value) or "").strip()
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{2})", value) or re.fullmatch(r"(\d{2})/(\d{4})", value)
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        year, month = match.groups() if len(match.group(1)) == 4 else match.groups()[::-1]
        if not 1 <= int(month) <= 12:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date(int(year), int(month), 1)

    def prepare_value(self, value):
        return f"{value:%Y-%m}" if isinstance(value, date) else value


class HouseholdForm(forms.Form):
    commune_code = forms.ChoiceField(label=_("Xã/phường"))
    area = forms.ChoiceField(label=_("Khu vực"), choices=Area.choices)
    village = forms.CharField(label=_("Thôn/xóm/tổ dân phố"), max_length=120, required=False)
    address = forms.CharField(label=_("Địa chỉ"), max_length=200)

    def __init__(self, *args, communes: list[Commune], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune_code"].choices = [(c.code, f"{c.name} ({c.code})") for c in communes]


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=100)
    national_id = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=12,
        required=False,
        help_text=_("12 chữ số; có thể bổ sung sau nếu chưa có."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices)
    date_of_birth = forms.DateField(label=_("Ngày sinh"), widget=DateInput())
    ethnicity = forms.CharField(label=_("Dân tộc"), max_length=60, required=False)
    relation_to_head = forms.ChoiceField(label=_("Quan hệ với chủ hộ"), choices=Relation.choices)
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=15,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label=_("Năm rà soát"), min_value=2000, max_value=2100)
    income_per_capita = forms.DecimalField(
        label=_("Thu nhập bình quân đầu người (đồng/tháng)"),
        min_value=0,
        max_digits=12,
        decimal_places=0,
    )
    deprivations = forms.MultipleChoiceField(
        label=_("Các chỉ số thiếu hụt dịch vụ xã hội cơ bản"),
        choices=Deprivation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


def category_choices() -> list:
    return [
        (Programme(programme).label, [(code, code) for code in codes])
        for programme, codes in CATEGORIES_BY_PROGRAMME.items()
    ]


class CaseForm(forms.Form):
    programme = forms.ChoiceField(label=_("Chương trình"), choices=Programme.choices)
    category = forms.ChoiceField(label=_("Diện hưởng"), choices=category_choices)
    other_categories = forms.MultipleChoiceField(
        label=_("Các diện trợ giúp xã hội khác cũng thuộc"),
        choices=[(c, c) for c in SOCIAL_ASSISTANCE_CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    children_count = forms.IntegerField(
        label=_("Số con đang nuôi (diện 5.4)"), min_value=0, max_value=20, required=False
    )
    disability_level = forms.ChoiceField(
        label=_("Mức độ khuyết tật"),
        choices=[("", "—"), *DisabilityLevel.choices],
        required=False,
    )
    meritorious_grade = forms.CharField(
        label=_("Mức/hạng người có công (ví dụ 81)"), max_length=20, required=False
    )
    decided_amount = forms.DecimalField(
        label=_("Mức trợ cấp theo quyết định (đồng, người có công ngoài bảng mức)"),
        min_value=1,
        max_digits=14,
        decimal_places=0,
        required=False,
    )
    requested_start_month = MonthField(label=_("Tháng đề nghị bắt đầu hưởng"), required=False)

    def clean_disability_level(self):
        return self.cleaned_data["disability_level"] or None


class DeathForm(forms.Form):
    date_of_death = forms.DateField(label=_("Ngày mất"), widget=DateInput())


class MoveForm(forms.Form):
    household_code = forms.CharField(label=_("Mã hộ chuyển đến"), max_length=12)
    relation_to_head = forms.ChoiceField(
        label=_("Quan hệ với chủ hộ ở hộ mới"), choices=Relation.choices, initial=Relation.OTHER
    )


class SearchForm(forms.Form):
    KINDS = [
        ("name", _("Họ và tên")),
        ("national_id", _("Số định danh cá nhân")),
        ("ss_code", _("Mã an sinh xã hội")),
    ]
    kind = forms.ChoiceField(label=_("Tìm theo"), choices=KINDS, widget=forms.RadioSelect)
    query = forms.CharField(
        label=_("Nội dung tìm"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ApproveForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=DateInput())
    start_month = MonthField(
        label=_("Tháng bắt đầu hưởng"),
        required=False,
        help_text=_("Để trống: tháng của quyết định, hoặc tháng hưởng theo quy định nếu muộn hơn."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class AdjustmentDecisionForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=DateInput())


class AdjustForm(forms.Form):
    from_month = MonthField(label=_("Điều chỉnh từ tháng"))
    reason = forms.CharField(
        label=_("Lý do"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(
        label=_("Diện hưởng mới"), choices=lambda: [("", "—"), *category_choices()], required=False
    )
    children_count = forms.IntegerField(
        label=_("Số con đang nuôi mới"), min_value=0, max_value=20, required=False
    )
    disability_level = forms.ChoiceField(
        label=_("Mức độ khuyết tật mới"),
        choices=[("", "—"), *DisabilityLevel.choices],
        required=False,
    )

    def changes(self) -> dict:
        return {
            key: self.cleaned_data[key]
            for key in ("category", "children_count", "disability_level")
            if self.cleaned_data.get(key) not in (None, "")
        }
