"""The settings `make bench` and `make soak` serve with: the base settings plus the benchmark endpoints.

``BENCHMARK_ENDPOINTS`` is set here in code, not read from the environment,
so no deployment can turn it on by a variable: production runs
careerplan.settings_production, which never imports this module.
"""

from careerplan.settings import *  # noqa: F403

BENCHMARK_ENDPOINTS = True
