"""The stored aggregates' refresh as a Celery task: off the request when a broker is configured,
in-process after commit otherwise."""
from celery import shared_task

from metrics import store


@shared_task(name="metrics.refresh_stored_figures", ignore_result=True)
def refresh_stored_figures(case_ids):
    store.refresh_cases(set(case_ids))
