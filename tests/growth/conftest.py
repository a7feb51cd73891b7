from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _eager() -> Any:
    """Celery runs tasks inline where they are sent: nothing here may reach a broker."""
    from careerplan.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
