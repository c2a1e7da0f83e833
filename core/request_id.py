"""One id per request, in every log line it causes, in its response and in the tasks it queues.

The id comes from the proxy (``X-Request-ID``: nginx's ``$request_id``) when it is a plain token,
else a fresh one is made; the response carries it back so a citizen's "mã lỗi" or an operator's
curl can be found in the logs of every worker and Celery process it touched.
"""
import re
from contextvars import ContextVar
from uuid import uuid4

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{8,128}")
current_request_id: ContextVar[str | None] = ContextVar("pakn_request_id", default=None)


def accepted_or_new(value):
    """The proxy's id when it is a plain token (nothing to inject into a log), else a new one."""
    return value if value and _ACCEPTED.fullmatch(value) else uuid4().hex


class RequestIdMiddleware:
    """Outermost middleware: everything below it, and what it queues, logs under the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = accepted_or_new(request.headers.get(HEADER))
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdLogFilter:
    """Adds ``request_id`` to every log record (``-`` outside a request or task)."""

    def filter(self, record):
        record.request_id = current_request_id.get() or "-"
        return True


# --- Celery: the id travels in the task message's headers -------------------------------------

def _put_id_in_message(headers=None, **kwargs):
    request_id = current_request_id.get()
    if request_id and headers is not None:
        headers.setdefault("request_id", request_id)


def _take_id_from_message(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, "request_id", None) if task is not None else None
    if current_request_id.get() and not request_id:
        return  # run in-process (no broker): the caller's id is already in place
    # A periodic task has no request behind it: its own id names its log lines.
    task.request.pakn_request_id_token = current_request_id.set(request_id or f"task-{task_id}")


def _forget_id(task=None, **kwargs):
    token = getattr(task.request, "pakn_request_id_token", None) if task is not None else None
    if token is not None:
        current_request_id.reset(token)
        task.request.pakn_request_id_token = None


def connect_celery_signals():
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(_put_id_in_message, weak=False, dispatch_uid="pakn-request-id-publish")
    task_prerun.connect(_take_id_from_message, weak=False, dispatch_uid="pakn-request-id-prerun")
    task_postrun.connect(_forget_id, weak=False, dispatch_uid="pakn-request-id-postrun")
