"""What the browser tests of the web application share: logging in, a screenshot of each
screen (for docs/user-guide.vi.md), and an axe-core check of each page."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.factories import TEST_PASSWORD

_ROOT = Path(__file__).resolve().parents[2]
# Screenshots go to var/ so a test run leaves the checkout clean; `E2E_SCREENSHOTS=docs/screenshots`
# refreshes the user guide's pictures.
SCREENSHOTS = _ROOT / os.environ.get("E2E_SCREENSHOTS", "var/screenshots")
FAILURES = Path(__file__).resolve().parents[2] / "var" / "e2e-failures"
BLOCKING_IMPACTS = {"serious", "critical"}


def reload_legal_data() -> None:
    """A transactional test before this one flushed the tables: load the communes and the legal
    values again through the migrations' own (idempotent) loaders."""
    import importlib

    from django.apps import apps

    from beneficiaries.models import BaseAmount
    from registry.models import Commune

    if not Commune.objects.exists():
        importlib.import_module("registry.migrations.0002_load_admin_units").load(apps, None)
    if not BaseAmount.objects.exists():
        for name in ("0003_legal_values", "0006_legal_rates"):
            importlib.import_module(f"beneficiaries.migrations.{name}").load(apps, None)


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def axe_violations(page) -> list[dict]:
    """The page's serious and critical accessibility violations (axe-core, run in the page)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def check_screen(page, name: str | None = None) -> None:
    """Every screen: a language, a title, no serious/critical axe violation; its screenshot."""
    assert page.locator("html").get_attribute("lang") in {"vi", "en"}
    assert page.title().strip()
    if name:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in violations
    ]


def failure_screenshot(page, test_name: str) -> None:
    FAILURES.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
    page.screenshot(path=str(FAILURES / f"{safe}.png"), full_page=True)
