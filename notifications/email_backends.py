"""The one-machine email backend: Django's console backend with the recipients masked.

Standard output ends up in the server's log, and an address must not be in a log line.
"""
import copy

from django.core.mail.backends import console


def masked_address(address):
    """``binh.tran@example.vn`` → ``b***@example.vn``."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


class ConsoleEmailBackend(console.EmailBackend):
    def write_message(self, message):
        shown = copy.copy(message)
        shown.to = [masked_address(a) for a in message.to]
        shown.cc = [masked_address(a) for a in message.cc]
        shown.bcc = []
        super().write_message(shown)
