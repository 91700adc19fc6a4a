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

# Ids beyond a 64-bit integer are refused as bad input (400), not passed on to the database,
# where SQLite raises OverflowError (a 500).
ID_BOUNDS = {"min_value": 1, "max_value": 2**63 - 1}


class HouseholdFilter(django_filters.FilterSet):
    commune = django_filters.CharFilter(field_name="commune_id")
    code = django_filters.CharFilter(field_name="code")

    class Meta:
        model = Household
        fields = ["commune", "code"]


class PersonFilter(django_filters.FilterSet):
    ss_code = django_filters.CharFilter(field_name="ss_code")
    commune = django_filters.CharFilter(field_name="commune_id")
    household = django_filters.NumberFilter(field_name="household_id", **ID_BOUNDS)
    vital_status = django_filters.ChoiceFilter(choices=VitalStatus.choices)

    class Meta:
        model = Person
        fields = ["ss_code", "commune", "household", "vital_status"]


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    programme = django_filters.ChoiceFilter(choices=Programme.choices)
    category = django_filters.ChoiceFilter(choices=CATEGORY_CHOICES)
    commune = django_filters.CharFilter(field_name="commune_id")
    person = django_filters.NumberFilter(field_name="person_id", **ID_BOUNDS)

    class Meta:
        model = Case
        fields = ["status", "programme", "category", "commune", "person"]
