"""The legal thresholds and base amounts as dated configuration rows (editable in the admin)."""

from datetime import date
from decimal import Decimal

from django.db import migrations

POVERTY_STANDARDS = [
    # valid_from, valid_to, area, income threshold per person per month, legal basis
    (date(2022, 1, 1), date(2026, 12, 31), "rural", "1500000", "Nghị định 07/2021/NĐ-CP; 351/2025/NĐ-CP"),
    (date(2022, 1, 1), date(2026, 12, 31), "urban", "2000000", "Nghị định 07/2021/NĐ-CP; 351/2025/NĐ-CP"),
    (date(2027, 1, 1), date(2030, 12, 31), "rural", "2200000", "Nghị định 351/2025/NĐ-CP"),
    (date(2027, 1, 1), date(2030, 12, 31), "urban", "2800000", "Nghị định 351/2025/NĐ-CP"),
]
BASE_AMOUNTS = [
    ("social_assistance", date(2021, 7, 1), "360000", "Nghị định 20/2021/NĐ-CP"),
    ("social_assistance", date(2024, 7, 1), "500000", "Nghị định 76/2024/NĐ-CP"),
    ("meritorious", date(2021, 9, 15), "1624000", "Nghị định 75/2021/NĐ-CP"),
    ("meritorious", date(2023, 7, 1), "2055000", "Nghị định 55/2023/NĐ-CP"),
    ("meritorious", date(2024, 7, 1), "2789000", "Nghị định 77/2024/NĐ-CP"),
    ("social_pension", date(2025, 7, 1), "500000", "Nghị định 176/2025/NĐ-CP"),
]


def load(apps, schema_editor):
    PovertyStandard = apps.get_model("beneficiaries", "PovertyStandard")
    BaseAmount = apps.get_model("beneficiaries", "BaseAmount")
    for valid_from, valid_to, area, threshold, basis in POVERTY_STANDARDS:
        PovertyStandard.objects.update_or_create(
            valid_from=valid_from,
            area=area,
            defaults={"valid_to": valid_to, "income_threshold": Decimal(threshold), "legal_basis": basis},
        )
    for kind, valid_from, amount, basis in BASE_AMOUNTS:
        BaseAmount.objects.update_or_create(
            kind=kind,
            valid_from=valid_from,
            province=None,
            defaults={"amount": Decimal(amount), "legal_basis": basis},
        )


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
