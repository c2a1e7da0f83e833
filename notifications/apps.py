from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Thông báo")

    def ready(self):
        # No other app imports this one: it listens to the workflow and to intake from here.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save
        from rest_framework.authtoken.models import Token

        from feedback.models import Feedback
        from feedback.signals import contact_erased
        from notifications import receivers
        from workflow.models import CaseEvent, Membership
        from workflow.signals import case_changed, deadline_reached

        post_save.connect(receivers.on_case_event_created, sender=CaseEvent, dispatch_uid="notifications-event")
        post_save.connect(receivers.on_submission_created, sender=Feedback, dispatch_uid="notifications-submission")
        case_changed.connect(receivers.on_case_changed, dispatch_uid="notifications-live")
        deadline_reached.connect(receivers.on_deadline_reached, dispatch_uid="notifications-deadline")
        # Sockets lose what their user loses, at once.
        post_save.connect(receivers.on_membership_changed, sender=Membership, dispatch_uid="notifications-role-set")
        post_delete.connect(receivers.on_membership_changed, sender=Membership, dispatch_uid="notifications-role-gone")
        post_save.connect(receivers.on_user_saved, sender=get_user_model(), dispatch_uid="notifications-user")
        post_delete.connect(receivers.on_token_deleted, sender=Token, dispatch_uid="notifications-token")
        contact_erased.connect(receivers.on_contact_erased, dispatch_uid="notifications-contact-erased")
