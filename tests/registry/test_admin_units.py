"""The post-2025 provinces and communes, loaded by migration and by `load_admin_units`."""

from io import StringIO

import pytest
from django.core.management import call_command

from registry.admin_units import admin_units_load
from registry.models import Commune, Province

pytestmark = pytest.mark.django_db


def test_34_provinces_and_at_least_3300_communes():
    assert Province.objects.count() == 34
    assert Commune.objects.count() >= 3300


def test_quang_tri_is_44_with_78_communes():
    quang_tri = Province.objects.get(code="44")
    assert "Quảng Trị" in quang_tri.name
    assert quang_tri.communes.count() == 78
    # Quảng Bình merged into it (Đồng Hới), and the old code 45 is retired.
    assert quang_tri.communes.filter(name="Phường Đồng Hới").exists()
    assert not Province.objects.filter(code="45").exists()


def test_codes_are_strings_keeping_leading_zeros():
    ha_noi = Province.objects.get(code="01")
    assert "Hà Nội" in ha_noi.name
    commune = Commune.objects.get(code="00004")
    assert commune.province_id == "01"
    assert isinstance(commune.code, str)
    assert all(len(code) == 2 for code in Province.objects.values_list("code", flat=True))
    assert all(len(code) == 5 for code in Commune.objects.values_list("code", flat=True))
    assert not Province.objects.filter(code="1").exists()


def test_every_commune_has_a_division_type():
    assert not Commune.objects.filter(division_type="").exists()
    assert set(Commune.objects.values_list("division_type", flat=True)) >= {"xã", "phường"}


def test_loading_again_does_not_duplicate_and_restores_names():
    before = (Province.objects.count(), Commune.objects.count())
    Commune.objects.filter(code="19333").update(name="tên sai")
    assert admin_units_load() == before
    assert admin_units_load() == before
    assert (Province.objects.count(), Commune.objects.count()) == before
    assert Commune.objects.get(code="19333").name == "Phường Đông Hà"


def test_command_reports_counts_and_is_idempotent():
    before = Commune.objects.count()
    out = StringIO()
    call_command("load_admin_units", stdout=out)
    call_command("load_admin_units", stdout=out)
    assert Commune.objects.count() == before
    assert f"34 tỉnh/thành, {before} xã/phường." in out.getvalue()
