"""Every v1 response body, pinned whole (the README's compatibility policy, checked).

Within v1 no field may be removed or renamed and no type or meaning may
change: a mobile app already in people's hands reads these bodies as they
are. So each test builds small, known data, calls the endpoint as the app
does and compares the WHOLE JSON body with a literal below, as pretix pins
its API (``TEST_ORDER_RES``). A failing test here means a v1 client breaks:
if the change only adds a field, add it to the literal; anything else
belongs in /api/v2/.

Time is frozen (``time_machine``) so timestamps are literal strings; the only
values filled in per test are ids the database assigns (``DbId``, which differ
between SQLite and PostgreSQL) and token strings (``A_JWT``).
"""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine

from nudges.models import Device, Notification
from tests.factories import (
    CareerLevelFactory,
    CareerTrackFactory,
    ChoiceGroupFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
    ResourceFactory,
)
from tracker.models import Enrollment, MilestoneProgress

pytestmark = pytest.mark.django_db

# --------------------------------------------------------------------------- the clock

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday: every request is made now
CATALOGUE_EDITED = datetime(2024, 1, 8, 10, 0, tzinfo=UTC)
ENROLLED = datetime(2024, 1, 8, 11, 0, tzinfo=UTC)
KAGGLE_DONE = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)  # valid 12 months: expired by now
PYTHON_STARTED = datetime(2026, 2, 10, 18, 0, tzinfo=UTC)
PYTHON_DONE = datetime(2026, 2, 18, 19, 15, tzinfo=UTC)
COURSE_STARTED = datetime(2026, 2, 24, 20, 0, tzinfo=UTC)
CERT_PLANNED = datetime(2026, 2, 25, 8, 0, tzinfo=UTC)
DIGEST_SENT = datetime(2026, 2, 23, 9, 0, tzinfo=UTC)
DIGEST_READ = datetime(2026, 2, 23, 12, 30, tzinfo=UTC)
DEADLINE_SENT = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- placeholders


class DbId:
    """An id the database assigns, named in a pinned body and filled in by ``filled``."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"DbId({self.name!r})"


class _Jwt:
    """Equal to any non-empty JWT string (header.payload.signature): token values cannot be literal."""

    PATTERN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")

    def __eq__(self, other):
        return isinstance(other, str) and bool(self.PATTERN.fullmatch(other))

    def __hash__(self):
        return 0

    def __repr__(self):
        return "A_JWT"


A_JWT = _Jwt()


def filled(body, **ids):
    """``body`` with each ``DbId`` replaced by the id of that name (a KeyError if one is not given)."""
    if isinstance(body, DbId):
        return ids[body.name]
    if isinstance(body, dict):
        return {key: filled(value, **ids) for key, value in body.items()}
    if isinstance(body, list):
        return [filled(value, **ids) for value in body]
    return body


# --------------------------------------------------------------------------- the data


@pytest.fixture(autouse=True)
def clock():
    """Frozen at NOW; fixtures step back in time to build history and return to NOW."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def catalogue(db, clock):
    """Two published tracks (one a specialisation of the other), a draft, levels, steps, links."""
    clock.move_to(CATALOGUE_EDITED)
    ml = CareerTrackFactory(
        slug="ml-engineer",
        name="ML Engineer",
        summary="Builds and ships machine-learning models.",
        work_product="Models running in products",
        produces="prediction_systems",
        tools=["Python", "PyTorch"],
        se_skill=4,
        ml_knowledge=4,
        communication_weight=3,
        order=1,
    )
    mlops = CareerTrackFactory(
        slug="mlops-engineer",
        name="MLOps Engineer",
        summary="Keeps models running in production.",
        work_product="Deployed, monitored systems",
        produces="deployed_systems",
        tools=["Kubernetes"],
        se_skill=5,
        ml_knowledge=3,
        communication_weight=2,
        order=2,
        parent=ml,
    )
    CareerTrackFactory(slug="draft-track", name="Draft", is_published=False, order=0)
    junior = CareerLevelFactory(
        track=ml,
        slug="junior",
        order=1,
        title="Junior ML Engineer",
        summary="Ships models with help.",
        salary_min=60000,
        salary_max=80000,
        salary_currency="EUR",
        salary_source="Example salary survey",
        salary_year=2025,
    )
    senior = CareerLevelFactory(track=ml, slug="senior", order=2, title="Senior ML Engineer")
    python = MilestoneFactory(
        slug="python-basics", title="Python basics", description="Write idiomatic Python.", effort_weeks=2
    )
    course = MilestoneFactory(
        slug="ml-course",
        title="An ML course",
        description="Finish a full machine-learning course.",
        category="education",
        effort_weeks=8,
    )
    cert = MilestoneFactory(
        slug="cloud-cert",
        title="Cloud ML certification",
        description="Pass a cloud provider's ML exam.",
        category="certification",
        effort_weeks=4,
        valid_for_months=24,
    )
    kaggle = MilestoneFactory(
        slug="kaggle-expert",
        title="Kaggle Expert",
        description="Reach the Expert tier.",
        category="kaggle",
        effort_weeks=6,
        valid_for_months=12,
    )
    hidden = MilestoneFactory(slug="hidden-step", title="Hidden step", description="Withdrawn.", is_active=False)
    k8s = MilestoneFactory(slug="k8s-basics", title="Kubernetes basics", description="Run a cluster.")
    course.prerequisites.add(python)
    cert.prerequisites.add(course, hidden)  # the hidden one is left out everywhere
    ResourceFactory(milestone=python, title="The Python tutorial", url="https://docs.python.org/3/tutorial/")
    ResourceFactory(milestone=python, title="Fluent Python", url="https://example.com/fluent-python")
    ResourceFactory(milestone=cert, title="Exam guide", url="https://example.com/exam-guide")
    LadderStepFactory(track=ml, milestone=python, level=junior, order=1)
    LadderStepFactory(track=ml, milestone=course, level=junior, order=2)
    LadderStepFactory(track=ml, milestone=cert, level=senior, order=3)
    LadderStepFactory(track=ml, milestone=kaggle, level=None, order=4)
    LadderStepFactory(track=ml, milestone=hidden, level=None, order=5)
    LadderStepFactory(track=mlops, milestone=k8s, level=None, order=1)
    clock.move_to(NOW)
    return {"ml": ml, "mlops": mlops, "python": python, "course": course, "cert": cert, "kaggle": kaggle}


@pytest.fixture
def plan(owner, catalogue, clock):
    """The owner follows ML Engineer: one milestone done, one expired, one under way, one planned."""
    c = catalogue
    clock.move_to(ENROLLED)
    enrollment = EnrollmentFactory(user=owner, track=c["ml"], target_date=date(2026, 9, 30))
    clock.move_to(KAGGLE_DONE)
    MilestoneProgress.objects.set_status(owner, c["kaggle"], "done")
    clock.move_to(PYTHON_STARTED)
    MilestoneProgress.objects.set_status(owner, c["python"], "in_progress", track=c["ml"])
    clock.move_to(PYTHON_DONE)
    MilestoneProgress.objects.set_status(owner, c["python"], "done", track=c["ml"])
    clock.move_to(COURSE_STARTED)
    MilestoneProgress.objects.update_state(
        owner,
        c["course"],
        status="in_progress",
        evidence_url="https://example.com/certificates/ml",
        notes="Week 3 of 8.",
        target_date=date(2026, 3, 10),
    )
    clock.move_to(CERT_PLANNED)
    MilestoneProgress.objects.update_state(owner, c["cert"], target_date=date(2026, 2, 20))
    clock.move_to(NOW)
    return enrollment


@pytest.fixture
def inbox(owner, other, clock):
    """An unread deadline nudge and a read digest for the owner; one for someone else."""
    deadline = Notification.objects.create(
        user=owner,
        rule="deadline",
        title="Cloud ML certification is due",
        body="It was planned for 20 February.",
        url="/tracks/ml-engineer/",
        created_at=DEADLINE_SENT,
    )
    digest = Notification.objects.create(
        user=owner, rule="digest", title="Your week", created_at=DIGEST_SENT, read_at=DIGEST_READ
    )
    Notification.objects.create(user=other, rule="digest", title="Not yours", created_at=DEADLINE_SENT)
    return deadline, digest


# --------------------------------------------------------------------------- tracks

ML_ENGINEER = {
    "slug": "ml-engineer",
    "name": "ML Engineer",
    "summary": "Builds and ships machine-learning models.",
    "work_product": "Models running in products",
    "produces": "prediction_systems",
    "tools": ["Python", "PyTorch"],
    "se_skill": 4,
    "ml_knowledge": 4,
    "communication_weight": 3,
    "parent": None,
    "updated_at": "2024-01-08T10:00:00Z",
}
MLOPS_ENGINEER = {
    "slug": "mlops-engineer",
    "name": "MLOps Engineer",
    "summary": "Keeps models running in production.",
    "work_product": "Deployed, monitored systems",
    "produces": "deployed_systems",
    "tools": ["Kubernetes"],
    "se_skill": 5,
    "ml_knowledge": 3,
    "communication_weight": 2,
    "parent": "ml-engineer",
    "updated_at": "2024-01-08T10:00:00Z",
}
TRACK_LIST_BODY = {"count": 2, "next": None, "previous": None, "results": [ML_ENGINEER, MLOPS_ENGINEER]}
TRACK_LIST_FIRST_PAGE_BODY = {
    "count": 2,
    "next": "http://testserver/api/v1/tracks/?page=2&page_size=1",
    "previous": None,
    "results": [ML_ENGINEER],
}
TRACK_DETAIL_BODY = {
    **ML_ENGINEER,
    "specialisations": ["mlops-engineer"],
    "levels": [
        {
            "slug": "junior",
            "order": 1,
            "title": "Junior ML Engineer",
            "summary": "Ships models with help.",
            "salary_min": 60000,
            "salary_max": 80000,
            "salary_currency": "EUR",
            "salary_source": "Example salary survey",
            "salary_year": 2025,
        },
        {
            "slug": "senior",
            "order": 2,
            "title": "Senior ML Engineer",
            "summary": "",
            "salary_min": None,
            "salary_max": None,
            "salary_currency": "USD",
            "salary_source": "",
            "salary_year": None,
        },
    ],
    "milestones": [
        {
            "slug": "python-basics",
            "title": "Python basics",
            "description": "Write idiomatic Python.",
            "category": "skill",
            "level": "junior",
            "order": 1,
            "effort_weeks": 2,
            "valid_for_months": None,
            "prerequisites": [],
            "resources": [
                {"title": "The Python tutorial", "url": "https://docs.python.org/3/tutorial/"},
                {"title": "Fluent Python", "url": "https://example.com/fluent-python"},
            ],
            "choice_group": None,
        },
        {
            "slug": "ml-course",
            "title": "An ML course",
            "description": "Finish a full machine-learning course.",
            "category": "education",
            "level": "junior",
            "order": 2,
            "effort_weeks": 8,
            "valid_for_months": None,
            "prerequisites": ["python-basics"],
            "resources": [],
            "choice_group": None,
        },
        {
            "slug": "cloud-cert",
            "title": "Cloud ML certification",
            "description": "Pass a cloud provider's ML exam.",
            "category": "certification",
            "level": "senior",
            "order": 3,
            "effort_weeks": 4,
            "valid_for_months": 24,
            "prerequisites": ["ml-course"],
            "resources": [{"title": "Exam guide", "url": "https://example.com/exam-guide"}],
            "choice_group": None,
        },
        {
            "slug": "kaggle-expert",
            "title": "Kaggle Expert",
            "description": "Reach the Expert tier.",
            "category": "kaggle",
            "level": None,
            "order": 4,
            "effort_weeks": 6,
            "valid_for_months": 12,
            "prerequisites": [],
            "resources": [],
            "choice_group": None,
        },
    ],
    # Added in issue 12: no choice group on this ladder (see CHOICES_TRACK_DETAIL_BODY), so every step counts.
    "choice_groups": [],
    "effort_weeks": 20,
}


def test_the_track_list_body_is_pinned(anon, catalogue):
    """The catalogue screen reads every field of every track; drafts are not listed."""
    response = anon.get("/api/v1/tracks/")
    assert response.status_code == 200
    assert response.json() == TRACK_LIST_BODY


def test_a_page_of_tracks_links_the_next_page_by_absolute_url(anon, catalogue):
    """The app pages by following ``next`` as given: its form is part of v1."""
    response = anon.get("/api/v1/tracks/", {"page_size": 1})
    assert response.status_code == 200
    assert response.json() == TRACK_LIST_FIRST_PAGE_BODY


def test_the_track_detail_body_is_pinned(anon, catalogue):
    """The track screen reads levels, salary bands, the ladder, prerequisites and links; hidden steps are left out."""
    response = anon.get("/api/v1/tracks/ml-engineer/")
    assert response.status_code == 200
    assert response.json() == TRACK_DETAIL_BODY


# --------------------------------------------------------------------------- enrollments

ENROLLMENT_BODY = {
    "id": DbId("enrollment"),
    "track": "ml-engineer",
    "title": "ML Engineer",
    "is_own": False,
    "status": "active",
    "started_at": "2024-01-08T11:00:00Z",
    "target_date": "2026-09-30",
    "completed_at": None,
    "updated_at": "2024-01-08T11:00:00Z",
    "version": 1,
}
ENROLLMENT_LIST_BODY = {"count": 1, "next": None, "previous": None, "results": [ENROLLMENT_BODY]}
ENROLLMENT_CREATED_BODY = {
    "id": DbId("enrollment"),
    "track": "mlops-engineer",
    "title": "MLOps Engineer",
    "is_own": False,
    "status": "active",
    "started_at": "2026-03-02T09:30:00Z",
    "target_date": "2027-01-31",
    "completed_at": None,
    "updated_at": "2026-03-02T09:30:00Z",
    "version": 1,
}
ENROLLMENT_COMPLETED_BODY = {
    "id": DbId("enrollment"),
    "track": "ml-engineer",
    "title": "ML Engineer",
    "is_own": False,
    "status": "completed",
    "started_at": "2024-01-08T11:00:00Z",
    "target_date": "2026-12-31",
    "completed_at": "2026-03-02T09:30:00Z",
    "updated_at": "2026-03-02T09:30:00Z",
    "version": 3,
}
# What is left is the course, the certificate and the expired Kaggle tier (8, 4
# and 6 weeks). Since issue 12 planning never moves a date the person set: the
# owner set the course's and the certificate's, so only the Kaggle tier is
# planned (the last, on the target date) and the two others are reported kept.
PLAN_BODY = {
    "planned": [
        {"milestone": "kaggle-expert", "target_date": "2026-09-30"},
    ],
    "kept": [
        {"milestone": "cloud-cert", "target_date": "2026-02-20"},
        {"milestone": "ml-course", "target_date": "2026-03-10"},
    ],
    "effort_weeks": 18,
}


def test_the_enrollment_list_body_is_pinned(api, plan):
    """The plans screen reads each enrollment's id, track, status and dates."""
    response = api.get("/api/v1/enrollments/")
    assert response.status_code == 200
    assert response.json() == filled(ENROLLMENT_LIST_BODY, enrollment=plan.pk)


def test_the_body_of_a_new_enrollment_is_pinned(api, plan):
    """Enrolling answers with the new enrollment, whose id the app keeps for later calls."""
    response = api.post("/api/v1/enrollments/", {"track": "mlops-engineer", "target_date": "2027-01-31"})
    assert response.status_code == 201
    created = Enrollment.objects.get(user=plan.user, track__slug="mlops-engineer")
    assert response.json() == filled(ENROLLMENT_CREATED_BODY, enrollment=created.pk)


def test_the_enrollment_detail_body_is_pinned(api, plan):
    """One enrollment reads exactly as it does in the list."""
    response = api.get(f"/api/v1/enrollments/{plan.pk}/")
    assert response.status_code == 200
    assert response.json() == filled(ENROLLMENT_BODY, enrollment=plan.pk)


def test_the_body_of_a_changed_enrollment_is_pinned(api, plan):
    """PATCH answers with the whole enrollment, completion time included."""
    response = api.patch(f"/api/v1/enrollments/{plan.pk}/", {"status": "completed", "target_date": "2026-12-31"})
    assert response.status_code == 200
    assert response.json() == filled(ENROLLMENT_COMPLETED_BODY, enrollment=plan.pk)


def test_the_plan_body_is_pinned(api, plan):
    """Planning answers with each new date and each of the person's own dates it kept, in date order, and the effort."""
    response = api.post(f"/api/v1/enrollments/{plan.pk}/plan/")
    assert response.status_code == 200
    assert response.json() == PLAN_BODY


# --------------------------------------------------------------------------- progress

CERT_PROGRESS = {
    "milestone": "cloud-cert",
    "title": "Cloud ML certification",
    "category": "certification",
    "personal": False,
    "status": "not_started",
    "started_at": None,
    "completed_at": None,
    "earned_on": None,
    "expires_on": None,
    "renewal": None,
    "retired_on": None,
    "successor": None,
    "target_date": "2026-02-20",
    "evidence_url": "",
    "notes": "",
    "updated_at": "2026-02-25T08:00:00Z",
    "version": 2,
}
KAGGLE_PROGRESS = {
    "milestone": "kaggle-expert",
    "title": "Kaggle Expert",
    "category": "kaggle",
    "personal": False,
    "status": "expired",
    "started_at": "2024-05-01T12:00:00Z",
    "completed_at": "2024-05-01T12:00:00Z",
    "earned_on": "2024-05-01",
    "expires_on": "2025-05-01",
    "renewal": {
        "state": "expired",
        "expires_on": "2025-05-01",
        "renewal_opens_on": "2025-01-31",
        "days_left": -305,
        "is_closing": False,
    },
    "retired_on": None,
    "successor": None,
    "target_date": None,
    "evidence_url": "",
    "notes": "",
    "updated_at": "2024-05-01T12:00:00Z",
    "version": 2,
}
COURSE_PROGRESS = {
    "milestone": "ml-course",
    "title": "An ML course",
    "category": "education",
    "personal": False,
    "status": "in_progress",
    "started_at": "2026-02-24T20:00:00Z",
    "completed_at": None,
    "earned_on": None,
    "expires_on": None,
    "renewal": None,
    "retired_on": None,
    "successor": None,
    "target_date": "2026-03-10",
    "evidence_url": "https://example.com/certificates/ml",
    "notes": "Week 3 of 8.",
    "updated_at": "2026-02-24T20:00:00Z",
    "version": 2,
}
PYTHON_PROGRESS = {
    "milestone": "python-basics",
    "title": "Python basics",
    "category": "skill",
    "personal": False,
    "status": "done",
    "started_at": "2026-02-10T18:00:00Z",
    "completed_at": "2026-02-18T19:15:00Z",
    "earned_on": "2026-02-18",
    "expires_on": None,
    "renewal": None,
    "retired_on": None,
    "successor": None,
    "target_date": None,
    "evidence_url": "",
    "notes": "",
    "updated_at": "2026-02-18T19:15:00Z",
    "version": 3,
}
PROGRESS_LIST_BODY = {
    "count": 4,
    "next": None,
    "previous": None,
    "results": [CERT_PROGRESS, KAGGLE_PROGRESS, COURSE_PROGRESS, PYTHON_PROGRESS],
}
PROGRESS_SYNC_BODY = {
    "count": 2,
    "next": None,
    "previous": None,
    "results": [CERT_PROGRESS, COURSE_PROGRESS],
    "removed": ["hidden-step", "k8s-basics"],
}
PROGRESS_DETAIL_BODY = COURSE_PROGRESS
PROGRESS_PATCHED_BODY = {
    **CERT_PROGRESS,
    "status": "in_progress",
    "started_at": "2026-03-02T09:30:00Z",
    "notes": "Booked the exam.",
    "updated_at": "2026-03-02T09:30:00Z",
    "version": 3,
}


def test_the_progress_list_body_is_pinned(api, plan):
    """The app's progress store reads every field; ``expired`` is a status only responses carry."""
    response = api.get("/api/v1/progress/")
    assert response.status_code == 200
    assert response.json() == PROGRESS_LIST_BODY


def test_the_incremental_sync_body_is_pinned(api, plan):
    """A sync lists what changed since then and adds ``removed``, every slug the app must drop."""
    response = api.get("/api/v1/progress/", {"updated_since": "2026-02-20T00:00:00Z"})
    assert response.status_code == 200
    assert response.json() == PROGRESS_SYNC_BODY


def test_the_progress_detail_body_is_pinned(api, plan):
    """One milestone's state reads exactly as it does in the list."""
    response = api.get("/api/v1/progress/ml-course/")
    assert response.status_code == 200
    assert response.json() == PROGRESS_DETAIL_BODY


def test_the_body_of_changed_progress_is_pinned(api, plan):
    """PATCH answers with the whole new state, which the app stores as it is."""
    response = api.patch("/api/v1/progress/cloud-cert/", {"status": "in_progress", "notes": "Booked the exam."})
    assert response.status_code == 200
    assert response.json() == PROGRESS_PATCHED_BODY


# --------------------------------------------------------------------------- sync (sync/)


class _Cursor:
    """Equal to any non-empty string: a cursor is opaque (signed), so it cannot be literal."""

    def __eq__(self, other):
        return isinstance(other, str) and bool(other)

    def __hash__(self):
        return 0

    def __repr__(self):
        return "A_CURSOR"


A_CURSOR = _Cursor()


def change(kind, name, data):
    return {"kind": kind, "id": DbId(name), "deleted": False, "data": data}


# Each object in its own endpoint's shape, in the order each last changed.
SYNC_BODY = {
    "changes": [
        change("plan", "enrollment", ENROLLMENT_BODY),
        change("progress", "kaggle", KAGGLE_PROGRESS),
        change("progress", "python", PYTHON_PROGRESS),
        change("progress", "course", COURSE_PROGRESS),
        change("progress", "cert", CERT_PROGRESS),
    ],
    "next_cursor": A_CURSOR,
    "has_more": False,
}
BATCH_BODY = {
    "results": [
        {
            "idempotency_key": "a",
            "op": "progress.update",
            "replayed": False,
            "status": "applied",
            "data": PROGRESS_PATCHED_BODY,
            "version": 3,
        },
        {
            "idempotency_key": "b",
            "op": "progress.update",
            "replayed": False,
            "status": "conflict",
            "current": COURSE_PROGRESS,
            "version": 2,
        },
    ]
}


def test_the_sync_body_is_pinned(api, owner, plan):
    """The app's first sync: everything of the person's, each as its own endpoint shows it."""
    response = api.get("/api/v1/sync/")
    assert response.status_code == 200
    rows = dict(MilestoneProgress.objects.filter(user=owner).values_list("milestone__slug", "pk"))
    ids = {"kaggle": "kaggle-expert", "python": "python-basics", "course": "ml-course", "cert": "cloud-cert"}
    assert response.json() == filled(SYNC_BODY, enrollment=plan.pk, **{n: rows[s] for n, s in ids.items()})


def test_the_batch_body_is_pinned(api, plan):
    """Each operation answered on its own: applied with the new state, or a conflict with the current one."""
    operations = [
        {
            "idempotency_key": "a",
            "op": "progress.update",
            "target": {"milestone": "cloud-cert"},
            "data": {"status": "in_progress", "notes": "Booked the exam."},
            "base_version": 2,
        },
        {"idempotency_key": "b", "op": "progress.update", "target": {"milestone": "ml-course"}, "base_version": 1},
    ]
    response = api.post("/api/v1/sync/batch/", {"operations": operations}, format="json")
    assert response.status_code == 200
    assert response.json() == BATCH_BODY


# --------------------------------------------------------------------------- dashboard

DASHBOARD_BODY = {
    "today": "2026-03-02",
    "streak_weeks": 3,
    # Active the three weeks before this one; nothing yet this week, no rest week used.
    "streak": {
        "weeks": 3,
        "this_week": "open",
        "at_risk": False,
        "rest_weeks_used": 0,
        "rest_weeks_available": 1,
        "last_rest_week": None,
        "next_rest_week": "2026-03-02",
    },
    "heatmap": {
        "start": "2025-09-08",
        "end": "2026-03-08",
        "active_days": 4,
        "days": [
            {"day": "2026-02-10", "count": 1, "level": 1},
            {"day": "2026-02-18", "count": 1, "level": 1},
            {"day": "2026-02-24", "count": 1, "level": 1},
            {"day": "2026-02-25", "count": 1, "level": 1},
        ],
        "rest_weeks": [],
    },
    "enrollments": [
        {
            "enrollment": DbId("enrollment"),
            "track": "ml-engineer",
            "track_name": "ML Engineer",
            "target_date": "2026-09-30",
            "status": "active",
            "percent": 25,
            "total": 4,
            "done": 1,
            "skipped": 0,
            "counted": 4,
            "effort_weeks": 20,
            "effort_left_weeks": 18,
            "is_complete": False,
            "by_category": [
                {
                    "category": "education",
                    "label": "Education",
                    "total": 1,
                    "done": 0,
                    "skipped": 0,
                    "counted": 1,
                    "percent": 0,
                },
                {
                    "category": "certification",
                    "label": "Certification",
                    "total": 1,
                    "done": 0,
                    "skipped": 0,
                    "counted": 1,
                    "percent": 0,
                },
                {
                    "category": "kaggle",
                    "label": "Kaggle",
                    "total": 1,
                    "done": 0,
                    "skipped": 0,
                    "counted": 1,
                    "percent": 0,
                },
                {
                    "category": "skill",
                    "label": "Skill",
                    "total": 1,
                    "done": 1,
                    "skipped": 0,
                    "counted": 1,
                    "percent": 100,
                },
            ],
            "groups": [],
            "next_up": [
                {
                    "milestone": "ml-course",
                    "title": "An ML course",
                    "category": "education",
                    "personal": False,
                    "status": "in_progress",
                    "target_date": "2026-03-10",
                    "role": "required",
                    "checklist_done": 0,
                    "checklist_total": 0,
                },
                {
                    "milestone": "kaggle-expert",
                    "title": "Kaggle Expert",
                    "category": "kaggle",
                    "personal": False,
                    "status": "expired",
                    "target_date": None,
                    "role": "required",
                    "checklist_done": 0,
                    "checklist_total": 0,
                },
            ],
            "upcoming": [
                {
                    "milestone": "ml-course",
                    "title": "An ML course",
                    "category": "education",
                    "personal": False,
                    "status": "in_progress",
                    "target_date": "2026-03-10",
                    "role": "required",
                    "checklist_done": 0,
                    "checklist_total": 0,
                },
            ],
            "overdue": [
                {
                    "milestone": "cloud-cert",
                    "title": "Cloud ML certification",
                    "category": "certification",
                    "personal": False,
                    "status": "not_started",
                    "target_date": "2026-02-20",
                    "role": "required",
                    "checklist_done": 0,
                    "checklist_total": 0,
                },
            ],
        }
    ],
}


def test_the_dashboard_body_is_pinned(api, plan):
    """The app opens on this screen: percentages, categories, next up, upcoming, overdue and the streak."""
    response = api.get("/api/v1/dashboard/")
    assert response.status_code == 200
    assert response.json() == filled(DASHBOARD_BODY, enrollment=plan.pk)


# --------------------------------------------------------------------------- choice groups (issue 12)

ANALYST_EDITED = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
SQL_DONE = datetime(2026, 1, 12, 17, 0, tzinfo=UTC)
TABLEAU_STARTED = datetime(2026, 2, 16, 19, 0, tzinfo=UTC)


@pytest.fixture
def choices(owner, clock):
    """A track whose ladder offers a choice of one BI tool; the owner has done SQL and chosen Tableau."""
    clock.move_to(ANALYST_EDITED)
    track = CareerTrackFactory(
        slug="data-analyst",
        name="Data Analyst",
        summary="Turns data into decisions.",
        work_product="Reports and dashboards",
        produces="insights",
        tools=["SQL"],
        se_skill=2,
        ml_knowledge=2,
        communication_weight=4,
        order=3,
    )
    group = ChoiceGroupFactory(
        track=track, slug="one-bi-tool", title="One BI tool", description="Either is enough: pick your employer's."
    )
    sql = MilestoneFactory(slug="sql", title="SQL", description="Query a warehouse.", effort_weeks=4)
    tableau = MilestoneFactory(slug="tableau", title="Tableau", description="Build dashboards.", effort_weeks=6)
    power_bi = MilestoneFactory(slug="power-bi", title="Power BI", description="Build reports.", effort_weeks=3)
    LadderStepFactory(track=track, milestone=sql, order=1)
    LadderStepFactory(track=track, milestone=tableau, order=2, choice_group=group)
    LadderStepFactory(track=track, milestone=power_bi, order=3, choice_group=group)
    EnrollmentFactory(user=owner, track=track)
    clock.move_to(SQL_DONE)
    MilestoneProgress.objects.set_status(owner, sql, "done", track=track)
    clock.move_to(TABLEAU_STARTED)
    MilestoneProgress.objects.set_status(owner, tableau, "in_progress", track=track)
    clock.move_to(NOW)
    return track


def _analyst_step(slug, title, description, order, effort, group):
    return {
        "slug": slug,
        "title": title,
        "description": description,
        "category": "skill",
        "level": None,
        "order": order,
        "effort_weeks": effort,
        "valid_for_months": None,
        "prerequisites": [],
        "resources": [],
        "choice_group": group,
    }


# The honest total counts the group once, by its quickest option: 4 + 3 weeks.
CHOICES_TRACK_DETAIL_BODY = {
    "slug": "data-analyst",
    "name": "Data Analyst",
    "summary": "Turns data into decisions.",
    "work_product": "Reports and dashboards",
    "produces": "insights",
    "tools": ["SQL"],
    "se_skill": 2,
    "ml_knowledge": 2,
    "communication_weight": 4,
    "parent": None,
    "updated_at": "2025-06-02T10:00:00Z",
    "specialisations": [],
    "levels": [],
    "milestones": [
        _analyst_step("sql", "SQL", "Query a warehouse.", 1, 4, None),
        _analyst_step("tableau", "Tableau", "Build dashboards.", 2, 6, "one-bi-tool"),
        _analyst_step("power-bi", "Power BI", "Build reports.", 3, 3, "one-bi-tool"),
    ],
    "choice_groups": [
        {
            "slug": "one-bi-tool",
            "title": "One BI tool",
            "description": "Either is enough: pick your employer's.",
            "needs": 1,
            "milestones": ["tableau", "power-bi"],
        }
    ],
    "effort_weeks": 7,
}
# Two units (SQL, the group), one done; the group counts the option chosen
# (Tableau, 6 weeks), and Power BI, an alternative now, is never next up.
CHOICES_DASHBOARD_PLAN = {
    "enrollment": DbId("enrollment"),
    "track": "data-analyst",
    "track_name": "Data Analyst",
    "target_date": None,
    "status": "active",
    "percent": 50,
    "total": 2,
    "done": 1,
    "skipped": 0,
    "counted": 2,
    "effort_weeks": 10,
    "effort_left_weeks": 6,
    "is_complete": False,
    "by_category": [
        {"category": "skill", "label": "Skill", "total": 2, "done": 1, "skipped": 0, "counted": 2, "percent": 50}
    ],
    "groups": [
        {
            "slug": "one-bi-tool",
            "title": "One BI tool",
            "needs": 1,
            "done": 0,
            "status": "in_progress",
            "chosen": ["tableau"],
        }
    ],
    "next_up": [
        {
            "milestone": "tableau",
            "title": "Tableau",
            "category": "skill",
            "personal": False,
            "status": "in_progress",
            "target_date": None,
            "role": "candidate",
            "checklist_done": 0,
            "checklist_total": 0,
        }
    ],
    "upcoming": [],
    "overdue": [],
}


def test_the_body_of_a_track_with_a_choice_group_is_pinned(anon, choices):
    """Each step names its choice group; the track lists its groups and the effort a person starting out needs."""
    response = anon.get("/api/v1/tracks/data-analyst/")
    assert response.status_code == 200
    assert response.json() == CHOICES_TRACK_DETAIL_BODY


def test_a_plan_with_a_choice_group_is_pinned_in_the_dashboard(api, choices):
    """A plan's group is one unit: its state and chosen options, its effort; next-up items carry their role."""
    response = api.get("/api/v1/dashboard/")
    assert response.status_code == 200
    enrollment = Enrollment.objects.get(track=choices)
    assert response.json()["enrollments"] == [filled(CHOICES_DASHBOARD_PLAN, enrollment=enrollment.pk)]


# --------------------------------------------------------------------------- notifications and devices

DEADLINE_NOTIFICATION = {
    "id": DbId("deadline"),
    "rule": "deadline",
    "title": "Cloud ML certification is due",
    "body": "It was planned for 20 February.",
    "url": "/tracks/ml-engineer/",
    "created_at": "2026-03-01T08:00:00Z",
    "read_at": None,
}
DIGEST_NOTIFICATION = {
    "id": DbId("digest"),
    "rule": "digest",
    "title": "Your week",
    "body": "",
    "url": "",
    "created_at": "2026-02-23T09:00:00Z",
    "read_at": "2026-02-23T12:30:00Z",
}
NOTIFICATION_LIST_BODY = {
    "count": 2,
    "next": None,
    "previous": None,
    "results": [DEADLINE_NOTIFICATION, DIGEST_NOTIFICATION],
}
NOTIFICATION_READ_BODY = {**DEADLINE_NOTIFICATION, "read_at": "2026-03-02T09:30:00Z"}
READ_ALL_BODY = {"marked_read": 1}
DEVICE_BODY = {
    "id": DbId("device"),
    "platform": "android",
    "token": "fcm-token-0123456789",
    # Added within v1 (issue 15): what the app says about its build and language.
    "apns_environment": "",
    "app_version": "",
    "locale": "",
    "created_at": "2026-03-02T09:30:00Z",
    "last_seen_at": "2026-03-02T09:30:00Z",
}
IPHONE_BODY = {
    **DEVICE_BODY,
    "id": DbId("iphone"),
    "platform": "ios",
    "token": "fcm-token-of-an-iphone",
    "apns_environment": "production",
    "app_version": "1.4.0 (212)",
    "locale": "en-GB",
}
DEVICE_LIST_BODY = {"count": 2, "next": None, "previous": None, "results": [IPHONE_BODY, DEVICE_BODY]}


def test_the_notification_list_body_is_pinned(api, inbox):
    """The inbox reads every notification field, newest first."""
    deadline, digest = inbox
    response = api.get("/api/v1/notifications/")
    assert response.status_code == 200
    assert response.json() == filled(NOTIFICATION_LIST_BODY, deadline=deadline.pk, digest=digest.pk)


def test_the_body_of_a_notification_marked_read_is_pinned(api, inbox):
    """Marking one read answers with the notification and its read time."""
    deadline, _ = inbox
    response = api.post(f"/api/v1/notifications/{deadline.pk}/read/")
    assert response.status_code == 200
    assert response.json() == filled(NOTIFICATION_READ_BODY, deadline=deadline.pk)


def test_the_read_all_body_is_pinned(api, inbox):
    """Marking all read answers with how many changed (the badge's count)."""
    response = api.post("/api/v1/notifications/read-all/")
    assert response.status_code == 200
    assert response.json() == READ_ALL_BODY


def test_the_body_of_a_registered_device_is_pinned(api, owner):
    """Registering a push token answers with the device, whose id the app deletes at sign-out."""
    response = api.post("/api/v1/devices/", {"platform": "android", "token": "fcm-token-0123456789"})
    assert response.status_code == 201
    device = Device.objects.get(user=owner)
    assert response.json() == filled(DEVICE_BODY, device=device.pk)


def test_the_device_list_body_is_pinned(api, owner):
    """The person's devices, newest first, each with its details (issue 15)."""
    android = api.post("/api/v1/devices/", {"platform": "android", "token": "fcm-token-0123456789"}).json()
    iphone = api.post(
        "/api/v1/devices/",
        {
            "platform": "ios",
            "token": "fcm-token-of-an-iphone",
            "apns_environment": "production",
            "app_version": "1.4.0 (212)",
            "locale": "en-GB",
        },
    ).json()
    response = api.get("/api/v1/devices/")
    assert response.status_code == 200
    assert response.json() == filled(DEVICE_LIST_BODY, device=android["id"], iphone=iphone["id"])


# --------------------------------------------------------------------------- the account

ME_BODY = {
    "id": DbId("user"),
    "email": "owner@example.com",
    "display_name": "Olive Owner",
    "timezone": "UTC",
    "date_joined": "2026-03-02T09:30:00Z",
    "reminder_preferences": {
        "enabled": True,
        "email_enabled": True,
        "in_app_enabled": True,
        "push_enabled": True,
        "stalled_after_days": 7,
        "digest_enabled": True,
        "digest_weekday": 0,
        "digest_hour": 9,
        "mentor_updates_enabled": True,
        "skills_checkin_enabled": True,
        "quiet_start": "21:00:00",
        "quiet_end": "08:00:00",
        "snoozed_until": None,
    },
}
# The export is a file for people rather than the app, and its times are
# isoformat() with "+00:00" where the rest of the API writes "Z".
EXPORT_BODY = {
    "exported_at": "2026-03-02T09:30:00+00:00",
    "profile": {
        "email": "owner@example.com",
        "display_name": "Olive Owner",
        "timezone": "UTC",
        "date_joined": "2026-03-02T09:30:00+00:00",
        "last_login": None,
    },
    "quiz_result": None,
    "enrollments": [
        {
            "track": "ml-engineer",
            "title": "ML Engineer",
            "own_plan": False,
            "milestones_in_order": ["python-basics", "ml-course", "cloud-cert", "kaggle-expert"],
            "added_steps": [],
            "status": "active",
            "started_at": "2024-01-08T11:00:00+00:00",
            "target_date": "2026-09-30",
            "completed_at": None,
            "shared": False,
            "percent": 25,
            "done": 1,
            "counted": 4,
            "skipped": 0,
        }
    ],
    "personal_milestones": [],
    "progress": [
        {
            "milestone": "cloud-cert",
            "status": "not_started",
            "started_at": None,
            "completed_at": None,
            "earned_on": None,
            "expires_on": None,
            "target_date": "2026-02-20",
            "target_date_planned": False,
            "evidence_url": "",
            "notes": "",
            "earned_in": None,
            "updated_at": "2026-02-25T08:00:00+00:00",
        },
        {
            "milestone": "kaggle-expert",
            "status": "done",
            "started_at": "2024-05-01T12:00:00+00:00",
            "completed_at": "2024-05-01T12:00:00+00:00",
            "earned_on": "2024-05-01",
            "expires_on": "2025-05-01",
            "target_date": None,
            "target_date_planned": False,
            "evidence_url": "",
            "notes": "",
            "earned_in": None,
            "updated_at": "2024-05-01T12:00:00+00:00",
        },
        {
            "milestone": "ml-course",
            "status": "in_progress",
            "started_at": "2026-02-24T20:00:00+00:00",
            "completed_at": None,
            "earned_on": None,
            "expires_on": None,
            "target_date": "2026-03-10",
            "target_date_planned": False,
            "evidence_url": "https://example.com/certificates/ml",
            "notes": "Week 3 of 8.",
            "earned_in": None,
            "updated_at": "2026-02-24T20:00:00+00:00",
        },
        {
            "milestone": "python-basics",
            "status": "done",
            "started_at": "2026-02-10T18:00:00+00:00",
            "completed_at": "2026-02-18T19:15:00+00:00",
            "earned_on": "2026-02-18",
            "expires_on": None,
            "target_date": None,
            "target_date_planned": False,
            "evidence_url": "",
            "notes": "",
            "earned_in": "ml-engineer",
            "updated_at": "2026-02-18T19:15:00+00:00",
        },
    ],
    "earnings": [
        {
            "milestone": "kaggle-expert",
            "earned_on": "2024-05-01",
            "expires_on": "2025-05-01",
            "renewal": False,
            "evidence_url": "",
        },
        {
            "milestone": "python-basics",
            "earned_on": "2026-02-18",
            "expires_on": None,
            "renewal": False,
            "evidence_url": "",
        },
    ],
    "history": [
        {
            "milestone": "kaggle-expert",
            "track": None,
            "from": "not_started",
            "to": "done",
            "earned_on": "2024-05-01",
            "at": "2024-05-01T12:00:00+00:00",
            "device": "",
        },
        {
            "milestone": "python-basics",
            "track": "ml-engineer",
            "from": "not_started",
            "to": "in_progress",
            "earned_on": None,
            "at": "2026-02-10T18:00:00+00:00",
            "device": "",
        },
        {
            "milestone": "python-basics",
            "track": "ml-engineer",
            "from": "in_progress",
            "to": "done",
            "earned_on": "2026-02-18",
            "at": "2026-02-18T19:15:00+00:00",
            "device": "",
        },
        {
            "milestone": "ml-course",
            "track": None,
            "from": "not_started",
            "to": "in_progress",
            "earned_on": None,
            "at": "2026-02-24T20:00:00+00:00",
            "device": "",
        },
    ],
    "checklist_items": [],
    "checklist_ticks": [],
    "activity_days": [
        {"day": "2024-05-01", "count": 1},
        {"day": "2026-02-10", "count": 1},
        {"day": "2026-02-18", "count": 1},
        {"day": "2026-02-24", "count": 1},
        {"day": "2026-02-25", "count": 1},
    ],
    "rest_weeks": [],
    "reminder_preferences": {
        "enabled": True,
        "email_enabled": True,
        "in_app_enabled": True,
        "push_enabled": True,
        "stalled_after_days": 7,
        "digest_enabled": True,
        "digest_weekday": 0,
        "digest_hour": 9,
        "mentor_updates_enabled": True,
        "skills_checkin_enabled": True,
        "quiet_start": "21:00:00",
        "quiet_end": "08:00:00",
        "snoozed_until": None,
    },
    "notifications": [
        {
            "rule": "digest",
            "title": "Your week",
            "body": "",
            "created_at": "2026-02-23T09:00:00+00:00",
            "read_at": "2026-02-23T12:30:00+00:00",
        },
        {
            "rule": "deadline",
            "title": "Cloud ML certification is due",
            "body": "It was planned for 20 February.",
            "created_at": "2026-03-01T08:00:00+00:00",
            "read_at": None,
        },
    ],
    "devices": [
        {
            "platform": "ios",
            "token_ending": "456789",
            "apns_environment": "",
            "app_version": "",
            "locale": "",
            "created_at": "2026-03-02T09:30:00+00:00",
        }
    ],
    "deliveries": [],
    "badges": [],
    "calendar_feed": {"subscribed": False, "created_at": None},
    "mentorships": [],
    "mentor_invitations": [],
    "skill_ratings": [],
    "company_checks": [],
}


def test_the_me_body_is_pinned(api, owner):
    """The profile screen reads the profile and the reminder preferences, with local times without offset."""
    response = api.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json() == filled(ME_BODY, user=owner.pk)


def test_the_export_body_is_pinned(api, owner, plan, inbox):
    """The data export hands over everything held about the person, token masked; its sections are part of v1."""
    Device.objects.create(user=owner, platform="ios", token="apns-token-0123456789")
    response = api.get("/api/v1/me/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="careerplan-export.json"'
    assert response.json() == EXPORT_BODY


# --------------------------------------------------------------------------- role-fit and ping

ROLE_FIT_BODY = {
    "results": [
        {
            "track": "ml-engineer",
            "track_name": "ML Engineer",
            "score": 100,
            "reasons": [
                "Your mix of software engineering (4/5) and machine learning (4/5) sits right by this role's "
                "(4/5 and 4/5).",
                "It delivers what you enjoy producing: trained models running in products.",
                "Writing and communication weigh about as much as you would like.",
            ],
        },
        {
            "track": "mlops-engineer",
            "track_name": "MLOps Engineer",
            "score": 56,
            "reasons": [
                "The role asks for more software engineering (5/5 against your 4/5): the ladder below gets you there.",
                "It mostly delivers deployed, monitored production systems, not what you picked.",
                "Writing and communication weigh about as much as you would like.",
            ],
        },
    ]
}
PING_BODY = {"user_id": DbId("user"), "server_time": "2026-03-02T09:30:00Z"}


def test_the_role_fit_body_is_pinned(anon, catalogue):
    """The quiz's result screen shows each published track's score and reasons, best first."""
    answers = {"se_skill": 4, "ml_knowledge": 4, "communication": 3, "produces": "prediction_systems"}
    response = anon.post("/api/v1/role-fit/", answers)
    assert response.status_code == 200
    assert response.json() == ROLE_FIT_BODY


def test_the_ping_body_is_pinned(api, owner):
    """The app checks its token and takes its next ``updated_since`` from ``server_time``."""
    response = api.get("/api/v1/ping/")
    assert response.status_code == 200
    assert response.json() == filled(PING_BODY, user=owner.pk)


# --------------------------------------------------------------------------- auth

# Changed within v1 for security (issue 14): 201 with a token pair before, 202 with this now (README, REST API).
REGISTER_BODY = {
    "email": "new.person@example.com",
    "message": "Check your inbox: we have sent new.person@example.com a link to confirm the address. "
    "Once it is confirmed, sign in with auth/token/.",
}
TOKEN_BODY = {"access": A_JWT, "refresh": A_JWT}
PASSWORD_CHANGED_BODY = {
    **TOKEN_BODY,
    "message": "Your password has been changed. Every other sign-in has ended, and push notifications stopped on "
    "all your devices: keep using this app with the tokens in this answer, and register its push token again "
    "(POST devices/).",
}
PASSWORD_RESET_BODY = {
    "email": "owner@example.com",
    "message": "Check your inbox: if owner@example.com is the address of an account, we have sent it a link to "
    "choose a new password. Otherwise it gets a note saying so.",
}


def test_the_register_body_is_pinned(anon):
    """Sign-up answers 202 and the address to check; the same for a taken address. No token until it is confirmed."""
    response = anon.post(
        "/api/v1/auth/register/",
        {
            "email": "New.Person@Example.com",
            "password": "a long and unusual passphrase",
            "display_name": "New Person",
            "timezone": "Europe/Berlin",
        },
    )
    assert response.status_code == 202
    assert response.json() == REGISTER_BODY


def test_the_token_body_is_pinned(anon, owner, password):
    """Sign-in answers with exactly an access and a refresh token."""
    response = anon.post("/api/v1/auth/token/", {"email": "owner@example.com", "password": password})
    assert response.status_code == 200
    assert response.json() == TOKEN_BODY


def test_the_password_change_body_is_pinned(api, password):
    """A new pair for this app, and what else the change did (issue 15)."""
    response = api.post(
        "/api/v1/auth/password/change/",
        {"current_password": password, "new_password": "a fresh and unusual passphrase"},
    )
    assert response.status_code == 200
    assert response.json() == PASSWORD_CHANGED_BODY


def test_the_password_reset_body_is_pinned(anon, owner):
    """202 and the address to check, whether or not it has an account (issue 15)."""
    response = anon.post("/api/v1/auth/password/reset/", {"email": "Owner@Example.com"})
    assert response.status_code == 202
    assert response.json() == PASSWORD_RESET_BODY


def test_the_token_refresh_body_is_pinned(anon, owner, password):
    """A refresh answers with a new pair (rotation): the app replaces both."""
    refresh = anon.post("/api/v1/auth/token/", {"email": "owner@example.com", "password": password}).json()["refresh"]
    response = anon.post("/api/v1/auth/token/refresh/", {"refresh": refresh})
    assert response.status_code == 200
    assert response.json() == TOKEN_BODY


# --------------------------------------------------------------------------- errors

VALIDATION_ERROR_BODY = {
    "code": "invalid",
    "message": "Check the highlighted fields.",
    "fields": {
        "track": ["Object with slug=no-such-track does not exist."],
        "target_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
    },
    "field_codes": {"track": ["does_not_exist"], "target_date": ["invalid"]},
}
NOT_FOUND_BODY = {"code": "not_found", "message": "Not found."}
PREREQUISITES_MISSING_BODY = {
    "code": "prerequisites_missing",
    "message": "Finish the prerequisites first: An ML course.",
    "missing": [{"slug": "ml-course", "title": "An ML course"}],
}
NOT_AUTHENTICATED_BODY = {"code": "not_authenticated", "message": "Authentication credentials were not provided."}


def test_the_validation_error_body_is_pinned(api, catalogue):
    """A 400 names each refused field with its messages, which the app shows beside the field."""
    response = api.post("/api/v1/enrollments/", {"track": "no-such-track", "target_date": "next spring"})
    assert response.status_code == 400
    assert response.json() == VALIDATION_ERROR_BODY


def test_the_not_found_body_is_pinned(api, other):
    """Another user's object and an unknown path are the same JSON 404."""
    theirs = EnrollmentFactory(user=other)
    response = api.get(f"/api/v1/enrollments/{theirs.pk}/")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY
    response = api.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY


def test_the_prerequisites_missing_body_is_pinned(api, plan):
    """A 409 lists the milestones to finish first (active ones only), which the app links to."""
    response = api.patch("/api/v1/progress/cloud-cert/", {"status": "done"})
    assert response.status_code == 409
    assert response.json() == PREREQUISITES_MISSING_BODY


def test_the_not_authenticated_body_is_pinned(anon):
    """Without a token the answer is a 401 in the one error shape, which sends the app to sign-in."""
    response = anon.get("/api/v1/dashboard/")
    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED_BODY


# Added in issue 12: the date earned is refused in the future (400, on its field),
# undoing a prerequisite of something done is a 409 naming it, and a plan whose
# effort does not fit before the target is a 409 with the figures and a date that does.
EARNED_IN_FUTURE_BODY = {
    "code": "invalid",
    "message": "Check the highlighted fields.",
    "fields": {"earned_on": ["The date earned cannot be in the future."]},
    "field_codes": {"earned_on": ["in_future"]},
}
DEPENDANTS_DONE_BODY = {
    "code": "dependants_done",
    "message": "Python basics is a prerequisite of what you have done: An ML course. Undo those first.",
    "dependants": [{"slug": "ml-course", "title": "An ML course"}],
}
PLAN_DOES_NOT_FIT_BODY = {
    "code": "plan_does_not_fit",
    "message": "What is left is about 18 weeks of effort, and your target is 4 weeks away. "
    "A target of 6 July 2026 fits, or skip what is not for you.",
    "effort_weeks": 18,
    "weeks_to_target": 4,
    "date_that_fits": "2026-07-06",
}


def test_the_body_of_a_date_earned_in_the_future_is_pinned(api, plan):
    """A date earned after today (the owner's today) is a 400 on ``earned_on``, and nothing changes."""
    response = api.patch("/api/v1/progress/ml-course/", {"status": "done", "earned_on": "2026-03-03"})
    assert response.status_code == 400
    assert response.json() == EARNED_IN_FUTURE_BODY


def test_the_dependants_done_body_is_pinned(api, plan, owner, catalogue):
    """Undoing a prerequisite of a done milestone is a 409 listing what to undo first, which the app links to."""
    MilestoneProgress.objects.set_status(owner, catalogue["course"], "done")
    response = api.patch("/api/v1/progress/python-basics/", {"status": "in_progress"})
    assert response.status_code == 409
    assert response.json() == DEPENDANTS_DONE_BODY


def test_the_plan_does_not_fit_body_is_pinned(api, plan):
    """18 weeks of effort left and a target 4 weeks away: a 409 with the figures and the first date that fits."""
    assert api.patch(f"/api/v1/enrollments/{plan.pk}/", {"target_date": "2026-04-01"}).status_code == 200
    response = api.post(f"/api/v1/enrollments/{plan.pk}/plan/")
    assert response.status_code == 409
    assert response.json() == PLAN_DOES_NOT_FIT_BODY
