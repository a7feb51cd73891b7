from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The plumbing every API resource shares: errors, pagination, throttles, ETags, idempotency.

    It knows Django and DRF only: domain exceptions carry their own HTTP status
    and code (``api.errors``), so nothing here imports a domain class.
    """

    name = "api"
    verbose_name = "API"
