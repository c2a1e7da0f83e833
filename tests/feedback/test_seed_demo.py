"""``manage.py seed_demo`` and ``manage.py load_wards``: the demo province, its people and its history."""
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from vietnam_provinces import ProvinceCode, Ward as SourceWard

from core.models import Category, Ward
from feedback.demo.data import DEMO_PASSWORD
from feedback.models import TrackingCounter
from workflow.models import Submission
from notifications.models import Notification, OutboxMessage
from workflow.models import (Agency, AgencyKind, Case, CaseEvent, DeadlinePolicy, Membership, Role, RoutingRule,
                             State)

# A Wednesday morning: the showcase cases (one per state) all reach their state by then.
FROZEN_NOW = datetime(2026, 3, 11, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
BAC_NINH_WARDS = len(list(SourceWard.iter_by_province(ProvinceCode(24))))


def seed(**options):
    out, err = io.StringIO(), io.StringIO()
    with time_machine.travel(FROZEN_NOW, tick=False):
        call_command("seed_demo", allow_demo_users=True, stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue()


def counts():
    models = (Ward, Category, Agency, RoutingRule, DeadlinePolicy, User, Membership, Case, CaseEvent, Submission,
              TrackingCounter)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def seeded(db):
    return seed(cases=40)


def test_it_refuses_to_create_demo_users_without_debug_or_the_flag(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-demo-users"):
        call_command("seed_demo", cases=0, stdout=io.StringIO())
    assert not User.objects.exists()
    assert not Agency.objects.exists()


def test_debug_mode_allows_the_demo_users(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", cases=0, stdout=io.StringIO())
    assert set(User.objects.values_list("username", flat=True)) >= {"tiepnhan", "xuly", "giamsat", "admin"}


def test_each_demo_user_has_their_role_and_can_sign_in(seeded):
    for username in ("tiepnhan", "xuly", "giamsat", "admin"):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    reception = Membership.objects.get(user__username="tiepnhan")
    assert (reception.role, reception.agency.kind) == (Role.RECEPTION, AgencyKind.RECEPTION)
    assert reception.agency.name_vi == "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh"
    officer = Membership.objects.get(user__username="xuly")
    assert (officer.role, officer.agency.code) == (Role.OFFICER, "so-xay-dung")
    supervisor = Membership.objects.get(user__username="giamsat")
    assert supervisor.role == Role.SUPERVISOR and supervisor.agency.parent is None
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert all(User.objects.get(username=u).first_name for u in ("tiepnhan", "xuly", "giamsat", "admin"))


def test_it_loads_the_wards_categories_and_the_agency_tree(seeded):
    assert Ward.objects.filter(province_code=24, is_active=True).count() == BAC_NINH_WARDS == 99
    assert Category.objects.active().count() >= 20
    assert not Category.objects.filter(name_en="").exists()
    assert "on_site" in Category.objects.active().first().kinds
    root = Agency.objects.get(parent=None)
    assert root.name_vi == "UBND tỉnh Bắc Ninh"
    assert Agency.objects.exclude(pk=root.pk).filter(path__startswith=root.path).count() == Agency.objects.count() - 1
    kinbac = Agency.objects.get(code="ubnd-kinh-bac")
    assert (kinbac.name_vi, kinbac.ward.name) == ("UBND phường Kinh Bắc", "Phường Kinh Bắc")
    assert Agency.objects.get(code="ubnd-bac-giang").ward.name == "Phường Bắc Giang"
    assert Agency.objects.get(code="so-y-te").requires_approval
    assert Agency.objects.filter(kind=AgencyKind.UTILITY).count() == 3


def test_the_first_category_is_routed_to_the_officers_department_everywhere(seeded):
    first = Category.objects.active().first()
    rules = RoutingRule.objects.filter(category=first)
    assert [(rule.ward_id, rule.agency.code) for rule in rules] == [(None, "so-xay-dung")]
    assert RoutingRule.objects.filter(ward__isnull=False, agency__kind=AgencyKind.WARD).exists()


def test_deadline_policies_cover_every_priority(seeded):
    defaults = {p.priority: (p.reception_hours, p.handling_hours, p.return_hours)
                for p in DeadlinePolicy.objects.filter(category=None)}
    assert defaults["normal"] == (8, 37.5, 7.5)
    assert defaults["urgent"][1] == 4 and defaults["complex"][1] == 112.5
    assert DeadlinePolicy.objects.filter(category__isnull=False).exists()


def test_sample_cases_reach_every_state_through_the_workflow(seeded):
    assert Case.objects.count() == Submission.objects.count() == 40
    assert set(Case.objects.values_list("state", flat=True)) == set(State.values)
    for case in Case.objects.prefetch_related("events"):
        events = list(case.events.all())
        assert events[0].transition == "submit" and events[-1].to_state == case.state
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)
        assert events[-1].created_at <= FROZEN_NOW
    answered = Case.objects.filter(state__in=[State.ANSWERED, State.CLOSED])
    assert not answered.filter(response_working_seconds=None).exists()
    assert Case.objects.filter(state=State.MERGED, merged_into__isnull=False).exists()
    assert Case.objects.filter(state=State.CLOSED).exclude(rating="").exists()
    assert "could not run" not in seeded


def test_submissions_look_like_real_ones(seeded):
    codes = list(Submission.objects.values_list("tracking_code", flat=True))
    assert all(re.fullmatch(r"BN-\d{4}-\d{4}", code) for code in codes) and len(set(codes)) == len(codes)
    assert Submission.objects.filter(device_class="mobile").count() > Submission.objects.count() / 2
    assert all(len(h) == 64 for h in Submission.objects.values_list("private_key_hash", flat=True))
    for counter in TrackingCounter.objects.all():
        numbers = [int(c[-4:]) for c in codes if c[3:7] == counter.period]
        assert counter.value >= max(numbers)


def test_the_sample_history_notifies_nobody(seeded):
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_its_output_shows_no_personal_data(seeded):
    contacts = Submission.objects.exclude(contact_phone="").values_list("contact_name", "contact_phone")
    assert contacts
    for name, phone in contacts:
        assert name not in seeded and phone not in seeded


def test_running_it_again_creates_no_duplicates(seeded):
    before = counts()
    seed(cases=40)
    assert counts() == before


def test_asking_for_more_cases_adds_only_the_missing_ones(seeded):
    seed(cases=45)
    assert Case.objects.count() == 45


def test_once_on_a_seeded_database_does_nothing(seeded, django_assert_max_num_queries):
    before = counts()
    with django_assert_max_num_queries(2):
        output = seed(cases=40, once=True)
    assert "nothing to do" in output
    assert counts() == before


def test_once_on_an_empty_database_seeds(db):
    seed(cases=12, once=True)
    assert Case.objects.count() == 12
    assert User.objects.filter(username="tiepnhan").exists()


def test_load_wards_is_idempotent_and_repairs_names(db):
    call_command("load_wards", stdout=io.StringIO())
    Ward.objects.filter(code="9187").update(name="Phường Cũ")
    Ward.objects.create(code="99999", name="Xã Đã Sáp Nhập", division_type="xã", province_code=24)
    out = io.StringIO()
    call_command("load_wards", stdout=out)
    assert Ward.objects.get(code="9187").name == "Phường Kinh Bắc"
    assert Ward.objects.filter(province_code=24, is_active=True).count() == BAC_NINH_WARDS
    assert not Ward.objects.get(code="99999").is_active
    assert "1 updated, 1 deactivated" in out.getvalue()


def test_the_history_played_in_silence_is_in_the_metrics_stored_figures(seeded):
    # The bus was muted, so nothing refreshed the store while the history played: the seed
    # rebuilds it at the end, and the check finds every stored row equal to the raw tables.
    from metrics import store

    assert store.is_built()
    call_command("metrics_rebuild", "--check", stdout=io.StringIO())
    assert store.stored_rows()
