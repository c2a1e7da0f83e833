"""Signals of intake that other apps listen to.

``contact_erased(feedback, addresses)``: a submitter's contact data was erased (they asked, or the
retention period passed); ``addresses`` are the phone number and email it had, so that copies kept
elsewhere (the outbox) can be erased too. Sent inside the erasing transaction.
"""
from django.dispatch import Signal

contact_erased = Signal()
