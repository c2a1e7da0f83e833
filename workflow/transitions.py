"""Every transition of a case, declared once; everything that offers, shows or tells of one reads it.

A transition is four things in three places:

* its *model method* in ``workflow/models/cases.py``: the django-fsm ``@transition`` with its
  source and target states, conditions and permission (no I/O);
* its *service* ``workflow.services.case_<name>``: lock, check, apply, log, announce;
* its *declaration* here: the contract name (API path, event log, notifications), the method's
  name, the fields it asks for, its labels for officials and citizens, its place among the
  buttons (the order of ``TRANSITIONS``), its confirmation, whether its button is secondary,
  whether citizens see the event and its message, what the submitter may do through it, and who
  hears of it.

Read by: the staff API (names, fields, docs), the officials' pages (forms, labels, order,
confirmations), the citizen's available actions and timeline, the notification rules, the live
updates and ``workflow.services`` (method, public flag, refusal). ``tests/workflow/test_declaration.py``
fails when the model, the services and this table disagree. README: "Adding a transition".
"""
from dataclasses import dataclass
from typing import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflow.models import RejectReason, State

# Who hears of a transition (see ``notifications.rules``): every submitter who left a contact,
# the members of the agency holding the case, reception, the supervisors above the case's agency.
CITIZEN, AGENCY, RECEPTION, SUPERVISORS = "citizen", "agency", "reception", "supervisors"
# When the public timeline shows an event's message: always, or with the submitter's consent.
ALWAYS, WITH_CONSENT = "always", "with_consent"


# The longest free text a step takes: a message, a reason or a citizen's comment as long as a
# submission's description may be; an answer longer, since it may quote the rules it applies.
MESSAGE_MAX_LENGTH = 4000
ANSWER_MAX_LENGTH = 10_000


@dataclass(frozen=True)
class Field:
    """One input of a transition. ``kind``: text, textarea, agency (code), case (number), int, choice."""

    name: str
    label: str
    kind: str = "text"
    required: bool = True
    choices: tuple = ()
    max_length: int = MESSAGE_MAX_LENGTH  # of a textarea


# Conditions of notices: each reads what happened (a ``CaseEvent``, or for reminders anything
# with the same two attributes): ``agency_id``, the agency holding the case then, and ``to_state``.

def always(happening):
    return True


def published(happening):
    return happening.to_state == State.ANSWERED


def awaits_approval(happening):
    return happening.to_state == State.PENDING_APPROVAL


def with_an_agency(happening):
    return happening.agency_id is not None


def at_reception(happening):
    return happening.agency_id is None


@dataclass(frozen=True)
class Notice:
    """Tell ``audience`` about it as ``kind`` (a template for citizens, a title for staff) when ``when``."""

    audience: str
    kind: str
    when: Callable = always


@dataclass(frozen=True)
class Event:
    """Something the event log records: its officials' and its citizens' labels, and whether the
    public timeline shows it."""

    name: str
    label: str
    public_label: str
    public: bool = True


@dataclass(frozen=True)
class Transition(Event):
    """A change of a case by its contract name; ``label`` is also its button."""

    method: str = ""  # the Case method (django-fsm); the contract name when empty
    fields: tuple = ()
    takes_photos: bool = False
    confirmation: str = ""  # asked once more before it is sent (with JavaScript on)
    secondary: bool = False  # ends or pushes back someone's work: drawn as a secondary button
    message_to_public: str = ""  # ALWAYS, WITH_CONSENT, or never
    citizen_action: str = ""  # the submitter's own action (private page) that takes this transition
    hands_away: bool = False  # takes the case from an agency: that agency's inbox must drop it
    # A rule that needs the database, so it cannot be a django-fsm condition (those stay pure and
    # free for lists): ``refusal(case)`` is a message when the transition must be refused, else
    # None. The service checks it on the locked row; listing the submitter's actions checks it too.
    refusal: Callable | None = None
    notices: tuple = ()

    def __post_init__(self):
        if not self.method:
            object.__setattr__(self, "method", self.name)


def _message(required=True, label=gettext_lazy("Lời nhắn")):
    return Field("message", label, "textarea", required)


def _reason(label=gettext_lazy("Lý do")):
    return Field("reason", label, "textarea")


_AGENCY = Field("agency", gettext_lazy("Cơ quan xử lý"), "agency")


def _shared_with_other_submitters(case):
    """One submitter cannot withdraw a case other people's submissions were merged into."""
    if case.submissions.count() > 1:
        return _("Phản ánh đã được gộp với phản ánh của người khác nên không thể rút.")
    return None


# In the order their buttons are offered: the step that moves the case forward first.
TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("route", gettext_lazy("Tiếp nhận và chuyển xử lý"), gettext_lazy("Đã chuyển xử lý"),
               fields=(_AGENCY, _message(required=False, label=gettext_lazy("Ghi chú chuyển xử lý"))),
               notices=(Notice(CITIZEN, "routed"), Notice(AGENCY, "assigned"))),
    Transition("accept", gettext_lazy("Nhận xử lý"), gettext_lazy("Cơ quan đã nhận xử lý")),
    # Before "answer": a supervisor asked for an extension decides that first (the page unfolds it).
    Transition("grant_extension", gettext_lazy("Đồng ý gia hạn"), gettext_lazy("Được gia hạn xử lý"),
               notices=(Notice(AGENCY, "extension_granted"),)),
    Transition("refuse_extension", gettext_lazy("Không đồng ý gia hạn"), gettext_lazy("Không được gia hạn"),
               public=False, fields=(_reason(gettext_lazy("Lý do không đồng ý")),), secondary=True,
               notices=(Notice(AGENCY, "extension_refused"),)),
    Transition("answer", gettext_lazy("Trả lời"), gettext_lazy("Đã trả lời"), method="answer_case",
               fields=(Field("answer", gettext_lazy("Nội dung trả lời"), "textarea",
                                     max_length=ANSWER_MAX_LENGTH),), takes_photos=True,
               message_to_public=ALWAYS,
               notices=(Notice(CITIZEN, "answered", published), Notice(SUPERVISORS, "approval_needed", awaits_approval))),
    Transition("approve", gettext_lazy("Duyệt trả lời"), gettext_lazy("Đã trả lời"),
               notices=(Notice(CITIZEN, "answered"), Notice(AGENCY, "approved"))),
    Transition("provide_info", gettext_lazy("Ghi nhận thông tin bổ sung"), gettext_lazy("Đã bổ sung thông tin"),
               fields=(_message(label=gettext_lazy("Thông tin người dân đã bổ sung")),), citizen_action="provide_info",
               notices=(Notice(AGENCY, "info_provided", with_an_agency), Notice(RECEPTION, "info_provided", at_reception))),
    Transition("transfer", gettext_lazy("Chuyển cơ quan khác"), gettext_lazy("Đã chuyển cơ quan khác xử lý"),
               fields=(_AGENCY, _reason(gettext_lazy("Lý do chuyển"))), hands_away=True,
               notices=(Notice(AGENCY, "assigned"),)),
    Transition("request_extension", gettext_lazy("Xin gia hạn"), gettext_lazy("Đề nghị gia hạn"), public=False,
               fields=(Field("days", gettext_lazy("Số ngày làm việc xin gia hạn"), "int"),
                       _reason(gettext_lazy("Lý do gia hạn"))),
               notices=(Notice(SUPERVISORS, "extension_request"),)),
    Transition("request_info", gettext_lazy("Yêu cầu bổ sung thông tin"), gettext_lazy("Yêu cầu bổ sung thông tin"),
               fields=(_message(label=gettext_lazy("Thông tin cần người dân bổ sung")),), secondary=True,
               message_to_public=WITH_CONSENT, notices=(Notice(CITIZEN, "info_requested"),)),
    Transition("send_back", gettext_lazy("Trả lại bản trả lời"), gettext_lazy("Đang hoàn thiện trả lời"), public=False,
               fields=(_reason(gettext_lazy("Lý do trả lại bản trả lời")),), secondary=True,
               notices=(Notice(AGENCY, "sent_back"),)),
    Transition("return", gettext_lazy("Trả lại (không thuộc thẩm quyền)"), gettext_lazy("Trả lại bộ phận tiếp nhận"),
               public=False, method="return_to_reception", fields=(_reason(gettext_lazy("Lý do trả lại")),),
               secondary=True, confirmation=gettext_lazy("Trả lại hồ sơ cho bộ phận tiếp nhận?"), hands_away=True,
               notices=(Notice(RECEPTION, "returned"),)),
    Transition("merge", gettext_lazy("Gộp vào hồ sơ khác"), gettext_lazy("Đã gộp với phản ánh trùng"),
               fields=(Field("into", gettext_lazy("Gộp vào hồ sơ số"), "case"),), secondary=True,
               confirmation=gettext_lazy("Gộp hồ sơ này vào hồ sơ khác?"),
               notices=(Notice(CITIZEN, "merged"),)),  # the senders it hands on (the event names them)
    Transition("reject", gettext_lazy("Từ chối"), gettext_lazy("Từ chối tiếp nhận"),
               fields=(Field("reason_code", gettext_lazy("Lý do từ chối"), "choice", choices=tuple(RejectReason.choices)),
                       _message(label=gettext_lazy("Lời nhắn gửi người dân"))),
               secondary=True, confirmation=gettext_lazy("Từ chối hồ sơ này?"), message_to_public=WITH_CONSENT,
               notices=(Notice(CITIZEN, "rejected"),)),
    Transition("reopen", gettext_lazy("Mở lại hồ sơ"), gettext_lazy("Mở lại xử lý"),
               fields=(_reason(gettext_lazy("Lý do mở lại")),), citizen_action="rate",
               notices=(Notice(CITIZEN, "reopened"), Notice(AGENCY, "reopened"))),
    Transition("close", gettext_lazy("Đóng hồ sơ"), gettext_lazy("Đã đóng"),
               fields=(_message(required=False, label=gettext_lazy("Ghi chú")),), secondary=True,
               confirmation=gettext_lazy("Đóng hồ sơ?"), citizen_action="rate"),
    Transition("withdraw", gettext_lazy("Rút hồ sơ theo yêu cầu người dân"), gettext_lazy("Người gửi đã rút phản ánh"),
               fields=(_message(required=False, label=gettext_lazy("Ghi chú")),), secondary=True,
               confirmation=gettext_lazy("Rút hồ sơ theo yêu cầu người dân?"), citizen_action="withdraw",
               refusal=_shared_with_other_submitters,
               notices=(Notice(AGENCY, "withdrawn", with_an_agency), Notice(RECEPTION, "withdrawn", at_reception))),
)}

# Events that are not transitions: how a case began, and a duplicate merged into it.
SUBMIT = Event("submit", gettext_lazy("Gửi phản ánh"), gettext_lazy("Đã gửi phản ánh"))
MERGE_IN = Event("merge_in", gettext_lazy("Nhận thêm phản ánh trùng"), gettext_lazy("Nhận thêm phản ánh trùng"),
                 public=False)
EVENTS: dict[str, Event] = {**TRANSITIONS, SUBMIT.name: SUBMIT, MERGE_IN.name: MERGE_IN}


def get(name: str) -> Transition | None:
    """The transition declared under this contract name, or None."""
    return TRANSITIONS.get(name)


def text_field(name: str) -> Field | None:
    """The field a transition's free text (its event's message) is typed in, or None."""
    declared = TRANSITIONS.get(name)
    return next((field for field in declared.fields if field.kind == "textarea"), None) if declared else None


def names() -> list[str]:
    """Every contract name, in button order."""
    return list(TRANSITIONS)


def by_method() -> dict[str, str]:
    """Case method name → contract name."""
    return {t.method: t.name for t in TRANSITIONS.values()}


def in_button_order(transition_names) -> list[str]:
    order = names()
    return sorted(transition_names, key=lambda name: order.index(name) if name in order else len(order))


def event_label(name: str) -> str:
    event = EVENTS.get(name)
    return event.label if event else name


def public_label(name: str) -> str:
    event = EVENTS.get(name)
    return event.public_label if event else name
