"""Redis stopped while people update their progress: every write is kept, and the nudges follow once Redis is back.

Real processes: gunicorn serving the API, a private redis-server (cache and
Celery broker) that the test stops and starts again on the same port, a
Celery worker, a local SMTP server. While Redis is down the throttles and the
sign-in limits fail open (api.throttling, accounts.signin_limits), the
answer cache computes (tracker.versions) and the celebration is not enqueued
(nudges.receivers); the database keeps the work, so the scan finds it.
"""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.test import override_settings

from tests.factories import PASSWORD
from tests.nudges.cluster import Cluster, wait_until

from .conftest import start_gunicorn, stop_process
from .http import call

pytestmark = pytest.mark.redis

once = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="runs its own deployment on a SQLite file whatever DATABASE_URL says; once (the SQLite pass) is enough",
)

USERS = 8
WRITERS = 4  # the first four finish their first level during the outage; the others stay idle (stalled)

PEOPLE = """
import json
from rest_framework_simplejwt.tokens import AccessToken
from accounts.models import User
from tracker.models import Enrollment, LadderStep
people = {}
for user in User.objects.filter(email__startswith="due").order_by("email"):
    track = Enrollment.objects.get(user=user).track
    first_level = LadderStep.objects.filter(track=track, level__order=1).order_by("order")
    people[user.email] = {
        "token": str(AccessToken.for_user(user)),
        "slugs": list(first_level.values_list("milestone__slug", flat=True)),
    }
print("PEOPLE", json.dumps(people))
"""


@once
def test_progress_saved_during_a_redis_outage_is_kept_and_nudged_exactly_once(tmp_path, private_redis, smtp_server):
    cluster = Cluster(tmp_path, private_redis.url, smtp_server.port, API_THROTTLE_USER="1000/min")
    cluster.prepare(USERS)
    people = json.loads(cluster.manage("shell", "-c", PEOPLE).split("PEOPLE ", 1)[1])
    emails = sorted(people)
    writers, idle = emails[:WRITERS], emails[WRITERS:]
    server, base = start_gunicorn(cluster.env, tmp_path / "gunicorn.log")
    try:
        assert call("GET", f"{base}/api/v1/ping/", token=people[emails[0]]["token"]).status == 200

        private_redis.stop()

        def finish_first_level(email):
            token = people[email]["token"]
            answers = [
                call("PATCH", f"{base}/api/v1/progress/{slug}/", token=token, data={"status": "done"})
                for slug in people[email]["slugs"]
            ]
            answers.append(call("GET", f"{base}/api/v1/dashboard/", token=token))
            return answers

        with ThreadPoolExecutor(WRITERS) as pool:
            answers = [a for batch in pool.map(finish_first_level, writers) for a in batch]
        assert [a.status for a in answers] == [200] * len(answers), [a.body[:200] for a in answers]
        # The auth/ endpoints' scoped throttle and the lockout fail open too: a wrong
        # password is still refused (401, not 500) and the right one still signs in.
        wrong = call("POST", f"{base}/api/v1/auth/token/", data={"email": writers[0], "password": "nope"})
        right = call("POST", f"{base}/api/v1/auth/token/", data={"email": writers[0], "password": PASSWORD})
        assert (wrong.status, right.status) == (401, 200)

        done = cluster.query(
            "select u.email, count(*) from tracker_milestoneprogress p join accounts_user u on u.id = p.user_id"
            " where p.status = 'done' group by u.email order by u.email"
        )
        events = cluster.query(
            "select u.email, count(*) from tracker_progressevent e join accounts_user u on u.id = e.user_id"
            " where e.to_status = 'done' group by u.email order by u.email"
        )
        assert done == events == [(email, 2) for email in writers]

        private_redis.start()
        assert call("GET", f"{base}/api/v1/ping/", token=people[emails[0]]["token"]).status == 200
        import redis

        client = redis.Redis.from_url(private_redis.url)
        assert client.keys("*throttle_user_*"), "the throttles count again once Redis is back"
        client.close()

        cluster.worker("worker")
        cluster.manage("shell", "-c", "from nudges.tasks import scan_nudges; scan_nudges.delay()")
        smtp_server.wait_for(USERS, timeout=120)
        assert wait_until(
            lambda: cluster.query("select count(*) from tracker_delivery where status = 'sent'")[0][0] == USERS,
            timeout=60,
        )
        # A second scan, by hand beside the worker's, finds everything already sent.
        cluster.manage("send_nudges")
        assert not wait_until(lambda: len(smtp_server.messages) > USERS, timeout=3)
    finally:
        cluster.stop_all()
        stop_process(server)

    assert sorted(m["To"] for m in smtp_server.messages) == emails
    deliveries = cluster.query(
        "select u.email, d.rule, d.channel, d.status from tracker_delivery d join accounts_user u on u.id = d.user_id"
        " order by u.email"
    )
    assert deliveries == [(email, "celebration", "email", "sent") for email in writers] + [
        (email, "stalled", "email", "sent") for email in idle
    ]


def test_web_sign_in_works_while_redis_is_down(client, owner, password, private_redis):
    """allauth's rate limits count in Redis; with it stopped they are skipped, not turned into a 500."""
    import redis

    # The owner's confirmed address (sign-in needs one) comes from the factory.
    caches = {
        "default": {
            "BACKEND": "careerplan.cache.RedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=caches):
        assert client.post("/accounts/login/", {"login": owner.email, "password": "wrong"}).status_code == 200
        assert redis.Redis.from_url(private_redis.url).keys("*allauth:rl:*"), "counted in Redis while it is up"

        private_redis.stop()
        wrong = client.post("/accounts/login/", {"login": owner.email, "password": "wrong"})
        right = client.post("/accounts/login/", {"login": owner.email, "password": password})

    assert wrong.status_code == 200
    assert "email address and password do not match an account" in wrong.content.decode()
    assert (right.status_code, right["Location"]) == (302, "/dashboard/")
