"""What ``/healthz`` reports beyond "the database answers": figures other apps register.

An app that keeps work to be done later (the notifications' intents and outbox) registers a
function returning a small dict of counts; ``core.views.healthz`` adds each under its name. A
probe that fails is reported as such without making the check fail: liveness is the database.
"""
import logging

log = logging.getLogger(__name__)
_probes = {}


def register(name, probe):
    _probes[name] = probe


def report():
    figures = {}
    for name, probe in _probes.items():
        try:
            figures[name] = probe()
        except Exception as exc:  # a figure missing is worth saying, not worth failing the check
            log.warning("healthz: probe %s failed (%s)", name, exc.__class__.__name__)
            figures[name] = {"error": exc.__class__.__name__}
    return figures
