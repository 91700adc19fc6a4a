"""Input and output shapes of the households, persons, assessments and cases endpoints (api.md)."""

from __future__ import annotations

from rest_framework import serializers

# The cases part lives in its own module; its names are re-exported for `serializers.X` callers.
from beneficiaries.apis.serializers_cases import (  # noqa: E402, F401
    AdjustInput,
    AdjustmentOutput,
    ApprovalOutput,
    ApprovalPreviewInput,
    ApprovalPreviewOutput,
    ApproveInput,
    CaseInput,
    CaseOutput,
    CasePatch,
    DecisionInput,
    EntitlementRangeInput,
    MonthEntitlementOutput,
    OneOffInput,
    OneOffOutput,
    ReasonInput,
    ReasonMonthInput,
    ResumeInput,
    ReviewInput,
    ReviewItemOutput,
    SuspendInput,
)
from beneficiaries.builders import max_length
from beneficiaries.models import (
    Area,
    Deprivation,
    Household,
    Person,
    Relation,
    Sex,
    VitalStatus,
)
from registry.api.fields import MoneyField, StrictDateField
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


class EraseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class MoveInput(serializers.Serializer):
    household_id = serializers.IntegerField(min_value=1)
    relation_to_head = serializers.ChoiceField(
        choices=Relation.choices, required=False, default=Relation.OTHER
    )


class HistoryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    action = serializers.CharField()
    changed_fields = serializers.SerializerMethodField()
    data = serializers.JSONField()

    def get_changed_fields(self, event) -> list[str]:
        return list(event.data.get("fields", []))
