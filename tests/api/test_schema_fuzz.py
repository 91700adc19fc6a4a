"""The OpenAPI contract, checked three ways: its shape, the offline docs page, and fuzzing.

The fuzz test loads /api/schema/ from the application itself (schemathesis' WSGI integration:
the whole Django stack, middleware included, in this process and this test's transaction) and
calls every operation it finds, as each role, with generated valid and invalid input. It is
generic over the schema, so endpoints added later are fuzzed without touching this file.

Two phases per operation: schemathesis' coverage phase (boundary values, missing and wrong-typed
parameters, wrong content types, and every HTTP method the schema does not list for the path —
which must answer 405 with `Allow`), then hypothesis-generated valid and invalid input. Run it
alone with `pytest tests/api/test_schema_fuzz.py -m slow`; REGISTRY_FUZZ_EXAMPLES sets the
generated examples per operation and generation mode (default 10), REGISTRY_FUZZ_COVERAGE_CASES
the most coverage cases per operation besides the method probes (default 20).
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from urllib.parse import urlparse

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import GenerationConfig
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.meta import CoverageScenario
from schemathesis.generation.overrides import Override
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from beneficiaries.models import Case, CaseStatus
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import make_household, make_person, make_user

ROLES = ("social_worker", "approver", "payment_officer", "auditor")
MAX_EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "10"))
MAX_COVERAGE_CASES = int(os.environ.get("REGISTRY_FUZZ_COVERAGE_CASES", "20"))
ERROR_STATUSES = {"400", "401", "403", "404", "409", "413"}


# --- the schema and the docs page --------------------------------------------------------


@pytest.fixture
def openapi(db):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.django_db
def test_every_operation_documents_the_error_envelope(openapi):
    components = openapi["components"]["schemas"]
    assert components["ErrorEnvelope"]["required"] == ["error"]
    assert components["ErrorBody"]["required"] == ["code", "message", "fields"]
    operations = [
        (path, method, operation)
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) >= 3
    for path, method, operation in operations:
        responses = operation["responses"]
        public = operation.get("security") in (None, [], [{}])
        expected = ERROR_STATUSES - {"401", "403"} if public else ERROR_STATUSES
        missing = expected - set(responses)
        assert not missing, f"{method.upper()} {path} lacks {missing}"
        for status in expected:
            # The shared envelope, or a view's own variant of it (e.g. import rows).
            ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
            component = components[ref.rsplit("/", 1)[-1]]
            assert component["required"] == ["error"], (path, status, ref)
        if "requestBody" in operation:
            assert "415" in responses, f"{method.upper()} {path} lacks 415"
        assert operation.get("tags"), f"{method.upper()} {path} has no tag"


@pytest.mark.django_db
def test_operations_are_tagged_by_resource(openapi):
    tags = {
        path: operation["tags"]
        for path, item in openapi["paths"].items()
        for operation in item.values()
        if isinstance(operation, dict) and "tags" in operation
    }
    assert tags["/api/v1/auth/token/"] == ["auth"]
    assert tags["/api/v1/admin-units/provinces/"] == ["admin-units"]
    assert tags["/api/v1/admin-units/communes/"] == ["admin-units"]
    for path, path_tags in tags.items():
        resource = path.removeprefix("/api/v1/").split("/")[0]
        assert path_tags == [resource] or path_tags[0] in path, (path, path_tags)


@pytest.mark.django_db
def test_token_endpoint_is_public_and_documents_throttling(openapi):
    operation = openapi["paths"]["/api/v1/auth/token/"]["post"]
    assert "401" not in operation["responses"]
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TokenOutput"
    }


@pytest.mark.django_db
def test_schema_descriptions_follow_the_language(db):
    en = APIClient().get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en")
    body = json.loads(en.content)
    operation = body["paths"]["/api/v1/admin-units/provinces/"]["get"]
    assert operation["responses"]["404"]["description"].startswith("Not found")


@pytest.mark.django_db
def test_swagger_ui_is_served_offline(db):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    # audit: the page's script is served apart (no inline script under the CSP).
    script = APIClient().get("/api/docs/?script=")
    assert script.status_code == 200 and "javascript" in script["Content-Type"]
    html += script.content.decode()
    assert "SwaggerUIBundle" in html
    # Every referenced asset is local and exists among the static files (the sidecar package).
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert references
    for reference in references:
        parsed = urlparse(reference)
        assert not parsed.scheme and not parsed.netloc, reference
        if parsed.path.startswith("/static/"):
            assert finders.find(parsed.path.removeprefix("/static/")), reference
    # No absolute URL to any other host anywhere in the page (scripts included).
    for url in re.findall(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'<>]*""", html):
        assert urlparse(url if "://" in url else "http:" + url).hostname in {"testserver"}, url
    assert '"validatorUrl": null' in html


# --- fuzzing -----------------------------------------------------------------------------


def error_envelope(ctx, response, case):
    """Every error answer (status ≥ 400) is {"error": {"code", "message", "fields"}}."""
    if response.status_code < 400:
        return None
    try:
        body = json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"error {response.status_code} is not JSON") from exc
    assert isinstance(body, dict) and set(body) == {"error"}, f"not the envelope: {body!r}"
    error = body["error"]
    assert isinstance(error.get("code"), str) and error["code"], f"no code: {body!r}"
    assert isinstance(error.get("message"), str) and error["message"], f"no message: {body!r}"
    fields = error.get("fields")
    assert isinstance(fields, dict), f"fields is not an object: {body!r}"
    for name, messages in fields.items():
        assert isinstance(messages, list) and all(isinstance(m, str) for m in messages), name
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    error_envelope,
]


@pytest.fixture
def wsgi_app():
    # Like Django's test client: keep the test's connection (and its transaction) open across
    # requests instead of closing it when each request finishes.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def known_ids(db):
    """A small registry in the user's commune and in another one, so that generated paths also
    reach real objects (own: readable; other: must answer 404)."""
    ids: dict[str, list[str]] = {"households": [], "persons": [], "cases": []}
    for commune in (OWN_COMMUNE, OTHER_COMMUNE):
        household = make_household(commune)
        head = make_person(household, full_name="Lê Thị Hoa", sex="female")
        child = make_person(
            household,
            full_name="Lê Văn An",
            date_of_birth=date(2021, 4, 2),
            relation_to_head="child",
        )
        household.head = head
        household.save(update_fields=["head"])
        cases = [
            Case.objects.create(
                person=child,
                commune_id=commune,
                programme="social_assistance",
                category="5.1",
                status=status,
            )
            for status in (CaseStatus.DRAFT,)
        ] + [
            Case.objects.create(
                person=head,
                commune_id=commune,
                programme="social_pension",
                category="pension",
                status=CaseStatus.SUBMITTED,
            )
        ]
        ids["households"].append(str(household.pk))
        ids["persons"] += [str(head.pk), str(child.pk)]
        ids["cases"] += [str(case.pk) for case in cases]
    return ids


def operation_strategy(operation, mode: GenerationMode, known_ids: dict[str, list[str]]):
    """Generated cases, half of them (for paths with an {id}) aimed at objects that exist."""
    generated = operation.as_strategy(generation_mode=mode)
    if "{id}" not in operation.path or mode is GenerationMode.NEGATIVE:
        return generated
    resource = operation.path.removeprefix("/api/v1/").split("/")[0]
    candidates = known_ids.get(resource) or [i for ids in known_ids.values() for i in ids]
    aimed = [
        operation.as_strategy(generation_mode=mode, path_parameters={"id": object_id})
        for object_id in candidates
    ]
    return st.one_of(generated, *aimed)


def modes_for(operation) -> list[GenerationMode]:
    """Invalid input needs some input to break: no negative mode for parameterless operations."""
    raw = operation.definition.raw
    if raw.get("parameters") or "requestBody" in raw:
        return [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    return [GenerationMode.POSITIVE]


def cover_operation(operation, headers: dict) -> tuple[int, int]:
    """The coverage phase's deterministic cases, undocumented methods included.

    Returns (cases sent, undocumented-method probes among them)."""
    cases = CoverageGenerator(
        operation=operation,
        generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        generation_config=GenerationConfig(deterministic=True),
        auth_storage=None,
        override=Override(),
        feedback=FeedbackSources(),
    )
    count = others = probes = 0
    for case in cases:
        # Every undocumented method is sent; of the other scenarios, the first MAX_COVERAGE_CASES.
        is_method_probe = case.meta.phase.data.scenario == CoverageScenario.UNSPECIFIED_HTTP_METHOD
        if is_method_probe:
            probes += 1
        elif others >= MAX_COVERAGE_CASES:
            continue
        else:
            others += 1
        response = case.call(headers=headers)
        case.validate_response(response, checks=[*CHECKS, unsupported_method], headers=headers)
        count += 1
    return count, probes


def fuzz_operation(operation, mode: GenerationMode, headers: dict, known_ids) -> None:
    @given(case=operation_strategy(operation, mode, known_ids))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_fuzz_every_operation_as_role(role, wsgi_app, known_ids):
    cache.clear()  # the token endpoint's throttle must not carry over between roles
    user = make_user(f"fuzz_{role}", role, [OWN_COMMUNE])
    headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)

    failures, fuzzed, covered, probes = [], 0, 0, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            sent, probed = cover_operation(operation, headers)
            covered, probes = covered + sent, probes + probed
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"[{role}] {operation.label} (coverage):\n{exc}")
        for mode in modes_for(operation):
            try:
                fuzz_operation(operation, mode, headers, known_ids)
            # Collect every operation's failures, not just the first (schemathesis reports a
            # FailureGroup, a BaseExceptionGroup).
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"[{role}] {operation.label} ({mode.value}):\n{exc}")
        fuzzed += 1
    assert fuzzed >= 3
    assert covered >= fuzzed  # at least one coverage case per operation
    assert probes >= fuzzed  # … and undocumented methods were sent to every path
    assert not failures, "\n\n".join(failures)


STATEFUL_SCENARIOS = int(os.environ.get("REGISTRY_FUZZ_STATEFUL_SCENARIOS", "8"))


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_stateful_sequences_as_role(role, wsgi_app, known_ids):
    """Schemathesis' stateful phase: sequences of calls that follow the links it infers from the
    schema (create a household, then read, patch and assess it; list cases, then act on one …),
    each response checked like the single calls above."""
    cache.clear()
    user = make_user(f"stateful_{role}", role, [OWN_COMMUNE])
    headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    machine = schema.as_state_machine()
    assert len([name for name in dir(machine) if "__" in name and name.startswith("POST_")]) > 3

    calls: list[str] = []

    class Machine(machine):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            calls.append(f"{case.method} {case.path}")
            case.validate_response(response, checks=CHECKS, headers=headers)

    Machine.run(
        settings=settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=6,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            print_blob=False,
        )
    )
    assert len(calls) >= STATEFUL_SCENARIOS  # at least one step per scenario was sent
