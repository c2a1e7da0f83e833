"""The workflow's event bus: what other apps may listen to, and the one switch that silences it.

Sent inside the transaction of the change (whatever a listener writes commits or rolls back
with it; a listener must stay cheap and do its real work after commit):

* ``event_recorded(event)``: a case event row was written (a case opened, a transition, a merge
  into a case); sent for every ``CaseEvent`` saved, however it was written;
* ``submission_recorded(submission)``: a submission row was written (intake, or any other way);
* ``deadline_stage_recorded(case, stage)``: ``workflow.reminders`` moved a case to stage 75 (a
  quarter of the step's time left) or 100 (overdue, escalated), once per stage and step.

Sent after commit:

* ``case_changed(case, event)``: a case was opened or took a transition (live updates);
* ``deadline_reached(case, stage)``: the same moment as ``deadline_stage_recorded``, committed.

``muted()`` is the switch: inside it nothing is sent (nor queued for after commit) to anyone.
``seed_demo`` lays down months of history with it: that history happened "in the past", so
nobody is notified, mailed, texted or pushed about it. It is scoped to the current thread or
task, never process-wide.
"""
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.dispatch import Signal

_muted = ContextVar("workflow_signals_muted", default=False)


class WorkflowSignal(Signal):
    """A signal that stays silent inside ``muted()``."""

    def send(self, sender, **named):
        return [] if _muted.get() else super().send(sender, **named)

    def send_robust(self, sender, **named):
        return [] if _muted.get() else super().send_robust(sender, **named)

    def send_on_commit(self, sender, **named):
        """Send once the current transaction commits (decided now: muted now, never sent)."""
        if not _muted.get():
            transaction.on_commit(lambda: self.send(sender, **named))


event_recorded = WorkflowSignal()
submission_recorded = WorkflowSignal()
deadline_stage_recorded = WorkflowSignal()
case_changed = WorkflowSignal()
deadline_reached = WorkflowSignal()


@contextmanager
def muted():
    """Inside the block, the workflow tells nobody about anything."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def is_muted() -> bool:
    return _muted.get()
