"""Signals other apps listen to; sent only after the change is committed.

``case_changed(case, event)``: a case was opened or took a transition. Notifications, live
updates and anything else that reacts to the workflow hang off this one signal.
"""
from django.dispatch import Signal

case_changed = Signal()
