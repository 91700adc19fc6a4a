"""django-filter FilterSets on non-personal fields; applied inside the selectors."""

import django_filters

from beneficiaries.models import (
    CATEGORY_CHOICES,
    Case,
    CaseStatus,
    Household,
    Person,
    Programme,
    VitalStatus,
)


class HouseholdFilter(django_filters.FilterSet):
    commune = django_filters.CharFilter(field_name="commune_id")
    code = django_filters.CharFilter(field_name="code")

    class Meta:
        model = Household
        fields = ["commune", "code"]


class PersonFilter(django_filters.FilterSet):
    ss_code = django_filters.CharFilter(field_name="ss_code")
    commune = django_filters.CharFilter(field_name="commune_id")
    household = django_filters.NumberFilter(field_name="household_id")
    vital_status = django_filters.ChoiceFilter(choices=VitalStatus.choices)

    class Meta:
        model = Person
        fields = ["ss_code", "commune", "household", "vital_status"]


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    programme = django_filters.ChoiceFilter(choices=Programme.choices)
    category = django_filters.ChoiceFilter(choices=CATEGORY_CHOICES)
    commune = django_filters.CharFilter(field_name="commune_id")
    person = django_filters.NumberFilter(field_name="person_id")

    class Meta:
        model = Case
        fields = ["status", "programme", "category", "commune", "person"]
