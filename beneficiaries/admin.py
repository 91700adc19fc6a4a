"""Django admin for beneficiaries: the legal configuration is editable; registry data is read-only
and never shows an encrypted column (personal data is read through the audited API instead)."""

from django.contrib import admin

from beneficiaries.models import (
    BaseAmount,
    Case,
    CaseAdjustment,
    CaseSuspension,
    Household,
    MeritoriousRate,
    OneOffEntitlement,
    OneOffRate,
    Person,
    PovertyAssessment,
    PovertyStandard,
)
from registry.audit import AuditAction, audit_record
from registry.fields import BlindIndexField, EncryptedTextField


class RegistryDataAdmin(admin.ModelAdmin):
    """View-only: writes go through the services, which validate, lock and audit.

    Encrypted columns and their blind indexes are left out of lists, searches and forms alike.
    """

    def hidden_fields(self) -> list[str]:
        return [
            f.name
            for f in self.model._meta.concrete_fields
            if isinstance(f, EncryptedTextField | BlindIndexField)
        ]

    def get_exclude(self, request, obj=None):
        return self.hidden_fields()

    def get_readonly_fields(self, request, obj=None):
        hidden = set(self.hidden_fields())
        return [f.name for f in self.model._meta.concrete_fields if f.name not in hidden]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(RegistryDataAdmin):
    list_display = ["code", "commune", "village", "area", "created_at"]
    list_filter = ["area"]
    list_select_related = ["commune"]
    search_fields = ["code"]


@admin.register(Person)
class PersonAdmin(RegistryDataAdmin):
    list_display = ["ss_code", "household", "commune", "relation_to_head", "vital_status"]
    list_filter = ["vital_status", "relation_to_head"]
    list_select_related = ["household", "commune"]
    search_fields = ["ss_code", "household__code"]


@admin.register(Case)
class CaseAdmin(RegistryDataAdmin):
    list_display = [
        "id", "person_ss_code", "commune", "programme", "category", "status",
        "decided_amount", "start_month", "decision_number",
    ]  # fmt: skip
    list_filter = ["status", "programme", "category"]
    list_select_related = ["person", "commune"]
    search_fields = ["person__ss_code", "decision_number"]

    @admin.display(description="mã an sinh xã hội", ordering="person__ss_code")
    def person_ss_code(self, obj) -> str:
        return obj.person.ss_code


@admin.register(CaseSuspension)
class CaseSuspensionAdmin(RegistryDataAdmin):
    list_display = ["case", "from_month", "to_month", "ground", "created_at"]
    search_fields = ["case__person__ss_code"]


@admin.register(PovertyAssessment)
class PovertyAssessmentAdmin(RegistryDataAdmin):
    list_display = ["household", "year", "classification", "income_per_capita", "threshold"]
    list_filter = ["year", "classification"]
    list_select_related = ["household"]
    search_fields = ["household__code"]


class AuditedConfigurationAdmin(admin.ModelAdmin):
    """Dated legal values an administrator keeps up to date; each change is an audit event."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=AuditAction(f"{obj._meta.model_name}.{'changed' if change else 'added'}"),
            obj=obj,
            data={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        audit_record(
            actor=request.user,
            action=AuditAction(f"{obj._meta.model_name}.deleted"),
            object_type=obj._meta.model_name,
            object_id=str(pk),
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(PovertyStandard)
class PovertyStandardAdmin(AuditedConfigurationAdmin):
    list_display = [
        "area", "valid_from", "valid_to", "income_threshold", "poor_min_deprivations",
        "legal_basis",
    ]  # fmt: skip
    list_filter = ["area"]


@admin.register(BaseAmount)
class BaseAmountAdmin(AuditedConfigurationAdmin):
    list_display = ["kind", "valid_from", "amount", "province", "legal_basis"]
    list_filter = ["kind", "province"]
    list_select_related = ["province"]
    autocomplete_fields = ["province"]


@admin.register(CaseAdjustment)
class CaseAdjustmentAdmin(RegistryDataAdmin):
    list_display = ["case", "from_month", "status", "category", "decision_number", "created_at"]
    list_filter = ["status"]
    search_fields = ["case__person__ss_code", "decision_number"]


@admin.register(OneOffEntitlement)
class OneOffEntitlementAdmin(RegistryDataAdmin):
    list_display = ["id", "kind", "commune", "amount", "status", "decision_number", "paid_at"]
    list_filter = ["kind", "status"]
    search_fields = ["deceased__ss_code", "decision_number"]


@admin.register(MeritoriousRate)
class MeritoriousRateAdmin(AuditedConfigurationAdmin):
    """The annexes of the meritorious-allowance decrees: an administrator adds each new table."""

    list_display = ["category", "grade", "valid_from", "amount", "legal_basis"]
    list_filter = ["category", "valid_from"]
    search_fields = ["category", "grade"]


@admin.register(OneOffRate)
class OneOffRateAdmin(AuditedConfigurationAdmin):
    list_display = ["kind", "base_kind", "valid_from", "base_multiple", "province", "legal_basis"]
    list_filter = ["kind", "province"]
    list_select_related = ["province"]
    autocomplete_fields = ["province"]
