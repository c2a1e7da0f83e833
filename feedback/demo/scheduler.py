"""Plays every sample case's story in time order, as people would have produced it.

A story is a generator: it performs one step at ``scheduler.now`` and yields the moment of its
next step. A heap interleaves all stories chronologically, so a duplicate is merged into a case
that is open at that moment and tracking numbers follow submission order. A story ends where its
next step would lie after ``until`` (the present), which leaves recent cases in their early
states, as in real life. The workflow's bus is muted throughout (``workflow.signals.muted``):
this history happened "in the past", so nobody is notified, mailed, texted or pushed about it.
"""
import heapq
from collections import Counter

from django.db import transaction

from core.errors import PaknError
from workflow import signals

STEPS_PER_TRANSACTION = 200


class Scheduler:
    def __init__(self, *, until):
        self.until = until
        self.now = None  # the moment of the step being played: every step passes it as ``now``
        self.skipped = Counter()  # steps a service refused, by error class
        self._heap = []
        self._added = 0

    def add(self, start, story):
        """Play ``story`` from ``start``."""
        heapq.heappush(self._heap, (start, self._added, story))
        self._added += 1

    def run(self):
        with signals.muted():
            while self._heap:
                with transaction.atomic():
                    for _ in range(min(STEPS_PER_TRANSACTION, len(self._heap))):
                        self._step()

    def _step(self):
        moment, index, story = heapq.heappop(self._heap)
        self.now = moment
        try:
            following = next(story)
        except StopIteration:
            return
        except PaknError as error:
            self.skipped[type(error).__name__] += 1
            return
        if following <= self.until:
            heapq.heappush(self._heap, (max(following, moment), index, story))
        else:
            story.close()
