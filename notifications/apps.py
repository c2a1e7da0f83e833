from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Thông báo")

    def ready(self):
        # No other app imports this one: it listens to the workflow's bus from here.
        from django.contrib.auth import get_user_model
        from django.core import checks
        from django.db.models.signals import post_delete, post_save
        from rest_framework.authtoken.models import Token

        from core import health
        from notifications import monitoring, receivers
        from notifications.push import check_vapid_settings
        from notifications.health import backlog
        from workflow import signals
        from workflow.models import Membership

        signals.event_recorded.connect(receivers.on_event_recorded, dispatch_uid="notifications-event")
        signals.submission_recorded.connect(receivers.on_submission_recorded, dispatch_uid="notifications-submission")
        signals.deadline_stage_recorded.connect(receivers.on_deadline_stage_recorded,
                                                dispatch_uid="notifications-deadline-stage")
        signals.case_changed.connect(receivers.on_case_changed, dispatch_uid="notifications-live")
        signals.deadline_reached.connect(receivers.on_deadline_reached, dispatch_uid="notifications-deadline")
        signals.contact_erased.connect(receivers.on_contact_erased, dispatch_uid="notifications-contact-erased")
        health.register("notifications", backlog)
        # Sockets lose what their user loses, at once.
        post_save.connect(receivers.on_membership_changed, sender=Membership, dispatch_uid="notifications-role-set")
        post_delete.connect(receivers.on_membership_changed, sender=Membership, dispatch_uid="notifications-role-gone")
        post_save.connect(receivers.on_user_saved, sender=get_user_model(), dispatch_uid="notifications-user")
        post_delete.connect(receivers.on_token_deleted, sender=Token, dispatch_uid="notifications-token")
        checks.register(check_vapid_settings, "notifications")
        monitoring.register()
