"""Helpers for the Open311 tests: posting a request as a client would, and reading both formats.

XML is parsed with the standard library only, and every answer is checked for what the spec asks
of its format (declaration first, content type).
"""
import json
import xml.etree.ElementTree as ET

from tests.feedback import CONTACT, PHONE_UA, upload

BASE = "/open311/v2"
DEMO_KEY = "demo-open311-2026"
XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url")


def xml_root(response, root):
    """The parsed XML body, after checking its content type, its declaration and its root."""
    assert response["Content-Type"] == XML_TYPE, response["Content-Type"]
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?>'), body[:80]
    element = ET.fromstring(response.content)
    assert element.tag == root, (element.tag, body[:200])
    return element


def json_body(response):
    assert response["Content-Type"] == JSON_TYPE, response["Content-Type"]
    return json.loads(response.content)


def children(element):
    return [child.tag for child in element]


def xml_errors(response, status):
    """[(code, description)] of an XML error answer with ``status``."""
    assert response.status_code == status, response.content[:300]
    root = xml_root(response, "errors")
    assert children(root) and set(children(root)) == {"error"}
    errors = []
    for error in root:
        assert children(error) == ["code", "description"]
        errors.append((int(error.findtext("code")), error.findtext("description")))
    assert all(code == status for code, _description in errors)
    return errors


def json_errors(response, status):
    assert response.status_code == status, response.content[:300]
    body = json_body(response)
    assert isinstance(body, list) and body
    for error in body:
        assert set(error) == {"code", "description"} and error["code"] == status
        assert isinstance(error["description"], str) and error["description"]
    return [(error["code"], error["description"]) for error in body]


def errors(response, fmt, status):
    return xml_errors(response, status) if fmt == "xml" else json_errors(response, status)


def request_arguments(world, *, key=DEMO_KEY, with_photo=True, **overrides):
    """A valid on-site request from a phone app, multipart with one photo (``media``)."""
    data = {
        "api_key": key, "service_code": world.category.code, "attribute[kind]": "on_site",
        "description": "Đèn đường hỏng trước số 12 Nguyễn Trãi\nBuổi tối rất tối, đã một tuần.",
        "lat": "21.186123", "long": "106.076456", "address_string": "12 Nguyễn Trãi",
        "address_id": world.ward.code, "first_name": "Thị Hoa", "last_name": "Nguyễn",
        "email": CONTACT["contact_email"], "phone": CONTACT["contact_phone"], "device_id": "device-123",
        "account_id": "acct-9", "attribute[publish_consent]": "true",
    }
    if with_photo:
        data["media"] = [upload()]
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def post_request(client, data, fmt="json", **headers):
    headers.setdefault("HTTP_USER_AGENT", PHONE_UA)
    return client.post(f"{BASE}/requests.{fmt}", data, **headers)


def filed_id(response, fmt="json"):
    assert response.status_code == 200, response.content[:400]
    if fmt == "json":
        return json_body(response)[0]["service_request_id"]
    return xml_root(response, "service_requests").find("request").findtext("service_request_id")
