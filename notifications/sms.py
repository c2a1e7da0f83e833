"""Sending SMS: a small backend interface chosen by ``PAKN_SMS_BACKEND``.

A gateway backend implements ``send(to=…, text=…)`` and raises on failure (the outbox retries).
Most Vietnamese gateways bill a 160-character GSM-7 segment, and diacritics force UCS-2 (70
characters), so a backend that says ``requires_ascii`` gets Vietnamese folded to plain letters.
"""
import hashlib
import logging
import re
import sys
import threading
import unicodedata

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)
SMS_MAX_CHARS = 160
# Letters NFD does not decompose into a base letter and a mark.
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "D", "–": "-", "—": "-", "“": '"', "”": '"', "‘": "'", "’": "'",
                              "…": "..."})


def fold_to_ascii(text):
    """"Đã tiếp nhận phản ánh" → "Da tiep nhan phan anh": strip the marks, map đ/Đ, drop the rest."""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA_FOLDS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.encode("ascii", "ignore").decode("ascii")


def fit_sms(text, *, ascii_only, limit=SMS_MAX_CHARS):
    """One SMS: whitespace collapsed, folded when the gateway needs ASCII, at most ``limit`` chars."""
    text = " ".join(text.split())
    if ascii_only:
        text = fold_to_ascii(text)
    if len(text) <= limit:
        return text
    ellipsis = "..." if ascii_only else "…"
    return text[: limit - len(ellipsis)].rstrip() + ellipsis


def recipient_fingerprint(to):
    """A stable tag for a phone number or address in logs, from which the number cannot be read."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{to}".encode()).hexdigest()[:10]


class BaseSmsBackend:
    requires_ascii = True

    def send(self, *, to, text):
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes the message to standard output, like Django's console email backend (one machine).

    The number is masked: standard output ends up in the server's log.
    """

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()

    def send(self, *, to, text):
        with self._lock:
            self.stream.write(f"SMS to: {masked_number(to)}\n{text}\n{'-' * 40}\n")
            self.stream.flush()


PRIVATE_KEY_IN_LINK = re.compile(r"([?&]key=)[A-Za-z0-9_\-]+")


class LoggingSmsBackend(BaseSmsBackend):
    """Logs that an SMS would go out, with the text and a fingerprint instead of the number.

    A submitter's private link keeps its address but not its key: log lines travel further than
    the message does.
    """

    def send(self, *, to, text):
        shown = PRIVATE_KEY_IN_LINK.sub(r"\1…", text)
        log.info("sms recipient=%s chars=%d text=%s", recipient_fingerprint(to), len(text), shown)


# Messages "sent" by the LocmemSmsBackend, for tests (like django.core.mail.outbox).
outbox = []


class LocmemSmsBackend(BaseSmsBackend):
    def send(self, *, to, text):
        outbox.append({"to": to, "text": text})


def get_sms_backend():
    return import_string(settings.PAKN_SMS_BACKEND)()


def masked_number(number):
    """``0987654321`` → ``098****321``: enough to tell messages apart, not to call anyone."""
    return number[:3] + "*" * max(len(number) - 6, 0) + number[-3:] if len(number) > 6 else "*" * len(number)
