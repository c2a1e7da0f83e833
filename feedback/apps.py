from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The transitions after which an answer's photos may change from private to public or back.
ANSWER_VISIBILITY_TRANSITIONS = ("answer", "approve", "reopen")


def _sync_answer_photos(sender, case, event, **kwargs):
    from feedback.photos import sync_answer_photo_visibility

    if event.transition in ANSWER_VISIBILITY_TRANSITIONS:
        sync_answer_photo_visibility(case)


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Tiếp nhận phản ánh")

    def ready(self):
        from workflow.signals import case_changed

        # After commit: a published answer's photos become public in the bucket, a reopened one's private.
        case_changed.connect(_sync_answer_photos, dispatch_uid="feedback-answer-photo-visibility")
