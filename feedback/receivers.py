"""What intake's public pages hear from the workflow: any case opened or changed clears the cached
public map and its list (``core.public_cache``), so they show it at once."""
from core import public_cache
from workflow import signals


def connect():
    signals.case_changed.connect(public_cache.bump, dispatch_uid="feedback.public_map_follows_cases")
