"""A photo's GPS is used only inside the province; the private page's live part; coordinates with a dot."""
import pytest

from tests.factories import make_submission
from tests.feedback import jpeg, on_site_data, post_multipart, upload
from workflow.models import Submission

pytestmark = pytest.mark.django_db

HO_CHI_MINH_CITY = (10.7769, 106.7009)
BAC_NINH = (21.1861, 106.0763)


def test_a_photo_taken_outside_the_province_does_not_become_the_location(client, world, media):
    data = on_site_data(world, latitude=None, longitude=None, photos=[upload(jpeg(gps=HO_CHI_MINH_CITY))])
    response = post_multipart(client, data)
    assert response.status_code == 201, response.json()
    feedback = Submission.objects.get()
    assert (feedback.latitude, feedback.longitude, feedback.location_from_photo) == (None, None, False)


def test_without_any_other_location_the_refusal_says_the_photo_was_outside(client, world, media):
    data = on_site_data(world, latitude=None, longitude=None, address=None, ward=None,
                        photos=[upload(jpeg(gps=HO_CHI_MINH_CITY))])
    response = post_multipart(client, data)
    assert response.status_code == 400
    assert "nằm ngoài tỉnh" in response.json()["fields"]["location"][0]
    assert Submission.objects.count() == 0


def test_a_photo_taken_in_the_province_gives_the_location(client, world, media):
    data = on_site_data(world, latitude=None, longitude=None, photos=[upload(jpeg(gps=BAC_NINH))])
    assert post_multipart(client, data).status_code == 201
    feedback = Submission.objects.get()
    assert feedback.location_from_photo
    assert abs(float(feedback.latitude) - BAC_NINH[0]) < 1e-4


# --- the private page's live part ---------------------------------------------------------------

def test_the_live_part_is_the_changing_part_of_the_private_page_alone(client, world):
    feedback = make_submission(category=world.category, key="khoa-0001")
    response = client.get(f"/theo-doi/{feedback.tracking_code}/", {"key": "khoa-0001", "part": "live"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="case-timeline"' in html
    assert f'data-case-version="{feedback.case.version}"' in html
    assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "strict-origin"
    wrong = client.get(f"/theo-doi/{feedback.tracking_code}/", {"key": "sai", "part": "live"})
    assert wrong.status_code == 404


@pytest.mark.parametrize("query", [{}, {"new": "1"}], ids=["return-visit", "confirmation"])
def test_the_private_link_is_shown_once_and_never_swapped_in_again(client, world, query):
    # A live update on the confirmation page used to bring a second copy of the link (and of its id).
    feedback = make_submission(category=world.category, key="khoa-0001")
    page = client.get(f"/theo-doi/{feedback.tracking_code}/", {"key": "khoa-0001", **query}).content.decode()
    assert page.count('id="private-link-input"') == 1
    live = client.get(f"/theo-doi/{feedback.tracking_code}/", {"key": "khoa-0001", "part": "live"}).content.decode()
    assert 'id="private-link-input"' not in live


def test_coordinates_in_links_and_data_use_a_dot_in_vietnamese(client, world):
    feedback = make_submission(category=world.category, key="khoa-0001", latitude="21.186100",
                             longitude="106.076300", publish_consent=True)
    html = client.get(f"/theo-doi/{feedback.tracking_code}/", {"key": "khoa-0001"}).content.decode()
    assert "mlat=21.1861&amp;mlon=106.0763" in html
    assert 'data-lat="21.1861" data-lon="106.0763"' in html
    assert "21,1861" not in html
    public = client.get(f"/phan-anh/{feedback.tracking_code}/").content.decode()
    assert 'data-lat="21.1861"' in public and "21,1861" not in public
