"""How cases look in the staff API. Read-only: cases change through transitions, never by writing.

The serializers read only what the selectors joined or prefetched; the actor and the clock come
from the context (``actor``, ``now``) so a page of cases shares one of each.
"""
from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import localized_name
from workflow import deadlines, photos, selectors, transitions
from workflow.models import Agency, RejectReason, State

NULLABLE_STRING = {"type": "string", "nullable": True}


class RefSerializer(serializers.Serializer):
    """A category, ward or agency as the API names it: its code and its name in the active language."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


def _ref(item, language):
    """A category, ward or agency as ``RefSerializer`` shows it, or None (``language`` read once per page)."""
    if item is None:
        return None
    name = localized_name(item.name_vi, item.name_en, language) if hasattr(item, "name_vi") else item.name
    return {"code": item.code, "name": name}


class PhotoSerializer(serializers.Serializer):
    """A photo's links for staff: signed for every photo, public or not (in a bucket the bucket
    signs them, on local disk the application; ``workflow.photos``), so an app can show them in
    an image view without sending its token."""

    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def _link(self, file):
        request = self.context.get("request")
        return photos.stored_photo_url(file.name, public=False,
                                       build_uri=request.build_absolute_uri if request else None)

    def get_url(self, photo) -> str:
        return self._link(photo.image)

    def get_thumbnail_url(self, photo) -> str:
        return self._link(photo.thumbnail)


class CasePageSerializer(serializers.ListSerializer):
    """Works out what a page shows for the whole page at once: the time left
    (``selectors.time_left_by_case``), the tracking codes (one query of values) and the available
    transitions (once per distinct set of inputs)."""

    def to_representation(self, data):
        cases = list(data.all() if hasattr(data, "all") else data)
        now = self.context.get("now") or timezone.now()
        self.context["time_left"] = selectors.time_left_by_case(cases, now)
        self.context["submissions"] = selectors.submissions_by_case([case.pk for case in cases])
        if "actor" in self.context:
            self.context["transitions"] = selectors.available_transitions_by_case(cases, self.context["actor"], now)
        return super().to_representation(cases)


class CaseListSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    tracking_codes = serializers.SerializerMethodField()
    title = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    category = serializers.SerializerMethodField()
    ward = serializers.SerializerMethodField()
    agency = serializers.SerializerMethodField()
    state = serializers.CharField(read_only=True)
    state_label = serializers.SerializerMethodField()
    priority = serializers.CharField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True)
    due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    time_left_hours = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()
    device_class = serializers.SerializerMethodField()

    class Meta:
        list_serializer_class = CasePageSerializer

    @property
    def _now(self):
        return self.context.get("now") or timezone.now()

    # Written out rather than nested serializers: the same {"code", "name"}, without a serializer's
    # machinery three times per row of a page.
    @property
    def _language(self):
        if "language" not in self.context:
            self.context["language"] = get_language() or "vi"
        return self.context["language"]

    @extend_schema_field(RefSerializer)
    def get_category(self, case):
        return _ref(case.category, self._language)

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_ward(self, case):
        return _ref(case.ward, self._language)

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_agency(self, case):
        return _ref(case.agency, self._language)

    def get_state_label(self, case) -> str:
        # Straight from the enum (Model.get_FOO_display hashes the whole lazy choices list per call),
        # once per state on a page.
        labels = self.context.setdefault("state_labels", {})
        if case.state not in labels:
            labels[case.state] = str(State(case.state).label)
        return labels[case.state]

    def _submissions(self, case):
        """(tracking code, device class) of each submission, oldest first."""
        page = self.context.get("submissions")
        if page is not None and case.pk in page:
            return page[case.pk]
        return [(s.tracking_code, s.device_class) for s in case.submissions.all()]

    def get_tracking_codes(self, case) -> list[str]:
        return [code for code, _device in self._submissions(case)]

    @extend_schema_field({"type": "number", "format": "double", "nullable": True})
    def get_time_left_hours(self, case):
        """Working hours to the current deadline, one decimal, negative when overdue; null without a clock."""
        page = self.context.get("time_left")
        seconds = page[case.pk] if page and case.pk in page else selectors.time_left_seconds(case, self._now)
        return None if seconds is None else round(seconds / 3600, 1)

    def get_overdue(self, case) -> bool:
        return deadlines.is_overdue(case, self._now)

    def get_available_transitions(self, case) -> list[str]:
        page = self.context.get("transitions")
        if page is not None and case.pk in page:
            return page[case.pk]
        return selectors.offered_transitions(case, self.context["actor"])

    @extend_schema_field(NULLABLE_STRING)
    def get_device_class(self, case):
        first = next(iter(self._submissions(case)), None)
        return first[1] if first else None


class SubmissionSerializer(serializers.Serializer):
    """A submission as the officials handling the case see it, personal data included."""

    tracking_code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    category = RefSerializer()
    ward = RefSerializer(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    address = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    contact_email = serializers.CharField()
    anonymous = serializers.BooleanField()
    publish_consent = serializers.BooleanField()
    photos = PhotoSerializer(many=True, source="photos.all")
    channel = serializers.CharField()
    entered_by = serializers.SerializerMethodField()
    device_class = serializers.CharField()
    submitted_at = serializers.DateTimeField()

    @extend_schema_field(NULLABLE_STRING)
    def get_entered_by(self, submission):
        """The officer who typed in a PAKN received by telephone or at the counter."""
        return submission.entered_by.get_username() if submission.entered_by_id else None


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    transition = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.SerializerMethodField()
    actor_kind = serializers.CharField()
    device_class = serializers.CharField()
    agency = serializers.SerializerMethodField()
    message = serializers.CharField()
    data = serializers.JSONField()
    is_public = serializers.BooleanField()
    step_working_seconds = serializers.IntegerField(allow_null=True)

    @extend_schema_field(NULLABLE_STRING)
    def get_actor(self, event):
        return event.actor.username if event.actor_id else None

    @extend_schema_field(NULLABLE_STRING)
    def get_agency(self, event):
        return event.agency.code if event.agency_id else None


class ExtensionSerializer(serializers.Serializer):
    requested_days = serializers.IntegerField(source="extension_requested_days", allow_null=True)
    granted_days = serializers.IntegerField(source="extension_granted_days", allow_null=True)
    reason = serializers.CharField(source="extension_reason")


class RatingSerializer(serializers.Serializer):
    value = serializers.CharField(source="rating")
    label = serializers.CharField(source="get_rating_display")
    comment = serializers.CharField(source="rating_comment")
    rated_at = serializers.DateTimeField(allow_null=True)


class CaseDetailSerializer(CaseListSerializer):
    submissions = SubmissionSerializer(many=True, source="submissions.all", read_only=True)
    events = EventSerializer(many=True, source="events.all", read_only=True)
    answer = serializers.CharField(read_only=True)
    answered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    result_photos = PhotoSerializer(many=True, source="result_photos.all", read_only=True)
    reception_due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    handling_due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    extension = serializers.SerializerMethodField()
    suggested_agency = serializers.SerializerMethodField()
    merged_into = serializers.IntegerField(source="merged_into_id", read_only=True, allow_null=True)
    reject_reason_code = serializers.CharField(read_only=True)
    reject_message = serializers.CharField(read_only=True)
    rating = serializers.SerializerMethodField()

    @extend_schema_field(ExtensionSerializer(allow_null=True))
    def get_extension(self, case):
        if case.extension_requested_days is None:
            return None
        return ExtensionSerializer(case).data

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_suggested_agency(self, case):
        agency = selectors.suggest_agency(case) if case.state == "submitted" else None
        return RefSerializer(agency).data if agency else None

    @extend_schema_field(RatingSerializer(allow_null=True))
    def get_rating(self, case):
        return RatingSerializer(case).data if case.rating else None


class AgencySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "name_vi", "name_en", "kind", "parent", "requires_approval"]


class MembershipAgencySerializer(serializers.Serializer):
    code = serializers.CharField(source="agency.code")
    name = serializers.CharField(source="agency.name")
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    agency = RefSerializer(allow_null=True)
    agencies = MembershipAgencySerializer(many=True)
    is_reception = serializers.BooleanField()
    is_supervisor = serializers.BooleanField()


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


def _takers(name, what=""):
    """Which transitions take the input ``name``, read from their declarations (for the API docs)."""
    declared = [(t.name, f.required) for t in transitions.TRANSITIONS.values() for f in t.fields if f.name == name]
    if name == "photos":
        declared = [(t.name, False) for t in transitions.TRANSITIONS.values() if t.takes_photos]
    required = [n for n, needed in declared if needed]
    optional = [n for n, needed in declared if not needed]
    text = "; ".join(part for part in (", ".join(required), optional and "optional for " + ", ".join(optional)) if part)
    return f"{text}: {what}" if what else text


class TransitionRequestSerializer(serializers.Serializer):
    """Every field any transition takes; which ones a transition needs is its declaration's
    (``workflow.transitions``)."""

    agency = serializers.CharField(required=False, help_text=_takers("agency", "agency code"))
    message = serializers.CharField(required=False, help_text=_takers("message"))
    reason_code = serializers.ChoiceField(choices=RejectReason.choices, required=False, help_text=_takers("reason_code"))
    into = serializers.CharField(required=False, help_text=_takers("into", "id (or a tracking code) of the surviving case"))
    reason = serializers.CharField(required=False, help_text=_takers("reason"))
    answer = serializers.CharField(required=False, help_text=_takers("answer"))
    days = serializers.IntegerField(required=False, help_text=_takers("days", "working days"))
    photos = serializers.ListField(child=serializers.ImageField(), required=False,
                                   help_text=_takers("photos", "result photos (multipart)"))
