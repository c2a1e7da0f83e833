"""An unmodified Open311 client against the live server, in both formats.

The PyPI package ``georeport`` reads services, definitions and requests (it cannot file one), so a
request is filed as any client files it: a multipart POST with ``requests`` (which georeport itself
uses), then found again by id through georeport and by token. Staff answer it; the client sees it
closed, and never sees personal data.
"""
import io

import pytest
import requests as http
from georeport import GeoReport
from PIL import Image

from workflow.models import Submission
from tests.feedback import CONTACT, PHONE_UA
from tests.open311 import DEMO_KEY
from tests.workflow.builders import act
from workflow import services

pytestmark = pytest.mark.django_db(transaction=True)
FORMATS = ("json", "xml")


def photo_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (220, 120, 20)).save(buffer, "JPEG")
    return buffer.getvalue()


def file_request(root, fmt, world, token):
    """POST requests.{fmt} as a phone app would: form fields, one photo, an Idempotency-Key."""
    response = http.post(f"{root}/requests.{fmt}", timeout=30, headers={
        "Idempotency-Key": token, "User-Agent": PHONE_UA}, data={
        "api_key": DEMO_KEY, "service_code": world.category.code, "attribute[kind]": "on_site",
        "attribute[publish_consent]": "true", "lat": "21.186123", "long": "106.076456",
        "description": f"Đèn đường hỏng ({fmt})\nTrước số 12 Nguyễn Trãi.", "first_name": "Thị Hoa",
        "last_name": "Nguyễn", "email": CONTACT["contact_email"], "phone": CONTACT["contact_phone"],
    }, files={"media": ("IMG_0001.jpg", photo_bytes(), "image/jpeg")})
    assert response.status_code == 200, response.text
    return response


def filed_code(response, fmt):
    if fmt == "json":
        return response.json()[0]["service_request_id"]
    import xml.etree.ElementTree as ET
    return ET.fromstring(response.content).find("request/service_request_id").text


@pytest.fixture
def root(live_server, world, app_client):
    return f"{live_server.url}/open311/v2"


@pytest.mark.parametrize("fmt", FORMATS)
def test_georeport_lists_services_and_reads_a_definition(root, world, fmt):
    client = GeoReport(root, output_format=fmt)
    services_listed = client.get_service_list()
    codes = [s["service_code"] for s in (services_listed if isinstance(services_listed, list) else [services_listed])]
    assert codes == [world.category.code]
    definition = client.get_service_definition(world.category.code)
    attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    assert [a["code"] for a in attributes] == ["kind", "publish_consent", "anonymous"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_georeport_follows_a_filed_request_to_its_answer(root, world, fmt):
    client = GeoReport(root, output_format=fmt)
    code = filed_code(file_request(root, fmt, world, f"georeport-{fmt}-0001"), fmt)

    # Found by token (the POST's Idempotency-Key) and by id.
    token = http.get(f"{root}/tokens/georeport-{fmt}-0001.json", timeout=30).json()
    assert token == [{"service_request_id": code, "token": f"georeport-{fmt}-0001"}]
    request = client.get_service_request(code)
    assert (request["service_request_id"], request["status"]) == (code, "open")
    assert request["media_url"].startswith(f"{root.removesuffix('/open311/v2')}/media/photos/")
    assert http.get(request["media_url"], timeout=30).status_code == 200

    # Filters, through the client's own arguments.
    assert [r["service_request_id"] for r in as_list(client.get_service_requests(status="open"))] == [code]
    assert as_list(client.get_service_requests(service_request_id=code))[0]["service_request_id"] == code
    if fmt == "json":  # georeport cannot read an empty XML list (xmltodict makes it None): JSON only
        assert client.get_service_requests(service_code=world.category.code, status="open",
                                           start_date="2020-01-01T00:00:00Z", end_date="2020-03-01T00:00:00Z") == []
    filtered = client.get_service_requests(service_code=f"{world.category.code},khac", status="open,closed")
    assert [r["service_request_id"] for r in as_list(filtered)] == [code]

    # Staff answer it: the client sees it closed, with the answer.
    case = Submission.objects.get(tracking_code=code).case
    services.case_route(case=case, actor=act(world.receptionist), agency=world.department)
    services.case_accept(case=case, actor=act(world.officer))
    services.case_answer(case=case, actor=act(world.officer), answer="Đã thay bóng đèn.")
    request = client.get_service_request(code)
    assert (request["status"], request["status_notes"]) == ("closed", "Đã trả lời: Đã thay bóng đèn.")
    assert request["agency_responsible"] == "Sở Xây dựng"
    assert [r["service_request_id"] for r in as_list(client.get_service_requests(status="closed"))] == [code]

    # Never any personal data, in anything the client read.
    everything = str([client.get_service_request(code), client.get_service_requests(),
                      http.get(f"{root}/tokens/georeport-{fmt}-0001.{fmt}", timeout=30).text])
    for secret in (CONTACT["contact_phone"], CONTACT["contact_email"], "Thị Hoa", "Nguyễn Thị", DEMO_KEY, "xuly"):
        assert secret not in everything


def as_list(value):
    """georeport hands back an XML list of one as a single dict (xmltodict)."""
    return value if isinstance(value, list) else [value]
