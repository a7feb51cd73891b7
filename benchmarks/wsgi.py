"""The WSGI application `make bench` serves: the project's own, with the bare endpoint in front (benchmarks.endpoints).

gunicorn runs it with DJANGO_SETTINGS_MODULE=benchmarks.settings (set by the benchmark).
"""

from careerplan.wsgi import application as django_application

from .endpoints import with_bare_endpoint

application = with_bare_endpoint(django_application)
