"""The meritorious rate table and the funeral allowance rate as dated configuration rows.

Only rows whose figures could be confirmed are seeded (docs/law.md lists them and their source);
an administrator adds the other rows of the Decree 77/2024 annex and every later table.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

# category, grade, valid_from, amount, legal basis
MERITORIOUS_RATES = [
    # Relatives of martyrs (Ordinance 02/2020 Art. 3(2)): by the number of martyrs.
    ("relative", "martyrs_1", date(2023, 7, 1), "2055000", "Nghị định 55/2023/NĐ-CP"),
    ("relative", "martyrs_1", date(2024, 7, 1), "2789000", "Nghị định 77/2024/NĐ-CP, Phụ lục I"),
    ("relative", "martyrs_2", date(2024, 7, 1), "5578000", "Nghị định 77/2024/NĐ-CP, Phụ lục I"),
    ("relative", "martyrs_3", date(2024, 7, 1), "8367000", "Nghị định 77/2024/NĐ-CP, Phụ lục I"),
    # War invalids (category g): by the rate of bodily injury.
    ("g", "81", date(2024, 7, 1), "7240000", "Nghị định 77/2024/NĐ-CP, Phụ lục II"),
    ("g", "100", date(2024, 7, 1), "8941000", "Nghị định 77/2024/NĐ-CP, Phụ lục II"),
    # Vietnamese Heroic Mother: 8,367,000 allowance + 2,337,000 monthly supplement.
    ("d", "", date(2024, 7, 1), "10704000", "Nghị định 77/2024/NĐ-CP, Phụ lục I"),
]
# kind, base kind, valid_from, multiple of the base, legal basis
ONE_OFF_RATES = [
    ("social_assistance_funeral", "social_assistance", date(2021, 7, 1), "20",
     "Nghị định 20/2021/NĐ-CP, Điều 11 khoản 2"),
]  # fmt: skip


def load(apps, schema_editor):
    MeritoriousRate = apps.get_model("beneficiaries", "MeritoriousRate")
    OneOffRate = apps.get_model("beneficiaries", "OneOffRate")
    for category, grade, valid_from, amount, basis in MERITORIOUS_RATES:
        MeritoriousRate.objects.update_or_create(
            category=category,
            grade=grade,
            valid_from=valid_from,
            defaults={"amount": Decimal(amount), "legal_basis": basis},
        )
    for kind, base_kind, valid_from, multiple, basis in ONE_OFF_RATES:
        OneOffRate.objects.update_or_create(
            kind=kind,
            valid_from=valid_from,
            province=None,
            defaults={"base_kind": base_kind, "base_multiple": Decimal(multiple), "legal_basis": basis},
        )


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0005_entitlements_by_law")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
