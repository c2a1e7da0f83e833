"""What an operator sees without reading logs: /healthz, /readyz, /metrics, the request id in
every log line and the periodic jobs' last runs."""
import json
import logging

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import JobRun
from core.request_id import RequestIdLogFilter
from notifications.models import OutboxMessage, OutboxStatus
from tests.factories import make_submission
from tests.workflow.builders import case_in
from workflow.models import State

JOBS = ("notifications.sweep_outbox", "workflow.close_expired_cases", "workflow.send_deadline_reminders")


def readyz(client, **headers):
    response = client.get("/readyz", **headers)
    return response.status_code, (response.json() if response.status_code in (200, 503) else None)


def run_every_periodic_job():
    for command in ("sweep_outbox", "close_expired_cases", "send_deadline_reminders"):
        call_command(command, stdout=open("/dev/null", "w"))


# --- liveness and readiness ---------------------------------------------------------------------

def test_healthz_is_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert response.json()["notifications"]["messages_failed"] == 0


def test_readyz_reports_each_service_the_outbox_and_the_periodic_jobs(client, db):
    status, report = readyz(client)

    assert status == 200
    assert report["checks"]["database"]["status"] == "ok"
    assert report["checks"]["storage"]["status"] == "ok"
    assert {report["checks"][name]["status"] for name in ("redis", "broker")} <= {"ok", "off"}
    assert report["notifications"] == {"intents_pending": 0, "intents_failed": 0, "messages_pending": 0,
                                       "messages_failed": 0, "oldest_pending_age_seconds": 0, "problem": False}
    assert report["websockets"] == {"this_worker": 0, "event_loop_lag_ms": 0.0}
    assert set(report["periodic_jobs"]) == set(JOBS)
    # Nothing has ever run the periodic jobs here: that is exactly what an operator must see.
    assert report["status"] == "degraded"
    assert all(report["periodic_jobs"][job]["late"] for job in JOBS)
    assert {f"periodic_jobs.{job}" for job in JOBS} <= set(report["problems"])


def test_periodic_jobs_record_their_last_run_and_readyz_turns_ok(client, db):
    run_every_periodic_job()

    status, report = readyz(client)

    assert status == 200 and report["status"] == "ok", report["problems"]
    sweep = report["periodic_jobs"]["notifications.sweep_outbox"]
    assert sweep["last_status"] == "ok" and sweep["every_seconds"] == 60 and not sweep["late"]
    assert sweep["seconds_since_success"] <= 5
    assert JobRun.objects.get(name="notifications.sweep_outbox").runs == 1


def test_a_job_not_run_for_two_intervals_is_late(client, db, time_machine):
    time_machine.move_to("2026-03-09 08:00 +07:00", tick=False)
    run_every_periodic_job()
    time_machine.move_to("2026-03-09 08:04 +07:00", tick=False)  # the sweep runs every minute

    report = readyz(client)[1]

    assert report["periodic_jobs"]["notifications.sweep_outbox"]["late"] is True
    assert report["periodic_jobs"]["workflow.close_expired_cases"]["late"] is False  # hourly
    assert report["problems"] == ["periodic_jobs.notifications.sweep_outbox"]


def test_a_failing_job_is_recorded_with_its_error_class(db, monkeypatch):
    from notifications import outbox, tasks

    def broken(*args, **kwargs):
        raise RuntimeError("smtp said no to someone@example.vn")

    monkeypatch.setattr(outbox.OutboxMessage.objects, "filter", broken)
    with pytest.raises(RuntimeError):
        tasks.sweep_outbox()
    run = JobRun.objects.get(name="notifications.sweep_outbox")
    assert (run.last_status, run.last_error, run.failures, run.last_success_at) == ("failed", "RuntimeError", 1, None)


def test_the_outbox_backlog_and_the_age_of_the_oldest_message_show_on_readyz(client, world, time_machine):
    time_machine.move_to("2026-03-09 08:00 +07:00", tick=False)
    OutboxMessage.objects.create(channel="email", to="a@example.vn", body_text="x", kind="routed", dedupe_key="a")
    OutboxMessage.objects.create(channel="sms", to="0912345678", body_text="x", kind="routed", dedupe_key="b",
                                 status=OutboxStatus.FAILED)
    time_machine.move_to("2026-03-09 08:20 +07:00", tick=False)

    report = readyz(client)[1]
    outbox = report["notifications"]

    assert (outbox["messages_pending"], outbox["messages_failed"], outbox["oldest_pending_age_seconds"]) == (1, 1, 1200)
    assert outbox["problem"] is True and "notifications" in report["problems"]
    assert "a@example.vn" not in json.dumps(report) and "0912345678" not in json.dumps(report)


def test_readyz_and_metrics_are_not_shown_to_a_caller_coming_through_the_proxy(client, db):
    proxied = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert client.get("/readyz", **proxied).status_code == 404
    assert client.get("/metrics", **proxied).status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404


def test_a_scraper_with_the_metrics_token_may_read_from_anywhere(client, db, settings):
    settings.PAKN_METRICS_TOKEN = "s3cret-metrics-token"
    outside = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **outside).status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token", **outside).status_code == 200


# --- metrics ---------------------------------------------------------------------------------------

def metric(text, name, **labels):
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    lines = [line for line in text.splitlines() if line.startswith(prefix)]
    assert lines, f"{prefix!r} not in metrics"
    return float(lines[0].split()[-1])


def test_metrics_show_the_backlog_the_outbox_the_jobs_and_the_request_counts(client, world, time_machine):
    time_machine.move_to("2026-03-09 08:00 +07:00", tick=False)
    case_in(world, State.IN_PROGRESS)
    late = case_in(world, State.IN_PROGRESS)
    type(late).objects.filter(pk=late.pk).update(due_at=timezone.now() - timezone.timedelta(hours=1))
    case_in(world, State.CLOSED)
    OutboxMessage.objects.create(channel="email", to="a@example.vn", body_text="x", kind="routed", dedupe_key="a")
    client.get("/healthz")

    text = client.get("/metrics").content.decode()

    assert metric(text, "pakn_cases_open") == 2
    assert metric(text, "pakn_cases_overdue") == 1
    assert metric(text, "pakn_outbox_messages", status="pending") == 1
    assert metric(text, "pakn_outbox_messages", status="failed") == 0
    assert metric(text, "pakn_periodic_job_late", job="notifications.sweep_outbox") == 1
    assert metric(text, "pakn_dependency_up", dependency="database") == 1
    assert metric(text, "pakn_websocket_connections", consumer="inbox") >= 0
    assert metric(text, "django_http_responses_total_by_status_total", status="200") >= 1
    assert "a@example.vn" not in text


# --- request ids in logs ------------------------------------------------------------------------------

class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(RequestIdLogFilter())
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def log_lines():
    handler = Lines()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.records
    root.removeHandler(handler)


def test_the_proxys_request_id_is_in_the_response_and_every_log_line_of_the_request(client, world, log_lines):
    feedback = make_submission(category=world.category)
    log_lines.clear()

    response = client.get(f"/api/v1/feedback/{feedback.tracking_code}/", HTTP_X_REQUEST_ID="req-from-nginx-0001")

    assert response["X-Request-ID"] == "req-from-nginx-0001"
    access = [r for r in log_lines if r.name == "pakn.access"]
    assert access and all(r.request_id == "req-from-nginx-0001" for r in access)
    assert access[0].status == 200 and access[0].path == f"/api/v1/feedback/{feedback.tracking_code}/"


def test_a_missing_or_odd_request_id_is_replaced_by_a_fresh_one(client, db):
    first = client.get("/healthz")["X-Request-ID"]
    odd = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith a new line")["X-Request-ID"]
    assert len(first) == 32 and len(odd) == 32 and first != odd and "\n" not in odd


@pytest.mark.django_db(transaction=True)  # the delivery runs after the request's own commit
def test_the_request_id_follows_the_work_a_request_queues(client, world, log_lines, settings):
    from config.celery import app as celery_app

    celery_app.conf.task_always_eager = True  # no broker here: the task runs in the request
    try:
        response = client.post("/api/v1/feedback/", json.dumps({
            "kind": "procedure", "category": world.category.code, "title": "Hồ sơ chậm",
            "description": "Nộp hồ sơ đã lâu.", "contact_email": "lan@example.vn"}),
            content_type="application/json", HTTP_X_REQUEST_ID="req-submit-000042")
    finally:
        celery_app.conf.task_always_eager = not settings.CELERY_BROKER_URL
    assert response.status_code == 201
    sent = [r for r in log_lines if r.name == "notifications.outbox" and "sent" in r.getMessage()]
    assert sent and all(r.request_id == "req-submit-000042" for r in sent)


def test_json_log_lines_carry_the_request_id_and_no_query_string(client, db, capsys, settings):
    handler = production_json_handler(settings)
    logger = logging.getLogger("pakn.access")
    logger.addHandler(handler)
    try:
        client.get("/theo-doi/BN-0000-0000/?key=secret-private-key", HTTP_X_REQUEST_ID="req-json-00000001")
    finally:
        logger.removeHandler(handler)
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["request_id"] == "req-json-00000001" and line["status"] == 404
    assert "secret-private-key" not in json.dumps(line)


def production_json_handler(settings):
    """A handler writing to stderr with the formatter the settings give production (LOG_FORMAT=json)."""
    from pythonjsonlogger.json import JsonFormatter

    options = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k not in ("()", "format")}
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(settings.LOGGING["formatters"]["json"]["format"], **options))
    handler.addFilter(RequestIdLogFilter())
    return handler


@pytest.mark.urls("tests.ops.failing_urls")
def test_a_server_errors_json_log_line_leaves_out_the_query_string(client, db, capsys, settings):
    handler = production_json_handler(settings)
    root = logging.getLogger()
    root.addHandler(handler)
    client.raise_request_exception = False
    try:
        client.get("/ops-test/fail/?key=secret-private-key", HTTP_X_REQUEST_ID="req-error-00000001")
    finally:
        root.removeHandler(handler)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    error = next(line for line in lines if line["logger"] == "django.request")
    assert error["level"] == "ERROR" and error["request_id"] == "req-error-00000001"
    assert "secret-private-key" not in json.dumps(lines)
