from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Xử lý hồ sơ")

    def ready(self):
        from workflow.models import CalendarDay
        from workflow.working_time import invalidate_calendar_cache

        # Signals, not save(): the admin's bulk delete and fixtures bypass the model's methods.
        def calendar_changed(**kwargs):
            invalidate_calendar_cache()

        post_save.connect(calendar_changed, sender=CalendarDay, weak=False, dispatch_uid="calendar_saved")
        post_delete.connect(calendar_changed, sender=CalendarDay, weak=False, dispatch_uid="calendar_deleted")

        from core.monitoring import register_gauge
        from workflow.selectors import backlog_counts

        register_gauge("pakn_cases_open", "Cases not yet answered, rejected, merged or withdrawn",
                       lambda: backlog_counts()["open"])
        register_gauge("pakn_cases_overdue", "Open cases past the deadline in force",
                       lambda: backlog_counts()["overdue"])
