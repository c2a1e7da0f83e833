from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Thông báo")

    def ready(self):
        # No other app imports this one: it listens to the workflow and to intake from here.
        from django.db.models.signals import post_save

        from feedback.models import Feedback
        from notifications import receivers
        from workflow.models import CaseEvent
        from workflow.signals import case_changed, deadline_reached

        post_save.connect(receivers.on_case_event_created, sender=CaseEvent, dispatch_uid="notifications-event")
        post_save.connect(receivers.on_submission_created, sender=Feedback, dispatch_uid="notifications-submission")
        case_changed.connect(receivers.on_case_changed, dispatch_uid="notifications-live")
        deadline_reached.connect(receivers.on_deadline_reached, dispatch_uid="notifications-deadline")

        from notifications import monitoring

        monitoring.register()
