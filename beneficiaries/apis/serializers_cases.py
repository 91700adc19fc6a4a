"""Input and output shapes of the cases, adjustments, entitlements, review and one-off
endpoints (api.md, "Cases")."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from beneficiaries.models import (
    CATEGORY_CHOICES,
    SOCIAL_ASSISTANCE_CATEGORIES,
    DisabilityLevel,
    OneOffKind,
    PayeeKind,
    Programme,
    SuspensionGround,
)
from registry.api.fields import MoneyField, MonthField, StrictDateField


class CaseInput(serializers.Serializer):
    person_id = serializers.IntegerField(min_value=1)
    programme = serializers.ChoiceField(choices=Programme.choices)
    category = serializers.ChoiceField(choices=CATEGORY_CHOICES)
    other_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=SOCIAL_ASSISTANCE_CATEGORIES),
        required=False,
        default=list,
        max_length=len(SOCIAL_ASSISTANCE_CATEGORIES),
    )
    children_count = serializers.IntegerField(min_value=0, max_value=20, required=False, default=0)
    # Meritorious only, where no rate-table row applies: the amount of the decision.
    monthly_amount = MoneyField(
        source="decided_amount", required=False, allow_null=True, min_value=1
    )
    meritorious_grade = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    disability_level = serializers.ChoiceField(
        choices=DisabilityLevel.choices, required=False, allow_null=True
    )
    requested_start_month = MonthField(required=False, allow_null=True)


class CasePatch(CaseInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("person_id")
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


class CaseOutput(serializers.Serializer):
    """`paying_category`, `coefficient` and `monthly_amount` are those of the current month (the
    first month of a case that starts later), drafts included: the view passes them in the
    context as `entitlements` (case id → MonthEntitlement)."""

    id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    ss_code = serializers.CharField(source="person.ss_code")
    commune_code = serializers.CharField(source="commune_id")
    programme = serializers.ChoiceField(choices=Programme.choices)
    category = serializers.CharField()
    other_categories = serializers.ListField(child=serializers.CharField())
    children_count = serializers.IntegerField()
    disability_level = serializers.CharField(allow_null=True)
    meritorious_grade = serializers.CharField()
    decided_amount = MoneyField(allow_null=True)
    requested_start_month = MonthField(allow_null=True)
    status = serializers.CharField()
    paying_category = serializers.SerializerMethodField()
    coefficient = serializers.SerializerMethodField()
    monthly_amount = serializers.SerializerMethodField()
    entitlement_reason = serializers.SerializerMethodField()
    decision_number = serializers.CharField()
    decision_date = serializers.DateField(allow_null=True)
    start_month = MonthField(allow_null=True)
    end_month = MonthField(allow_null=True)
    status_reason = serializers.CharField(allow_null=True)
    transferred_from_case_id = serializers.IntegerField(
        source="transferred_from_id", allow_null=True
    )
    submitted_by = serializers.CharField(
        source="submitted_by.username", allow_null=True, default=None
    )
    approved_by = serializers.CharField(
        source="approved_by.username", allow_null=True, default=None
    )

    def _entitlement(self, case):
        return self.context.get("entitlements", {}).get(case.pk)

    def get_paying_category(self, case) -> str | None:
        entitlement = self._entitlement(case)
        return entitlement.paying_category if entitlement else None

    @extend_schema_field({"type": "string", "nullable": True, "example": "2.50"})
    def get_coefficient(self, case) -> str | None:
        entitlement = self._entitlement(case)
        if entitlement is None or entitlement.coefficient is None:
            return None
        return f"{entitlement.coefficient:.2f}"

    @extend_schema_field({"type": "string", "nullable": True, "pattern": r"^\d+$"})
    def get_monthly_amount(self, case) -> str | None:
        entitlement = self._entitlement(case)
        return f"{entitlement.amount:.0f}" if entitlement else None

    def get_entitlement_reason(self, case) -> str | None:
        entitlement = self._entitlement(case)
        return entitlement.reason if entitlement else None


class ApprovalOutput(CaseOutput):
    arrears_months = serializers.IntegerField()
    arrears_amount = MoneyField()


class ApproveInput(serializers.Serializer):
    decision_number = serializers.CharField(max_length=60)
    decision_date = StrictDateField()
    start_month = MonthField(required=False, allow_null=True)


class ApprovalPreviewInput(serializers.Serializer):
    decision_date = StrictDateField()
    start_month = MonthField(required=False, allow_null=True)


class ApprovalPreviewOutput(serializers.Serializer):
    decision_date = serializers.DateField()
    legal_start_month = MonthField()
    earliest_start_month = MonthField()
    default_start_month = MonthField()
    start_month = MonthField()
    paying_category = serializers.CharField(allow_null=True)
    coefficient = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    monthly_amount = MoneyField()
    arrears_months = serializers.IntegerField()
    arrears_amount = MoneyField()


class EntitlementRangeInput(serializers.Serializer):
    # "from" is a Python keyword: the field is renamed in `__init__`.
    to = MonthField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = MonthField(required=False)


class MonthEntitlementOutput(serializers.Serializer):
    month = MonthField()
    base = MoneyField(allow_null=True)
    coefficient = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    paying_category = serializers.CharField(allow_null=True)
    amount = MoneyField()
    reason = serializers.CharField()


class ReviewInput(serializers.Serializer):
    month = MonthField(required=False)


class ReviewItemOutput(serializers.Serializer):
    case_id = serializers.IntegerField()
    kind = serializers.CharField()
    detail = serializers.CharField()


class AdjustInput(serializers.Serializer):
    from_month = MonthField()
    reason = serializers.CharField(max_length=1000)
    category = serializers.ChoiceField(choices=CATEGORY_CHOICES, required=False)
    other_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=SOCIAL_ASSISTANCE_CATEGORIES),
        required=False,
        max_length=len(SOCIAL_ASSISTANCE_CATEGORIES),
    )
    disability_level = serializers.ChoiceField(
        choices=DisabilityLevel.choices, required=False, allow_null=True
    )
    children_count = serializers.IntegerField(min_value=0, max_value=20, required=False)
    meritorious_grade = serializers.CharField(max_length=20, required=False, allow_blank=True)
    monthly_amount = MoneyField(
        source="decided_amount", required=False, allow_null=True, min_value=1
    )


class AdjustmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    from_month = MonthField()
    status = serializers.CharField()
    category = serializers.CharField()
    other_categories = serializers.ListField(child=serializers.CharField())
    disability_level = serializers.CharField(allow_null=True)
    children_count = serializers.IntegerField()
    meritorious_grade = serializers.CharField()
    decided_amount = MoneyField(allow_null=True)
    changed_fields = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField(allow_null=True)
    decision_number = serializers.CharField()
    decision_date = serializers.DateField(allow_null=True)
    proposed_by = serializers.CharField(
        source="proposed_by.username", allow_null=True, default=None
    )
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)


class DecisionInput(serializers.Serializer):
    decision_number = serializers.CharField(max_length=60)
    decision_date = StrictDateField()


class OneOffInput(serializers.Serializer):
    person_id = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=OneOffKind.choices)
    payee_kind = serializers.ChoiceField(choices=PayeeKind.choices)
    payee_person_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    payee_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    application_date = StrictDateField()
    amount = MoneyField(required=False, allow_null=True, min_value=1)


class OneOffOutput(serializers.Serializer):
    id = serializers.IntegerField()
    person_id = serializers.IntegerField(source="deceased_id")
    ss_code = serializers.CharField(source="deceased.ss_code")
    case_id = serializers.IntegerField(allow_null=True)
    commune_code = serializers.CharField(source="commune_id")
    kind = serializers.CharField()
    amount = MoneyField()
    payee_kind = serializers.CharField()
    payee_person_id = serializers.IntegerField(allow_null=True)
    payee_name = serializers.CharField(allow_null=True)
    application_date = serializers.DateField()
    status = serializers.CharField()
    decision_number = serializers.CharField()
    decision_date = serializers.DateField(allow_null=True)
    status_reason = serializers.CharField(allow_null=True)
    payment_reference = serializers.CharField()
    proposed_by = serializers.CharField(
        source="proposed_by.username", allow_null=True, default=None
    )
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class ReasonMonthInput(ReasonInput):
    from_month = MonthField()


class SuspendInput(ReasonMonthInput):
    ground = serializers.ChoiceField(
        choices=SuspensionGround.choices, required=False, default=SuspensionGround.OTHER
    )


class ResumeInput(serializers.Serializer):
    from_month = MonthField(required=False)
