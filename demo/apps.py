from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data (``bootstrap_demo``, ``seed_demo``): people with plans, progress and preferences.

    Its own app because the data spans every other one: it sits on top of
    them all, so none of them has to know about it.
    """

    name = "demo"
    verbose_name = "Demo data"
