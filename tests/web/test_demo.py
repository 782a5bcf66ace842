"""`pantau demo` as a user meets it: it prints a password, the page signs in with it,
and the picture and the presence charts come up over the demo's data."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.web.conftest import CHROMIUM, Demo, shot, sign_in, wait_for_vessels


def test_the_printed_password_signs_in_to_the_demo(browser: Browser, demo_served: Demo
                                                   ) -> None:
    assert any(f"open {demo_served.url}/" in line for line in demo_served.output)
    context = browser.new_context(viewport={"width": 1400, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, demo_served.url, "demo", demo_served.password)
        expect(page).to_have_url(re.compile(r"#/map$"))
        assert wait_for_vessels(page) > 50
        expect(page.locator("#who")).to_contain_text("demo (admin)")
        # presence, per month and category, over the demo's days
        page.get_by_role("navigation", name="Pages").get_by_role("link",
                                                                 name="Presence").click()
        expect(page.locator("#presence-zone")).to_have_value("Luconia Shoals")
        expect(page.locator("svg.chart")).to_have_count(2, timeout=60_000)
        assert page.locator("svg.chart rect").count() >= 2
        expect(page.locator("#presence-out")).to_contain_text("coast guard")
        shot(page, "presence")
    finally:
        context.close()
    assert errors == [] and CHROMIUM.is_file()
