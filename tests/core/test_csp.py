"""Every HTML page sends a Content-Security-Policy that allows no inline script; the pages have none;
violations reported by browsers are logged without personal data."""
import json
import logging
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import make_submission
from tests.workflow.builders import case_in
from workflow.models import State

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def policy(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def html_pages(world, feedback):
    case = case_in(world, State.IN_PROGRESS)
    return {
        "anonymous": ["/", reverse("feedback:submit"), reverse("feedback:lookup"), reverse("feedback:offline"),
                      reverse("feedback:public", args=[feedback.tracking_code]),
                      f"{reverse('feedback:private', args=[feedback.tracking_code])}?key=private-key",
                      reverse("workflow:login"), "/admin/login/", "/api/docs/", "/no-such-page/"],
        "staff": [reverse("workflow:inbox"), reverse("workflow:case", args=[case.pk]), reverse("metrics:dashboard"),
                  reverse("notifications:list")],
        "admin": ["/admin/", "/admin/feedback/feedback/"],
    }


def test_every_html_page_sends_a_policy_without_inline_scripts(world, client, django_user_model):
    feedback = make_submission(category=world.category, publish_consent=True)
    pages = html_pages(world, feedback)
    admin = django_user_model.objects.create_superuser("quantri", "qt@example.vn", "x-Quantri-2026")
    seen = 0
    for who, paths in pages.items():
        client.logout()
        if who == "staff":
            client.force_login(world.province_supervisor)
        elif who == "admin":
            client.force_login(admin)
        for path in paths:
            response = client.get(path)
            assert response["Content-Type"].startswith("text/html"), path
            directives = policy(response)
            assert directives["script-src"] == ["'self'"], path
            assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"], path
            assert "'unsafe-inline'" not in response["Content-Security-Policy"], path
            seen += 1
    assert seen == 16


def test_the_map_tile_server_may_serve_images(client, db, settings):
    settings.PAKN_MAP_TILE_URL = "https://{s}.tiles.bacninh.gov.vn/{z}/{x}/{y}.png"
    from config.env import tile_source

    assert tile_source(settings.PAKN_MAP_TILE_URL) == ["https://*.tiles.bacninh.gov.vn"]
    assert "https://tile.openstreetmap.org" in policy(client.get("/"))["img-src"]


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.name}: {tag}")
        offenders += [f"{path.name}: {m}" for m in re.findall(r"<[^>]+\son[a-z]+\s*=", text)]
        offenders += [f"{path.name}: javascript: URL" for _m in re.findall(r"javascript:", text)]
    assert offenders == []


def test_no_page_template_has_an_inline_style():
    """style-src is 'self' too: a style attribute or a <style> element in a page would be refused
    by the browser (styles set from scripts through element.style are not). Emails are not pages:
    mail clients need their inline styles."""
    emails = TEMPLATES / "notifications" / "email"
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if emails in path.parents:
            continue
        text = re.sub(r"{% comment %}.*?{% endcomment %}|{#.*?#}", "", path.read_text(), flags=re.S)
        offenders += [f"{path.relative_to(TEMPLATES)}: {m}" for m in re.findall(r"<[^>]+\sstyle\s*=[^>]*>", text)]
        offenders += [f"{path.relative_to(TEMPLATES)}: <style>" for _m in re.findall(r"<style\b", text)]
    assert offenders == []


# --- reports -------------------------------------------------------------------------------

def test_a_violation_report_is_logged_without_the_key_or_the_blocked_address(client, db, caplog):
    report = {"csp-report": {
        "document-uri": "https://pakn.example.vn/theo-doi/BN-2611-0042-K7/?key=SECRET-KEY",
        "effective-directive": "script-src-elem",
        "blocked-uri": "https://evil.example.com/steal.js?phone=0987654321",
        "source-file": "https://pakn.example.vn/static/js/submit.js?v=1",
        "line-number": 12,
    }}
    with caplog.at_level(logging.WARNING, logger="pakn.csp"):
        response = client.post("/csp-report/", json.dumps(report), content_type="application/csp-report")
    assert response.status_code == 204
    (line,) = [r.getMessage() for r in caplog.records if r.name == "pakn.csp"]
    assert line == ("csp violation: script-src-elem blocked https://evil.example.com on "
                    "/theo-doi/BN-2611-0042-K7/ (/static/js/submit.js:12)")
    assert "SECRET-KEY" not in line and "0987654321" not in line


def test_reports_in_the_reporting_api_format_are_read_too(client, db, caplog):
    reports = [{"type": "csp-violation", "body": {"documentURL": "https://pakn.example.vn/", "blockedURL": "inline",
                                                  "effectiveDirective": "style-src-attr"}}]
    with caplog.at_level(logging.WARNING, logger="pakn.csp"):
        response = client.post("/csp-report/", json.dumps(reports), content_type="application/reports+json")
    assert response.status_code == 204
    assert [r.getMessage() for r in caplog.records if r.name == "pakn.csp"] == [
        "csp violation: - blocked inline on / (-:-)"]


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b'{"csp-report": "x"}'])
def test_a_malformed_report_is_accepted_and_ignored(client, db, body, caplog):
    with caplog.at_level(logging.WARNING, logger="pakn.csp"):
        assert client.post("/csp-report/", body, content_type="application/csp-report").status_code == 204
    assert not [r for r in caplog.records if r.name == "pakn.csp"]


def test_reports_are_limited_per_address(client, db, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "csp_reports": "2/minute"}}
    from django.core.cache import cache

    cache.clear()
    statuses = [client.post("/csp-report/", b"{}", content_type="application/csp-report").status_code
                for _ in range(3)]
    assert statuses == [204, 204, 429]
