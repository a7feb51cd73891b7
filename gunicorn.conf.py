"""gunicorn's settings for the web process, read from the project folder where the Procfile starts it.

gthread workers, chosen by `make bench` (benchmarks/RESULTS.md, "The worker
class"): a sync worker serves one connection at a time and closes it after
each answer, so every request pays a new connection and waits its turn
behind slow ones; a gthread worker keeps connections alive and serves
``WEB_THREADS`` requests at once, overlapping one's database or Redis wait
with another's work. The Procfile's ``--workers`` (WEB_CONCURRENCY) still
sets the processes. Each thread keeps its own database connection, so a
server holds up to workers x threads of them.
"""

import os

worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
