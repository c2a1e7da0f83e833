"""Intake's own record: the running number behind tracking codes.

Submissions and their photos belong to the case that handles them (``workflow.models.Submission``);
this app takes them in (``feedback.services``) and shows them to citizens.
"""
from django.db import models


class TrackingCounter(models.Model):
    """The running number behind tracking codes, one row per month (BN-2611-0042)."""

    period = models.CharField(max_length=4, unique=True)
    value = models.PositiveIntegerField(default=0)
