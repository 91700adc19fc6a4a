"""Input and output shapes of the households, persons, assessments and cases endpoints (api.md)."""

from __future__ import annotations

from rest_framework import serializers

from beneficiaries.builders import max_length
from beneficiaries.models import (
    CATEGORY_CHOICES,
    Area,
    Deprivation,
    DisabilityLevel,
    Household,
    Person,
    Programme,
    Relation,
    Sex,
    VitalStatus,
)
from registry.api.fields import MoneyField, MonthField, StrictDateField
from registry.masking import mask_national_id, mask_phone

# Room for the spaces and dots people type in a phone number.
PHONE_INPUT_MAX_LENGTH = 20

# --- Households ---


class MemberOutput(serializers.Serializer):
    person_id = serializers.IntegerField(source="pk")
    ss_code = serializers.CharField()
    full_name = serializers.CharField()
    relation_to_head = serializers.ChoiceField(choices=Relation.choices)


class HouseholdOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    commune_code = serializers.CharField(source="commune_id")
    village = serializers.CharField()
    address = serializers.CharField(allow_null=True)
    area = serializers.ChoiceField(choices=Area.choices)
    head_person_id = serializers.IntegerField(source="head_id", allow_null=True)
    members = MemberOutput(many=True)


class HouseholdInput(serializers.Serializer):
    commune_code = serializers.CharField(max_length=5)
    village = serializers.CharField(
        max_length=max_length(Household, "village"), required=False, allow_blank=True, default=""
    )
    address = serializers.CharField(
        max_length=max_length(Household, "address"),
        required=False,
        allow_null=True,
        allow_blank=True,
    )
    area = serializers.ChoiceField(choices=Area.choices)


class HouseholdPatch(serializers.Serializer):
    village = serializers.CharField(
        max_length=max_length(Household, "village"), required=False, allow_blank=True
    )
    address = serializers.CharField(
        max_length=max_length(Household, "address"),
        required=False,
        allow_null=True,
        allow_blank=True,
    )
    area = serializers.ChoiceField(choices=Area.choices, required=False)
    head_person_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)


# --- Poverty assessments ---


class PovertyAssessmentInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2022, max_value=2030)
    income_per_capita = MoneyField()
    deprivations = serializers.ListField(
        child=serializers.ChoiceField(choices=Deprivation.choices), allow_empty=True, max_length=12
    )


class PovertyAssessmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    household_id = serializers.IntegerField()
    year = serializers.IntegerField()
    income_per_capita = MoneyField()
    deprivations = serializers.ListField(child=serializers.ChoiceField(choices=Deprivation.choices))
    classification = serializers.CharField()
    threshold = MoneyField()


# --- Persons ---


class PersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    ss_code = serializers.CharField()
    national_id = serializers.SerializerMethodField()
    full_name = serializers.CharField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    date_of_birth = serializers.DateField()
    ethnicity = serializers.CharField(allow_null=True)
    household_id = serializers.IntegerField()
    relation_to_head = serializers.ChoiceField(choices=Relation.choices)
    phone = serializers.SerializerMethodField()
    commune_code = serializers.CharField(source="commune_id")
    vital_status = serializers.ChoiceField(choices=VitalStatus.choices)
    date_of_death = serializers.DateField(allow_null=True)
    street_address = serializers.SerializerMethodField()
    hiv_status = serializers.SerializerMethodField()
    custody_status = serializers.SerializerMethodField()
    masked = serializers.SerializerMethodField()

    def _unmasked(self) -> bool:
        return bool(self.context.get("unmask"))

    def get_national_id(self, person) -> str | None:
        value = person.national_id
        return value if self._unmasked() else mask_national_id(value)

    def get_phone(self, person) -> str | None:
        value = person.phone
        return value if self._unmasked() else mask_phone(value)

    # Health and custody data are sensitive (Law 91/2025): only with ?unmask=1.
    def get_street_address(self, person) -> str | None:
        return person.street_address if self._unmasked() else None

    def get_hiv_status(self, person) -> str | None:
        return person.hiv_status if self._unmasked() else None

    def get_custody_status(self, person) -> str | None:
        return person.custody_status if self._unmasked() else None

    def get_masked(self, person) -> bool:
        return not self._unmasked()


def _optional_text(model, field: str) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length(model, field), required=False, allow_null=True, allow_blank=True
    )


class PersonInput(serializers.Serializer):
    """Shapes only; the rules (limits from the model, ID agreeing with sex and birth year, phone
    format …) are `beneficiaries.builders.person_problems`, shared with the import and the demo."""

    household_id = serializers.IntegerField(min_value=1)
    national_id = _optional_text(Person, "national_id")
    full_name = serializers.CharField(max_length=max_length(Person, "full_name"))
    sex = serializers.ChoiceField(choices=Sex.choices)
    date_of_birth = StrictDateField()
    ethnicity = _optional_text(Person, "ethnicity")
    relation_to_head = serializers.ChoiceField(choices=Relation.choices)
    # "+84 912 345 678" is accepted and stored as "0912345678".
    phone = serializers.CharField(
        max_length=PHONE_INPUT_MAX_LENGTH, required=False, allow_null=True, allow_blank=True
    )
    street_address = _optional_text(Person, "street_address")
    hiv_status = _optional_text(Person, "hiv_status")
    custody_status = _optional_text(Person, "custody_status")
    vital_status = serializers.ChoiceField(
        choices=[VitalStatus.ALIVE, VitalStatus.MISSING], required=False, default=VitalStatus.ALIVE
    )

    def validate(self, attrs):
        # Blank optional personal fields are stored as "not known" (NULL), not as ciphertext of "".
        return {key: (None if value == "" else value) for key, value in attrs.items()}


class PersonPatch(PersonInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("household_id")
        for field in self.fields.values():
            field.required = False
        self.fields["vital_status"].default = serializers.empty


class PersonSearchInput(serializers.Serializer):
    national_id = serializers.CharField(max_length=20, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    commune = serializers.CharField(max_length=5, required=False, allow_blank=True)


class DeathInput(serializers.Serializer):
    date_of_death = StrictDateField()


class MoveInput(serializers.Serializer):
    household_id = serializers.IntegerField(min_value=1)
    relation_to_head = serializers.ChoiceField(
        choices=Relation.choices, required=False, default=Relation.OTHER
    )


# --- Cases ---


class CaseInput(serializers.Serializer):
    person_id = serializers.IntegerField(min_value=1)
    programme = serializers.ChoiceField(choices=Programme.choices)
    category = serializers.ChoiceField(choices=CATEGORY_CHOICES)
    additional_category = serializers.ChoiceField(
        choices=CATEGORY_CHOICES, required=False, allow_blank=True, default=""
    )
    children_count = serializers.IntegerField(min_value=0, max_value=20, required=False, default=0)
    monthly_amount = MoneyField(required=False, allow_null=True, min_value=1)
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
    id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    ss_code = serializers.CharField(source="person.ss_code")
    commune_code = serializers.CharField(source="commune_id")
    programme = serializers.ChoiceField(choices=Programme.choices)
    category = serializers.CharField()
    additional_category = serializers.CharField()
    children_count = serializers.IntegerField()
    disability_level = serializers.CharField(allow_null=True)
    requested_start_month = MonthField(allow_null=True)
    status = serializers.CharField()
    coefficient = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    monthly_amount = MoneyField(allow_null=True)
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


class ApproveInput(serializers.Serializer):
    decision_number = serializers.CharField(max_length=60)
    decision_date = StrictDateField()


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class ReasonMonthInput(ReasonInput):
    from_month = MonthField()


class ResumeInput(serializers.Serializer):
    from_month = MonthField(required=False)


class HistoryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    action = serializers.CharField()
    changed_fields = serializers.SerializerMethodField()
    data = serializers.JSONField()

    def get_changed_fields(self, event) -> list[str]:
        return list(event.data.get("fields", []))
