"""Request rate per API key: a token bucket per key (app/ratelimit.py), applied once the key is
known, answering 429 problem details with Retry-After. The clock is injected: no sleeps."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.ratelimit import RateLimiter
from app.settings import Settings

PROBLEM = "application/problem+json"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_may_make_its_burst_then_waits_for_the_next_token():
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=3, clock=clock)  # a token every 10 s
    assert [limiter.take(1) for _ in range(3)] == [None, None, None]
    assert limiter.take(1) == 10
    clock.now += 4
    assert limiter.take(1) == 6  # whole seconds until the token is there
    clock.now += 5.5
    assert limiter.take(1) == 1  # 0.5 s short rounds up, never 0
    clock.now += 0.5
    assert limiter.take(1) is None
    assert limiter.take(1) == 10


def test_the_bucket_refills_up_to_the_burst_and_no_further():
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=5, clock=clock)
    for _ in range(5):
        assert limiter.take(7) is None
    assert limiter.take(7) == 1
    clock.now += 3
    assert [limiter.take(7) for _ in range(4)] == [None, None, None, 1]
    clock.now += 3600  # an idle hour gives back the burst, not 3600 tokens
    assert [limiter.take(7) for _ in range(6)] == [None] * 5 + [1]


def test_a_second_key_has_its_own_bucket():
    limiter = RateLimiter(per_minute=60, burst=2, clock=Clock())
    assert [limiter.take(1) for _ in range(3)] == [None, None, 1]
    assert [limiter.take(2) for _ in range(3)] == [None, None, 1]


def test_zero_per_minute_turns_the_limit_off():
    limiter = RateLimiter(per_minute=0, burst=1, clock=Clock())
    assert not limiter.enabled
    assert all(limiter.take(1) is None for _ in range(10_000))
    assert len(limiter) == 0


def test_memory_is_bounded_idle_full_buckets_are_dropped():
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=10, clock=clock, max_keys=100)
    for key in range(1000):
        limiter.take(key)
    assert len(limiter) == 100  # the least recently used are dropped beyond the bound
    clock.now += 11  # every bucket is full again: the same as no bucket
    limiter.take(5000)
    assert len(limiter) == 1


def test_buckets_are_thread_safe():
    limiter = RateLimiter(per_minute=1, burst=1000, clock=Clock())
    allowed = []

    def worker() -> None:
        allowed.append(sum(limiter.take(1) is None for _ in range(500)))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(allowed) == 1000  # exactly the burst, however the threads interleave


# --- through the API ---------------------------------------------------------------------


@pytest.fixture
def limited(settings, sessions, make_partner):
    """An app whose keys may make 3 requests at once, then one a second (clock injected)."""
    app = create_app(settings.model_copy(update={"rate_limit_per_minute": 60,
                                                 "rate_limit_burst": 3}), sessions=sessions)
    clock = Clock()
    app.state.rate_limiter = RateLimiter(60, 3, clock=clock)
    _, a = make_partner("Northwind", "distributor", ["ZZ:NORTHWIND"])
    _, b = make_partner("Bolt Retail", "distributor", ["ZZ:BOLTRETAIL"])
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, clock, {"Authorization": f"Bearer {a}"}, {"Authorization": f"Bearer {b}"}


def test_the_request_after_the_burst_is_429_with_retry_after(limited):
    client, _, a, _ = limited
    assert [client.get("/v1/orders", headers=a).status_code for _ in range(3)] == [200] * 3
    refused = client.get("/v1/orders", headers=a)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == PROBLEM
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["code"] == "rate-limited"
    assert refused.json()["status"] == 429


def test_the_limit_counts_every_endpoint_of_the_key(limited):
    client, _, a, _ = limited
    client.get("/v1/orders", headers=a)
    client.get("/v1/promises/summary", headers=a)
    client.get("/v1/interchanges/1", headers=a)  # a 404 is a request too
    assert client.get("/v1/sell-through", headers=a).status_code == 429


def test_the_key_may_call_again_once_the_bucket_refilled(limited):
    client, clock, a, _ = limited
    for _ in range(3):
        client.get("/v1/orders", headers=a)
    assert client.get("/v1/orders", headers=a).status_code == 429
    clock.now += 1
    assert client.get("/v1/orders", headers=a).status_code == 200
    assert client.get("/v1/orders", headers=a).status_code == 429
    clock.now += 2.5
    assert [client.get("/v1/orders", headers=a).status_code for _ in range(3)] == [200, 200,
                                                                                  429]


def test_another_key_is_not_slowed_by_a_busy_one(limited):
    client, _, a, b = limited
    for _ in range(5):
        client.get("/v1/orders", headers=a)
    assert [client.get("/v1/orders", headers=b).status_code for _ in range(3)] == [200] * 3


def test_calls_without_a_valid_key_do_not_use_up_anyones_bucket(limited):
    client, _, a, _ = limited
    prefix = a["Authorization"].split("_")[1]
    for _ in range(10):
        assert client.get("/v1/orders").status_code == 401
        bad = {"Authorization": f"Bearer edh_{prefix}_not-the-secret"}  # right prefix, bad key
        assert client.get("/v1/orders", headers=bad).status_code == 401
    assert [client.get("/v1/orders", headers=a).status_code for _ in range(3)] == [200] * 3


def test_health_and_metrics_are_not_limited(limited):
    client, _, a, _ = limited
    for _ in range(3):
        client.get("/v1/orders", headers=a)
    assert all(client.get("/healthz").status_code == 200 for _ in range(10))


def test_the_limit_comes_from_the_settings_and_zero_turns_it_off(settings, sessions,
                                                                 make_partner):
    _, key = make_partner("Northwind", "distributor", ["ZZ:NORTHWIND"])
    auth = {"Authorization": f"Bearer {key}"}
    for per_minute, expected in ((1, [200, 200, 429]), (0, [200] * 30)):
        app = create_app(settings.model_copy(update={"rate_limit_per_minute": per_minute,
                                                     "rate_limit_burst": 2}),
                         sessions=sessions)
        with TestClient(app) as client:
            seen = [client.get("/v1/orders", headers=auth).status_code for _ in expected]
        assert seen == expected, per_minute


def test_settings_read_the_limit_from_the_environment(monkeypatch):
    monkeypatch.setenv("EDIHUB_RATE_LIMIT_PER_MINUTE", "0")
    monkeypatch.setenv("EDIHUB_RATE_LIMIT_BURST", "7")
    settings = Settings()
    assert (settings.rate_limit_per_minute, settings.rate_limit_burst) == (0, 7)


def test_every_route_that_checks_a_key_declares_429_with_retry_after(app):
    schema = app.openapi()
    checked = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "401" not in operation["responses"]:
                assert not path.startswith("/v1/"), (method, path)  # every /v1 route has a key
                continue
            declared = operation["responses"].get("429")
            assert declared is not None, (method, path)
            assert PROBLEM in declared["content"], (method, path)
            assert "Retry-After" in declared["headers"], (method, path)
            checked += 1
    assert checked >= 20
