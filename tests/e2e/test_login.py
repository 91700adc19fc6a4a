"""A commune social worker opens the registry in a browser and logs in, in Vietnamese."""

import pytest

from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_login_page_is_vietnamese_and_logs_in(live_server, page):
    make_user("canbo_xa", "social_worker", ["18859"])
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Đăng nhập"

    page.fill("#id_username", "canbo_xa")
    page.fill("#id_password", "sai-mat-khau")
    page.click("button[type=submit]")
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page.content()

    page.fill("#id_username", "canbo_xa")
    page.fill("#id_password", "Mk-test-2026!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "canbo_xa" in page.locator("header").inner_text()
    assert "Sổ đăng ký đối tượng an sinh xã hội" in page.locator("h1").inner_text()
