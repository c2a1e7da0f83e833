"""Discovery, services and service definitions: the spec's roots, element names and JSON mapping;
and every kind of error in Open311's own shape, in the format asked for (XML when none is)."""
import pytest

from core.models import Kind
from tests.factories import CategoryFactory
from tests.open311 import BASE, children, errors, json_body, xml_errors, xml_root

SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE_FIELDS = ["variable", "code", "datatype", "required", "datatype_description", "order", "description",
                    "values"]


@pytest.fixture
def categories(world):
    lighting = CategoryFactory(code="chieu-sang", name_vi="Chiếu sáng công cộng", name_en="Public lighting",
                               description="Đèn đường, đèn công viên", kinds=["on_site"], sort_order=1)
    CategoryFactory(code="cu", name_vi="Đã bỏ", kinds=[], is_active=False)
    return {"lighting": lighting, "general": world.category}


# --- discovery -------------------------------------------------------------------------------------

def test_discovery_in_xml_names_the_endpoint_and_its_formats(client, db):
    root = xml_root(client.get("/open311/discovery.xml"), "discovery")
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


def test_discovery_in_json_is_an_object_with_a_list_of_endpoints(client, db, settings):
    settings.DEBUG = True
    body = json_body(client.get("/open311/discovery.json"))
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    assert body["endpoints"] == [{
        "specification": "http://wiki.open311.org/GeoReport_v2", "url": "http://testserver/open311/v2",
        "changeset": body["changeset"], "type": "test", "formats": ["text/xml", "application/json"]}]


# --- services ---------------------------------------------------------------------------------------

def test_services_in_xml_list_each_active_category(client, categories):
    root = xml_root(client.get(f"{BASE}/services.xml"), "services")
    assert set(children(root)) == {"service"}
    services = {s.findtext("service_code"): s for s in root}
    assert set(services) == {"chieu-sang", categories["general"].code}  # the inactive one is left out
    lighting = services["chieu-sang"]
    assert children(lighting) == SERVICE_FIELDS
    assert [lighting.findtext(name) for name in SERVICE_FIELDS] == [
        "chieu-sang", "Chiếu sáng công cộng", "Đèn đường, đèn công viên", "true", "realtime", "Public lighting",
        "Hiện trường"]


def test_services_in_json_are_a_top_level_array(client, categories):
    body = json_body(client.get(f"{BASE}/services.json"))
    assert isinstance(body, list)
    by_code = {service["service_code"]: service for service in body}
    assert list(by_code["chieu-sang"]) == SERVICE_FIELDS
    assert by_code["chieu-sang"]["metadata"] is True
    # A category that takes all three kinds belongs to no one group.
    general = by_code[categories["general"].code]
    assert general["group"] is None and general["service_name"] == categories["general"].name_vi


def test_service_names_stay_vietnamese_for_an_english_client(client, categories):
    body = json_body(client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en"))
    assert {s["service_name"] for s in body} >= {"Chiếu sáng công cộng"}


# --- service definitions ----------------------------------------------------------------------------

def test_a_category_taking_several_kinds_asks_for_the_kind_first(client, categories):
    root = xml_root(client.get(f"{BASE}/services/{categories['general'].code}.xml"), "service_definition")
    assert children(root) == ["service_code", "attributes"]
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes] == ["kind", "publish_consent", "anonymous"]
    assert [a.findtext("order") for a in attributes] == ["1", "2", "3"]
    kind = attributes[0]
    assert children(kind) == ATTRIBUTE_FIELDS
    assert (kind.findtext("datatype"), kind.findtext("required"), kind.findtext("variable")) == (
        "singlevaluelist", "true", "true")
    assert [(v.findtext("key"), v.findtext("name")) for v in kind.findall("values/value")] == [
        (k.value, str(k.label)) for k in Kind]
    consent = attributes[1]
    assert consent.findtext("required") == "false"
    assert [v.findtext("key") for v in consent.findall("values/value")] == ["true", "false"]


def test_a_single_kind_category_has_only_the_yes_no_choices_in_json(client, categories):
    body = json_body(client.get(f"{BASE}/services/chieu-sang.json"))
    assert body["service_code"] == "chieu-sang"
    assert [(a["code"], a["order"], a["required"]) for a in body["attributes"]] == [
        ("publish_consent", 1, False), ("anonymous", 2, False)]
    assert list(body["attributes"][0]) == ATTRIBUTE_FIELDS
    assert body["attributes"][1]["values"] == [{"key": "true", "name": "Có"}, {"key": "false", "name": "Không"}]


def test_an_unknown_or_inactive_service_code_is_404(client, categories):
    assert errors(client.get(f"{BASE}/services/khong-co.json"), "json", 404)
    assert errors(client.get(f"{BASE}/services/cu.xml"), "xml", 404)


# --- jurisdiction ---------------------------------------------------------------------------------

@pytest.mark.parametrize("jurisdiction", ["", "bacninh.gov.vn"])
def test_jurisdiction_may_be_empty_or_ours(client, categories, jurisdiction):
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": jurisdiction}).status_code == 200


def test_another_jurisdiction_is_404(client, categories):
    [(code, description)] = errors(client.get(f"{BASE}/services.xml", {"jurisdiction_id": "hanoi.gov.vn"}),
                                   "xml", 404)
    assert "jurisdiction_id" in description


# --- errors that no Open311 view makes ------------------------------------------------------------

@pytest.mark.parametrize("path", [
    f"{BASE}/requests.csv", f"{BASE}/services", f"{BASE}/nothing.xml", f"{BASE}/", "/open311/", "/open311/v3/x",
])
def test_unknown_paths_and_formats_are_404_in_xml(client, db, path):
    [(code, description)] = xml_errors(client.get(path), 404)
    assert "discovery" in description


def test_an_unknown_path_asking_for_json_gets_json(client, db):
    assert errors(client.get(f"{BASE}/nothing.json"), "json", 404)


def test_a_method_a_resource_does_not_take_is_405_in_its_format(client, categories):
    response = client.post(f"{BASE}/services.json")
    assert errors(response, "json", 405) and response["Allow"] == "GET, HEAD"
    response = client.delete(f"{BASE}/requests.xml")
    assert errors(response, "xml", 405) and response["Allow"] == "GET, HEAD, POST"


def test_a_body_over_the_limit_is_413_in_open311s_format(client, db, settings):
    settings.PAKN_REQUEST_MAX_BYTES = 1000
    response = client.post(f"{BASE}/requests.json", {"description": "x" * 2000})
    [(code, description)] = errors(response, "json", 413)
    assert "quá lớn" in description
    assert errors(client.post(f"{BASE}/requests.xml", {"description": "x" * 2000}), "xml", 413)


def test_form_data_over_djangos_own_limits_is_413_or_400_from_the_view(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    [(code, description)] = errors(client.post(f"{BASE}/requests.xml", {"description": "x" * 500}), "xml", 413)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    fields = {f"attribute[a{n}]": "x" for n in range(10)}
    assert errors(client.post(f"{BASE}/requests.json", fields), "json", 400)


def test_a_failure_inside_is_open311s_500_never_a_page(client, db, monkeypatch):
    from open311 import selectors

    def broken():
        raise RuntimeError("boom")
    monkeypatch.setattr(selectors, "service_list", broken)
    client.raise_request_exception = False
    assert errors(client.get(f"{BASE}/services.json"), "json", 500)
