"""Shared fixtures for the browser tests: one Chromium and one ASGI server per session.

Chromium comes from the system (/usr/bin/chromium); there is no download. Without it the browser
tests are skipped, unless PAKN_REQUIRE_BROWSER=1 (CI), which turns its absence into a failure.

The server is daphne running the real ASGI application (HTTP and WebSockets) in a thread of the
test process, so a page sees live updates exactly as in production and the test reads the same
database. SQLite runs from a file for these sessions (``tests/conftest.py``), so the server's
threads and the test share it. Every request to another host is refused: no test depends on a
map tile server or anything else outside the machine, and the pages must work without them.
"""
import json
import os
import re
import threading
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import pytest

# Playwright's sync API runs an event loop in the test thread; the tests' own ORM calls are plain
# synchronous code, so Django's async guard must not refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
AXE = ROOT / "tests" / "browser" / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
PHONE_USER_AGENT = ("Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
                    "Chrome/131.0.0.0 Mobile Safari/537.36")
PHONE_VIEWPORT = {"width": 390, "height": 844}
LOCAL = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/")


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


class _DaphneThread(threading.Thread):
    """daphne serving ``config.asgi.application`` on a free port of 127.0.0.1."""

    def __init__(self):
        super().__init__(daemon=True, name="daphne-live-server")
        self.ready = threading.Event()
        self.server = None
        self.error = None

    def run(self):
        try:
            from daphne.server import Server

            from config.asgi import application

            self.server = Server(application, endpoints=["tcp:port=0:interface=127.0.0.1"], signal_handlers=False,
                                 ready_callable=None, verbosity=0)
            from twisted.internet import reactor

            reactor.callLater(0.1, self._wait_for_port)
            self.server.run()
        except BaseException as exc:  # noqa: BLE001 (reported to the fixture that waits)
            self.error = exc
            self.ready.set()

    def _wait_for_port(self):
        from twisted.internet import reactor

        if self.server.listening_addresses:
            self.ready.set()
        else:
            reactor.callLater(0.05, self._wait_for_port)

    @property
    def url(self):
        host, port = self.server.listening_addresses[0]
        return f"http://{host}:{port}"

    def stop(self):
        from twisted.internet import reactor

        reactor.callFromThread(self.server.stop)
        self.join(timeout=10)


@pytest.fixture(scope="session")
def asgi_live_server(django_db_setup, django_db_blocker):
    """One ASGI server for the whole session (pytest-django's live_server is WSGI: no WebSockets)."""
    require_chromium()
    django_db_blocker.unblock()
    thread = _DaphneThread()
    thread.start()
    thread.ready.wait(timeout=30)
    if thread.error is not None or not thread.ready.is_set():
        raise RuntimeError(f"the ASGI live server did not start: {thread.error!r}")
    yield SimpleNamespace(url=thread.url)
    thread.stop()
    django_db_blocker.restore()


def _refuse_other_hosts(route):
    route.abort("blockedbyclient")


# --- the Content-Security-Policy ------------------------------------------------------------------
# Pages run under the site's real policy in every browser test. Each context records what the
# policy blocked (the browser's securitypolicyviolation events and its console reports), so a test
# can assert that a page worked without breaking it, not merely that it worked.

CSP_RECORDER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__paknCspViolation({
    directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample,
    source: event.sourceFile, line: event.lineNumber, page: location.pathname,
  });
}, true);
"""


def record_csp_violations(context):
    """Start recording on ``context`` (before its pages open); read with ``csp_violations``."""
    violations = context.pakn_csp_violations = []
    context.expose_binding("__paknCspViolation", lambda source, violation: violations.append(violation))
    context.add_init_script(CSP_RECORDER)
    context.on("console", lambda message: violations.append({"console": message.text, "page": message.page
                                                              and message.page.url})
               if "Content Security Policy" in message.text else None)
    return context


def csp_violations(context):
    return list(context.pakn_csp_violations)


def assert_no_csp_violations(context):
    violations = csp_violations(context)
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)


def new_phone_context(browser, **extra):
    """A mid-range Android phone in Vietnamese: small screen, touch, a mobile User-Agent, and no
    way out of the machine (map tiles and any other host are refused); it records what the site's
    Content-Security-Policy blocks."""
    context = browser.new_context(
        viewport=PHONE_VIEWPORT, device_scale_factor=2, is_mobile=True, has_touch=True,
        user_agent=PHONE_USER_AGENT, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **extra,
    )
    context.set_default_timeout(15_000)
    context.route(lambda url: not LOCAL.match(url), _refuse_other_hosts)
    return record_csp_violations(context)


def new_desktop_context(browser):
    """An office computer's browser in Vietnamese, kept on this machine, recording CSP violations."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    context.route(lambda url: not LOCAL.match(url), _refuse_other_hosts)
    return record_csp_violations(context)


def checked_page(context, base_url=None):
    """For a fixture: a page of ``context`` (``page.base_url`` set when given); afterwards the test
    fails if any page of the context broke the site's CSP, and the context is closed."""
    page = context.new_page()
    page.base_url = base_url
    yield page
    violations = csp_violations(context)
    context.close()
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)


@pytest.fixture
def phone_context(chromium_browser):
    """A phone's browser for one test; the test fails if any page broke the site's CSP."""
    context = new_phone_context(chromium_browser)
    yield context
    violations = csp_violations(context)
    context.close()
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)


@pytest.fixture
def phone_page(asgi_live_server, phone_context):
    """A page in the phone context; ``phone_page.base_url`` is the live server's address."""
    page = phone_context.new_page()
    page.base_url = asgi_live_server.url
    yield page
    page.close()


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


# --- accessibility --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _axe_source():
    return AXE.read_text()


def axe_violations(page, *, impacts=("serious", "critical")):
    """Run axe-core (the npm package, installed by ``make test-browser``) on the page as it is now.

    Returns the violations of the given impacts as short dicts, so an assertion message lists them.
    """
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make axe` (make test-browser does it)")
    # Evaluated by the browser's own debugging protocol, which the page's Content-Security-Policy
    # does not govern: the page itself keeps running under the policy (a <script> tag added to it
    # would be refused as inline script).
    page.evaluate(_axe_source())
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").slice(0, 200))}));
    }""")
    return [violation for violation in result if violation["impact"] in impacts]


def assert_accessible(page):
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def wait_for_worker(page, *, seconds=15):
    """Wait (bounded) until the offline worker is active for this page's origin."""
    active = page.evaluate("""seconds => Promise.race([
        navigator.serviceWorker.ready.then(() => true),
        new Promise(resolve => setTimeout(() => resolve(false), seconds * 1000)),
    ])""", seconds)
    assert active, "the offline worker did not become active"


def wait_until_remembered(page, code, *, seconds=10):
    """Wait (bounded) until this device's "Phản ánh của tôi" holds the case (IndexedDB is written
    in the background; leaving the page at once could cut the write short)."""
    remembered = page.evaluate("""([code, seconds]) => new Promise(resolve => {
        const until = Date.now() + seconds * 1000;
        const check = () => PaknDevice.mine().then(entries => {
            if (entries.some(entry => entry.code === code)) resolve(true);
            else if (Date.now() > until) resolve(false);
            else setTimeout(check, 100);
        });
        check();
    })""", [code, seconds])
    assert remembered, f"{code} was not kept on the device"
