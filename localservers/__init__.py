"""Throw-away servers on this machine, for the suite, the benchmarks and the screenshots.

Redis, gunicorn, a development server, PostgreSQL: each one is started on a
free loopback port, waited for until it accepts connections, and stopped
(killed if it will not stop) with its scratch folder removed, the same way
wherever it is needed. Plain Python with no Django: it imports none of the
apps, so a script can use it before Django is set up.
"""

from localservers.ports import NotListening, free_port, wait_for_port
from localservers.processes import find_binary, redis_server, scratch_dir, serving, start_gunicorn, stop

__all__ = [
    "NotListening",
    "find_binary",
    "free_port",
    "redis_server",
    "scratch_dir",
    "serving",
    "start_gunicorn",
    "stop",
    "wait_for_port",
]
