"""Answer photos, the return window after acceptance, and what a merge does to the surviving case."""
import io
import os
import re

import pytest
from PIL import Image
from rest_framework.test import APIClient

from core.errors import Conflict
from core.images import process_image
from tests.workflow.builders import act, case_in, new_case, reload
from workflow import selectors, services
from workflow.models import CaseEvent, CasePhoto, State


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, "JPEG")
    return process_image(buffer.getvalue())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return sorted(name for _folder, _dirs, names in os.walk(root) for name in names)


def stored_paths(root):
    return sorted(os.path.relpath(os.path.join(folder, name), root)
                  for folder, _dirs, names in os.walk(root) for name in names)


# A stored answer photo is named by a random 96-bit token and nothing else, in a folder named by
# the month: no part of the path is left for a case number, an agency or the upload's own name.
RANDOM_PHOTO_PATH = re.compile(r"results/\d{4}/\d{2}/(thumbs/)?(?P<token>[0-9a-f]{24})\.jpg")


def test_answer_photo_names_are_random_tokens_that_carry_no_id(world, media):
    first = case_in(world, State.IN_PROGRESS)
    second = case_in(world, State.IN_PROGRESS)
    services.case_answer(case=first, actor=act(world.officer), answer="Đã sửa.", photos=[photo()])
    services.case_answer(case=second, actor=act(world.officer), answer="Đã sửa.", photos=[photo()])
    matches = [RANDOM_PHOTO_PATH.fullmatch(path) for path in stored_paths(media)]
    assert len(matches) == 4 and all(matches), stored_paths(media)
    # Photo and thumbnail share one token; two answers share nothing, so no token follows a sequence.
    assert len({match["token"] for match in matches}) == 2


@pytest.mark.django_db(transaction=True)
def test_a_sent_back_drafts_photos_are_removed_with_their_files(world, media):
    world.department.requires_approval = True
    world.department.save()
    case = case_in(world, State.IN_PROGRESS)
    services.case_answer(case=case, actor=act(world.officer), answer="Bản nháp.", photos=[photo()])
    services.case_send_back(case=case, actor=act(world.supervisor), reason="Thiếu ảnh hiện trường sau xử lý.")
    assert CasePhoto.objects.filter(case=case).count() == 0
    assert stored_files(media) == []


def test_an_agency_cannot_return_a_case_after_the_return_window_even_once_accepted(world, time_machine):
    time_machine.move_to("2026-03-09 08:00 +07:00", tick=False)
    case = case_in(world, State.IN_PROGRESS)
    time_machine.move_to("2026-03-12 08:00 +07:00", tick=False)  # three working days later
    with pytest.raises(Conflict):
        services.case_return(case=case, actor=act(world.officer), reason="Không thuộc thẩm quyền.")


def test_merging_logs_the_change_on_the_surviving_case_too(world):
    duplicate, survivor = new_case(world), new_case(world)
    submitters = sorted([*duplicate.submissions.values_list("pk", flat=True),
                         *survivor.submissions.values_list("pk", flat=True)])
    before = reload(survivor).version
    services.case_merge(case=duplicate, actor=act(world.receptionist), into=survivor)
    event = CaseEvent.objects.get(case=survivor, transition="merge_in")
    assert event.data == {"merged": duplicate.pk} and event.actor == world.receptionist
    assert reload(survivor).version == before + 1
    assert sorted(reload(survivor).submissions.values_list("pk", flat=True)) == submitters


def test_a_case_cannot_be_merged_into_one_that_has_ended(world):
    duplicate, ended = new_case(world), case_in(world, State.REJECTED)
    with pytest.raises(Conflict):
        services.case_merge(case=duplicate, actor=act(world.receptionist), into=ended)
    assert reload(duplicate).state == State.SUBMITTED


def test_a_case_shared_by_several_submissions_cannot_be_withdrawn_even_by_reception(world):
    duplicate, survivor = new_case(world), new_case(world)
    services.case_merge(case=duplicate, actor=act(world.receptionist), into=survivor)
    with pytest.raises(Conflict):
        services.case_withdraw(case=survivor, actor=act(world.receptionist))
    assert reload(survivor).state == State.SUBMITTED


def test_withdraw_is_not_offered_where_it_would_be_refused(world, client):
    # The state machine allows it; the declared refusal does not. A button that can only answer 409
    # is not offered on the case's own page or in its detail.
    duplicate, survivor = new_case(world), new_case(world)
    services.case_merge(case=duplicate, actor=act(world.receptionist), into=survivor)
    actor = act(world.receptionist)
    assert "withdraw" in selectors.available_transitions(survivor, actor)  # a page of cases leaves it to the service
    assert "withdraw" not in selectors.offered_transitions(survivor, actor)
    assert "withdraw" in selectors.offered_transitions(new_case(world), actor)
    api = APIClient()
    api.force_authenticate(world.receptionist)
    detail = api.get(f"/api/v1/cases/{survivor.pk}/").json()
    assert "route" in detail["available_transitions"] and "withdraw" not in detail["available_transitions"]
    client.force_login(world.receptionist)
    page = client.get(f"/staff/cases/{survivor.pk}/").content.decode()
    assert f"/staff/cases/{survivor.pk}/transitions/route/" in page
    assert f"/staff/cases/{survivor.pk}/transitions/withdraw/" not in page
