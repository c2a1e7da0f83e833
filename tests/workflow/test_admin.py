"""The Django admin: every app's models load for the administrator; cases and submissions are read-only."""
import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import UserFactory, make_submission
from workflow import services
from workflow.actors import staff_actor
from workflow.models import Case, CaseEvent, State

CHANGELISTS = [
    "core_category", "core_ward",
    "workflow_agency", "workflow_membership", "workflow_routingrule", "workflow_deadlinepolicy",
    "workflow_calendarday", "workflow_case",
    "workflow_submission",
    "auth_user",
]


@pytest.fixture
def admin_user(db):
    return UserFactory(username="quantri", is_staff=True, is_superuser=True)


@pytest.fixture
def routed(world):
    case = make_submission(category=world.category, ward=world.ward, contact_name="Trần Thị B").case
    return services.case_route(case=case, actor=staff_actor(world.receptionist), agency=world.department)


@pytest.mark.parametrize("model", CHANGELISTS)
def test_admin_changelists_load_for_the_administrator(client, admin_user, routed, model):
    client.force_login(admin_user)
    response = client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200


def test_case_changelist_filters_by_state(client, admin_user, routed):
    client.force_login(admin_user)
    response = client.get(reverse("admin:workflow_case_changelist"), {"state__exact": "assigned"})
    assert response.status_code == 200
    assert routed.title in response.content.decode()


def test_case_admin_shows_a_case_read_only_with_its_events(client, admin_user, routed):
    client.force_login(admin_user)
    response = client.get(reverse("admin:workflow_case_change", args=[routed.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in html  # nothing to save: it is a view
    assert "route" in html and "Sở Xây dựng" in html


def test_case_admin_allows_no_add_change_or_delete(client, admin_user, routed):
    client.force_login(admin_user)
    assert client.get(reverse("admin:workflow_case_add")).status_code == 403
    assert client.get(reverse("admin:workflow_case_delete", args=[routed.pk])).status_code == 403
    response = client.post(reverse("admin:workflow_case_change", args=[routed.pk]), {"title": "Sửa tay"})
    assert response.status_code == 403
    routed.refresh_from_db()
    assert routed.title != "Sửa tay" and routed.state == State.ASSIGNED


def test_case_and_event_admin_permissions_are_read_only(admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    case_admin = admin.site._registry[Case]
    assert not case_admin.has_add_permission(request)
    assert not case_admin.has_delete_permission(request)
    assert not case_admin.has_change_permission(request)
    assert case_admin.has_view_permission(request)
    assert CaseEvent not in admin.site._registry
    for inline in case_admin.get_inline_instances(request):
        assert not inline.has_add_permission(request, None)
        assert not inline.has_delete_permission(request, None)


def test_feedback_admin_is_read_only_with_photos_inline(client, admin_user, routed):
    submission = routed.submissions.get()
    client.force_login(admin_user)
    response = client.get(reverse("admin:workflow_submission_change", args=[submission.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert submission.tracking_code in html and "Trần Thị B" in html
    assert 'name="_save"' not in html
    assert client.get(reverse("admin:workflow_submission_add")).status_code == 403
    assert client.get(reverse("admin:workflow_submission_delete", args=[submission.pk])).status_code == 403


def test_user_admin_edits_memberships_inline(client, admin_user, world):
    client.force_login(admin_user)
    response = client.get(reverse("admin:auth_user_change", args=[world.officer.pk]))
    assert response.status_code == 200
    assert "memberships-TOTAL_FORMS" in response.content.decode()


def test_ward_admin_is_read_mostly(client, admin_user, world):
    client.force_login(admin_user)
    assert client.get(reverse("admin:core_ward_add")).status_code == 403
    response = client.get(reverse("admin:core_ward_changelist"), {"q": "Kinh Bắc"})
    assert "Phường Kinh Bắc" in response.content.decode()


def test_officials_without_admin_access_are_sent_to_the_admin_login(client, world):
    client.force_login(world.receptionist)
    response = client.get(reverse("admin:workflow_case_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response.url


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_day_off_typed_day_first_is_that_day_in_either_language(client, admin_user, language):
    """The site writes dates day first; the admin reads them so ("07/12/2026" is 7 December, not
    12 July), and a month-first date that cannot be a day first is refused, not guessed."""
    from datetime import date

    from workflow.models import CalendarDay

    client.force_login(admin_user)
    client.cookies["django_language"] = language
    add = reverse("admin:workflow_calendarday_add")
    response = client.post(add, {"date": "07/12/2026", "kind": "day_off", "note": "Nghỉ bù"})
    assert response.status_code == 302
    assert CalendarDay.objects.get().date == date(2026, 12, 7)
    assert client.post(add, {"date": "12/25/2026", "kind": "day_off"}).status_code == 200  # refused
    assert client.post(add, {"date": "2026-12-25", "kind": "day_off"}).status_code == 302
    assert CalendarDay.objects.filter(date=date(2026, 12, 25)).exists()


def test_the_routing_rule_form_speaks_vietnamese(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("admin:workflow_routingrule_add")).content.decode()
    for label in ("Lĩnh vực", "Phường/xã", "Cơ quan xử lý"):
        assert f">{label}:<" in html, label
    assert ">Category:<" not in html and ">Agency:<" not in html


def test_a_category_takes_its_kinds_by_ticking_them_and_none_means_every_kind(client, admin_user):
    from core.models import Category

    client.force_login(admin_user)
    add = reverse("admin:core_category_add")
    assert 'type="checkbox" name="kinds" value="on_site"' in client.get(add).content.decode()
    base = {"code": "cay-xanh", "name_vi": "Cây xanh", "name_en": "Trees", "sort_order": 1, "is_active": "on"}
    assert client.post(add, {**base, "kinds": ["on_site", "business"]}).status_code == 302
    assert Category.objects.get(code="cay-xanh").kinds == ["on_site", "business"]
    assert client.post(add, {**base, "code": "moi-loai", "name_vi": "Mọi loại"}).status_code == 302
    every = Category.objects.get(code="moi-loai")
    assert every.kinds == [] and every.applies_to("procedure")
