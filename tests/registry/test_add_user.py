"""`python manage.py add_user USERNAME --role ROLE [--commune CODE ...] [--password PW]` (api.md)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from registry.roles import ROLES

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def add_user(*args, **options) -> str:
    out = StringIO()
    call_command("add_user", *args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_group(role):
    add_user(f"u_{role}", role=role, password="Mk-2026-test!")
    user = User.objects.get(username=f"u_{role}")
    assert list(user.groups.values_list("name", flat=True)) == [role]
    assert user.check_password("Mk-2026-test!")
    assert not user.is_staff and not user.is_superuser


def test_the_four_roles_are_the_documented_ones():
    assert set(ROLES) == {"social_worker", "approver", "payment_officer", "auditor"}


def test_one_commune():
    output = add_user("sw1", role="social_worker", commune=["18859"], password="Mk-2026-test!")
    user = User.objects.get(username="sw1")
    assert list(user.communes.values_list("code", flat=True)) == ["18859"]
    assert "18859" in output


def test_several_communes_and_leading_zeros():
    add_user(
        "sw2", role="social_worker", commune=["18859", "19333", "00004"], password="Mk-2026-test!"
    )
    user = User.objects.get(username="sw2")
    assert set(user.communes.values_list("code", flat=True)) == {"18859", "19333", "00004"}


def test_command_line_form():
    # The exact spelling of api.md, parsed as argv.
    add_user("sw3", "--role", "approver", "--commune", "18859", "--commune", "18871",
             "--password", "Mk-2026-test!")  # fmt: skip
    user = User.objects.get(username="sw3")
    assert set(user.communes.values_list("code", flat=True)) == {"18859", "18871"}
    assert user.groups.get().name == "approver"


def test_no_commune_means_none_assigned():
    add_user("aud1", role="auditor", password="Mk-2026-test!")
    assert not User.objects.get(username="aud1").communes.exists()


def test_unknown_role_is_a_clear_error_and_creates_nothing():
    with pytest.raises(CommandError) as excinfo:
        add_user("x", role="admin", password="Mk-2026-test!")
    message = str(excinfo.value)
    assert "'admin'" in message
    for role in ROLES:
        assert role in message
    assert not User.objects.filter(username="x").exists()


def test_unknown_commune_names_the_code_and_creates_nothing():
    with pytest.raises(CommandError) as excinfo:
        add_user("y", role="social_worker", commune=["18859", "99999"], password="Mk-2026-test!")
    assert "99999" in str(excinfo.value)
    assert "18859" not in str(excinfo.value)
    assert not User.objects.filter(username="y").exists()


def test_commune_code_without_leading_zero_is_unknown():
    with pytest.raises(CommandError, match=r"\b4\b"):
        add_user("z", role="social_worker", commune=["4"], password="Mk-2026-test!")


def test_password_from_environment_when_not_given(monkeypatch):
    monkeypatch.setenv("REGISTRY_NEW_USER_PASSWORD", "Env-pass-2026!")
    add_user("envuser", role="payment_officer", commune=["18859"])
    assert User.objects.get(username="envuser").check_password("Env-pass-2026!")


def test_explicit_password_wins_over_environment(monkeypatch):
    monkeypatch.setenv("REGISTRY_NEW_USER_PASSWORD", "Env-pass-2026!")
    add_user("both", role="payment_officer", password="Arg-pass-2026!")
    assert User.objects.get(username="both").check_password("Arg-pass-2026!")


def test_running_again_updates_instead_of_duplicating():
    first = add_user("again", role="social_worker", commune=["18859"], password="Mk-2026-first!")
    second = add_user(
        "again", role="approver", commune=["18871", "19333"], password="Mk-2026-second!"
    )
    assert User.objects.filter(username="again").count() == 1
    user = User.objects.get(username="again")
    assert list(user.groups.values_list("name", flat=True)) == ["approver"]
    assert set(user.communes.values_list("code", flat=True)) == {"18871", "19333"}
    assert user.check_password("Mk-2026-second!")
    assert first.startswith("Đã tạo") and second.startswith("Đã cập nhật")


def test_creating_and_changing_a_user_is_audited():
    from registry.models import AuditEvent

    add_user("sw9", role="social_worker", commune=["18859"], password="Mk-2026-test!")
    add_user("sw9", role="approver", commune=["18871"], password="Mk-2026-test!")
    user = User.objects.get(username="sw9")
    events = AuditEvent.objects.filter(object_type="user", object_id=str(user.pk)).order_by("id")
    assert [(e.action, e.data["role"], e.data["communes"]) for e in events] == [
        ("user.created", "social_worker", ["18859"]),
        ("user.updated", "approver", ["18871"]),
    ]
    assert all("Mk-2026-test!" not in str(e.data) for e in events)
