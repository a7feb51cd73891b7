"""`make bench`: CareerPlan at 100,000 users, measured in one run on this machine.

Run through ``scripts/bench`` (which starts a throw-away PostgreSQL and sets
DATABASE_URL); everything else is started here on free loopback ports: Redis,
gunicorn, a Celery worker and an SMTP sink. Every figure written to
``benchmarks/RESULTS.md`` comes from this run; nothing is typed in.

The stages, in order:
1. ``seed_demo --users N``, timed.
2. The API and the web under load: wrk from a second process, 32
   connections, a warm-up then a measured window per endpoint, all against
   the same gunicorn, which also serves two references (benchmarks.endpoints,
   on only with benchmarks.settings): a bare WSGI callable (gunicorn's own
   limit) and a plain Django view through the full middleware (the
   framework's limit, 100%). Every endpoint is given as a share of both and
   of ``GET /api/v1/ping/``, the API's floor (authenticated and throttled
   like every endpoint, touching no table itself). Then each endpoint again
   at a fixed rate of half its maximum (hey, rate-limited), for latency under
   a steady load rather than at saturation; the two cached reads with the
   answer cache off; the plain view and the floor with sync workers, to choose the worker
   class; and the embedded default (`make run`: SQLite, no Redis) serving one
   person's dashboard page (benchmarks/embedded.py).
4. Nudges: the scan over every user (worker stopped, so only the scan is
   timed), then in-app delivery end to end, then email to a local SMTP sink,
   against the throughput of a no-op Celery task on the same broker.
5. Peak RSS (VmHWM) of every gunicorn and Celery worker process.

Every stage says what it is doing and about how long the run has left.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from localservers import find_binary, free_port, redis_server, stop, wait_for_port  # noqa: E402 - needs ROOT first

BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
# The changes a person's phone picks up from a day's use, by the sync target's cursor.
SYNC_DAY_CHANGES = 20


# --- Processes -------------------------------------------------------------


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Clock:
    """What is left of the load stages, in seconds of load planned, for "about N min left"."""

    def __init__(self, planned: float) -> None:
        self.left = planned

    def spent(self, seconds: float, message: str) -> None:
        self.left = max(self.left - seconds, 0)
        say(f"{message} (load stages: about {self.left / 60:.1f} min left, then the nudges)")


def manage(*args: str) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def manage_showing_progress(*args: str) -> str:
    """``manage(*args)``, with each line the command writes shown as it comes (seed_demo's progress)."""
    proc = subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        say(f"{args[0]}: {line.strip()}")
    if proc.wait():
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{''.join(lines)}")
    return "".join(lines)


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had (kernel-kept, no sampling)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bench_redis() -> contextlib.AbstractContextManager[str]:
    """The run's private Redis; its errors are printed with the run's own output."""
    binary = find_binary("redis-server") or "redis-server"
    return redis_server(binary, "careerplan-bench-redis-", start_timeout=30)


class SMTPSink:
    """A real SMTP server (aiosmtpd) that counts what it accepts."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.count = 0
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd hook
        self.count += 1
        return "250 OK"


# --- Load ------------------------------------------------------------------

LUA = """
local items = %(items)s
local method = "%(method)s"
local i = 0
request = function()
  i = i + 1
  local item = items[(i %% #items) + 1]
  local headers = {}
  for k, v in pairs(item.headers) do headers[k] = v end
  local body = nil
  if item.bodies then
    body = item.bodies[(math.floor(i / #items) %% #item.bodies) + 1]
    headers["Content-Type"] = "application/json"
  end
  return wrk.format(method, item.path, headers, body)
end
done = function(summary, latency, requests)
  io.write(string.format(
    '\\nRESULT {"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, ' ..
    '"status_errors": %%d, "socket_errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def lua_table(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{json.dumps(k)}] = {lua_table(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "{" + ", ".join(lua_table(v) for v in value) + "}"
    return json.dumps(value)


@dataclass
class Target:
    """One thing to load: a method and, per simulated user, a path, headers and bodies."""

    name: str
    method: str
    items: list[dict[str, Any]]


@dataclass
class LoadResult:
    name: str
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    errors: int


def run_wrk(base: str, target: Target, seconds: int, clients: int, workdir: Path) -> LoadResult:
    script = workdir / f"{re.sub(r'[^a-z0-9]+', '-', target.name.lower())}.lua"
    script.write_text(LUA % {"items": lua_table(target.items), "method": target.method})
    threads = min(2, clients)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(out.split("RESULT ", 1)[1])
    return LoadResult(
        name=target.name,
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
        requests=data["requests"],
        errors=data["status_errors"] + data["socket_errors"],
    )


@dataclass
class RateResult:
    """One endpoint at a fixed request rate (hey -q): the latency a steady load sees."""

    name: str
    rate: float
    achieved: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    errors: int


def run_hey(base: str, target: Target, rate: float, seconds: int, workers: int) -> RateResult:
    """``target``'s first item at ``rate`` requests a second in all, from ``workers`` rate-limited workers.

    hey paces each worker to its share of the rate (-q), so the load does not
    rise when the server slows: latency is measured below saturation. One
    user's request is repeated (hey takes one URL and one set of headers).
    """
    item = target.items[0]
    workers = max(1, min(workers, int(rate)))
    command = ["hey", "-z", f"{seconds}s", "-c", str(workers), "-q", f"{rate / workers:.3f}", "-m", target.method]
    for key, value in item["headers"].items():
        command += ["-H", f"{key}: {value}"]
    if item.get("bodies"):
        command += ["-T", "application/json", "-d", item["bodies"][0]]
    out = subprocess.run([*command, base + item["path"]], capture_output=True, text=True, check=True).stdout
    percentiles = {int(p): float(v) * 1000 for p, v in re.findall(r"(\d+)% in ([\d.]+) secs", out)}
    statuses = {int(code): int(n) for code, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", out)}
    failed = re.search(r"Error distribution:(.*)", out, re.DOTALL)
    errors = sum(n for code, n in statuses.items() if not 200 <= code < 300)
    if failed:
        errors += sum(int(n) for n in re.findall(r"\[(\d+)\]", failed.group(1)))
    achieved = re.search(r"Requests/sec:\s+([\d.]+)", out)
    slowest = re.search(r"Slowest:\s+([\d.]+) secs", out)
    if 99 not in percentiles and slowest:  # hey prints no 99th percentile for under a hundred answers
        percentiles[99] = float(slowest.group(1)) * 1000
    return RateResult(
        name=target.name,
        rate=rate,
        achieved=float(achieved.group(1)) if achieved else 0.0,
        p50_ms=percentiles.get(50, 0.0),
        p95_ms=percentiles.get(95, 0.0),
        p99_ms=percentiles.get(99, 0.0),
        requests=sum(statuses.values()),
        errors=errors,
    )


def check_once(base: str, target: Target) -> None:
    """Every simulated user's request answers 2xx before the load starts (wrk counts 3xx as success)."""
    for item in target.items:
        body = item["bodies"][0].encode() if item.get("bodies") else None
        headers = dict(item["headers"], **({"Content-Type": "application/json"} if body else {}))
        request = urllib.request.Request(base + item["path"], data=body, headers=headers, method=target.method)
        with urllib.request.urlopen(request, timeout=30) as response:
            if not 200 <= response.status < 300 or response.url != base + item["path"]:
                raise RuntimeError(f"{target.name}: {item['path']} answered {response.status} at {response.url}")


# --- The run ---------------------------------------------------------------


def server_environment(redis_url: str, smtp_port: int, token_minutes: int) -> dict[str, str]:
    """The settings every process of a run gets: production-like, on loopback."""
    return {
        # The base settings plus the two reference endpoints (benchmarks.endpoints).
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain http on loopback: no TLS proxy in front.
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "REDIS_URL": redis_url,
        # The throttles stay on (their cache round trip is part of every
        # request's cost) with limits the load never reaches.
        "API_THROTTLE_USER": "100000000/min",
        "API_THROTTLE_ANON": "100000000/min",
        "JWT_ACCESS_MINUTES": str(token_minutes),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "LOG_LEVEL": "WARNING",
    }


@dataclass
class Results:
    machine: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    seed: dict[str, Any] = field(default_factory=dict)
    load: list[LoadResult] = field(default_factory=list)
    rates: list[RateResult] = field(default_factory=list)
    uncached: list[LoadResult] = field(default_factory=list)
    sync: list[LoadResult] = field(default_factory=list)
    embedded: dict[str, Any] = field(default_factory=dict)
    nudges: dict[str, Any] = field(default_factory=dict)
    memory: dict[str, float] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    wall_seconds: float = 0.0


def machine_info() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with contextlib.suppress(OSError):
        mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "CPU": f"{os.cpu_count()} x {cpu}",
        "Memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def versions() -> dict[str, str]:
    from importlib.metadata import version

    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    redis_v = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.split()[2]
    wrk_v = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[1]
    return {
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "Django REST framework": version("djangorestframework"),
        "Celery": version("celery"),
        "gunicorn": version("gunicorn"),
        "psycopg": version("psycopg"),
        "PostgreSQL": pg,
        "Redis": redis_v.removeprefix("v="),
        "wrk": wrk_v,
    }


def sample_users(count: int, seed: int) -> list[Any]:
    """Users with at least one current plan, chosen reproducibly."""
    from accounts.models import User
    from tracker.models import EnrollmentStatus

    ids = list(
        User.objects.filter(enrollments__status=EnrollmentStatus.ACTIVE, email__endswith="demo.careerplan.localhost")
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    chosen = random.Random(seed).sample(ids, min(count, len(ids)))
    return list(User.objects.filter(pk__in=chosen).order_by("pk"))


def api_targets(users: list[Any]) -> list[Target]:
    from rest_framework_simplejwt.tokens import AccessToken

    from sync.feed import Position
    from sync.models import Change
    from tracker.models import Enrollment
    from tracker.progress import progress_for_enrollments

    since = (datetime.now(UTC) - timedelta(days=7)).isoformat().replace("+00:00", "Z")
    auth, patches, tracks, cursors = [], [], [], []
    for user in users:
        header = {"Authorization": f"Bearer {AccessToken.for_user(user)}"}
        auth.append(header)
        # The seed writes a person's whole history at once, so "a day of changes" is taken as their
        # last SYNC_DAY_CHANGES changes (the sync endpoint answers them in one page).
        latest = Change.objects.filter(user_id=user.pk).order_by("-seq").values_list("seq", flat=True)
        seqs = list(latest[:SYNC_DAY_CHANGES])
        cursors.append(Position(seq=(seqs[-1] - 1) if seqs else 0).encode(user.pk))
        enrollments = list(Enrollment.objects.for_user(user).current().select_related("track"))
        tracks.append(enrollments[0].track.slug)
        plan = progress_for_enrollments(user, enrollments)
        step = next(item for p in plan.values() for item in p.items if not item.is_settled)
        patches.append({"path": f"/api/v1/progress/{step.milestone.slug}/", "headers": header})
    flip = [json.dumps({"status": "in_progress"}), json.dumps({"status": "not_started"})]
    return [
        Target("GET ping/ (floor)", "GET", [{"path": "/api/v1/ping/", "headers": h} for h in auth]),
        Target("GET dashboard/", "GET", [{"path": "/api/v1/dashboard/", "headers": h} for h in auth]),
        Target(
            "GET tracks/{slug}/",
            "GET",
            [{"path": f"/api/v1/tracks/{slug}/", "headers": h} for h, slug in zip(auth, tracks, strict=True)],
        ),
        Target(
            "GET progress/?updated_since=…",
            "GET",
            [{"path": f"/api/v1/progress/?updated_since={since}", "headers": h} for h in auth],
        ),
        Target("PATCH progress/{milestone_slug}/", "PATCH", [dict(p, bodies=flip) for p in patches]),
        Target(
            "GET sync/?cursor=… (a day)",
            "GET",
            [{"path": f"/api/v1/sync/?cursor={c}", "headers": h} for h, c in zip(auth, cursors, strict=True)],
        ),
    ]


def web_targets(users: list[Any]) -> list[Target]:
    from django.conf import settings
    from django.test import Client

    items = []
    for user in users:
        client = Client()
        client.force_login(user)
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        items.append({"path": "/dashboard/", "headers": {"Cookie": cookie}})
    return [Target("GET /dashboard/ (page)", "GET", items)]


def public_targets(api: list[Target]) -> list[Target]:
    """The track pages of the API's track target, as a signed-out visitor opens them (no cookie)."""
    tracks = [item["path"].rstrip("/").rsplit("/", 1)[1] for item in api[2].items]
    items = [{"path": f"/tracks/{slug}/", "headers": {}} for slug in tracks]
    return [Target("GET /tracks/{slug}/ (page, signed out)", "GET", items)]


def reference_targets() -> list[Target]:
    from benchmarks.endpoints import BARE_PATH, PLAIN_PATH

    return [
        Target("bare WSGI callable", "GET", [{"path": BARE_PATH, "headers": {}}]),
        Target("plain Django view", "GET", [{"path": PLAIN_PATH, "headers": {}}]),
    ]


def start_gunicorn(port: int, workers: int, log: Path, threads: int = 4, **env: str) -> subprocess.Popen[Any]:
    """gunicorn serving the project with the bare endpoint in front (benchmarks.wsgi).

    The project's gunicorn.conf.py (gthread workers) with ``threads`` threads each; sync workers with ``threads=1``.
    """
    worker_class = ["--worker-class", "sync"]
    if threads > 1:
        worker_class = ["--worker-class", "gthread", "--threads", str(threads)]
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "benchmarks.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            *worker_class,
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            str(log),
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    wait_for_port(port, timeout=30)
    return proc


def start_worker(concurrency: int, log: Path) -> subprocess.Popen[Any]:
    return subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "careerplan",
            "worker",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


def drain_time(broker: Any, queued: int, worker_log: Path, concurrency: int) -> tuple[float, dict[str, float]]:
    """Start a worker on a full queue; seconds from its first take to an empty queue, and its peak RSS.

    Timing from the first message taken leaves the worker's start-up out, so
    the no-op task and the nudges are compared on the same footing.
    """
    worker = start_worker(concurrency, worker_log)
    start = None
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            waiting = broker.llen("celery")
            unacked = broker.hlen("unacked")
            if start is None and waiting < queued:
                start = time.monotonic()
            if start is not None and waiting == 0 and unacked == 0:
                break
            if worker.poll() is not None:
                raise RuntimeError(f"the Celery worker exited: see {worker_log}")
            time.sleep(0.02)
        else:
            raise RuntimeError("the queue did not drain in 15 minutes")
        elapsed = time.monotonic() - (start or time.monotonic())
        memory = {str(pid): peak_rss_mib(pid) for pid in [worker.pid, *children(worker.pid)]}
    finally:
        stop(worker)
    return elapsed, memory


def reset_nudges(**prefs: Any) -> None:
    from django.db import connection

    from nudges.models import Delivery, Notification, ReminderPreferences

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Delivery._meta.db_table}, {Notification._meta.db_table}")
    ReminderPreferences.objects.update(next_check_at=None, last_nudged_on=None, snoozed_until=None, **prefs)


def scan_and_deliver(results: Results, label: str, broker: Any, workdir: Path, concurrency: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nudges import tasks
    from nudges.models import Delivery, DeliveryStatus

    broker.delete("celery", "unacked", "unacked_index")
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        batches = tasks.scan_nudges()
    scan_seconds = time.monotonic() - started
    queued = broker.llen("celery")
    elapsed, memory = drain_time(broker, queued, workdir / "worker.log", concurrency)
    sent = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
    failed = Delivery.objects.exclude(status=DeliveryStatus.SENT).count()
    results.nudges[label] = {
        "scan_seconds": scan_seconds,
        "scan_queries": len(queries.captured_queries),
        "batches": batches,
        "sent": sent,
        "not_sent": failed,
        "deliver_seconds": elapsed,
        "per_second": sent / elapsed if elapsed else 0.0,
    }
    results.memory[f"Celery worker, {label} (peak of its processes)"] = max(memory.values())
    say(f"{label}: scan {scan_seconds:.1f}s ({batches} batches), {sent} sent in {elapsed:.1f}s")


def add_process_arguments(parser: argparse.ArgumentParser, out: Path) -> None:
    """The options the benchmark and the soak share, so both start the same servers the same way."""
    parser.add_argument("--web-workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--celery-concurrency", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=out)


def require_postgres_and_wrk(parser: argparse.ArgumentParser, wrapper: str, *tools: str) -> None:
    """Stop with a usage error, before anything is seeded, unless ``wrapper`` set up PostgreSQL, wrk and ``tools``."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parser.error(f"run through {wrapper} (it starts PostgreSQL and sets DATABASE_URL)")
    for tool in ("wrk", *tools):
        if not shutil.which(tool):
            parser.error(f"{tool} is not installed (Debian package {tool}; {wrapper} installs it)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=20, help="measured seconds per endpoint")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up seconds per endpoint")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--sample", type=int, default=200, help="distinct users the load cycles through")
    parser.add_argument("--email-users", type=int, default=10_000, help="users in the email delivery stage")
    parser.add_argument("--rate-seconds", type=int, default=10, help="seconds per endpoint at half its rate (hey)")
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per gthread worker (gunicorn.conf.py); 1 for sync workers"
    )
    add_process_arguments(parser, out=HERE / "RESULTS.md")
    args = parser.parse_args()
    require_postgres_and_wrk(parser, "scripts/bench", "hey")

    began = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="careerplan-bench-"))
    results = Results(machine=machine_info())
    sink = SMTPSink()
    sink.controller.start()
    with bench_redis() as redis_url:
        os.environ.update(server_environment(redis_url, sink.port, token_minutes=240))
        results.settings = {
            "users": args.users,
            "clients": args.clients,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "web_workers": args.web_workers,
            "celery_concurrency": args.celery_concurrency,
            "sample": args.sample,
            "email_users": args.email_users,
            "rate_seconds": args.rate_seconds,
            "threads": args.threads,
        }
        say("migrating and loading the seed content")
        manage("migrate", "--noinput", "-v0")
        manage("seed_content")
        manage("collectstatic", "--noinput", "-v0")
        say(f"seed_demo --users {args.users}")
        started = time.monotonic()
        seeded = manage_showing_progress("seed_demo", "--users", str(args.users), "--seed", str(args.seed))
        results.seed = {"seconds": time.monotonic() - started, "summary": seeded.strip().splitlines()[-1]}
        say(results.seed["summary"])

        import django

        django.setup()
        results.versions = versions()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        users = sample_users(args.sample, args.seed)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        api = api_targets(users)
        targets = [*reference_targets(), *api, *web_targets(users), *public_targets(api)]
        per_endpoint = args.warmup + args.seconds
        clock = Clock(
            len(targets) * (per_endpoint + args.rate_seconds) + 4 * per_endpoint + 60  # + cache off, sync, embedded
        )
        say(f"{len(targets)} endpoints under load, {per_endpoint} s each, then each at half its rate")
        server = start_gunicorn(port, args.web_workers, workdir / "gunicorn.log", threads=args.threads)
        try:
            for target in targets:
                check_once(base, target)
                run_wrk(base, target, args.warmup, args.clients, workdir)
                measured = run_wrk(base, target, args.seconds, args.clients, workdir)
                results.load.append(measured)
                clock.spent(per_endpoint, f"{measured.name}: {measured.rps:,.0f} req/s, p99 {measured.p99_ms:.1f} ms")
            for target, measured in zip(targets, results.load, strict=True):
                steady = run_hey(base, target, measured.rps / 2, args.rate_seconds, args.clients)
                results.rates.append(steady)
                clock.spent(
                    args.rate_seconds,
                    f"{steady.name} at {steady.rate:,.0f} req/s: p99 {steady.p99_ms:.1f} ms, {steady.errors} errors",
                )
            workers = children(server.pid)
            results.memory["gunicorn web worker (largest)"] = max(peak_rss_mib(pid) for pid in workers)
        finally:
            stop(server)
        # The same two reads with the answer cache off: what the cache buys.
        server = start_gunicorn(
            port, args.web_workers, workdir / "gunicorn.log", threads=args.threads, READ_CACHE_SECONDS="0"
        )
        try:
            for cached_target in api[1:3]:
                target = Target(f"{cached_target.name} (cache off)", cached_target.method, cached_target.items)
                run_wrk(base, target, args.warmup, args.clients, workdir)
                measured = run_wrk(base, target, args.seconds, args.clients, workdir)
                results.uncached.append(measured)
                clock.spent(per_endpoint, f"{measured.name}: {measured.rps:,.0f} req/s")
        finally:
            stop(server)
        # The worker class, chosen by measurement: the plain view and the floor with sync workers too.
        server = start_gunicorn(port, args.web_workers, workdir / "gunicorn.log", threads=1)
        try:
            for main_target in [targets[1], api[0]]:
                target = Target(f"{main_target.name} (sync)", main_target.method, main_target.items)
                run_wrk(base, target, args.warmup, args.clients, workdir)
                measured = run_wrk(base, target, args.seconds, args.clients, workdir)
                results.sync.append(measured)
                clock.spent(per_endpoint, f"{measured.name}: {measured.rps:,.0f} req/s")
        finally:
            stop(server)
        say("the embedded default: SQLite, no Redis, runserver, one person's dashboard page")
        embedded = subprocess.run(
            [sys.executable, str(HERE / "embedded.py"), "30"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        results.embedded = json.loads(embedded.stdout.strip().splitlines()[-1])
        clock.spent(60, f"embedded dashboard page: median {results.embedded['median_ms']:.0f} ms")

        import redis

        broker = redis.Redis.from_url(redis_url)
        # The no-op task: the broker round trip and the worker's own overhead per task.
        from careerplan.celery import ping

        noop_count = 20_000
        broker.delete("celery", "unacked", "unacked_index")
        for _ in range(noop_count):
            ping.delay()
        elapsed, memory = drain_time(broker, noop_count, workdir / "worker.log", args.celery_concurrency)
        results.nudges["noop"] = {"tasks": noop_count, "seconds": elapsed, "per_second": noop_count / elapsed}
        results.memory["Celery worker, no-op tasks (peak of its processes)"] = max(memory.values())
        say(f"no-op: {noop_count} tasks in {elapsed:.1f}s")

        from nudges.models import ReminderPreferences

        # Every user is due for the "stalled plan" nudge on one channel: a day
        # of quiet counts as stalled, quiet hours and the digest are off, so
        # the time of day of the run changes nothing.
        common = {
            "enabled": True,
            "stalled_after_days": 1,
            "digest_enabled": False,
            "push_enabled": False,
            "quiet_start": "00:00",
            "quiet_end": "00:00",
        }
        reset_nudges(email_enabled=False, in_app_enabled=True, **common)
        scan_and_deliver(results, "in-app", broker, workdir, args.celery_concurrency)

        last_email_user = ReminderPreferences.objects.order_by("user_id").values_list("user_id", flat=True)[
            min(args.email_users, args.users) - 1
        ]
        reset_nudges(email_enabled=True, in_app_enabled=False, **common)
        ReminderPreferences.objects.filter(user_id__gt=last_email_user).update(enabled=False)
        scan_and_deliver(results, "email", broker, workdir, args.celery_concurrency)
        results.nudges["email"]["smtp_received"] = sink.count
    sink.controller.stop()
    results.wall_seconds = time.monotonic() - began
    args.out.write_text(render(results))
    say(f"wrote {args.out} in {results.wall_seconds / 60:.1f} min")
    return 0


# --- RESULTS.md ------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


# Issue 18's targets, as shares of the plain Django view served by the same gunicorn in the same run.
SHARE_TARGETS = {
    "GET ping/ (floor)": 0.50,
    "GET dashboard/": 0.45,
    "GET tracks/{slug}/": 0.45,
    "PATCH progress/{milestone_slug}/": 0.20,
    "GET sync/?cursor=… (a day)": 0.30,
    "GET /dashboard/ (page)": 0.15,
    "GET /tracks/{slug}/ (page, signed out)": 0.40,
}
# p99 at a fixed rate of half each endpoint's maximum.
P99_TARGETS = {
    "GET ping/ (floor)": 20.0,
    "GET dashboard/": 20.0,
    "GET tracks/{slug}/": 20.0,
    "PATCH progress/{milestone_slug}/": 50.0,
    "GET sync/?cursor=… (a day)": 50.0,
    "GET /dashboard/ (page)": 50.0,
}
EMBEDDED_TARGET_MS = 100.0
# "No worse than today", as issue 18 measured today.
BEFORE = {"scan_seconds": 3.2, "in_app_per_second": 2232, "seed_seconds": 55.0, "peak_rss_mib": 101.0}


def render(r: Results) -> str:
    s = r.settings
    by_name = {row.name: row for row in r.load}
    bare, plain, floor = by_name["bare WSGI callable"], by_name["plain Django view"], by_name["GET ping/ (floor)"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (benchmarks/run.py); every figure below comes from that run.",
        f"The run took {r.wall_seconds / 60:.1f} minutes.",
        "",
        "## Machine and versions",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in {**r.machine, **r.versions}.items()],
        "",
        f"gunicorn: {s['web_workers']} gthread workers of {s['threads']} threads; "
        f"Celery: prefork, concurrency {s['celery_concurrency']}; "
        f"load: wrk, {s['clients']} connections from a second process on loopback, {s['warmup']} s warm-up then "
        f"{s['seconds']} s measured per endpoint, cycling through {s['sample']} users' credentials; then hey at "
        f"half each endpoint's rate for {s['rate_seconds']} s. "
        "PostgreSQL, Redis, gunicorn, the worker and the load generator share the machine's cores.",
        "",
        "## 1. Data",
        "",
        f"`seed_demo --users {s['users']}`: **{r.seed['seconds']:.1f} s** (target: under 180 s and no worse than "
        f"{BEFORE['seed_seconds']:.0f} s, {verdict(r.seed['seconds'] < min(180, BEFORE['seed_seconds']))}).",
        "",
        f"> {r.seed['summary']}",
        "",
        "## 2-3. API and web under load",
        "",
        "Every row is served by the same gunicorn in this run. The bare WSGI callable answers before Django "
        "(gunicorn's own limit); the plain Django view returns a `JsonResponse` through the project's full "
        "middleware, and is the 100% the targets are shares of (benchmarks.endpoints; served only with "
        "benchmarks.settings).",
        "",
        "| endpoint | req/s | share of plain view | of bare WSGI | of `ping/` | p50 ms | p99 ms | requests | errors "
        "| target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in [*r.load, *r.uncached]:
        share = row.rps / plain.rps
        goal = SHARE_TARGETS.get(row.name)
        text = "—" if goal is None else f"≥{goal:.0%}: {verdict(share >= goal)}"
        lines.append(
            f"| `{row.name}` | {row.rps:,.0f} | {share:.0%} | {row.rps / bare.rps:.0%} | {row.rps / floor.rps:.0%} "
            f"| {row.p50_ms:.1f} | {row.p99_ms:.1f} | {row.requests:,} | {row.errors} | {text} |"
        )
    lines += [
        "",
        "What the answer cache (tracker.versions) buys, from the rows above:",
        "",
    ]
    for row in r.uncached:
        on = by_name[row.name.removesuffix(" (cache off)")]
        lines.append(
            f"- `{on.name}`: {row.rps:,.0f} → {on.rps:,.0f} req/s ({on.rps / row.rps:.1f}x), "
            f"p99 {row.p99_ms:.1f} → {on.p99_ms:.1f} ms."
        )
    lines += [
        "",
        f"The worker class: the same gunicorn with {s['web_workers']} sync workers (one request at a time, no "
        f"keep-alive) against the gthread rows above ({s['threads']} threads each, gunicorn.conf.py):",
        "",
    ]
    for row in r.sync:
        main = by_name[row.name.removesuffix(" (sync)")]
        lines.append(
            f"- `{main.name}`: gthread {main.rps:,.0f} req/s, sync {row.rps:,.0f} req/s "
            f"(p99 {main.p99_ms:.1f} and {row.p99_ms:.1f} ms)."
        )
    lines += [
        "",
        "### Latency at a steady load",
        "",
        "Each endpoint again, at a fixed rate of half the maximum it reached above, from hey's rate-limited "
        f"workers ({s['clients']}, each paced to its share; one user's request repeated).",
        "",
        "| endpoint | rate asked | served | p50 ms | p95 ms | p99 ms | requests | errors | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for steady in r.rates:
        limit = P99_TARGETS.get(steady.name)
        text = "—" if limit is None else f"p99 <{limit:.0f} ms: {verdict(steady.p99_ms < limit and not steady.errors)}"
        lines.append(
            f"| `{steady.name}` | {steady.rate:,.0f}/s | {steady.achieved:,.0f}/s | {steady.p50_ms:.1f} | "
            f"{steady.p95_ms:.1f} | {steady.p99_ms:.1f} | {steady.requests:,} | {steady.errors} | {text} |"
        )
    e = r.embedded
    lines += [
        "",
        "### The embedded default",
        "",
        "`make run`'s setup (SQLite, no Redis, DJANGO_DEBUG=1, `runserver`; benchmarks/embedded.py), the demo "
        f"user opening `/dashboard/` {e['requests']} times in a row: median **{e['median_ms']:.0f} ms**, "
        f"p95 {e['p95_ms']:.0f} ms, slowest {e['max_ms']:.0f} ms (target: under {EMBEDDED_TARGET_MS:.0f} ms, "
        f"{verdict(e['p95_ms'] < EMBEDDED_TARGET_MS)} at the p95).",
    ]
    noop = r.nudges["noop"]
    inapp, email = r.nudges["in-app"], r.nudges["email"]
    full = 100_000 / max(inapp["per_second"], 1e-9)
    lines += [
        "",
        "## 4. Nudges",
        "",
        "Every user was made due for the stalled-plan nudge on one channel (see run.py); the scan ran with no "
        "worker consuming, then a worker drained the queue. Timings start at the worker's first message.",
        "",
        "| stage | figure | target |",
        "|---|---|---|",
        f"| scan and fan-out, {s['users']:,} users | **{inapp['scan_seconds']:.1f} s**, {inapp['batches']} batches, "
        f"{inapp['scan_queries']} SQL queries | under 10 s and no worse than {BEFORE['scan_seconds']} s: "
        f"{verdict(inapp['scan_seconds'] < min(10, BEFORE['scan_seconds']))} |",
        f"| in-app delivery | {inapp['sent']:,} sent in **{inapp['deliver_seconds']:.1f} s** = "
        f"{inapp['per_second']:,.0f}/s ({inapp['not_sent']} not sent) | 100,000 under 60 s and no worse than "
        f"{BEFORE['in_app_per_second']:,}/s: "
        f"{verdict(full < 60 and inapp['per_second'] >= BEFORE['in_app_per_second'])} (at this rate {full:.0f} s) |",
        f"| email delivery to a local SMTP sink, {s['email_users']:,} users | {email['sent']:,} sent in "
        f"{email['deliver_seconds']:.1f} s = **{email['per_second']:,.0f}/s**; the sink received "
        f"{email['smtp_received']:,} | — |",
        f"| no-op Celery task, same broker | {noop['tasks']:,} in {noop['seconds']:.1f} s = "
        f"**{noop['per_second']:,.0f} tasks/s** | the broker's floor |",
        "",
        f"In-app deliveries per second are {inapp['per_second'] / noop['per_second']:.1f}x the no-op task rate "
        f"(one task carries a batch of users), email {email['per_second'] / noop['per_second']:.2f}x.",
        "",
        "## 5. Peak memory (VmHWM)",
        "",
        f"Target: no worse than the {BEFORE['peak_rss_mib']:.0f} MiB measured before issue 18's changes: "
        f"{verdict(max(r.memory.values()) <= BEFORE['peak_rss_mib'])}.",
        "",
        "| process | peak RSS |",
        "|---|---:|",
        *[f"| {name} | {mib:.0f} MiB |" for name, mib in r.memory.items()],
        "",
    ]
    notes = HERE / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text().rstrip(), ""]
    soak = HERE / "SOAK.md"
    if soak.exists():
        lines += [soak_section(soak.read_text()), ""]
    return "\n".join(lines)


SOAK_HEADING = "## 6. Soak"


def soak_section(soak_md: str) -> str:
    """SOAK.md (written by `make soak`) as the last section of RESULTS.md, its headings one level down."""
    body = soak_md.split("\n", 1)[1] if soak_md.startswith("# ") else soak_md
    body = re.sub(r"^## ", "### ", body, flags=re.MULTILINE)
    return f"{SOAK_HEADING} (`make soak`; its own run, dated below)\n{body.rstrip()}"


def replace_soak_section(results_md: str, soak_md: str) -> str:
    """RESULTS.md with its soak section replaced (or added) by this SOAK.md."""
    kept = results_md.split(SOAK_HEADING, 1)[0].rstrip()
    return f"{kept}\n\n{soak_section(soak_md)}\n"


if __name__ == "__main__":
    sys.exit(main())
