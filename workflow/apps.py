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
        self._announce_new_rows()
        self._register_operations()

    @staticmethod
    def _announce_new_rows():
        """Every new event and submission row is announced on the workflow's bus (in its
        transaction), however it was written, so listeners never depend on the path that wrote it."""
        from workflow import signals
        from workflow.models import CaseEvent, Submission

        def event_saved(sender, instance, created, raw=False, **kwargs):
            if created and not raw:
                signals.event_recorded.send(sender=CaseEvent, event=instance)

        def submission_saved(sender, instance, created, raw=False, **kwargs):
            if created and not raw:
                signals.submission_recorded.send(sender=Submission, submission=instance)

        post_save.connect(event_saved, sender=CaseEvent, weak=False, dispatch_uid="workflow_event_recorded")
        post_save.connect(submission_saved, sender=Submission, weak=False, dispatch_uid="workflow_submission_recorded")

    @staticmethod
    def _register_operations():
        """The backlog on /metrics, and the bucket following the photo rule after each change."""
        from core.monitoring import register_gauge
        from workflow import signals
        from workflow.photos import on_case_changed_sync_answer_photos
        from workflow.selectors import backlog_counts

        register_gauge("pakn_cases_open", "Cases not yet answered, rejected, merged or withdrawn",
                       lambda: backlog_counts()["open"])
        register_gauge("pakn_cases_overdue", "Open cases past the deadline in force",
                       lambda: backlog_counts()["overdue"])
        signals.case_changed.connect(on_case_changed_sync_answer_photos, dispatch_uid="workflow-answer-photo-visibility")
