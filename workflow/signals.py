"""Signals other apps listen to; sent only after the change is committed.

``case_changed(case, event)``: a case was opened or took a transition. Notifications, live
updates and anything else that reacts to the workflow hang off this one signal.
"""
from django.dispatch import Signal

case_changed = Signal()

# ``deadline_reached(case, stage)``: the current step of an open case used 75% of its working time
# (stage 75) or reached its deadline (stage 100, the case is escalated). Sent after commit by
# ``workflow.reminders``, once per stage and step.
deadline_reached = Signal()
