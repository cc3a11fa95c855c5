"""Webhook delivery against a real HTTP server on 127.0.0.1: signed bodies, every attempt
recorded, retries with growing backoff, giving up after the last attempt, and no database
transaction open while a POST is under way."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from app.jobs.runner import run_job
from app.jobs.scheduler import jobs
from app.security import Caller, Role, split_key
from app.services.alerts import raise_alert
from app.services.partners import register_partner
from app.services.webhooks import deliver_due, list_deliveries, register_webhook
from app.settings import Settings
from app.store import partner as partner_store
from app.store.db import make_engine, make_session_factory, session_scope
from app.store.models import WebhookAttempt, WebhookDelivery
from schemas.alert import WebhookCreate

# The delivery clock's first reading. Alerts are raised at the real time, so it must be
# later than that (a fixed date here turned the tests red once the date had passed).
T0 = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)


class Receiver:
    """A real HTTP server in a thread: answers POSTs with `statuses` in turn (the last one
    repeats) and keeps what it received; `on_request(headers)` runs before answering."""

    def __init__(self, statuses: list[int], on_request=None) -> None:
        self.statuses = list(statuses)
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.on_request = on_request
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.received.append((headers, body))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 \
                    else receiver.statuses[0]
                if receiver.on_request is not None and not receiver.on_request(headers):
                    status = 599
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/edihub"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _caller(session, name: str, role: str) -> Caller:
    registered = register_partner(session, name=name, role=role, identifiers=[])
    key = partner_store.get_api_key(session, split_key(registered.api_key))
    return Caller(partner_id=registered.partner.id, partner_slug=registered.partner.slug,
                  role=Role(key.role), key_id=key.id)


@pytest.fixture
def ops(session) -> Caller:
    caller = _caller(session, "Hub Operations", "ops")
    session.commit()
    return caller


@pytest.fixture
def quick(settings) -> Settings:
    return settings.model_copy(update={"webhook_backoff_base_seconds": 60.0,
                                       "webhook_max_attempts": 3,
                                       "webhook_timeout_seconds": 5.0})


def closed_url() -> str:
    """A URL on a port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/hook"


def subscribe_and_raise(session, caller: Caller, url: str) -> tuple[str, int]:
    """A webhook for every event and one alert: (the webhook's secret, its id)."""
    created = register_webhook(session, caller, WebhookCreate(url=url, events=["*"]))
    raise_alert(session, kind="promise_late", subject="order_line:42", partner_id=None,
                severity="warning", title="Line 42 is late", details={"days_late": 3})
    session.commit()
    return created.secret, created.id


def the_delivery(session) -> WebhookDelivery:
    session.expire_all()
    return session.scalars(select(WebhookDelivery)).one()


def test_a_delivery_is_signed_with_the_secret_over_timestamp_and_body(
        session, sessions, quick, ops):
    with Receiver([204]) as receiver:
        secret, _ = subscribe_and_raise(session, ops, receiver.url)
        report = deliver_due(sessions, quick, clock=Clock(T0))
    assert report == {"delivered": 1, "retry": 0, "failed": 0}
    [(headers, body)] = receiver.received
    delivery = the_delivery(session)
    assert headers["x-edihub-event"] == "alert.promise_late"
    assert headers["x-edihub-delivery"] == str(delivery.id)
    assert headers["x-edihub-timestamp"] == str(int(T0.timestamp()))
    assert headers["content-type"] == "application/json"
    expected = hmac.new(secret.encode(), f"{headers['x-edihub-timestamp']}.".encode() + body,
                        hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-edihub-signature"], f"sha256={expected}")
    wrong = hmac.new(b"another secret", f"{headers['x-edihub-timestamp']}.".encode() + body,
                     hashlib.sha256).hexdigest()
    assert headers["x-edihub-signature"] != f"sha256={wrong}"
    sent = json.loads(body)
    assert sent["event"] == "alert.promise_late"
    assert sent["alert"]["subject"] == "order_line:42"
    assert sent == delivery.payload
    assert (delivery.status, delivery.attempts, delivery.delivered_at) == ("delivered", 1, T0)
    assert delivery.next_attempt_at is None


def test_two_failures_then_success_give_three_attempts_with_growing_backoff(
        session, sessions, quick, ops):
    clock = Clock(T0)
    with Receiver([500, 500, 200]) as receiver:
        _, webhook_id = subscribe_and_raise(session, ops, receiver.url)
        assert deliver_due(sessions, quick, clock=clock)["retry"] == 1
        first_retry = the_delivery(session).next_attempt_at
        assert first_retry == T0 + timedelta(seconds=60)

        clock.now = first_retry - timedelta(seconds=1)  # not due yet: nothing is sent
        assert deliver_due(sessions, quick, clock=clock) == {"delivered": 0, "retry": 0,
                                                             "failed": 0}
        assert len(receiver.received) == 1

        clock.now = first_retry
        assert deliver_due(sessions, quick, clock=clock)["retry"] == 1
        second_retry = the_delivery(session).next_attempt_at
        assert second_retry - first_retry == timedelta(seconds=120)  # the wait doubled

        clock.now = second_retry
        assert deliver_due(sessions, quick, clock=clock)["delivered"] == 1
    delivery = the_delivery(session)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 3, None)
    assert len(receiver.received) == 3
    assert len({h["x-edihub-delivery"] for h, _ in receiver.received}) == 1  # same id
    assert [h["x-edihub-timestamp"] for h, _ in receiver.received] == [
        str(int(t.timestamp())) for t in (T0, first_retry, second_retry)]
    page = list_deliveries(session, ops, webhook_id, cursor=None, limit=10)
    [read] = page.items
    assert [(a.at, a.http_status) for a in read.attempt_log] == [
        (T0, 500), (first_retry, 500), (second_retry, 200)]
    assert [a.error for a in read.attempt_log] == ["HTTP 500", "HTTP 500", None]
    assert all(a.duration_ms >= 0 for a in read.attempt_log)


def test_a_receiver_that_always_fails_ends_failed_after_max_attempts(
        session, sessions, quick, ops):
    clock = Clock(T0)
    waits = []
    with Receiver([503]) as receiver:
        subscribe_and_raise(session, ops, receiver.url)
        outcomes = []
        for _ in range(3):
            before = clock.now
            report = deliver_due(sessions, quick, clock=clock)
            outcomes.append(next(k for k, v in report.items() if v))
            delivery = the_delivery(session)
            if delivery.next_attempt_at is not None:
                waits.append(delivery.next_attempt_at - before)
                clock.now = delivery.next_attempt_at
        clock.now += timedelta(days=30)
        assert deliver_due(sessions, quick, clock=clock) == {"delivered": 0, "retry": 0,
                                                             "failed": 0}
    assert outcomes == ["retry", "retry", "failed"]
    assert waits == [timedelta(seconds=60), timedelta(seconds=120)]
    assert len(receiver.received) == 3
    delivery = the_delivery(session)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 3, None)
    assert delivery.last_error == "HTTP 503"


def test_a_refused_connection_is_an_attempt_with_the_error_and_no_status(
        session, sessions, quick, ops):
    subscribe_and_raise(session, ops, closed_url())
    assert deliver_due(sessions, quick, clock=Clock(T0))["retry"] == 1
    attempt = session.scalars(select(WebhookAttempt)).one()
    assert attempt.http_status is None
    assert "refused" in attempt.error.lower()
    assert the_delivery(session).last_error == attempt.error


def test_a_receiver_that_answers_garbage_is_an_attempt_with_the_error(
        session, sessions, quick, ops):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]

        def answer_garbage():
            conn, _ = listener.accept()
            with conn:
                conn.recv(65536)
                conn.sendall(b"HELLO THERE\r\n\r\n")

        thread = threading.Thread(target=answer_garbage, daemon=True)
        thread.start()
        subscribe_and_raise(session, ops, f"http://127.0.0.1:{port}/hook")
        assert deliver_due(sessions, quick, clock=Clock(T0))["retry"] == 1
        thread.join(5)
    attempt = session.scalars(select(WebhookAttempt)).one()
    assert attempt.http_status is None
    assert "BadStatusLine" in attempt.error
    assert the_delivery(session).attempts == 1


def test_backoff_is_capped(session, sessions, settings, ops):
    capped = settings.model_copy(update={"webhook_backoff_base_seconds": 60.0,
                                         "webhook_backoff_max_seconds": 100.0,
                                         "webhook_max_attempts": 5})
    clock = Clock(T0)
    subscribe_and_raise(session, ops, closed_url())  # every attempt is refused
    waits = []
    for _ in range(3):
        deliver_due(sessions, capped, clock=clock)
        next_at = the_delivery(session).next_attempt_at
        waits.append((next_at - clock.now).total_seconds())
        clock.now = next_at
    assert waits == [60.0, 100.0, 100.0]


def test_the_scheduled_job_holds_no_transaction_during_the_post(fresh_store_url):
    """The receiver writes to the very delivery row being posted, on a connection of its
    own with a short lock wait: it can only succeed if the job holds no transaction (SQLite
    takes its write lock at BEGIN; PostgreSQL would hold the claimed row)."""
    settings = Settings(database_url=fresh_store_url, webhook_timeout_seconds=10.0)
    engine = make_engine(fresh_store_url)
    sessions = make_session_factory(engine)
    if engine.dialect.name == "sqlite":
        probe = create_engine(fresh_store_url, connect_args={"timeout": 1})
    else:
        probe = create_engine(fresh_store_url, connect_args={"options": "-c lock_timeout=1000"})
    writes = []

    def write_while_posting(headers: dict[str, str]) -> bool:
        try:
            with probe.begin() as conn:
                conn.execute(text("UPDATE webhook_deliveries SET last_error = 'seen' "
                                  "WHERE id = :id"), {"id": int(headers["x-edihub-delivery"])})
        except OperationalError as exc:  # a lock held by the job: the receiver answers 599
            writes.append(type(exc).__name__)
            return False
        writes.append("ok")
        return True

    try:
        with Receiver([200], on_request=write_while_posting) as receiver:
            with session_scope(sessions) as session:
                ops = _caller(session, "Hub Operations", "ops")
            with session_scope(sessions) as session:
                subscribe_and_raise(session, ops, receiver.url)
            function, trigger = jobs(settings)["webhooks"]
            assert trigger.interval == timedelta(seconds=settings.webhook_interval_seconds)
            assert run_job(engine, sessions, settings, "webhooks", function) == "ok"
        assert writes == ["ok"]
        with session_scope(sessions) as session:
            delivery = session.scalars(select(WebhookDelivery)).one()
            assert (delivery.status, delivery.attempts) == ("delivered", 1)
    finally:
        probe.dispose()
        engine.dispose()


def test_metrics_count_alerts_by_kind_and_deliveries_by_outcome(
        client, session, sessions, quick, ops):
    with Receiver([500, 200]) as receiver:
        subscribe_and_raise(session, ops, receiver.url)
        clock = Clock(T0)
        deliver_due(sessions, quick, clock=clock)
        clock.now += timedelta(hours=1)
        deliver_due(sessions, quick, clock=clock)
    text_ = client.get("/metrics").text
    assert 'edihub_alerts_raised_total{kind="promise_late"}' in text_
    assert 'edihub_webhook_deliveries_total{outcome="retry"}' in text_
    assert 'edihub_webhook_deliveries_total{outcome="delivered"}' in text_
