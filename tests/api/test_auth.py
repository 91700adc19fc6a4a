"""POST /api/v1/auth/token/: a token for good credentials, one answer for every bad one, and throttling."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from registry.api.auth import TokenThrottle
from registry.models import AuditEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"
PASSWORD = "Mk-test-2026!"  # tests.factories.make_user


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def throttle_rate(monkeypatch):
    """Set the "token" rate for one test (DRF reads its rates once, at class definition)."""

    def set_rate(rate: str):
        monkeypatch.setattr(
            TokenThrottle, "THROTTLE_RATES", {**api_settings.DEFAULT_THROTTLE_RATES, "token": rate}
        )

    return set_rate


def test_good_credentials_give_a_token_that_authenticates(social_worker):
    response = APIClient().post(URL, {"username": "sw", "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert token == Token.objects.get(user=social_worker).key
    assert set(response.json()) == {"token"}

    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/admin-units/provinces/").status_code == 200


def test_the_same_token_is_returned_again_and_issuing_is_audited(social_worker):
    client = APIClient()
    first = client.post(URL, {"username": "sw", "password": PASSWORD}, format="json").json()
    second = client.post(URL, {"username": "sw", "password": PASSWORD}, format="json").json()
    assert first == second
    actions = list(
        AuditEvent.objects.filter(object_type="user", object_id=str(social_worker.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["auth.token_issued", "auth.token_reused"]


def test_form_encoded_credentials_work_too(social_worker):
    response = APIClient().post(URL, {"username": "sw", "password": PASSWORD})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("username", "password"),
    [("sw", "wrong-password"), ("nobody", PASSWORD), ("inactive", PASSWORD)],
)
def test_bad_credentials_are_one_400_invalid_credentials(social_worker, username, password):
    make_user("inactive", "social_worker", [], is_active=False)
    response = APIClient().post(URL, {"username": username, "password": password}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error == {
        "code": "invalid_credentials",
        "message": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "fields": {},
    }
    assert not Token.objects.exists()


def test_bad_credentials_in_english():
    response = APIClient().post(
        URL, {"username": "x", "password": "y"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["error"]["message"] == "Incorrect username or password."


def test_missing_fields_are_a_validation_error():
    response = APIClient().post(URL, {"username": "sw"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"password"}


def test_a_stale_token_header_does_not_block_getting_a_new_token(social_worker):
    client = APIClient(HTTP_AUTHORIZATION="Token deadbeef")
    response = client.post(URL, {"username": "sw", "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_only_post_is_allowed():
    response = APIClient().get(URL)
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_guessing_is_throttled_per_address_and_username(social_worker, throttle_rate):
    throttle_rate("3/min")
    client = APIClient()
    for _ in range(3):
        response = client.post(URL, {"username": "sw", "password": "guess"}, format="json")
        assert response.status_code == 400
    response = client.post(URL, {"username": "sw", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    assert response["Retry-After"] in error["message"]

    # Case variants of the name share the budget; another name or another address does not.
    assert client.post(URL, {"username": "SW", "password": "x"}, format="json").status_code == 429
    assert (
        client.post(URL, {"username": "other", "password": "x"}, format="json").status_code == 400
    )
    elsewhere = APIClient(REMOTE_ADDR="10.9.8.7")
    response = elsewhere.post(URL, {"username": "sw", "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_forged_forwarded_for_does_not_reset_the_budget(social_worker, throttle_rate):
    throttle_rate("2/min")
    for index in range(2):
        APIClient(HTTP_X_FORWARDED_FOR=f"10.0.0.{index}").post(
            URL, {"username": "sw", "password": "guess"}, format="json"
        )
    response = APIClient(HTTP_X_FORWARDED_FOR="10.0.0.99").post(
        URL, {"username": "sw", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429


@override_settings(LANGUAGE_CODE="vi")
def test_throttled_message_is_translated(throttle_rate):
    throttle_rate("1/min")
    client = APIClient()
    client.post(URL, {"username": "a", "password": "b"}, format="json")
    vi = client.post(URL, {"username": "a", "password": "b"}, format="json").json()["error"]
    en = client.post(
        URL, {"username": "a", "password": "b"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    ).json()["error"]
    assert vi["message"].startswith("Quá nhiều yêu cầu.")
    assert en["message"].startswith("Too many requests.")
