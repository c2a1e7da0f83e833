from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "open311"
    verbose_name = _("Open311")

    def ready(self):
        # Intake does not know this app: the demo seeding announces itself and the demo client is
        # added from here, under the same guard as the demo users.
        from feedback.signals import demo_seeded
        from open311 import receivers

        demo_seeded.connect(receivers.add_demo_client, dispatch_uid="open311-demo-client")
