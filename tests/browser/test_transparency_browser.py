"""Transparency in a real browser on a phone (390×844) with map tiles refused: the public map and
its list, the public statistics, and the supervisors' map of the period's cases.

Every request to another host is refused (tests/browser/conftest.py), so no tile ever loads: the
pages must still show their pins on a blank map, say that the tiles did not load, and keep the
list. Forms are clicked, pins and clusters tapped, each page checked by axe-core, screenshots
saved under tests/screenshots/ for people to look at.
"""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.browser.conftest import SCREENSHOTS, assert_accessible, fits_the_screen, new_phone_context
from tests.factories import PASSWORD, CategoryFactory, WardFactory, make_submission
from workflow import services
from workflow.actors import staff_actor
from workflow.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KINH_BAC = (21.186100, 106.076300)
METRE = 1 / 111_195  # a metre, in degrees of latitude


@pytest.fixture(autouse=True)
def empty_cache():
    """The live server runs in this process: what an earlier test cached must not answer here."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def phone(chromium_browser, asgi_live_server):
    context = new_phone_context(chromium_browser)
    page = context.new_page()
    page.base_url = asgi_live_server.url
    yield page
    context.close()


@pytest.fixture
def province(world):
    """A street with five public reports 30 m apart, one answered case 12 km away, a
    report from someone who did not consent, and an old case never received (overdue)."""
    lighting = CategoryFactory(code="chieu-sang", name_vi="Chiếu sáng công cộng", name_en="Street lighting")
    ward = WardFactory(code="9187", name="Phường Kinh Bắc")
    corner = [make_submission(category=lighting, ward=ward, title=f"Đèn đường hỏng số {n}", publish_consent=True,
                              latitude=f"{KINH_BAC[0] + n * 30 * METRE:.6f}", longitude=f"{KINH_BAC[1]:.6f}",
                              contact_name="Nguyễn Thị Lan", contact_phone="0912345678",
                              tracking_code=f"BN-2612-00{n:02d}")
              for n in range(5)]
    far = make_submission(category=world.category, title="Ổ gà trên đường Lý Thái Tổ", publish_consent=True,
                          latitude="21.273000", longitude="106.194000", tracking_code="BN-2612-0099")
    reception, officer = staff_actor(world.receptionist), staff_actor(world.officer)
    services.case_route(case=far.case, actor=reception, agency=world.department)
    services.case_accept(case=Case.objects.get(pk=far.case_id), actor=officer)
    services.case_answer(case=Case.objects.get(pk=far.case_id), actor=officer, answer="Đã vá xong ổ gà.")
    private = make_submission(category=lighting, title="Riêng tư", publish_consent=False, tracking_code="BN-2612-0077",
                              latitude=f"{KINH_BAC[0]:.6f}", longitude=f"{KINH_BAC[1] + 0.001:.6f}")
    stale = make_submission(category=lighting, ward=ward, title="Cột điện nghiêng", submitted_at=timezone.now() - timedelta(days=12),
                            latitude=f"{KINH_BAC[0] - 0.002:.6f}", longitude=f"{KINH_BAC[1]:.6f}", tracking_code="BN-2612-0055")
    return {"corner": corner, "far": far, "private": private, "stale": stale, "ward": ward}


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"transparency-{name}.png"), full_page=True)


def wait_for_features(page, selector):
    page.wait_for_function(f"document.querySelector('{selector}') && document.querySelector('{selector}').dataset.features")
    return int(page.eval_on_selector(selector, "element => element.dataset.features"))


def test_a_citizen_finds_the_map_from_home_and_opens_a_case_with_tiles_blocked(phone, province):
    page = phone
    page.goto(page.base_url + "/")
    page.click("#home-map-link")
    page.wait_for_url("**/ban-do/")
    assert wait_for_features(page, "#public-map") >= 1
    assert page.locator("[data-map-note]").is_visible()  # the tiles were refused, and the page says so
    listing = page.locator("#list").inner_text()
    for submission in [*province["corner"], province["far"]]:
        assert submission.tracking_code in listing
    assert "BN-2612-0077" not in page.content() and "Nguyễn Thị Lan" not in page.content()
    assert "6 phản ánh trong vùng bản đồ" in page.locator("#map-status").inner_text()
    assert fits_the_screen(page)
    shot(page, "map-phone")
    assert_accessible(page)

    # The street is one cluster; taps zoom in until its five cases stand apart.
    page.locator(".map-cluster", has_text="5").click()
    for _tap in range(4):
        page.wait_for_function("document.querySelector('#map-status').textContent.includes('trong vùng bản đồ')")
        if page.locator("#public-map .map-pin").count() >= 5 or not page.locator("#public-map .map-cluster").count():
            break
        before = page.eval_on_selector("#public-map", "e => e.dataset.features + '/' + e.querySelectorAll('.map-pin').length")
        page.locator("#public-map .map-cluster").first.click()
        page.wait_for_function("before => { const e = document.querySelector('#public-map'); "
                               "return e.dataset.features + '/' + e.querySelectorAll('.map-pin').length !== before; }",
                               arg=before)
    assert page.locator("#public-map .map-pin").count() >= 5
    shot(page, "map-zoomed")
    pin = page.locator(f'#public-map .map-pin[aria-label^="{province["corner"][2].tracking_code}"]')
    pin.click()
    page.wait_for_url(f"**/phan-anh/{province['corner'][2].tracking_code}/")
    assert "Đèn đường hỏng số 2" in page.content()


def test_the_filters_narrow_the_map_and_its_list(phone, province):
    page = phone
    page.goto(page.base_url + "/ban-do/")
    wait_for_features(page, "#public-map")
    page.select_option("#id_status", "answered")
    page.click("form.map-filters button[type=submit]")
    page.wait_for_url("**/ban-do/?*status=answered*")
    assert wait_for_features(page, "#public-map") == 1
    listing = page.locator("#list").inner_text()
    assert province["far"].tracking_code in listing
    assert province["corner"][0].tracking_code not in listing
    assert "1 phản ánh trong vùng bản đồ" in page.locator("#map-status").inner_text()


def test_the_list_is_all_a_phone_without_javascript_needs(chromium_browser, asgi_live_server, province):
    context = new_phone_context(chromium_browser, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(asgi_live_server.url + "/ban-do/")
        assert not page.locator("#public-map").is_visible()
        listing = page.locator("#list").inner_text()
        assert all(s.tracking_code in listing for s in province["corner"])
        page.click(f"#list a[href='/phan-anh/{province['far'].tracking_code}/']")
        page.wait_for_url(f"**/phan-anh/{province['far'].tracking_code}/")
        shot(page, "map-without-javascript")
    finally:
        context.close()


def test_a_citizen_reads_the_provinces_figures_for_a_period(phone, province):
    page = phone
    page.goto(page.base_url + "/")
    page.click("#home-stats-link")
    page.wait_for_url("**/thong-ke/")
    today = timezone.localdate()
    page.fill("#id_from", (today - timedelta(days=30)).isoformat())
    page.fill("#id_to", today.isoformat())
    page.click("form.metrics-filters button[type=submit]")
    page.wait_for_url("**/thong-ke/?from=*")
    text = page.locator("main").inner_text()
    assert "Tỷ lệ tiếp nhận và trả lời PAKN trên thiết bị di động" in text
    assert "Sở Xây dựng" in text  # the department answered a case in the period
    assert page.locator("svg[aria-labelledby='trend-title trend-desc'] rect").count() >= 2
    assert "Nguyễn Thị Lan" not in page.content()
    assert fits_the_screen(page)
    shot(page, "stats-phone")
    assert_accessible(page)


def log_in(page, username):
    page.goto(page.base_url + "/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(page.base_url + "/staff/**")


def test_a_supervisor_sees_where_cases_cluster_and_go_overdue(phone, world, province):
    page = phone
    log_in(page, world.province_supervisor.username)
    today = timezone.localdate()
    period = f"from={(today - timedelta(days=30)).isoformat()}&to={today.isoformat()}"
    page.goto(f"{page.base_url}/dashboard/?{period}")
    assert wait_for_features(page, "#case-map") >= 1
    assert page.locator("[data-map-note]").is_visible()
    status = page.locator("#case-map-status").inner_text()
    assert "8 hồ sơ trên bản đồ, 1 quá hạn" in status  # five at the corner, the far one, the private and the stale one
    overdue_marks = page.locator("#case-map .pin-overdue, #case-map .map-cluster.has-overdue")
    assert overdue_marks.count() >= 1
    page.locator("#case-map").scroll_into_view_if_needed()
    shot(page, "dashboard-map-state")
    assert_accessible(page)

    # The density view shades the same cells; a tap on one opens the inbox on its cases.
    page.check("input[name=map-mode][value=density]")
    page.wait_for_function("document.querySelector('#case-map').dataset.mode === 'density'")
    assert page.locator("#case-map path.density-cell").count() >= 1
    assert page.locator("#legend-density").is_visible()
    shot(page, "dashboard-map-density")
    page.locator("#case-map path.density-cell").first.dispatch_event("click")
    page.wait_for_url("**/staff/?*bbox=*")
    assert "Chỉ hồ sơ trong vùng đã chọn trên bản đồ." in page.content()
    rows = page.locator("#case-list tbody tr")
    assert rows.count() >= 1


def test_a_ward_hotspot_opens_the_inbox_on_that_wards_cases(phone, world, province):
    page = phone
    log_in(page, world.province_supervisor.username)
    today = timezone.localdate()
    page.goto(f"{page.base_url}/dashboard/?from={(today - timedelta(days=30)).isoformat()}&to={today.isoformat()}")
    page.click("table.hotspots a:has-text('Phường Kinh Bắc')")
    page.wait_for_url("**/staff/?*ward=9187*")
    listing = page.locator("#case-list").inner_text()
    assert "Cột điện nghiêng" in listing and "Đèn đường hỏng số 0" in listing
    assert "Ổ gà trên đường Lý Thái Tổ" not in listing  # no ward
    shot(page, "inbox-by-ward")
    assert_accessible(page)
