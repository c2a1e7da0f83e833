from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = _("Chỉ số")

    def ready(self):
        from metrics import receivers
        from workflow import signals

        signals.event_recorded.connect(receivers.on_event_recorded, dispatch_uid="metrics-event")
        signals.submission_recorded.connect(receivers.on_submission_recorded, dispatch_uid="metrics-submission")
