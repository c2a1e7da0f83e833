"""The submitter's private link in their own messages, without ever storing it.

A citizen's email or SMS is rendered with their real private link (so its length and layout are
what they will receive), then the link is swapped for ``PRIVATE_LINK`` before the row is stored;
the delivery puts the link back from the sealed key (``feedback.services.private_link``) at the
moment of sending. A stored outbox row therefore never holds the key, and a message that cannot get
its link back (the secret key changed) goes with the public page's address instead.
"""
from feedback.services import private_link

PRIVATE_LINK = "[[private-link]]"


def link_for(feedback):
    return private_link(feedback) if feedback is not None else None


def without_link(text, link):
    """``text`` with ``link`` replaced by the placeholder; None if the link did not survive intact
    (cut by an SMS limit), so the caller renders the message without it."""
    if not link:
        return text
    if link not in text:
        return None
    return text.replace(link, PRIVATE_LINK)


def with_link(text, feedback, *, fallback):
    """The text ready to send: the placeholder replaced by the private link, or by ``fallback``."""
    if not text or PRIVATE_LINK not in text:
        return text
    return text.replace(PRIVATE_LINK, link_for(feedback) or fallback)
