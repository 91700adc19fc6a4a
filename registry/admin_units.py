"""Loading the post-2025 provinces and communes from the maintained `vietnam-provinces` package."""

from __future__ import annotations

from vietnam_provinces import Province as PackageProvince
from vietnam_provinces import Ward as PackageWard


def admin_units_load(province_model=None, commune_model=None) -> tuple[int, int]:
    """Insert or update every province and commune; safe to run any number of times.

    The model classes can be passed in so a data migration can use its historical models.
    """
    if province_model is None or commune_model is None:
        from registry.models import Commune, Province

        province_model, commune_model = Province, Commune
    provinces = [
        province_model(code=f"{int(p.code):02d}", name=p.name) for p in PackageProvince.iter_all()
    ]
    communes = [
        commune_model(
            code=f"{int(w.code):05d}",
            name=w.name,
            division_type=w.division_type.value,
            province_id=f"{int(w.province_code):02d}",
        )
        for w in PackageWard.iter_all()
    ]
    province_model.objects.bulk_create(
        provinces, update_conflicts=True, unique_fields=["code"], update_fields=["name"]
    )
    commune_model.objects.bulk_create(
        communes,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "division_type", "province"],
    )
    return len(provinces), len(communes)
