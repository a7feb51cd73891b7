"""`scripts/soak`: a steady mixed load for ten minutes, watched minute by minute for drift and leaks.

Run through ``scripts/soak`` (a throw-away PostgreSQL, DATABASE_URL set);
Redis, gunicorn, a Celery worker and an SMTP sink are started here with
benchmarks/run.py's helpers. Every 30 s a slice of users is made due for a
nudge and the scan is enqueued (what beat does every 15 minutes, faster), so
nudges are delivered under the load.

The load: wrk with a fixed number of connections, each pausing ``--think-ms``
between requests (wrk's ``delay()`` hook), so the offered rate stays steady
and below saturation. Each request is drawn from a mix: browse (GET tracks/,
GET tracks/{slug}/), update progress (PATCH progress/{slug}/), read the
dashboard (API and web page). One wrk run per minute gives per-minute
figures; after each minute the resident memory of every process is read from
/proc.

Pass criteria, written to benchmarks/SOAK.md:
1. no 5xx answer at all;
2. the last minute's p99 latency is at most 1.5 x the first minute's;
3. every process's memory grows less than 10 % from the end of minute 2 to
   the end (VmRSS; for PostgreSQL RssAnon, since a backend's VmRSS counts
   each shared buffer it has touched; client backends, which are replaced as
   connections age out (DATABASE_CONN_MAX_AGE), are judged as the largest);
   a run of 2 minutes or less has nothing to compare, and says so (n/a).
The exit status is 1 when a criterion fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.run import (  # noqa: E402 - needs the checkout on sys.path first
    SMTPSink,
    Target,
    add_process_arguments,
    api_targets,
    bench_redis,
    check_once,
    children,
    lua_table,
    machine_info,
    manage,
    manage_showing_progress,
    replace_soak_section,
    require_postgres_and_wrk,
    sample_users,
    server_environment,
    start_gunicorn,
    start_worker,
    web_targets,
)
from localservers import free_port, stop  # noqa: E402

HERE = Path(__file__).resolve().parent

# Share of requests per kind, in twentieths.
MIX = {"tracks": 3, "track": 4, "patch": 4, "dashboard": 6, "page": 3}

LUA = """
local kinds = %(kinds)s
local schedule = %(schedule)s
local think = %(think)d
local threads = {}
server_errors = 0
setup = function(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
init = function(args) math.randomseed(os.time() * 100 + id) end
request = function()
  local kind = kinds[schedule[math.random(#schedule)]]
  local item = kind.items[math.random(#kind.items)]
  local body = nil
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end  -- the command line's -H (the warm-up's)
  for k, v in pairs(item.headers) do headers[k] = v end
  if kind.bodies then
    body = kind.bodies[math.random(#kind.bodies)]
    headers["Content-Type"] = "application/json"
  end
  return wrk.format(kind.method, item.path, headers, body)
end
response = function(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
end
delay = function() return think end
done = function(summary, latency, requests)
  local fives = 0
  for _, t in ipairs(threads) do fives = fives + t:get("server_errors") end
  io.write(string.format(
    '\\nRESULT {"requests": %%d, "duration_us": %%d, "p50": %%d, "p99": %%d, "status_errors": %%d, ' ..
    '"server_errors": %%d, "socket_errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), summary.errors.status,
    fives, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def say(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", flush=True)


@dataclass
class Minute:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    server_errors: int
    other_errors: int
    nudges_sent: int
    memory_mib: dict[str, float] = field(default_factory=dict)


# --- Load ------------------------------------------------------------------


def mixed_load(api: list[Target], web: list[Target]) -> dict[str, dict[str, Any]]:
    """The request kinds wrk draws from, each with its per-user paths and headers."""
    by_name = {target.name: target for target in api}
    tracks = by_name["GET tracks/{slug}/"]
    patch = by_name["PATCH progress/{milestone_slug}/"]
    return {
        "tracks": {
            "method": "GET",
            "items": [{"path": "/api/v1/tracks/", "headers": i["headers"]} for i in tracks.items],
        },
        "track": {"method": "GET", "items": tracks.items},
        "patch": {
            "method": "PATCH",
            "items": [{"path": i["path"], "headers": i["headers"]} for i in patch.items],
            # Back and forth, so the load never completes a plan and runs the same all along.
            "bodies": [json.dumps({"status": "in_progress"}), json.dumps({"status": "not_started"})],
        },
        "dashboard": {"method": "GET", "items": by_name["GET dashboard/"].items},
        "page": {"method": "GET", "items": web[0].items},
    }


def check_mix(base: str, kinds: dict[str, dict[str, Any]]) -> None:
    """A few of each kind answer 2xx before the load starts."""
    for name, kind in kinds.items():
        items = [dict(item, bodies=kind["bodies"]) if "bodies" in kind else item for item in kind["items"][:3]]
        check_once(base, Target(name, kind["method"], items))


def run_minute(base: str, script: Path, connections: int, seconds: int, *options: str) -> dict[str, Any]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", *options, "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(out.split("RESULT ", 1)[1]))


# --- Nudges ----------------------------------------------------------------


def make_due(user_ids: list[int]) -> None:
    """These users are due for the stalled-plan nudge by email and in the app, whatever the time of day."""
    from nudges.models import ReminderPreferences

    ReminderPreferences.objects.filter(user_id__in=user_ids).update(
        enabled=True,
        email_enabled=True,
        in_app_enabled=True,
        push_enabled=False,
        digest_enabled=False,
        stalled_after_days=1,
        quiet_start=clock_time(0),
        quiet_end=clock_time(0),
        snoozed_until=None,
        last_nudged_on=None,
        next_check_at=None,
    )


def nudge_loop(stop_event: threading.Event, per_scan: int, every: float) -> None:
    """Every ``every`` seconds make the next slice of users due and enqueue a scan (beat's job, sped up)."""
    from django.db import connection
    from django.utils import timezone

    from nudges.models import ReminderPreferences
    from nudges.tasks import scan_nudges

    # Nobody is due but the slices made due below, so the nudge work is the same every minute.
    ReminderPreferences.objects.update(next_check_at=timezone.now() + timedelta(days=1))
    ids = list(ReminderPreferences.objects.order_by("user_id").values_list("user_id", flat=True))
    start = 0
    try:
        while not stop_event.is_set():
            make_due(ids[start : start + per_scan])
            start = (start + per_scan) % max(len(ids), 1)
            scan_nudges.delay()
            stop_event.wait(every)
    finally:
        connection.close()


def nudges_sent() -> int:
    from nudges.models import Delivery, DeliveryStatus

    return Delivery.objects.filter(status=DeliveryStatus.SENT).count()


# --- Memory ----------------------------------------------------------------


def status_kib(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field_name}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def find_pid(pattern: str) -> int | None:
    """The first process whose command line matches ``pattern`` (a regular expression)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and re.search(pattern, cmdline(int(entry.name))):
            return int(entry.name)
    return None


def memory(gunicorn: int, worker: int, redis_pid: int | None, postmaster: int | None) -> dict[str, float]:
    """MiB resident per process (see the module docstring for PostgreSQL)."""
    sizes: dict[str, float] = {"gunicorn master": status_kib(gunicorn, "VmRSS") / 1024}
    for n, pid in enumerate(sorted(children(gunicorn)), 1):
        sizes[f"gunicorn worker {n} (pid {pid})"] = status_kib(pid, "VmRSS") / 1024
    sizes["celery worker main"] = status_kib(worker, "VmRSS") / 1024
    for n, pid in enumerate(sorted(children(worker)), 1):
        sizes[f"celery worker child {n} (pid {pid})"] = status_kib(pid, "VmRSS") / 1024
    if redis_pid:
        sizes["redis-server"] = status_kib(redis_pid, "VmRSS") / 1024
    if postmaster:
        sizes["postgres postmaster (anon)"] = status_kib(postmaster, "RssAnon") / 1024
        backends = []
        for pid in children(postmaster):
            name = cmdline(pid).removeprefix("postgres: ")
            anon = status_kib(pid, "RssAnon") / 1024
            if name.startswith("careerplan careerplan"):
                backends.append(anon)
            elif name:
                sizes[f"postgres {name} (anon)"] = anon
        sizes["postgres client backends, largest (anon)"] = max(backends, default=0.0)
    return sizes


# --- Report ----------------------------------------------------------------


def judge(minutes: list[Minute]) -> list[tuple[str, bool | None, str]]:
    first, last = minutes[0], minutes[-1]
    fives = sum(m.server_errors for m in minutes)
    verdicts: list[tuple[str, bool | None, str]] = [("no 5xx", fives == 0, f"{fives} 5xx answers")]
    limit = 1.5 * first.p99_ms
    verdicts.append(
        (
            "last minute's p99 within 1.5x the first's",
            last.p99_ms <= limit,
            f"first {first.p99_ms:.1f} ms, last {last.p99_ms:.1f} ms (limit {limit:.1f} ms)",
        )
    )
    rule = "every process's memory grows < 10% from minute 2 to the end"
    if len(minutes) < 3:
        verdicts.append((rule, None, "not judged: the run ends at minute 2"))
        return verdicts
    base = minutes[1].memory_mib
    growths = {
        name: (last.memory_mib[name] - before) / before
        for name, before in base.items()
        if before > 0 and name in last.memory_mib
    }
    worst = max(growths.items(), key=lambda item: item[1], default=("none", 0.0))
    verdicts.append((rule, worst[1] < 0.10, f"largest growth {worst[1]:+.1%} ({worst[0]})"))
    return verdicts


def outcome(ok: bool | None) -> str:
    return "n/a" if ok is None else "PASS" if ok else "FAIL"


def render(settings: dict[str, Any], minutes: list[Minute], verdicts: list[tuple[str, bool | None, str]]) -> str:
    lines = [
        "# Soak results",
        "",
        "Written by `scripts/soak` (benchmarks/soak.py); every figure below comes from that run.",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in {**machine_info(), **settings}.items()],
        "",
        "## Pass criteria",
        "",
        *[f"- {outcome(ok).replace('FAIL', '**FAIL**')}: {rule} — {detail}" for rule, ok, detail in verdicts],
        "",
        "## Per minute",
        "",
        "| minute | requests | req/s | p50 ms | p99 ms | 5xx | other errors | nudges sent (total) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {n} | {m.requests:,} | {m.rps:.1f} | {m.p50_ms:.1f} | {m.p99_ms:.1f} | {m.server_errors} | "
            f"{m.other_errors} | {m.nudges_sent:,} |"
            for n, m in enumerate(minutes, 1)
        ],
        "",
        "## Memory after each minute (MiB)",
        "",
        "| process | " + " | ".join(str(n) for n in range(1, len(minutes) + 1)) + " |",
        "|---|" + "---:|" * len(minutes),
    ]
    names = list(dict.fromkeys(name for m in minutes for name in m.memory_mib))
    for name in names:
        values = [f"{m.memory_mib[name]:.1f}" if name in m.memory_mib else "—" for m in minutes]
        lines.append(f"| {name} | " + " | ".join(values) + " |")
    return "\n".join([*lines, ""])


# --- The run ---------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=8, help="wrk connections, each a simulated client")
    parser.add_argument("--think-ms", type=int, default=200, help="pause of each connection between requests")
    parser.add_argument("--sample", type=int, default=200, help="distinct users the load cycles through")
    parser.add_argument("--due-per-scan", type=int, default=200, help="users made due before each scan")
    parser.add_argument("--scan-every", type=float, default=30.0, help="seconds between scans")
    add_process_arguments(parser, out=HERE / "SOAK.md")
    args = parser.parse_args()
    require_postgres_and_wrk(parser, "scripts/soak")

    workdir = Path(tempfile.mkdtemp(prefix="careerplan-soak-"))
    sink = SMTPSink()
    sink.controller.start()
    with bench_redis() as redis_url:
        os.environ.update(server_environment(redis_url, sink.port, token_minutes=args.minutes + 60))
        say(f"migrating, seeding {args.users} users")
        manage("migrate", "--noinput", "-v0")
        manage("seed_content")
        manage("collectstatic", "--noinput", "-v0")
        manage_showing_progress("seed_demo", "--users", str(args.users), "--seed", str(args.seed))

        import django

        django.setup()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        users = sample_users(args.sample, args.seed)
        kinds = mixed_load(api_targets(users), web_targets(users))
        schedule = [name for name, share in MIX.items() for _ in range(share)]
        script = workdir / "soak.lua"
        script.write_text(LUA % {"kinds": lua_table(kinds), "schedule": lua_table(schedule), "think": args.think_ms})
        port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
        redis_pid = find_pid(rf"^\S*redis-server \S*:{port}\b")
        pg_port = os.environ["DATABASE_URL"].rsplit(":", 1)[1].split("/")[0]
        postmaster = find_pid(rf"/postgres -D \S+ -p {pg_port}\b")
        web_port = free_port()
        base = f"http://127.0.0.1:{web_port}"
        server = start_gunicorn(web_port, args.web_workers, workdir / "gunicorn.log")
        worker = start_worker(args.celery_concurrency, workdir / "worker.log")
        stop_event = threading.Event()
        nudger = threading.Thread(target=nudge_loop, args=(stop_event, args.due_per_scan, args.scan_every))
        minutes: list[Minute] = []
        try:
            check_mix(base, kinds)
            # Every gunicorn worker serves every kind of request before minute 1: gthread workers keep
            # connections alive, so with the soak's few connections a worker can sit idle for minutes and
            # then load its lazy imports mid-soak, which the memory criterion would read as growth. Many
            # connections are not enough: a worker accepts all it can, so three of five took all 80 at
            # once and two stayed idle (96 MiB against 134). With "Connection: close" every request is a
            # new connection, taken by whichever worker waits in accept, so each worker gets its share.
            warm = run_minute(base, script, 4 * args.web_workers * 4, 15, "-H", "Connection: close")
            say(f"warm-up: {warm['requests']} requests, {warm['server_errors']} 5xx")
            nudger.start()
            say(
                f"{args.minutes} min of mixed load: {args.connections} connections, {args.think_ms} ms think time, "
                f"{args.web_workers} gunicorn workers"
            )
            for n in range(1, args.minutes + 1):
                data = run_minute(base, script, args.connections, 60)
                minute = Minute(
                    requests=data["requests"],
                    rps=data["requests"] / (data["duration_us"] / 1e6),
                    p50_ms=data["p50"] / 1000,
                    p99_ms=data["p99"] / 1000,
                    server_errors=data["server_errors"],
                    other_errors=data["status_errors"] - data["server_errors"] + data["socket_errors"],
                    nudges_sent=nudges_sent(),
                    memory_mib=memory(server.pid, worker.pid, redis_pid, postmaster),
                )
                minutes.append(minute)
                say(
                    f"minute {n}/{args.minutes} ({args.minutes - n} min left): "
                    f"{minute.requests} requests ({minute.rps:.1f}/s), p99 {minute.p99_ms:.1f} ms, "
                    f"{minute.server_errors} 5xx, {minute.other_errors} other errors, "
                    f"{minute.nudges_sent} nudges sent, largest gunicorn worker "
                    f"{max(v for k, v in minute.memory_mib.items() if k.startswith('gunicorn worker')):.1f} MiB"
                )
        finally:
            stop_event.set()
            if nudger.is_alive():
                nudger.join(timeout=30)
            stop(worker)
            stop(server)
            sink.controller.stop()
    settings = {
        "users": f"{args.users:,}",
        "load": f"wrk, {args.connections} connections, {args.think_ms} ms think time, one 60 s run per minute",
        "mix (of 20)": ", ".join(f"{name} {share}" for name, share in MIX.items()),
        "processes": f"gunicorn {args.web_workers} gthread workers of 4 threads, "
        f"Celery prefork {args.celery_concurrency}",
        "nudges": f"{args.due_per_scan} users made due and a scan enqueued every {args.scan_every:.0f} s",
        "email received by the SMTP sink": f"{sink.count:,}",
    }
    verdicts = judge(minutes)
    args.out.write_text(render(settings, minutes, verdicts))
    results = HERE / "RESULTS.md"
    if results.exists() and args.out.resolve() == (HERE / "SOAK.md").resolve():
        # The issue asks for the soak's figures beside the benchmark's.
        results.write_text(replace_soak_section(results.read_text(), args.out.read_text()))
    for rule, ok, detail in verdicts:
        say(f"{outcome(ok)}: {rule}: {detail}")
    say(f"wrote {args.out}")
    return 1 if any(ok is False for _, ok, _ in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
