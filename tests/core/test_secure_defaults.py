"""Production defaults: with DEBUG off and only the secret key and the allowed hosts set, the site
is locked down (`check --deploy` has nothing to say), each guard can be relaxed on its own, and
settings that would silently lose citizens' messages refuse to start.

Each case runs Django in a fresh process with exactly the environment given (the test process
itself runs with the relaxed settings of tests/pytest_env.py).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from core.permissions import DenyUnlessDeclared

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DJANGO_SECRET_KEY": "k3#Vq9!xT2@pL7$wZ4^nB8&cR5*yH1(jM6)fD0-gS+aE=uW~iO_qN",
              "DJANGO_ALLOWED_HOSTS": "pakn.bacninh.gov.vn"}
SHOW_SETTINGS = """
import json
from django.conf import settings
from django.test import Client
names = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
         "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "EMAIL_BACKEND", "PAKN_SMS_BACKEND", "PAKN_PUBLIC_BASE_URL"]
values = {name: getattr(settings, name) for name in names}
home = Client(HTTP_HOST="pakn.bacninh.gov.vn").get("/manifest.webmanifest")  # no database needed
secure = Client(HTTP_HOST="pakn.bacninh.gov.vn").get("/healthz", secure=True)
values["http_home"] = [home.status_code, home.get("Location")]
values["hsts"] = secure.get("Strict-Transport-Security")
print(json.dumps(values))
"""


def django(code, **environment):
    """Run ``code`` with Django set up in a clean process with only ``environment`` (plus PATH)."""
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "config.settings",
           "SQLITE_PATH": "/nonexistent/never-opened.sqlite3", **environment}
    script = f"import django\ndjango.setup()\n{code}"
    return subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def production_settings(**extra):
    result = django(SHOW_SETTINGS, **PRODUCTION, **extra)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_has_nothing_to_report_with_only_the_secret_key_and_the_allowed_hosts():
    env = {"PATH": os.environ["PATH"], **PRODUCTION}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_redirects_to_https_sends_hsts_and_keeps_cookies_secure():
    values = production_settings()
    assert values["http_home"] == [301, "https://pakn.bacninh.gov.vn/manifest.webmanifest"]
    assert values["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]


def test_production_sends_email_by_smtp_no_sms_without_a_gateway_and_links_to_its_own_host():
    values = production_settings()
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["PAKN_SMS_BACKEND"] == ""
    assert values["PAKN_PUBLIC_BASE_URL"] == "https://pakn.bacninh.gov.vn"


@pytest.mark.parametrize(("variable", "setting", "relaxed"), [
    ("DJANGO_SECURE_SSL_REDIRECT", "SECURE_SSL_REDIRECT", False),
    ("DJANGO_HSTS_SECONDS", "SECURE_HSTS_SECONDS", 0),
    ("DJANGO_SECURE_COOKIES", "SESSION_COOKIE_SECURE", False),
])
def test_each_https_guard_can_be_relaxed_on_its_own_for_a_proxy_that_terminates_tls(variable, setting, relaxed):
    values = production_settings(**{variable: "0"})
    assert values[setting] == relaxed
    others = {"SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000, "SESSION_COOKIE_SECURE": True}
    assert {name: values[name] for name in others if name != setting} == {
        name: value for name, value in others.items() if name != setting}


@pytest.mark.parametrize(("environment", "complaint"), [
    ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "EMAIL_BACKEND="),
    ({"EMAIL_BACKEND": "notifications.email_backends.ConsoleEmailBackend"}, "EMAIL_BACKEND="),
    ({"PAKN_SMS_BACKEND": "notifications.sms.ConsoleSmsBackend"}, "PAKN_SMS_BACKEND="),
    ({"PAKN_PUBLIC_BASE_URL": "http://127.0.0.1:8000"}, "PAKN_PUBLIC_BASE_URL="),
    ({"DJANGO_ALLOWED_HOSTS": "localhost"}, "PAKN_PUBLIC_BASE_URL=https://localhost"),
])
def test_production_refuses_to_start_with_messages_to_the_console_or_links_to_this_machine(environment, complaint):
    result = django("print('started')", **{**PRODUCTION, **environment})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and complaint in result.stderr


@pytest.mark.parametrize("environment", [
    {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend", "PAKN_ALLOW_CONSOLE_MESSAGES": "1"},
    {"PAKN_PUBLIC_BASE_URL": "http://127.0.0.1:8000", "PAKN_ALLOW_LOOPBACK_URL": "1"},
])
def test_an_explicit_variable_allows_what_production_would_refuse(environment):
    result = django("print('started')", **{**PRODUCTION, **environment})
    assert result.returncode == 0, result.stderr[-2000:]


# --- the API's default permission ------------------------------------------------------------

def _routed_api_views(patterns=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routed_api_views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "cls", None)
            if view_class is not None and issubclass(view_class, APIView):
                yield str(pattern.pattern), view_class


def test_every_routed_api_view_declares_who_may_use_it():
    views = list(_routed_api_views())
    assert len(views) > 10
    undeclared = [route for route, view in views if DenyUnlessDeclared in view.permission_classes]
    assert undeclared == []


class Undeclared(APIView):
    def get(self, request):
        return None


@pytest.mark.django_db
def test_a_view_that_declares_nothing_answers_no_one():
    from tests.factories import UserFactory

    factory = APIRequestFactory()
    assert Undeclared.as_view()(factory.get("/api/v1/new/")).status_code == 401
    request = factory.get("/api/v1/new/")
    force_authenticate(request, user=UserFactory(is_superuser=True))
    assert Undeclared.as_view()(request).status_code == 403
