#!/usr/bin/env python
"""Take the README's screenshots from the real app, in real headless Chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

It builds a throw-away SQLite database (migrations, the seed content and a
demo person with a lived-in plan, shared, with a certification and evidence),
runs the app with `manage.py runserver` on a free port, and writes, for
desktop (1280 px) and phone (360 px) widths: catalogue.png, track.png,
plan.png, dashboard.png and shared.png (plus *-mobile.png), and the shared
plan's link-preview image as the app draws it (shared-preview.png). Each PNG
is reduced to a 256-colour palette (screenshots of flat UI lose nothing
visible, and the files shrink to a third or so). Nothing outside --out is
touched; the project's own db.sqlite3 is left alone.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from localservers import NotListening, find_binary, free_port, scratch_dir, serving  # noqa: E402 - needs ROOT first

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync", "--no-first-run"]
# (file name, path, signed in, whole page). "{plan}" and "{shared}" are the
# demo person's plan and its shared link, made by build_database.
SHOTS = [
    ("catalogue", "/tracks/", False, False),
    ("track", "/tracks/machine-learning-engineer/", False, False),
    ("plan", "{plan}", True, False),
    ("dashboard", "/dashboard/", True, True),
    ("shared", "{shared}", False, False),
]
# With --all, the other pages too (for reviewing the UI; not in the README).
MORE_SHOTS = [
    ("landing", "/", False, False),
    ("quiz", "/quiz/?se_skill=4&ml_knowledge=3&communication=3&produces=prediction_systems", False, True),
    ("plan-whole", "{plan}", True, True),
    ("shared-whole", "{shared}", False, True),
    ("inbox", "/inbox/", True, False),
    ("settings", "/settings/", True, True),
]
# A certification the demo person holds (its validity shows on the shared page), and evidence links.
HELD_CERTIFICATION = "aws-certified-ml-engineer-associate"
EVIDENCE_URL = "https://github.com/dana-demo/{slug}"
SCREEN_EMAIL = "dana@careerplan.localhost"
# When the demo person finished each of their first milestones, in weeks ago.
WEEKS_AGO = [9, 8, 8, 6, 5, 4, 3, 2, 1]


def build_database() -> tuple[str, dict[str, str]]:
    """Migrate, load the seed content and make the demo person; returns a session key and the paths of their pages."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from nudges.models import Notification, Rule
    from tracker.models import (
        CareerTrack,
        Enrollment,
        Milestone,
        MilestoneProgress,
        Status,
        milestone_missing_prerequisites,
    )
    from tracker.planning import PlanDoesNotFit, plan_dates
    from tracker.progress import track_progress

    call_command("migrate", verbosity=0)
    call_command("loaddata", "careerplan", verbosity=0)
    user = User.objects.create_user(SCREEN_EMAIL, "screens-only", display_name="Dana", timezone="Europe/London")
    now = timezone.now()
    mle, _ = Enrollment.objects.enroll(user, CareerTrack.objects.get(slug="machine-learning-engineer"))
    Enrollment.objects.enroll(user, CareerTrack.objects.get(slug="data-engineer"))
    # Done over the past weeks, in ladder order, so the streak and chart have a history.
    done = 0
    for step in mle.track.visible_steps():
        if done == 9:
            break
        if milestone_missing_prerequisites(user, step.milestone):
            continue
        when = now - timedelta(weeks=WEEKS_AGO[done])
        MilestoneProgress.objects.set_status(user, step.milestone, Status.DONE, track=mle.track, now=when)
        done += 1
    # A certification earned last year, so the shared page shows it with its validity.
    certification = Milestone.objects.get(slug=HELD_CERTIFICATION)
    if not milestone_missing_prerequisites(user, certification):
        MilestoneProgress.objects.set_status(
            user, certification, Status.DONE, track=mle.track, now=now - timedelta(days=300)
        )
    for row in MilestoneProgress.objects.filter(user=user, status=Status.DONE).select_related("milestone")[:3]:
        row.evidence_url = EVIDENCE_URL.format(slug=row.milestone.slug)
        row.save(update_fields=["evidence_url", "updated_at"])
    try:
        plan_dates(mle, target_date=(now + timedelta(days=540)).date())
    except PlanDoesNotFit as too_soon:  # the seed's efforts add up to more: plan to the first date that fits
        plan_dates(mle, target_date=too_soon.date_that_fits)
    # One planned date already behind, so "overdue" shows.
    late = track_progress(mle).next_up[0]
    MilestoneProgress.objects.filter(user=user, milestone=late.milestone).update(
        target_date=(now - timedelta(days=4)).date()
    )
    Notification.objects.create(user=user, rule=Rule.DEADLINE, title="A milestone is due soon", url=f"/plans/{mle.pk}/")
    client = Client()
    client.force_login(user)
    paths = {"plan": f"/plans/{mle.pk}/", "shared": f"/shared/{mle.share()}/"}
    return client.cookies[settings.SESSION_COOKIE_NAME].value, paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--all", action="store_true", help="also the landing, quiz, plan, inbox and settings pages")
    args = parser.parse_args()
    chromium = find_binary("chromium")
    if chromium is None:
        raise SystemExit("chromium is missing: scripts/ensure-system-packages chromium:chromium")

    with scratch_dir("careerplan-screens-") as workdir:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "careerplan.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{workdir / 'screens.sqlite3'}",
            "CELERY_BROKER_DIR": str(workdir / "broker"),
            "CELERY_TASK_ALWAYS_EAGER": "1",
        }
        os.environ.update(env)
        session, paths = build_database()

        port = free_port()
        try:
            with serving(
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                port,
                start_timeout=30,
                stop_timeout=10,
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            ):
                shots = [
                    (name, path.format(**paths), signed_in, whole)
                    for name, path, signed_in, whole in SHOTS + (MORE_SHOTS if args.all else [])
                ]
                base = f"http://127.0.0.1:{port}"
                take(chromium, base, session, args.out, shots)
                save_preview_image(f"{base}{paths['shared']}preview.png", args.out / "shared-preview.png")
        except NotListening as error:
            raise SystemExit(f"the app did not start on port {port}") from error


def take(chromium: str, base: str, session: str, out: Path, shots: list[tuple[str, str, bool, bool]]) -> None:
    from playwright.sync_api import ViewportSize, sync_playwright

    sizes: list[tuple[str, ViewportSize]] = [
        ("", {"width": 1280, "height": 900}),
        ("-mobile", {"width": 360, "height": 780}),
    ]
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for suffix, viewport in sizes:
            context = browser.new_context(base_url=base, viewport=viewport, color_scheme="light")
            context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
            page = context.new_page()
            for name, path, signed_in, whole in shots:
                if not signed_in:
                    context.clear_cookies()
                else:
                    context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
                page.goto(path)
                target = out / f"{name}{suffix}.png"
                page.screenshot(path=str(target), full_page=whole)
                optimise(target)
            context.close()
        browser.close()


def save_preview_image(url: str, target: Path) -> None:
    """The shared plan's link-preview image, as a chat app would fetch it."""
    from urllib.request import urlopen

    with urlopen(url, timeout=30) as response:  # the throw-away server on 127.0.0.1
        target.write_bytes(response.read())
    optimise(target)


def optimise(target: Path) -> None:
    """Reduce a PNG to a 256-colour palette, optimised (see the module docstring), and say what was written."""
    from PIL import Image

    with Image.open(target) as image:
        reduced = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    reduced.save(target, format="PNG", optimize=True)
    shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
    print(f"wrote {shown} ({target.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
