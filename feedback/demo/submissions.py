"""What each sample citizen sends (text, place, contact), taken in through intake itself.

Every sample submission goes through ``feedback.services.feedback_submit`` at its own moment, so
its case, tracking code, private key and deadlines are made exactly as a real one's.
"""
from datetime import timedelta
from decimal import Decimal

from feedback.demo import data as demo
from feedback.services import feedback_submit
from workflow.models import OFFICER_CHANNELS, OPEN_STATES, Case, State

MERGE_TARGET_STATES = (*OPEN_STATES, State.ANSWERED)


class Submitter:
    def __init__(self, reference, cast, rng):
        self.reference, self.cast, self.rng = reference, cast, rng

    def submit(self, plan, now):
        """Send the plan's submission at ``now``; returns the result (submission and private key)."""
        if plan.fate == "merged":
            self._pick_duplicate_target(plan, now)
        values = self._text_values(plan)
        category_code, kind, title, description = plan.sample[:4]
        if not plan.target_id:  # a duplicate's texts are copied from its original, already written out
            title, description = title.format(**values), description.format(**values)
        fields = {"kind": kind, "category": self.reference.categories[category_code], "title": title,
                  "description": description, "ward": plan.ward, "anonymous": plan.anonymous,
                  "publish_consent": plan.consent, **self._location(plan, values), **self._contact(plan)}
        return feedback_submit(fields=fields, channel=plan.channel, device_class=plan.device,
                               entered_by=self._entered_by(plan), priority=plan.priority, now=now)

    def _pick_duplicate_target(self, plan, now):
        """A duplicate repeats a case still open at that moment (same field if possible)."""
        recent = Case.objects.filter(state__in=MERGE_TARGET_STATES, submitted_at__lt=now,
                                     submitted_at__gte=now - timedelta(days=30))
        target = recent.filter(category__code=plan.category_code).first() or recent.first()
        if target is None:
            plan.fate = "normal"
            return
        original = target.submissions.order_by("pk").values_list("description", flat=True).first() or ""
        plan.target_id, plan.ward = target.pk, target.ward
        plan.sample = (target.category.code, target.kind, target.title,
                       demo.DUPLICATE_PREFIX + original.removeprefix(demo.DUPLICATE_PREFIX), "", target.priority)

    def _entered_by(self, plan):
        return self.cast.receptionist if plan.channel in OFFICER_CHANNELS else None

    def _text_values(self, plan):
        rng = self.rng
        streets = rng.sample(demo.STREETS, 2)
        ward = plan.ward.name if plan.ward else "khu dân cư"
        return {"duong": streets[0], "duong2": streets[1], "noi": rng.choice(demo.PLACES),
                "phuong": ward[:1].lower() + ward[1:], "so": rng.randrange(2, 280), "ngay": rng.randrange(3, 21)}

    def text_values(self, plan):
        return self._text_values(plan)

    def _location(self, plan, values):
        if plan.ward is None:
            return {}
        location = {"address": f"Số {values['so']} đường {values['duong']}, {plan.ward.name}"}
        centre = next((row[3] for row in demo.WARD_COMMITTEES if row[0] == plan.ward.code), None)
        if centre and plan.sample[1] == demo.ON_SITE:
            location["latitude"] = Decimal(str(round(centre[0] + self.rng.uniform(-0.01, 0.01), 6)))
            location["longitude"] = Decimal(str(round(centre[1] + self.rng.uniform(-0.01, 0.01), 6)))
        return location

    def _contact(self, plan):
        if plan.anonymous:
            return {}
        rng = self.rng
        name = f"{rng.choice(demo.FAMILY_NAMES)} {rng.choice(demo.MIDDLE_NAMES)} {rng.choice(demo.GIVEN_NAMES)}"
        contact = {"contact_name": name, "contact_phone": f"09{rng.randrange(10**8):08d}"}
        if rng.random() < 0.3:
            contact["contact_email"] = f"nguoidan{rng.randrange(10**5)}@example.com"
        return contact
