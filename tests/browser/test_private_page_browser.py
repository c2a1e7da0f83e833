"""The submitter's private page in a real browser on a phone: every form on it is clicked."""
import pytest

from tests.factories import make_feedback
from workflow import services
from workflow.actors import staff_actor
from workflow.models import State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY = "khoa-rieng-cua-nguoi-gui-0001"


@pytest.fixture
def answered(world):
    feedback = make_feedback(category=world.category, ward=world.ward, key=KEY, title="Đèn đường hỏng",
                             latitude="21.186100", longitude="106.076300", publish_consent=True)
    case = services.case_route(case=feedback.case, actor=staff_actor(world.receptionist), agency=world.department)
    case = services.case_accept(case=case, actor=staff_actor(world.officer))
    services.case_answer(case=case, actor=staff_actor(world.officer), answer="Đã thay bóng đèn mới.")
    return feedback


def test_the_submitter_rates_the_answer_on_the_private_page(answered, phone_page):
    page = phone_page
    page.goto(f"{page.base_url}/theo-doi/{answered.tracking_code}/?key={KEY}")
    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_load_state()
    assert page.get_by_text("Cảm ơn bạn đã đánh giá.").is_visible(), page.content()[:500]
    answered.case.refresh_from_db()
    assert answered.case.state == State.CLOSED
