"""What each role may do, as the permission checks a user would run into."""

import pytest
from django.contrib.auth.models import Group

from registry.roles import ROLE_PERMISSIONS, sync_roles
from tests.factories import make_user

pytestmark = pytest.mark.django_db

READ = [
    "beneficiaries.view_household",
    "beneficiaries.view_person",
    "beneficiaries.view_povertyassessment",
    "beneficiaries.view_case",
]


def fresh(user):
    # Permission caches live on the instance; reload to see the group as stored.
    return type(user).objects.get(pk=user.pk)


def test_groups_exist_after_migrate_with_exactly_the_listed_permissions():
    for role, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        stored = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert stored == set(perms), role


def test_every_listed_permission_exists():
    # A misspelt codename would silently grant nothing.
    sync_roles()
    listed = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    granted = {
        f"{app}.{codename}"
        for group in Group.objects.filter(name__in=ROLE_PERMISSIONS)
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }
    assert listed == granted


def test_sync_is_idempotent_and_repairs_drift():
    group = Group.objects.get(name="approver")
    group.permissions.clear()
    sync_roles()
    sync_roles()
    assert group.permissions.count() == len(ROLE_PERMISSIONS["approver"])
    assert Group.objects.filter(name="approver").count() == 1


def test_social_worker(social_worker):
    user = fresh(social_worker)
    for perm in READ + [
        "beneficiaries.add_household",
        "beneficiaries.add_person",
        "beneficiaries.change_person",
        "beneficiaries.add_povertyassessment",
        "beneficiaries.add_case",
        "beneficiaries.submit_case",
        "beneficiaries.import_persons",
        "beneficiaries.record_death",
    ]:
        assert user.has_perm(perm), perm
    for perm in [
        "beneficiaries.decide_case",
        "beneficiaries.view_sensitive",
        "registry.view_auditevent",
        "beneficiaries.delete_person",
        "beneficiaries.change_baseamount",
    ]:
        assert not user.has_perm(perm), perm


def test_approver(approver):
    user = fresh(approver)
    assert user.has_perm("beneficiaries.decide_case")
    assert user.has_perm("beneficiaries.view_consistency_report")
    assert user.has_perms(READ)
    for perm in [
        "beneficiaries.add_person",
        "beneficiaries.add_household",
        "beneficiaries.change_case",
        "beneficiaries.submit_case",
        "beneficiaries.view_sensitive",
        "registry.view_auditevent",
    ]:
        assert not user.has_perm(perm), perm


def test_payment_officer_only_views(payment_officer):
    user = fresh(payment_officer)
    assert user.has_perms(READ)
    beneficiaries_perms = {p for p in user.get_all_permissions() if p.startswith("beneficiaries.")}
    assert all(p.split(".")[1].startswith("view_") for p in beneficiaries_perms)
    for perm in [
        "beneficiaries.add_person",
        "beneficiaries.submit_case",
        "beneficiaries.decide_case",
        "beneficiaries.view_sensitive",
        "registry.view_auditevent",
    ]:
        assert not user.has_perm(perm), perm


def test_auditor(auditor):
    user = fresh(auditor)
    assert user.has_perm("beneficiaries.view_sensitive")
    assert user.has_perm("registry.view_auditevent")
    assert user.has_perm("beneficiaries.view_consistency_report")
    assert user.has_perms(READ)
    for perm in [
        "beneficiaries.add_person",
        "beneficiaries.submit_case",
        "beneficiaries.decide_case",
        "registry.change_auditevent",
        "registry.delete_auditevent",
    ]:
        assert not user.has_perm(perm), perm


def test_user_without_role_has_no_permission():
    user = fresh(make_user("nobody", None))
    assert user.get_all_permissions() == set()
