"""The Celery application: web, worker and beat all import this."""

import gc
import os
from typing import Any

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerplan.settings")

app = Celery("careerplan")
# Every CELERY_* Django setting configures the app, so there is one place
# (settings.py, fed by the environment) to look.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="careerplan.ping")
def ping() -> str:
    """Answer "pong": proves a worker is consuming from the broker."""
    return "pong"


@worker_process_init.connect
def freeze_start_up_objects(**kwargs: Any) -> None:
    """Leave what every task shares (Django, the models, the templates) out of garbage collection.

    The collector kept re-scanning those objects for every batch of nudges:
    about a quarter of a worker's CPU in the benchmark. Frozen after the fork,
    so each worker process freezes its own copy once.
    """
    gc.freeze()
