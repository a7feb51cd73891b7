"""Token races and the login lockout against real server processes."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import requests

pytestmark = pytest.mark.redis


def test_sixteen_concurrent_refreshes_of_one_token_give_exactly_one_success(live_api):
    live_api.reset_counters()
    refresh = live_api.sign_up("racer@example.com", "a long passphrase 42")["refresh"]
    barrier = Barrier(16)

    def attempt(n: int) -> int:
        base = live_api.urls[n % 2]  # both processes, eight threads each
        barrier.wait()
        return requests.post(f"{base}/api/v1/auth/token/refresh/", json={"refresh": refresh}, timeout=60).status_code

    with ThreadPoolExecutor(16) as pool:
        codes = sorted(pool.map(attempt, range(16)))
    assert codes == [200] + [401] * 15


def test_failed_logins_over_the_limit_spread_over_two_processes_are_429(live_api):
    live_api.reset_counters()
    live_api.sign_up("target@example.com", "a long passphrase 42")
    try:
        codes = []
        for n in range(6):  # the limit is 5; each process alone sees only three
            response = requests.post(
                f"{live_api.urls[n % 2]}/api/v1/auth/token/",
                json={"email": "target@example.com", "password": f"guess {n}"},
                timeout=30,
            )
            codes.append(response.status_code)
        assert codes == [401] * 5 + [429]
        assert int(response.headers["Retry-After"]) > 0
        assert response.json()["code"] == "throttled"
    finally:
        live_api.reset_counters()
