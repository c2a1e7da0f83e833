"""Stored aggregates of the indicators: what ``metrics.store`` keeps so a summary never re-reads history.

One row per (grain, day, agency): a local day (grain ``d``) or a local month (grain ``m``, ``day``
its first day) of one agency's cases, with ``agency_key`` 0 for cases no agency holds yet and −1
for the whole province (every agency and none, summed). Each row holds the counters every
figure needs and, per duration, a histogram of whole hours (``{"17": 4}``: four values from 17 h
to just under 18 h) from which medians and p90s are read within half an hour.

Which day a counter belongs to follows the live selectors: a submission's figures go to the day it
was made, a case's (times, answers, ratings) to the day the case was submitted, an official's
action to the day it was taken; all three under the agency that holds the case now.

Each (grain, day, agency) has its total row (``dimension`` empty) and, for the breakdown tables, a
row per member of each dimension (``dimension`` "category" or "ward", ``member`` the category's or
ward's id, 0 for none) with what those tables show (``metrics.figures.member_figures``).
"""
from django.db import models

NO_AGENCY, EVERY_AGENCY = 0, -1
DAY, MONTH = "d", "m"
TOTAL = ("", 0)  # (dimension, member) of a total row
DIMENSIONS = ("category", "ward")

COUNTERS = (
    "submissions", "mobile_submissions", "indicator_denominator", "indicator_numerator",
    "cases", "answered", "answered_on_time", "rated", "satisfied",
    "staff_actions", "mobile_staff_actions",
    "response_working_n", "response_working_sum", "response_calendar_n", "response_calendar_sum",
    "intake_working_n", "intake_working_sum", "intake_calendar_n", "intake_calendar_sum",
)
DURATIONS = ("response_working", "response_calendar", "intake_working", "intake_calendar")


class DailyFigures(models.Model):
    grain = models.CharField(max_length=1, choices=[(DAY, "day"), (MONTH, "month")])
    day = models.DateField()
    agency_key = models.IntegerField()
    dimension = models.CharField(max_length=8, default="", blank=True)
    member = models.IntegerField(default=0)
    submissions = models.IntegerField(default=0)
    mobile_submissions = models.IntegerField(default=0)
    indicator_denominator = models.IntegerField(default=0)
    indicator_numerator = models.IntegerField(default=0)
    cases = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    answered_on_time = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    staff_actions = models.IntegerField(default=0)
    mobile_staff_actions = models.IntegerField(default=0)
    response_working_n = models.IntegerField(default=0)
    response_working_sum = models.BigIntegerField(default=0)
    response_calendar_n = models.IntegerField(default=0)
    response_calendar_sum = models.BigIntegerField(default=0)
    intake_working_n = models.IntegerField(default=0)
    intake_working_sum = models.BigIntegerField(default=0)
    intake_calendar_n = models.IntegerField(default=0)
    intake_calendar_sum = models.BigIntegerField(default=0)
    # {"response_working": {"<hour>": count, …}, …}: whole hours, for the percentiles.
    histograms = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["grain", "day", "agency_key", "dimension", "member"],
                                               name="daily_figures_member_key")]
        indexes = [models.Index(fields=["dimension", "grain", "agency_key", "day"], name="daily_figures_dim_read")]


class StoreStatus(models.Model):
    """One row once ``metrics_rebuild`` has filled the store: until then every figure is computed live."""

    built_at = models.DateTimeField()
