"""The Celery application: web, worker and beat all import this."""

import os

from celery import Celery

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
