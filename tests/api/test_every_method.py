"""Every method on every path, documented or not, as every role: never a server error.

A fuzzer run against the live server found `OPTIONS` answering 500 on several endpoints; the
schema-driven fuzzing (test_schema_fuzz.py) only sent the documented methods. This sweep sends
GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS and TRACE to every path of the schema — aimed at
objects that exist in the user's commune, in another commune, and that do not exist — and
requires an answer that is not 5xx; an error answer is the envelope, and a method the path does
not document is 405 with an `Allow` header (or 401/403/404 when access is refused first).
"""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.test_schema_fuzz import ROLES, known_ids  # noqa: F401 (fixture)
from tests.conftest import OWN_COMMUNE
from tests.factories import make_user

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
PATH_PARAMETER = re.compile(r"\{[^}]+\}")


def schema_paths(client: APIClient) -> dict[str, set[str]]:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = json.loads(response.content)["paths"]
    return {
        path: {method.upper() for method in item if method in {m.lower() for m in METHODS}}
        for path, item in paths.items()
    }


def concrete_paths(template: str, ids: dict[str, list[str]]) -> list[str]:
    if not PATH_PARAMETER.search(template):
        return [template]
    resource = template.removeprefix("/api/v1/").split("/")[0]
    own_and_other = ids.get(resource) or [i for values in ids.values() for i in values]
    # an object of the user's commune, one of another commune, one that does not exist, garbage
    targets = [own_and_other[0], own_and_other[-1], "999999", "0"]
    return [PATH_PARAMETER.sub(target, template) for target in targets]


def assert_envelope(response, label: str) -> None:
    if response.status_code < 400 or response.request["REQUEST_METHOD"] == "HEAD":
        return
    body = json.loads(response.content)
    assert set(body) == {"error"}, label
    assert body["error"]["code"] and body["error"]["message"], label


@pytest.mark.django_db
@pytest.mark.parametrize("role", (*ROLES, "anonymous"))
def test_every_method_on_every_path_is_answered_without_a_server_error(role, known_ids):  # noqa: F811
    cache.clear()
    client = APIClient()
    if role != "anonymous":
        user = make_user(f"sweep_{role}", role, [OWN_COMMUNE])
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    documented = schema_paths(client)
    assert len(documented) >= 10
    problems = []
    for template, methods in documented.items():
        for path in concrete_paths(template, known_ids):
            for method in METHODS:
                response = client.generic(method, path, data="{}", content_type="application/json")
                label = f"{method} {path} as {role}: {response.status_code}"
                if response.status_code >= 500:
                    problems.append(label)
                    continue
                assert_envelope(response, label)
                undocumented = method not in methods and method not in {"HEAD", "OPTIONS"}
                if undocumented and response.status_code not in {401, 403, 404, 405, 429}:
                    problems.append(f"{label} (undocumented method accepted)")
                if response.status_code == 405 and not response.get("Allow"):
                    problems.append(f"{label} without Allow")
    assert problems == []


@pytest.mark.django_db
def test_options_answers_the_allowed_methods_for_every_role(client_for, auditor, social_worker):
    """The regression the fuzzer found: OPTIONS on list and action endpoints answered 500."""
    for user in (auditor, social_worker):
        client = client_for(user)
        for path, allowed in (
            ("/api/v1/households/", {"GET", "POST"}),
            ("/api/v1/persons/0/death/", {"POST"}),
            ("/api/v1/persons/0/move/", {"POST"}),
            ("/api/v1/cases/", {"GET", "POST"}),
        ):
            response = client.options(path)
            assert response.status_code == 200, (path, response.content)
            assert allowed <= {m.strip() for m in response["Allow"].split(",")}
