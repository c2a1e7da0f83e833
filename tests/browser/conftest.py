"""Shared fixtures for the browser tests: one Chromium per session and a phone-shaped page.

Chromium comes from the system (/usr/bin/chromium); there is no download. Without it the browser
tests are skipped, unless PAKN_REQUIRE_BROWSER=1 (CI), which turns its absence into a failure.
"""
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the tests' own ORM calls are plain
# synchronous code, so Django's async guard must not refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
PHONE_USER_AGENT = ("Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
                    "Chrome/131.0.0.0 Mobile Safari/537.36")
PHONE_VIEWPORT = {"width": 390, "height": 844}


def require_chromium():
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("PAKN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{CHROMIUM} is required (PAKN_REQUIRE_BROWSER=1) but absent")
    pytest.skip(f"{CHROMIUM} is not installed")


@pytest.fixture(scope="session")
def chromium_browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone_context(chromium_browser):
    """A mid-range Android phone in Vietnamese: small screen, touch, a mobile User-Agent."""
    context = chromium_browser.new_context(
        viewport=PHONE_VIEWPORT, device_scale_factor=2, is_mobile=True, has_touch=True,
        user_agent=PHONE_USER_AGENT, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def phone_page(live_server, phone_context):
    """A page in the phone context; ``phone_page.base_url`` is the live server's address."""
    page = phone_context.new_page()
    page.base_url = live_server.url
    yield page
    page.close()


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
