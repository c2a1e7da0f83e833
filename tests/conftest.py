"""Standing cast for every test: the province's agencies and one person per role, plus an outsider."""
from types import SimpleNamespace

import pytest

from tests.factories import AgencyFactory, CategoryFactory, UserFactory, WardFactory, member
from workflow.models import AgencyKind, Role
from workflow.working_time import invalidate_calendar_cache


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request, tmp_path_factory):
    """SQLite from a file when the session drives a browser.

    The browser tests' ASGI server answers from threads of this process; an in-memory SQLite
    database shared between threads locks whole tables and fails at once instead of waiting, a
    file (WAL, with a busy timeout) does not. Other sessions keep the faster in-memory database.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    drives_browser = any(item.get_closest_marker("browser") for item in request.session.items)
    if drives_browser and database["ENGINE"].endswith("sqlite3") and not database.get("TEST", {}).get("NAME"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def pytest_configure(config):
    """A fast password hasher: the real one costs about a second per user on a small machine."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_calendar():
    """The built working calendar is cached per process; a rolled-back test must not leave its days."""
    invalidate_calendar_cache()
    yield
    invalidate_calendar_cache()


@pytest.fixture
def world(db):
    """Province tree: reception centre → department, ward committee; a second department outside.

    People: reception officer, officer of the department, supervisor of the department, province
    supervisor (at the root), an officer of the other department (the outsider).
    """
    province = AgencyFactory(code="ubnd-tinh", name_vi="UBND tỉnh", kind=AgencyKind.OTHER)
    reception = AgencyFactory(code="ttpvhcc", name_vi="Trung tâm Phục vụ hành chính công",
                              kind=AgencyKind.RECEPTION, parent=province)
    department = AgencyFactory(code="so-xd", name_vi="Sở Xây dựng", parent=province)
    other = AgencyFactory(code="so-yt", name_vi="Sở Y tế", parent=province)
    ward = WardFactory(code="9001", name="Phường Kinh Bắc")
    category = CategoryFactory(code="ha-tang", name_vi="Hạ tầng đô thị", name_en="Urban infrastructure")
    return SimpleNamespace(
        province=province, reception=reception, department=department, other=other, ward=ward, category=category,
        receptionist=member("tiepnhan", reception, Role.RECEPTION),
        officer=member("xuly", department, Role.OFFICER),
        supervisor=member("giamsat-so", department, Role.SUPERVISOR),
        province_supervisor=member("giamsat", province, Role.SUPERVISOR),
        outsider=member("xuly-yt", other, Role.OFFICER),
        nobody=UserFactory(username="nguoi-ngoai"),
    )


@pytest.fixture
def media(settings, tmp_path):
    """Photos written by a test land in its own folder, so tests can count what was left on disk."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
