from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Thông báo")

    def ready(self):
        # No other app imports this one: it listens to the workflow's bus from here.
        from django.core import checks

        from core import health
        from notifications import monitoring, receivers
        from notifications.push import check_vapid_settings
        from notifications.health import backlog
        from workflow import signals

        signals.event_recorded.connect(receivers.on_event_recorded, dispatch_uid="notifications-event")
        signals.submission_recorded.connect(receivers.on_submission_recorded, dispatch_uid="notifications-submission")
        signals.deadline_stage_recorded.connect(receivers.on_deadline_stage_recorded,
                                                dispatch_uid="notifications-deadline-stage")
        signals.case_changed.connect(receivers.on_case_changed, dispatch_uid="notifications-live")
        signals.deadline_reached.connect(receivers.on_deadline_reached, dispatch_uid="notifications-deadline")
        health.register("notifications", backlog)
        checks.register(check_vapid_settings, "notifications")
        monitoring.register()
